/* matmul.c — fast MatMul, Y_t[M][N] = A_t[M][K] B_t[K][N] for t < batch,
 * on the convolution's GEMM kernels (fast.h, one per ISA level).
 *
 * Those multiply packed panels of 16 rows, [panel][k][16], by rows of B
 * read in place, so A — the operand that changes at run time as much as B
 * does — is packed here, in scratch, panel by panel by the task that uses
 * it.  B is read as it is, in column blocks that stay in L2 across the row
 * panels; its last columns (N mod 16 of them, which the kernels would read
 * past the end of B as whole vectors) are copied to a zero-padded strip of
 * 16 first.  Each output is one float sum over k in order, so every thread
 * count gives the same bits. */
#include "fast.h"

#define MM_BLOCK_FLOATS 98304 /* B floats per column block (384 KiB) */
#define MM_TILE_COLS 48       /* columns of the kernels' main tile */

typedef struct {
    const OnnxccMatmulParams *p;
    const FastKernels *kern;
    const float *a, *b; /* this batch's A and B */
    float *y;
    float *packed; /* panels of A */
    const float *tail; /* B's last N % 16 columns, [K][16] */
    size_t block;      /* columns per block, a multiple of 16 */
    int by_rows;       /* tasks split row panels (1) or column blocks (0) */
    int ntasks;
} MatmulJob;

/* Panels p0 .. p1-1 of A into packed: [panel][k][16], rows past M zero. */
static void pack_panels(const MatmulJob *j, size_t p0, size_t p1)
{
    const size_t M = (size_t)j->p->M, K = (size_t)j->p->K;
    for (size_t pn = p0; pn < p1; pn++) {
        float *dst = j->packed + pn * K * FAST_PANEL;
        for (size_t i = 0; i < FAST_PANEL; i++) {
            const size_t r = pn * FAST_PANEL + i;
            if (r >= M) {
                for (size_t k = 0; k < K; k++)
                    dst[k * FAST_PANEL + i] = 0.0f;
                continue;
            }
            const float *src = j->a + r * K;
            for (size_t k = 0; k < K; k++)
                dst[k * FAST_PANEL + i] = src[k];
        }
    }
}

/* Rows r0 .. r1-1 (r0 a multiple of 16) times columns c0 .. c1-1. */
static void multiply(const MatmulJob *j, size_t r0, size_t r1, size_t c0, size_t c1)
{
    const OnnxccMatmulParams *p = j->p;
    const size_t N = (size_t)p->N, K = (size_t)p->K, n16 = N / 16 * 16;
    static const int tap0[1] = {0};
    FastGemm g;
    memset(&g, 0, sizeof g);
    g.a = j->packed + r0 / FAST_PANEL * K * FAST_PANEL;
    g.m = (int)(r1 - r0);
    g.nc = (int)K;
    g.ntaps = 1;
    g.taps = tap0;
    g.frame_w = g.out_w = (int)N;
    g.y = j->y + r0 * N;
    g.ldy = N;
    g.act.kind = ONNXCC_ACT_NONE;
    for (size_t c = c0; c < c1; c += j->block) {
        const size_t end = c + j->block < c1 ? c + j->block : c1;
        g.q0 = c;
        if (c < n16) { /* whole vectors of B, in place */
            const size_t e = end < n16 ? end : n16;
            g.b = j->b + c;
            g.cstride = N;
            g.ncols = (int)(e - c);
            j->kern->gemm(&g);
        }
        if (end > n16) { /* the padded strip */
            g.q0 = n16;
            g.b = j->tail;
            g.cstride = 16;
            g.ncols = (int)(N - n16);
            j->kern->gemm(&g);
        }
    }
}

static void matmul_task(void *ctx, int t)
{
    const MatmulJob *j = ctx;
    const size_t M = (size_t)j->p->M, N = (size_t)j->p->N;
    const size_t panels = (M + FAST_PANEL - 1) / FAST_PANEL;
    size_t lo, hi;
    if (j->by_rows) {
        fast_split(panels, 1, j->ntasks, t, &lo, &hi);
        if (lo == hi)
            return;
        pack_panels(j, lo, hi);
        multiply(j, lo * FAST_PANEL, hi * FAST_PANEL < M ? hi * FAST_PANEL : M, 0, N);
    } else {
        fast_split(N, j->block, j->ntasks, t, &lo, &hi);
        if (lo < hi)
            multiply(j, 0, M, lo, hi);
    }
}

size_t onnxcc_f32_matmul_scratch_size(const OnnxccMatmulParams *p)
{
    const size_t panels = ((size_t)p->M + FAST_PANEL - 1) / FAST_PANEL;
    return panels * FAST_PANEL * (size_t)p->K + 16 * (size_t)p->K;
}

void onnxcc_f32_matmul(const OnnxccMatmulParams *p, const float *a, const float *b, float *y, float *scratch)
{
    const size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K;
    if (M == 0 || N == 0 || p->batch == 0)
        return;
    if (K == 0) {
        memset(y, 0, sizeof(float) * M * N * p->batch);
        return;
    }
    const size_t panels = (M + FAST_PANEL - 1) / FAST_PANEL, n16 = N / 16 * 16;
    MatmulJob j;
    j.p = p;
    j.kern = onnxcc_fast_kernels(onnxcc_rt_isa());
    j.packed = scratch;
    float *tail = scratch + panels * FAST_PANEL * K;
    j.tail = tail;
    /* whole main tiles (48 columns): a block of 64 ran its last 16 on the
     * 1-vector tile, half as fast (197x3072x768: 92 -> 190 GFLOP/s) */
    size_t block = MM_BLOCK_FLOATS / K / MM_TILE_COLS * MM_TILE_COLS;
    j.block = block < 2 * MM_TILE_COLS ? 2 * MM_TILE_COLS : block; /* narrower blocks re-stream A more than they save */
    const int threads = onnxcc_num_threads();
    const double flops = 2.0 * (double)M * (double)N * (double)K;
    j.by_rows = panels >= (size_t)threads;
    size_t units = j.by_rows ? panels : (N + j.block - 1) / j.block;
    if (!j.by_rows && units < (size_t)threads) { /* few rows and columns: narrower blocks */
        j.block = fast_round_up((N + (size_t)threads - 1) / (size_t)threads, 16);
        units = (N + j.block - 1) / j.block;
    }
    j.ntasks = threads <= 1 || flops < 2e6 ? 1 : units < (size_t)threads ? (int)units : threads;
    for (size_t t = 0; t < p->batch; t++) {
        j.a = a + t * p->a_batch_stride;
        j.b = b + t * p->b_batch_stride;
        j.y = y + t * M * N;
        if (n16 < N && (t == 0 || p->b_batch_stride))
            for (size_t k = 0; k < K; k++) {
                size_t c = 0;
                for (; c < N - n16; c++)
                    tail[k * 16 + c] = j.b[k * N + n16 + c];
                for (; c < 16; c++)
                    tail[k * 16 + c] = 0.0f;
            }
        if (!j.by_rows && (t == 0 || p->a_batch_stride))
            pack_panels(&j, 0, panels);
        if (j.ntasks == 1) {
            if (j.by_rows)
                pack_panels(&j, 0, panels);
            multiply(&j, 0, M, 0, N);
        } else {
            onnxcc_fast_parallel(j.ntasks, matmul_task, &j);
        }
    }
}
