/* gemm.c — fast ONNX Gemm, Y = alpha * op(A) op(B) + beta * C, with float
 * accumulation, in plain C that gcc/clang -O2 vectorise.
 *
 * Two loop nests, picked by how op(B) is stored, so that hot loops read
 * memory along rows:
 *  - dot form (B is [N][K]: trans_b, or N = 1; DenseNet's classifier):
 *    Y[i][j] is the dot product of op(A) row i and B row j, both contiguous
 *    in k.  dot4 runs four of them at once with 8 lanes each (32 independent
 *    sums, in vectors of 4 floats), over the (i, j) pairs of a block of up
 *    to 4 rows, so each B row streams from memory once per 4 rows of A.
 *    With one row of A (batch 1) dot1 takes the B rows one after another
 *    with 32 lanes each instead: B, read once and cold (the classifiers'
 *    4-8 MB of weights), then streams from memory in one sequential run,
 *    twice as fast as four interleaved rows (1000 x 1280: 0.40 -> 0.20 ms).
 *    op(A) rows are packed in k-chunks when trans_a leaves them strided.
 *    On AVX2 / AVX-512, up to GEMV_MAX_M contiguous rows of op(A) take the
 *    kernel of gemv_rows.h instead (B rows one after another, each against
 *    every row of A, 4 vector accumulators per pair): 9216 x 4096 at batch
 *    1 (AlexNet) 9.4 -> 19.7 GB/s, near one core's streaming bandwidth.
 *  - axpy form (B is [K][N]): a register tile of up to 4 x 8 outputs
 *    accumulates op(A)[i][k] * B[k][j..j+7] over k, reading 8 consecutive
 *    floats of a B row per step.
 * Every output element is written once, by store_block, right after reading
 * its C element, so y may alias a dense c. */
#include "fast.h"
#include "gemv.h"

#include <string.h>

/* gcc keeps a tile's accumulators in registers only if the loop over its
 * rows is unrolled, which it does not do by itself at -O2 (clang does). */
#if defined(__GNUC__) && !defined(__clang__)
#define UNROLL _Pragma("GCC unroll 4")
#else
#define UNROLL
#endif

/* The tile functions are instantiated per row count by inlining them with
 * a constant argument. */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

#define MR 4   /* rows of op(A) per block */
#define NR 8   /* columns of an axpy-form tile */
#define NB 64  /* columns per dot-form block */
#define KC 256 /* k per chunk of packed op(A) rows */
#define GEMV_MAX_M 15 /* rows of op(A) up to which the ISA's gemv.h kernel runs */

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Y[i0 + r][j0 + q] = alpha*acc[r*ld + q] + beta*C(i0 + r, j0 + q) for
 * r < mr, q < nc. */
static void store_block(const OnnxccGemmParams *p, const float *acc, size_t ld, size_t i0,
                        size_t mr, size_t j0, size_t nc, const float *c, float *y)
{
    for (size_t r = 0; r < mr; r++) {
        const size_t i = i0 + r;
        float *yr = y + i * (size_t)p->N + j0;
        for (size_t q = 0; q < nc; q++) {
            float v = p->alpha * acc[r * ld + q];
            if (c)
                v += p->beta * c[i * p->c_row_stride + (j0 + q) * p->c_col_stride];
            yr[q] = v;
        }
    }
}

/* ---- dot form --------------------------------------------------------- */

/* Four floats as one vector (GCC/clang vector extensions), loaded from any
 * float address: the dot form's lanes, written out so that the compiler
 * does not vectorise across the four sums instead (it did, with shuffles). */
typedef float V4 __attribute__((vector_size(16)));
typedef float V4U __attribute__((vector_size(16), aligned(4)));
#define LD4(p) (*(const V4U *)(p))

/* out[t] = sum over k < n of a[t][k] * b[t][k], t < 4: per t, 8 lanes
 * (two vectors) of partial sums over k, added up in a fixed order. */
static void dot4(const float *const a[4], const float *const b[4], size_t n, float out[4])
{
    V4 acc[4][2];
    memset(acc, 0, sizeof acc);
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        UNROLL for (int t = 0; t < 4; t++) {
            acc[t][0] += LD4(a[t] + k) * LD4(b[t] + k);
            acc[t][1] += LD4(a[t] + k + 4) * LD4(b[t] + k + 4);
        }
    for (int t = 0; t < 4; t++) {
        const V4 lo = acc[t][0], hi = acc[t][1];
        float sum = ((lo[0] + hi[0]) + (lo[1] + hi[1])) + ((lo[2] + hi[2]) + (lo[3] + hi[3]));
        for (size_t i = k; i < n; i++)
            sum += a[t][i] * b[t][i];
        out[t] = sum;
    }
}

/* a . b over n values: 32 lanes (eight vectors of 4 floats) of partial
 * sums over k, added up in a fixed order. */
static float dot1(const float *a, const float *b, size_t n)
{
    V4 c0 = {0, 0, 0, 0}, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    size_t k = 0;
    for (; k + 32 <= n; k += 32) {
        c0 += LD4(a + k) * LD4(b + k);
        c1 += LD4(a + k + 4) * LD4(b + k + 4);
        c2 += LD4(a + k + 8) * LD4(b + k + 8);
        c3 += LD4(a + k + 12) * LD4(b + k + 12);
        c4 += LD4(a + k + 16) * LD4(b + k + 16);
        c5 += LD4(a + k + 20) * LD4(b + k + 20);
        c6 += LD4(a + k + 24) * LD4(b + k + 24);
        c7 += LD4(a + k + 28) * LD4(b + k + 28);
    }
    const V4 s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7));
    float sum = (s[0] + s[1]) + (s[2] + s[3]);
    for (; k < n; k++)
        sum += a[k] * b[k];
    return sum;
}

/* acc[r][q] += rows[r] . (B row q) over kn values, r < mr, q < nb.  The
 * pairs (r, q), r fastest, go through dot4 four at a time (the last group
 * padded with repeats of the last pair), so a B row is used by every row
 * of the block while it is in cache. */
static void dot_block(const float *const rows[MR], size_t mr, const float *b, size_t ldb,
                      size_t nb, size_t kn, float acc[MR][NB])
{
    if (mr == 1) {
        for (size_t q = 0; q < nb; q++)
            acc[0][q] += dot1(rows[0], b + q * ldb, kn);
        return;
    }
    const size_t np = mr * nb;
    for (size_t p0 = 0; p0 < np; p0 += 4) {
        const float *pa[4], *pb[4];
        float out[4];
        for (size_t t = 0; t < 4; t++) {
            const size_t q = min_size(p0 + t, np - 1);
            pa[t] = rows[q % mr];
            pb[t] = b + (q / mr) * ldb;
        }
        dot4(pa, pb, kn, out);
        for (size_t t = 0; t < 4 && p0 + t < np; t++)
            acc[(p0 + t) % mr][(p0 + t) / mr] += out[t];
    }
}

/* op(B)[k][j] = b[j*K + k]: trans_b, or N == 1 (a column is contiguous). */
static void gemm_dot(const OnnxccGemmParams *p, const float *a, const float *b, const float *c,
                     float *y, size_t jlo, size_t jhi)
{
    const size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K;
    /* op(A) row i is contiguous unless trans_a (with M == 1 it still is) */
    const int pack = p->trans_a && M > 1;
    const size_t kc = pack ? KC : K;
    float packed[MR][KC];

    for (size_t i0 = 0; i0 < M; i0 += MR) {
        const size_t mr = min_size(MR, M - i0);
        for (size_t j0 = jlo; j0 < jhi; j0 += NB) {
            const size_t nb = min_size(NB, N - j0);
            float acc[MR][NB];
            memset(acc, 0, sizeof acc);
            for (size_t k0 = 0; k0 < K; k0 += kc) {
                const size_t kn = min_size(kc, K - k0);
                const float *rows[MR];
                for (size_t r = 0; r < mr; r++) {
                    if (pack) {
                        for (size_t k = 0; k < kn; k++)
                            packed[r][k] = a[(k0 + k) * M + i0 + r];
                        rows[r] = packed[r];
                    } else {
                        rows[r] = a + (i0 + r) * K + k0;
                    }
                }
                dot_block(rows, mr, b + j0 * K + k0, K, nb, kn, acc);
            }
            store_block(p, &acc[0][0], NB, i0, mr, j0, nb, c, y);
        }
    }
}

/* ---- axpy form -------------------------------------------------------- */

/* acc[r][l] = sum over k < K of ar[r][k*ak] * B[k][l], r < mr, l < NR; B row
 * k at b + k*ldb with nc <= NR columns (a short last tile reads them through
 * a zero-padded copy). */
ALWAYS_INLINE void axpy_tile(int mr, const float *const ar[MR], size_t ak, const float *b,
                             size_t ldb, size_t K, size_t nc, float acc[MR][NR])
{
    float t[MR][NR] = {{0.0f}};
    for (size_t k = 0; k < K; k++) {
        const float *bk = b + k * ldb;
        float padded[NR];
        if (nc < NR) {
            for (size_t l = 0; l < NR; l++)
                padded[l] = l < nc ? bk[l] : 0.0f;
            bk = padded;
        }
        UNROLL for (int r = 0; r < mr; r++) {
            const float s = ar[r][k * ak];
            for (int l = 0; l < NR; l++)
                t[r][l] += s * bk[l];
        }
    }
    memcpy(acc, t, sizeof t);
}

/* op(B)[k][j] = b[k*N + j] */
static void gemm_axpy(const OnnxccGemmParams *p, const float *a, const float *b,
                      const float *c, float *y, size_t jlo, size_t jhi)
{
    const size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K;
    /* op(A)[i][k] = a[i*ai + k*ak] */
    const size_t ai = p->trans_a ? 1 : K, ak = p->trans_a ? M : 1;

    for (size_t i0 = 0; i0 < M; i0 += MR) {
        const size_t mr = min_size(MR, M - i0);
        const float *rows[MR];
        for (size_t r = 0; r < mr; r++)
            rows[r] = a + (i0 + r) * ai;
        for (size_t j0 = jlo; j0 < jhi; j0 += NR) {
            const size_t nc = min_size(NR, N - j0);
            float acc[MR][NR];
            switch (mr) {
            case 1:
                axpy_tile(1, rows, ak, b + j0, N, K, nc, acc);
                break;
            case 2:
                axpy_tile(2, rows, ak, b + j0, N, K, nc, acc);
                break;
            case 3:
                axpy_tile(3, rows, ak, b + j0, N, K, nc, acc);
                break;
            default:
                axpy_tile(4, rows, ak, b + j0, N, K, nc, acc);
                break;
            }
            store_block(p, &acc[0][0], NR, i0, mr, j0, nc, c, y);
        }
    }
}

/* Threads split the columns of Y in whole blocks: each output element is
 * still computed by one thread in the same order. */
typedef struct GemmJob {
    const OnnxccGemmParams *p;
    const float *a, *b, *c;
    float *y;
    int dot, ntasks;
    size_t unit;
    FastGemvFn gemv; /* the small-M dot form of the CPU's ISA level, or NULL */
} GemmJob;

/* Columns lo .. hi-1 by j->gemv, NB at a time through acc. */
static void gemm_gemv(const GemmJob *j, size_t lo, size_t hi)
{
    const OnnxccGemmParams *p = j->p;
    const FastGemv g = {j->a, (size_t)p->K, p->M, j->b, (size_t)p->K};
    float acc[GEMV_MAX_M * NB];
    for (size_t j0 = lo; j0 < hi; j0 += NB) {
        const size_t nb = min_size(NB, hi - j0);
        j->gemv(&g, j0, j0 + nb, acc, NB);
        store_block(p, acc, NB, 0, (size_t)p->M, j0, nb, j->c, j->y);
    }
}

static void gemm_task(void *ctx, int t)
{
    const GemmJob *j = ctx;
    size_t lo, hi;
    fast_split((size_t)j->p->N, j->unit, j->ntasks, t, &lo, &hi);
    if (lo == hi)
        return;
    if (j->gemv)
        gemm_gemv(j, lo, hi);
    else if (j->dot)
        gemm_dot(j->p, j->a, j->b, j->c, j->y, lo, hi);
    else
        gemm_axpy(j->p, j->a, j->b, j->c, j->y, lo, hi);
}

#define GEMM_TASK_MACS 65536  /* multiply-adds per task at least */
#define GEMV_TASK_MACS 262144 /* the same for the small-M dot form */

void onnxcc_f32_gemm(const OnnxccGemmParams *p, const float *a, const float *b, const float *c,
                     float *y)
{
    GemmJob j = {p, a, b, c, y, p->trans_b || p->N == 1, 1, 0, NULL};
    const size_t macs = (size_t)p->M * (size_t)p->N * (size_t)p->K;
#ifdef ONNXCC_RT_X86_64
    /* op(A) rows contiguous (no trans_a unless one row) */
    if (j.dot && p->M <= GEMV_MAX_M && (!p->trans_a || p->M == 1)) {
        const int isa = onnxcc_rt_isa_capped(p->isa_cap);
        if (isa == ONNXCC_ISA_AVX512)
            j.gemv = onnxcc_f32_gemv_avx512;
        else if (isa == ONNXCC_ISA_AVX2)
            j.gemv = onnxcc_f32_gemv_avx2;
    }
#endif
    if (j.gemv) {
        /* one contiguous range of B rows per thread: B streams in order */
        j.unit = 16;
        j.ntasks = fast_tasks(macs, GEMV_TASK_MACS, ((size_t)p->N + 15) / 16);
        onnxcc_fast_parallel(j.ntasks, gemm_task, &j);
        return;
    }
    j.unit = j.dot ? NB : NR;
    const size_t blocks = ((size_t)p->N + j.unit - 1) / j.unit;
    size_t tasks = macs / GEMM_TASK_MACS;
    tasks = tasks < blocks ? tasks : blocks;
    const size_t cap = 4 * (size_t)onnxcc_num_threads();
    j.ntasks = tasks < 1 ? 1 : tasks > cap ? (int)cap : (int)tasks;
    onnxcc_fast_parallel(j.ntasks, gemm_task, &j);
}
