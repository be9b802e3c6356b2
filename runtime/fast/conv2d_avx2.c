/* conv2d_avx2.c — AVX2+FMA kernels of the fast conv2d (compiled with
 * -mavx2 -mfma; called only when the CPU has both): the GEMM, the B fills
 * and the Winograd transforms of fast.h, 8 lanes wide.
 *
 * GEMM main tile: 4 output channels x 24 columns (3 ymm across pixels), 12
 * accumulators, which with 3 B vectors and a broadcast fills the 16 ymm
 * registers; partial tiles use 1-2 ymm and store through a buffer.  Columns
 * left over past the last multiple of 8 that would fill half a ymm or less
 * run on a transposed tile, 32 channels (2 panels) x up to 2 columns, that
 * vectorises over output channels; GEMMs of at most 64 columns (7x7 maps)
 * run on a tile of 16 channels x 6 columns in that orientation (otile). */
#include <immintrin.h>

#include "fast.h"
#include "vec_avx2.h"
#include "add2.h"
#include "wino_u.h"
#include "matmul_pack.h"

#define MR 4       /* main tile rows (output channels) */
#define NV 3       /* main tile ymm columns */
#define CV 4       /* transposed tile: ymm of channels (2 panels) */
#define CJ 2       /* transposed tile: columns */
#define LEFT_MAX 4 /* leftover columns that go to the transposed tile */

#define INLINE static inline __attribute__((always_inline))

/* One step of K: B row bt (nv vectors) times the MR weights at a. */
INLINE void tile_k(__m256 acc[MR][NV], const float *a, const float *bt, int nv)
{
    __m256 bv[NV];
    FAST_UNROLL
    for (int v = 0; v < nv; v++)
        bv[v] = _mm256_loadu_ps(bt + 8 * v);
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        const __m256 ar = _mm256_broadcast_ss(a + r);
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm256_fmadd_ps(ar, bv[v], acc[r][v]);
    }
}

/* Rows r0 .. r0+rows-1 (rows <= MR), columns j0 .. j0+n-1, nv = ceil(n/8). */
INLINE void tile(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int nv)
{
    __m256 acc[MR][NV];
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm256_setzero_ps();
    }
    const float *b = g->b + j0;
    for (int c = 0; c < g->nc; c++) {
        const float *bc = b + (size_t)c * g->cstride;
        for (int t = 0; t < g->ntaps; t++, a += FAST_PANEL) {
            const float *bt = bc + g->taps[t];
            tile_k(acc, a, bt, nv);
        }
    }
    const size_t q = g->q0 + (size_t)j0;
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        if (r >= rows)
            continue;
        const __m256 bias = _mm256_set1_ps(g->bias ? g->bias[r0 + r] : 0.0f);
        float *yr = g->y + (size_t)(r0 + r) * g->ldy;
        const float *rr = g->res ? g->res + (size_t)(r0 + r) * g->ldy : NULL;
        float buf[8 * NV];
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm256_add_ps(acc[r][v], bias);
        if (g->frame_w == g->out_w && n == 8 * nv) {
            FAST_UNROLL
            for (int v = 0; v < nv; v++) {
                if (rr)
                    acc[r][v] = _mm256_add_ps(acc[r][v], _mm256_loadu_ps(rr + q + 8 * v));
                _mm256_storeu_ps(yr + q + 8 * v, act_ps(&g->act, acc[r][v]));
            }
        } else {
            FAST_UNROLL
            for (int v = 0; v < nv; v++)
                _mm256_storeu_ps(buf + 8 * v, rr ? acc[r][v] : act_ps(&g->act, acc[r][v]));
            fast_store_frame(g, buf, q, n, yr, rr);
        }
    }
}

static void tile3(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    tile(g, a, r0, rows, j0, n, 3);
}
static void tile2(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    tile(g, a, r0, rows, j0, n, 2);
}
static void tile1(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    tile(g, a, r0, rows, j0, n, 1);
}

/* ---- K in blocks (one tap, every column stored) ----------------------
 *
 * A 4 x 24 tile over all of K reads, every step, a line of weights and a
 * line and a half of B, both from L2 once K passes about 128: the weights'
 * rows of a tile span K lines, its B strip 96 K bytes, and L1 holds 32 KB.
 * On a Zen 2 (AVX2, 32 B a cycle from L2) that bound DenseNet's 1x1 layers
 * to 54-63% of the FMA peak.  In blocks of KC input channels, one B strip
 * (24 x KC) stays in L1 while every tile of the layer's rows passes over
 * it, and one panel's block of weights (16 x KC) serves its four tiles:
 * the tiles keep their sums in y between blocks (the same additions in the
 * same order, so the results do not change), and the last block adds the
 * bias and residual and applies the activation. */
#define KC 256 /* 64 / 128 / 256 / 384: 66-70 / 74-77 / 79-82 / 81-84% of
                  * the peak on DenseNet's 1x1 at 56x56 and 28x28, Zen 2 */
/* On maps of at most KC_SMALL_COLS pixels (7x7) the strips span whole B
 * rows and the tiles of one block are few: blocks of KC_SMALL channels
 * there.  Zen 2, one thread, the 7x7 1x1 layers of DenseNet, ResNet-50 and
 * MobileNetV2: 51-62% of the peak at 256, 54-62% at 128, 58-75% at 64,
 * 53-67% at 32; maps from 14x14 lose 3-8 points at 64. */
#define KC_SMALL 64
#define KC_SMALL_COLS 64
#define PF_MIN_K 32 /* K from which a tile prefetches its output and residual lines */

/* Lanes of the first n (0 < n <= 8) columns, for maskload / maskstore. */
INLINE __m256i lanes(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Rows r0 .. r0+rows-1, columns j0 .. j0+n-1 (nv = ceil(n/8)), input
 * channels c0 .. c0+kc-1: a starts at channel c0 of row r0.  into: y holds
 * sums to go on from (the residual is y itself, MatMul's later chunks of
 * k), read by the first block too, and not added again. */
INLINE void tile_kb(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int nv, int c0, int kc,
                    int into)
{
    const int first = c0 == 0 && !into, last = c0 + kc == g->nc, part = n < 8 * nv;
    const __m256i tail = lanes(n - 8 * (nv - 1));
    const size_t q = g->q0 + (size_t)j0;
    __m256 acc[MR][NV];
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        const float *yr = g->y + (size_t)(r0 + (r < rows ? r : 0)) * g->ldy + q;
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = first ? _mm256_setzero_ps()
                        : v == nv - 1 && part ? _mm256_maskload_ps(yr + 8 * v, tail)
                                      : _mm256_loadu_ps(yr + 8 * v);
    }
    /* The last block's output and residual lines, requested now so that
     * they arrive while the tile multiplies: in a model they are in no
     * cache (ResNet-50's residuals were written a block of layers before),
     * and each row of the strip is a stream of its own, too many for the
     * hardware's prefetchers. */
    if (last && nv == NV && kc >= PF_MIN_K) {
        FAST_UNROLL
        for (int r = 0; r < MR; r++) {
            if (r >= rows)
                continue;
            const size_t at = (size_t)(r0 + r) * g->ldy + q;
            static const int line_at[3] = {0, 11, 8 * NV - 1}; /* the 24 floats span at most 3 lines: these hit each */
            FAST_UNROLL
            for (int i = 0; i < 3; i++) {
                _mm_prefetch((const char *)(g->y + at + line_at[i]), _MM_HINT_T0);
                if (g->res && !into)
                    _mm_prefetch((const char *)(g->res + at + line_at[i]), _MM_HINT_T0);
            }
        }
    }
    const float *bt = g->b + (size_t)c0 * g->cstride + j0;
    for (int c = 0; c < kc; c++, a += FAST_PANEL, bt += g->cstride)
        tile_k(acc, a, bt, nv);
    /* locals: the stores below could alias *g as far as the compiler knows */
    const OnnxccAct act = g->act;
    float *const y = g->y;
    const float *const res = into ? NULL : g->res, *const bias_of = g->bias;
    const size_t ldy = g->ldy;
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        if (r >= rows)
            continue;
        float *yr = y + (size_t)(r0 + r) * ldy + q;
        const float *rr = res ? res + (size_t)(r0 + r) * ldy + q : NULL;
        const __m256 bias = _mm256_set1_ps(bias_of ? bias_of[r0 + r] : 0.0f);
        FAST_UNROLL
        for (int v = 0; v < nv; v++) {
            __m256 o = acc[r][v];
            const __m256i m = v == nv - 1 ? tail : _mm256_set1_epi32(-1);
            if (last) {
                o = _mm256_add_ps(o, bias);
                if (rr)
                    o = _mm256_add_ps(o, part ? _mm256_maskload_ps(rr + 8 * v, m) : _mm256_loadu_ps(rr + 8 * v));
                o = act_ps(&act, o);
            }
            if (v == nv - 1 && part) /* vmaskmovps stores are slow on Zen 2 */
                _mm256_maskstore_ps(yr + 8 * v, m, o);
            else
                _mm256_storeu_ps(yr + 8 * v, o);
        }
    }
}

static void tile3_kb(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int c0, int kc,
                     int into)
{
    tile_kb(g, a, r0, rows, j0, n, 3, c0, kc, into);
}
static void tile2_kb(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int c0, int kc,
                     int into)
{
    tile_kb(g, a, r0, rows, j0, n, 2, c0, kc, into);
}
static void tile1_kb(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int c0, int kc,
                     int into)
{
    tile_kb(g, a, r0, rows, j0, n, 1, c0, kc, into);
}

/* Whether the main tiles run strip by strip with K in blocks: one tap,
 * every column stored, and no residual (read by the last block) that
 * overlaps y (where the earlier blocks keep their sums), unless the
 * residual is y itself and the caller takes the sums from y on (into). */
static int k_blocks(const FastGemm *g, int main_cols, int into)
{
    if (g->ntaps != 1 || g->frame_w != g->out_w || !main_cols)
        return 0;
    if (!g->res || (into && g->res == g->y))
        return 1;
    const float *y0 = g->y + g->q0, *y1 = g->y + (size_t)(g->m - 1) * g->ldy + g->q0 + (size_t)main_cols;
    const float *r0 = g->res + g->q0, *r1 = g->res + (size_t)(g->m - 1) * g->ldy + g->q0 + (size_t)main_cols;
    return r1 <= y0 || y1 <= r0;
}

/* Where output channel m0 of column q (of the frame) lies in y, or
 * SIZE_MAX for a frame column past the output's width. */
static size_t column_at(const FastGemm *g, int m0, size_t q)
{
    const size_t col = q % (size_t)g->frame_w;
    if (col >= (size_t)g->out_w)
        return (size_t)-1;
    return (size_t)m0 * g->ldy + q / (size_t)g->frame_w * (size_t)g->out_w + col;
}

/* Transposed tile: the nv <= CV vectors of 8 channels from panel p0
 * (channels 16*p0 .. 16*p0 + 8*nv - 1, clipped to m), columns j0 ..
 * j0+nj-1, input channels c0 .. c0+cn-1 (all of them, or one block of
 * main_tiles_kb's: the sums of the blocks before are in y, and with into
 * y's own values come first, as in tile_kb). */
INLINE void ttile(const FastGemm *g, int p0, int nv, int j0, int nj, int c0, int cn, int into)
{
    const size_t psize = (size_t)g->nc * (size_t)g->ntaps * FAST_PANEL;
    const int first = c0 == 0 && !into, last = c0 + cn == g->nc;
    const float *ap[CV];
    __m256 acc[CV][CJ];
    FAST_UNROLL
    for (int i = 0; i < nv; i++) {
        ap[i] = g->a + (size_t)(p0 + i / 2) * psize + 8 * (i % 2);
        const int m0 = 16 * p0 + 8 * i, rows = g->m - m0 < 8 ? g->m - m0 : 8;
        FAST_UNROLL
        for (int j = 0; j < nj; j++) {
            acc[i][j] = _mm256_setzero_ps();
            const size_t at = first ? (size_t)-1 : column_at(g, m0, g->q0 + (size_t)(j0 + j));
            if (at != (size_t)-1) {
                float buf[8] = {0};
                for (int r = 0; r < rows; r++)
                    buf[r] = g->y[at + (size_t)r * g->ldy];
                acc[i][j] = _mm256_loadu_ps(buf);
            }
        }
    }
    const float *b = g->b + j0;
    size_t k = (size_t)c0 * (size_t)g->ntaps * FAST_PANEL;
    for (int c = c0; c < c0 + cn; c++) {
        const float *bc = b + (size_t)c * g->cstride;
        for (int t = 0; t < g->ntaps; t++, k += FAST_PANEL) {
            const float *bt = bc + g->taps[t];
            __m256 w[CV];
            FAST_UNROLL
            for (int i = 0; i < nv; i++)
                w[i] = _mm256_loadu_ps(ap[i] + k);
            FAST_UNROLL
            for (int j = 0; j < nj; j++) {
                const __m256 bj = _mm256_broadcast_ss(bt + j);
                FAST_UNROLL
                for (int i = 0; i < nv; i++)
                    acc[i][j] = _mm256_fmadd_ps(w[i], bj, acc[i][j]);
            }
        }
    }
    FAST_UNROLL
    for (int i = 0; i < nv; i++) {
        const int m0 = 16 * p0 + 8 * i, rows = g->m - m0 < 8 ? g->m - m0 : 8;
        float bias[8] = {0};
        if (g->bias)
            memcpy(bias, g->bias + m0, sizeof(float) * (size_t)rows);
        FAST_UNROLL
        for (int j = 0; j < nj; j++) {
            const size_t at = column_at(g, m0, g->q0 + (size_t)(j0 + j));
            if (at == (size_t)-1)
                continue;
            float buf[8];
            if (!last) { /* sums so far */
                _mm256_storeu_ps(buf, acc[i][j]);
                for (int r = 0; r < rows; r++)
                    g->y[at + (size_t)r * g->ldy] = buf[r];
                continue;
            }
            const __m256 v = _mm256_add_ps(acc[i][j], _mm256_loadu_ps(bias));
            const int res = g->res && !into;
            _mm256_storeu_ps(buf, res ? v : act_ps(&g->act, v));
            if (res)
                fast_store_column(g, buf, at, rows);
            else
                for (int r = 0; r < rows; r++)
                    g->y[at + (size_t)r * g->ldy] = buf[r];
        }
    }
}

/* One instance per vector and column count (constant loop bounds). */
static void ttile_cols(const FastGemm *g, int p0, int j0, int nj, int c0, int cn, int into)
{
    const int left = (g->m - 16 * p0 + 7) / 8, nv = left < CV ? left : CV;
    switch (nv * 2 + (nj == 2)) {
    case 2:
        ttile(g, p0, 1, j0, 1, c0, cn, into);
        break;
    case 3:
        ttile(g, p0, 1, j0, 2, c0, cn, into);
        break;
    case 4:
        ttile(g, p0, 2, j0, 1, c0, cn, into);
        break;
    case 5:
        ttile(g, p0, 2, j0, 2, c0, cn, into);
        break;
    case 6:
        ttile(g, p0, 3, j0, 1, c0, cn, into);
        break;
    case 7:
        ttile(g, p0, 3, j0, 2, c0, cn, into);
        break;
    case 8:
        ttile(g, p0, 4, j0, 1, c0, cn, into);
        break;
    default:
        ttile(g, p0, 4, j0, 2, c0, cn, into);
    }
}

/* All leftover columns (from j0) of the CV / 2 panels from p0, input
 * channels c0 .. c0+cn-1. */
static void ttile_left(const FastGemm *g, int p0, int j0, int c0, int cn, int into)
{
    for (; j0 < g->ncols; j0 += CJ)
        ttile_cols(g, p0, j0, g->ncols - j0 < CJ ? g->ncols - j0 : CJ, c0, cn, into);
}

/* ---- Small maps: tiles over output channels ------------------------
 *
 * On maps of at most OT_COLS columns (7x7) the 4 x 24 tile has at most two
 * strips and a leftover column, and its weights, the big operand there
 * (ResNet-50's 2048 -> 512: 4 MB for 49 columns), pass through the caches
 * once per strip and again for the leftover column.  This tile turns the
 * product around: one panel's 16 output channels (two vectors of its
 * packed weights, read in order) times OT_J columns (a broadcast each from
 * B's row), 12 accumulators.  Blocks of OT_KC input channels: a panel's
 * block of weights (16 KB) stays in L1 while every group of columns passes
 * over it, and the block of B in L2 while OT_PANELS panels pass; the sums
 * between blocks wait on the stack, and the last block transposes them
 * into rows for the epilogue.  Each output's sum runs over k in order, as
 * in the other tiles: the same bits.  One thread, weights from memory, Zen
 * 2, A/B medians: ResNet-50's 512 -> 2048 and 2048 -> 512 at 7x7 1.52 ->
 * 1.42 ms, 2048 -> 2048 5.90 -> 5.65, MobileNetV2's 320 -> 1280 0.60 ->
 * 0.57, DenseNet's 7x7 layers 0-8% (with K in one block and no prefetch:
 * 0-10%, some 3-5% slower; 32 channels x 3 columns: up to 38% slower). */
#define OT_COLS 64 /* columns up to which a one-tap GEMM runs on this tile */
#define OT_J 6     /* columns per tile */

/* 8 x 8 transpose: v[i] lane j -> v[j] lane i. */
INLINE void transpose8(__m256 v[8])
{
    const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]), t5 = _mm256_unpackhi_ps(v[4], v[5]);
    const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]), t7 = _mm256_unpackhi_ps(v[6], v[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
    v[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    v[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    v[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    v[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    v[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    v[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    v[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    v[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/* Panel p (output channels 16p ..), columns j0 .. j0+nj-1 (nj <= OT_J),
 * input channels c0 .. c0+kc-1; sums: the tile's sums over the blocks
 * before (read unless c0 is 0; written unless the block is the last). */
INLINE void otile(const FastGemm *g, int p, int j0, int nj, int c0, int kc, float *sums, const float *pf)
{
    const float *a = g->a + (size_t)p * (size_t)g->nc * FAST_PANEL + (size_t)c0 * FAST_PANEL;
    const float *bt = g->b + g->taps[0] + (size_t)c0 * g->cstride + j0;
    __m256 acc[2][OT_J];
    FAST_UNROLL
    for (int j = 0; j < OT_J; j++) {
        acc[0][j] = c0 ? _mm256_load_ps(sums + 16 * j) : _mm256_setzero_ps();
        acc[1][j] = c0 ? _mm256_load_ps(sums + 16 * j + 8) : _mm256_setzero_ps();
    }
#define OT_STEP                                                                                              \
    do {                                                                                                     \
        const __m256 w0 = _mm256_loadu_ps(a), w1 = _mm256_loadu_ps(a + 8);                                   \
        FAST_UNROLL                                                                                          \
        for (int j = 0; j < nj; j++) {                                                                       \
            const __m256 bj = _mm256_broadcast_ss(bt + j);                                                   \
            acc[0][j] = _mm256_fmadd_ps(w0, bj, acc[0][j]);                                                  \
            acc[1][j] = _mm256_fmadd_ps(w1, bj, acc[1][j]);                                                  \
        }                                                                                                    \
    } while (0)
    int c = 0;
    if (pf)
        for (; c < kc; c++, a += FAST_PANEL, bt += g->cstride, pf += FAST_PANEL) {
            _mm_prefetch((const char *)pf, _MM_HINT_T0);
            OT_STEP;
        }
    for (; c < kc; c++, a += FAST_PANEL, bt += g->cstride)
        OT_STEP;
#undef OT_STEP
    if (c0 + kc < g->nc) {
        FAST_UNROLL
        for (int j = 0; j < OT_J; j++) {
            _mm256_store_ps(sums + 16 * j, acc[0][j]);
            _mm256_store_ps(sums + 16 * j + 8, acc[1][j]);
        }
        return;
    }
    const size_t q = g->q0 + (size_t)j0;
    FAST_UNROLL
    for (int h = 0; h < 2; h++) {
        const int m0 = FAST_PANEL * p + 8 * h;
        if (m0 >= g->m)
            break;
        __m256 v[8];
        FAST_UNROLL
        for (int j = 0; j < 8; j++)
            v[j] = j < nj ? acc[h][j] : _mm256_setzero_ps();
        transpose8(v); /* v[r]: output channel m0 + r, columns j0 .. */
        const int rows = g->m - m0 < 8 ? g->m - m0 : 8;
        for (int r = 0; r < rows; r++) {
            const size_t at = (size_t)(m0 + r) * g->ldy + q;
            __m256 o = _mm256_add_ps(v[r], _mm256_set1_ps(g->bias ? g->bias[m0 + r] : 0.0f));
            float buf[8];
            if (nj == OT_J) {
                if (g->res) {
                    const __m128 lo = _mm_loadu_ps(g->res + at);
                    const __m128 hi = _mm_castpd_ps(_mm_load_sd((const double *)(g->res + at + 4)));
                    o = _mm256_add_ps(o, _mm256_set_m128(hi, lo));
                }
                o = act_ps(&g->act, o);
                _mm_storeu_ps(g->y + at, _mm256_castps256_ps128(o));
                _mm_store_sd((double *)(g->y + at + 4), _mm_castps_pd(_mm256_extractf128_ps(o, 1)));
            } else {
                if (g->res) {
                    memset(buf, 0, sizeof buf);
                    memcpy(buf, g->res + at, sizeof(float) * (size_t)nj);
                    o = _mm256_add_ps(o, _mm256_loadu_ps(buf));
                }
                _mm256_storeu_ps(buf, act_ps(&g->act, o));
                memcpy(g->y + at, buf, sizeof(float) * (size_t)nj);
            }
        }
    }
}

static void otile_full(const FastGemm *g, int p, int j0, int c0, int kc, float *sums, const float *pf)
{
    otile(g, p, j0, OT_J, c0, kc, sums, pf);
}

/* One instance per column count below OT_J. */
static void otile_part(const FastGemm *g, int p, int j0, int nj, int c0, int kc, float *sums)
{
    switch (nj) {
    case 1:
        otile(g, p, j0, 1, c0, kc, sums, NULL);
        break;
    case 2:
        otile(g, p, j0, 2, c0, kc, sums, NULL);
        break;
    case 3:
        otile(g, p, j0, 3, c0, kc, sums, NULL);
        break;
    case 4:
        otile(g, p, j0, 4, c0, kc, sums, NULL);
        break;
    default:
        otile(g, p, j0, 5, c0, kc, sums, NULL);
    }
}

/* Whether the GEMM runs on otile: one tap, every column stored, at most
 * OT_COLS columns, K from OT_MIN_K, and no sums in y to go on from.  With
 * short K the transposing epilogue costs more than the tile gains:
 * Winograd's products of SqueezeNet's 3x3 32 -> 128 at 27x27 (K 32, 49
 * tiles) were 16% slower, K 64 to 128 0-5%. */
#define OT_MIN_K 160
static int over_channels(const FastGemm *g, int into)
{
    return g->ntaps == 1 && g->frame_w == g->out_w && g->ncols <= OT_COLS && g->nc >= OT_MIN_K &&
           !(into && g->res == g->y);
}

/* OT_PANELS panels at a time, K in blocks of OT_KC (128 and 512 measured
 * the same as 256). */
#define OT_KC 256
#define OT_PANELS 4
#define OT_GROUPS ((OT_COLS + OT_J - 1) / OT_J)
static void otiles(const FastGemm *g)
{
    _Alignas(32) float sums[OT_PANELS][OT_GROUPS][16 * OT_J];
    const int panels = (g->m + FAST_PANEL - 1) / FAST_PANEL;
    const size_t psize = (size_t)g->nc * FAST_PANEL;
    for (int p0 = 0; p0 < panels; p0 += OT_PANELS) {
        const int np = panels - p0 < OT_PANELS ? panels - p0 : OT_PANELS;
        for (int c0 = 0; c0 < g->nc; c0 += OT_KC) {
            const int kc = g->nc - c0 < OT_KC ? g->nc - c0 : OT_KC;
            for (int i = 0; i < np; i++) {
                /* the first group of columns prefetches the block the
                 * next panel takes (or the first, for the next block), a
                 * line a step: the blocks are 16 KB runs apart, on which
                 * the hardware's prefetchers restart */
                const int pn = i + 1 < np ? p0 + i + 1 : p0;
                const int cn = i + 1 < np ? c0 : c0 + OT_KC;
                const float *pf = cn < g->nc ? g->a + (size_t)pn * psize + (size_t)cn * FAST_PANEL : NULL;
                int j0 = 0;
                for (; j0 + OT_J <= g->ncols; j0 += OT_J, pf = NULL)
                    otile_full(g, p0 + i, j0, c0, kc, sums[i][j0 / OT_J], pf);
                if (j0 < g->ncols)
                    otile_part(g, p0 + i, j0, g->ncols - j0, c0, kc, sums[i][j0 / OT_J]);
            }
        }
    }
}

/* The tile of rows r0 .. r0+rows-1 and columns j0 .. j0+n-1 (n <= 24),
 * input channels c0 .. c0+kc-1 (a at channel c0 of row r0). */
static void strip_tile(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int c0, int kc, int into)
{
    if (n > 16)
        tile3_kb(g, a, r0, rows, j0, n, c0, kc, into);
    else if (n > 8)
        tile2_kb(g, a, r0, rows, j0, n, c0, kc, into);
    else
        tile1_kb(g, a, r0, rows, j0, n, c0, kc, into);
}

/* With K this short (expansions: MobileNetV2's 16 -> 96 at 112x112,
 * SqueezeNet's 16 -> 64 at 55x55) a tile is done in a hundred cycles and
 * the layer's time goes to its output, which in a model is in no cache:
 * walking down the rows strip by strip kept every output row a stream of
 * its own, too many for the hardware's prefetchers, and each line a
 * demand miss.  Here the rows go strip by strip over a chunk of columns
 * whose B (SHORT_K_B bytes) stays in L2, so that each strip writes its 4
 * rows in order.  Zen 2, one thread, x in the caches and y not (BENCH_FLUSH=16
 * BENCH_WARM_X=1), alternating runs: MobileNetV2's 16 -> 96 at 112x112 1.59
 * -> 0.77 ms, 24 -> 144 at 56x56 0.62 -> 0.39, SqueezeNet's 16 -> 64 at
 * 55x55 0.25 -> 0.17; all in the caches, the same within 1-4%.  From K 64
 * the tiles hide the misses (that order was 0-10% slower there, and K 32
 * gained 3-7%). */
#define SHORT_K 32
#define SHORT_K_B (128 * 1024)

/* Whole tiles of MR rows from column j0 on while 24 columns remain (the
 * column past them returned), all of K: tile_kb inlined in the loop, so
 * that a tile of a hundred cycles does not pay a call, a stack frame and
 * the branches of its first, last and partial cases besides.  Zen 2, one
 * thread, all in the caches: MobileNetV2's 16 -> 96 at 112x112 0.65 ->
 * 0.49 ms, 24 -> 144 at 56x56 0.31 -> 0.24, SqueezeNet's 16 -> 64 at 55x55
 * 0.107 -> 0.081, the K 32 layers 10-13% faster. */
static int short_strip(const FastGemm *g, const float *a, int r0, int j0, int j1)
{
    for (; j0 + 8 * NV <= j1; j0 += 8 * NV)
        tile_kb(g, a, r0, MR, j0, 8 * NV, NV, 0, g->nc, 0);
    return j0;
}

static void main_tiles_short(const FastGemm *g, int main_cols, int into)
{
    const size_t psize = (size_t)g->nc * FAST_PANEL;
    const int chunk = SHORT_K_B / ((int)sizeof(float) * g->nc) / (8 * NV) * (8 * NV);
    for (int q0 = 0; q0 < main_cols; q0 += chunk) {
        const int q1 = main_cols - q0 < chunk ? main_cols : q0 + chunk;
        for (int r0 = 0; r0 < g->m; r0 += MR) {
            const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + r0 % FAST_PANEL;
            const int rows = g->m - r0 < MR ? g->m - r0 : MR;
            int j0 = rows == MR && !into ? short_strip(g, a, r0, q0, q1) : q0;
            for (; j0 < q1; j0 += 8 * NV)
                strip_tile(g, a, r0, rows, j0, q1 - j0 < 8 * NV ? q1 - j0 : 8 * NV, 0, g->nc, into);
        }
    }
    for (int p0 = 0; main_cols < g->ncols && p0 * FAST_PANEL < g->m; p0 += CV / 2)
        ttile_left(g, p0, main_cols, 0, g->nc, into);
}

/* main_tiles_kb's whole tiles of columns j0 .. j0+23, MR rows at a time
 * down from row 0 (the row past them returned): tile_kb inlined, as in
 * short_strip.  Zen 2, one thread: 1x1 layers at 14x14 to 56x56 with K 64
 * to 576 1-6% faster. */
static int rows_strip(const FastGemm *g, size_t psize, int j0, int c0, int kc, int into)
{
    int r0 = 0;
    for (; r0 + MR <= g->m; r0 += MR) {
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + (size_t)c0 * FAST_PANEL + r0 % FAST_PANEL;
        tile_kb(g, a, r0, MR, j0, 8 * NV, NV, c0, kc, into);
    }
    return r0;
}

static void main_tiles_kb(const FastGemm *g, int main_cols, int into)
{
    if (g->nc > 0 && g->nc <= SHORT_K) {
        main_tiles_short(g, main_cols, into);
        return;
    }
    const size_t psize = (size_t)g->nc * FAST_PANEL;
    const int kc_max = main_cols <= KC_SMALL_COLS ? KC_SMALL : KC;
    for (int c0 = 0; c0 < g->nc; c0 += kc_max) {
        const int kc = g->nc - c0 < kc_max ? g->nc - c0 : kc_max;
        for (int j0 = 0; j0 < main_cols; j0 += 8 * NV) {
            const int n = main_cols - j0 < 8 * NV ? main_cols - j0 : 8 * NV;
            int r0 = 0;
            if (n == 8 * NV)
                r0 = rows_strip(g, psize, j0, c0, kc, into);
            for (; r0 < g->m; r0 += MR) {
                const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + (size_t)c0 * FAST_PANEL + r0 % FAST_PANEL;
                strip_tile(g, a, r0, g->m - r0 < MR ? g->m - r0 : MR, j0, n, c0, kc, into);
            }
        }
        /* the leftover columns' share of the block, while its weights are
         * in L2 (after the blocks, they came from memory a second time:
         * ResNet-50's 3x3 512->512 at 7x7, 9 MB of weights, spent 11% of
         * its time on the 49th column) */
        for (int p0 = 0; main_cols < g->ncols && p0 * FAST_PANEL < g->m; p0 += CV / 2)
            ttile_left(g, p0, main_cols, c0, kc, into);
    }
}

static void gemm_tiles_into(const FastGemm *g, int into)
{
    const size_t psize = (size_t)g->nc * (size_t)g->ntaps * FAST_PANEL;
    const int left = g->ncols % 8 <= LEFT_MAX ? g->ncols % 8 : 0;
    const int main_cols = g->ncols - left;
    if (over_channels(g, into)) {
        otiles(g);
        return;
    }
    if (k_blocks(g, main_cols, into)) {
        main_tiles_kb(g, main_cols, into && g->res == g->y);
        return;
    }
    /* As conv2d_avx512.c's: each group's leftover columns right after its
     * main tiles, while its weights are in L2. */
    const int inter = left && main_cols && (size_t)(CV / 2) * psize <= FAST_LEFT_KEEP;
    for (int r0 = 0; r0 < g->m; r0 += MR) {
        if (inter && r0 && r0 % (CV / 2 * FAST_PANEL) == 0)
            ttile_left(g, r0 / FAST_PANEL - CV / 2, main_cols, 0, g->nc, 0);
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + r0 % FAST_PANEL;
        const int rows = g->m - r0 < MR ? g->m - r0 : MR;
        for (int j0 = 0; j0 < main_cols; j0 += 8 * NV) {
            const int n = main_cols - j0 < 8 * NV ? main_cols - j0 : 8 * NV;
            if (n > 16)
                tile3(g, a, r0, rows, j0, n);
            else if (n > 8)
                tile2(g, a, r0, rows, j0, n);
            else
                tile1(g, a, r0, rows, j0, n);
        }
    }
    for (int p0 = inter ? (g->m - 1) / FAST_PANEL / (CV / 2) * (CV / 2) : 0; left && p0 * FAST_PANEL < g->m;
         p0 += CV / 2)
        ttile_left(g, p0, main_cols, 0, g->nc, 0);
}

static void gemm_tiles(const FastGemm *g)
{
    gemm_tiles_into(g, 0);
}

/* matmul_pack.h's: the GEMM of MatMul's chunks of k, whose later chunks
 * have y as their residual: the sums go on from y. */
void onnxcc_f32_mm_gemm_avx2(const FastGemm *g)
{
    gemm_tiles_into(g, 1);
}

/* ---- filling B ---------------------------------------------------------- */

INLINE __m256 pre_ps(__m256 v, __m256 s, __m256 t, int relu)
{
    /* mul then add, rounded twice, as the reference computes it */
    v = _mm256_add_ps(_mm256_mul_ps(v, s), t);
    return relu ? _mm256_max_ps(_mm256_setzero_ps(), v) : v;
}

INLINE float pre_s(float v, float s, float t, int relu)
{
    v = v * s + t;
    return relu && v < 0.0f ? 0.0f : v;
}

/* x[0], x[2], .. x[14]: the even lanes of two loads, put in order. */
INLINE __m256 load_even(const float *x)
{
    const __m256 e =
        _mm256_shuffle_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8), _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* fill for one combination of the pre-activation flags (constants once
 * inlined), with every field in a local: stores to y could alias *f and
 * *pre as far as the compiler knows, and reloading them after each store
 * (and branching on them per vector) cost more than the copy itself. */
INLINE void fill_rows(const FastFill *f, const float *scale, const float *shift, int on, int relu)
{
    const float *x0 = f->x;
    float *y0 = f->y;
    const size_t xs = f->xs, ys = f->ys, zl = f->zl, n = f->n, zr = f->zr;
    const size_t step = (size_t)f->step;
    const int nch = f->nch;
    for (int ch = 0; ch < nch; ch++) {
        const float *x = x0 + (size_t)ch * xs;
        float *y = y0 + (size_t)ch * ys;
        const float s = scale ? scale[ch] : 1.0f;
        const float t = shift ? shift[ch] : 0.0f;
        const __m256 vs = _mm256_set1_ps(s), vt = _mm256_set1_ps(t);
        if (zl)
            memset(y, 0, sizeof(float) * zl);
        y += zl;
        size_t i = 0;
        if (step == 1) {
            for (; i + 8 <= n; i += 8) {
                const __m256 v = _mm256_loadu_ps(x + i);
                _mm256_storeu_ps(y + i, on ? pre_ps(v, vs, vt, relu) : v);
            }
        } else if (step == 2) {
            /* A vector reads x[2i .. 2i+15]: within x while element i+8 exists. */
            for (; i + 8 < n; i += 8) {
                const __m256 v = load_even(x + 2 * i);
                _mm256_storeu_ps(y + i, on ? pre_ps(v, vs, vt, relu) : v);
            }
        }
        for (; i < n; i++)
            y[i] = on ? pre_s(x[i * step], s, t, relu) : x[i * step];
        if (zr)
            memset(y + n, 0, sizeof(float) * zr);
    }
}

static void fill_avx2(const FastFill *f, const FastPre *pre)
{
    if (!pre->on)
        fill_rows(f, NULL, NULL, 0, 0);
    else if (pre->relu)
        fill_rows(f, pre->scale, pre->shift, 1, 1);
    else
        fill_rows(f, pre->scale, pre->shift, 1, 0);
}

/* Lanes i < n set, as a mask vector for maskload / blendv. */
INLINE __m256i lanes_below(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Where positions p .. p+7 of a row of zl zeros, n values, zeros get their
 * values: load lanes `load` from src + off, move them up by the permutation
 * `up` (a chunk straddling the start), keep lanes `real`.  The same for
 * every channel. */
typedef struct Chunk {
    int any;
    __m256i real, load, up;
    size_t off;
} Chunk;

static Chunk row_chunk(const FastFill *f, size_t p)
{
    Chunk ch;
    memset(&ch, 0, sizeof ch);
    const size_t a = p > f->zl ? p : f->zl;
    const size_t e = p + 8 < f->zl + f->n ? p + 8 : f->zl + f->n;
    if (a >= e)
        return ch;
    const int shift = (int)(a - p);
    ch.any = 1;
    ch.real = _mm256_andnot_si256(lanes_below(shift), lanes_below((int)(e - p)));
    ch.load = lanes_below((int)(e - a));
    ch.up = _mm256_sub_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(shift));
    ch.off = a - f->zl;
    return ch;
}

/* One chunk of one channel; lanes without a value are zeroed after the
 * pre-activation, so padding stays exactly 0. */
INLINE __m256 chunk_values(const Chunk *ch, const float *x, __m256 s, __m256 t, const FastPre *pre)
{
    if (!ch->any)
        return _mm256_setzero_ps();
    __m256 v = _mm256_permutevar8x32_ps(_mm256_maskload_ps(x + ch->off, ch->load), ch->up);
    if (pre->on)
        v = pre_ps(v, s, t, pre->relu);
    return _mm256_and_ps(v, _mm256_castsi256_ps(ch->real));
}

/* Winograd frame rows, 32 positions at a time for all channels: even/odd
 * picks within each 128-bit lane, twice, then one lane-crossing permute put
 * each phase in order. */
static void fill_split4_avx2(const FastFill *f, const FastPre *pre)
{
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const size_t len = f->zl + f->n + f->zr, pw = len / 4;
    for (size_t p = 0; p < len; p += 32) {
        Chunk c[4];
        FAST_UNROLL
        for (int q = 0; q < 4; q++)
            c[q] = row_chunk(f, p + 8 * (size_t)q);
        const size_t n4 = pw - p / 4 < 8 ? pw - p / 4 : 8; /* floats per phase */
        for (int ch = 0; ch < f->nch; ch++) {
            const float *x = f->x + (size_t)ch * f->xs;
            float *y = f->y + (size_t)ch * f->ys + p / 4;
            const __m256 s = _mm256_set1_ps(pre->scale ? pre->scale[ch] : 1.0f);
            const __m256 t = _mm256_set1_ps(pre->shift ? pre->shift[ch] : 0.0f);
            __m256 l[4];
            FAST_UNROLL
            for (int q = 0; q < 4; q++)
                l[q] = chunk_values(&c[q], x, s, t, pre);
            const __m256 a = _mm256_shuffle_ps(l[0], l[1], _MM_SHUFFLE(2, 0, 2, 0));
            const __m256 b = _mm256_shuffle_ps(l[0], l[1], _MM_SHUFFLE(3, 1, 3, 1));
            const __m256 cc = _mm256_shuffle_ps(l[2], l[3], _MM_SHUFFLE(2, 0, 2, 0));
            const __m256 d = _mm256_shuffle_ps(l[2], l[3], _MM_SHUFFLE(3, 1, 3, 1));
            const __m256 ph[4] = {_mm256_shuffle_ps(a, cc, _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm256_shuffle_ps(b, d, _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm256_shuffle_ps(a, cc, _MM_SHUFFLE(3, 1, 3, 1)),
                                  _mm256_shuffle_ps(b, d, _MM_SHUFFLE(3, 1, 3, 1))};
            FAST_UNROLL
            for (int q = 0; q < 4; q++) {
                const __m256 v = _mm256_permutevar8x32_ps(ph[q], order);
                if (n4 == 8)
                    _mm256_storeu_ps(y + (size_t)q * pw, v);
                else
                    _mm256_maskstore_ps(y + (size_t)q * pw, lanes_below((int)n4), v);
            }
        }
    }
}

/* ---- Winograd F(4x4, 3x3) transforms: 8 tiles per vector ----------------- */

/* winograd.c's in6 and out6, lane-wise. */
INLINE void in6(const __m256 d[6], __m256 w[6])
{
    const __m256 four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f);
    const __m256 two = _mm256_set1_ps(2.0f);
    const __m256 t0 = _mm256_fnmadd_ps(four, d[2], d[4]), t1 = _mm256_fnmadd_ps(four, d[1], d[3]);
    const __m256 t2 = _mm256_sub_ps(d[4], d[2]), t3 = _mm256_sub_ps(d[3], d[1]);
    w[0] = _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4]));
    w[1] = _mm256_add_ps(t0, t1);
    w[2] = _mm256_sub_ps(t0, t1);
    w[3] = _mm256_fmadd_ps(two, t3, t2);
    w[4] = _mm256_fnmadd_ps(two, t3, t2);
    w[5] = _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]));
}

INLINE void out6(const __m256 m[6], __m256 y[4])
{
    const __m256 s1 = _mm256_add_ps(m[1], m[2]), d1 = _mm256_sub_ps(m[1], m[2]);
    const __m256 s2 = _mm256_add_ps(m[3], m[4]), d2 = _mm256_sub_ps(m[3], m[4]);
    y[0] = _mm256_add_ps(_mm256_add_ps(m[0], s1), s2);
    y[1] = _mm256_fmadd_ps(_mm256_set1_ps(2.0f), d2, d1);
    y[2] = _mm256_fmadd_ps(_mm256_set1_ps(4.0f), s2, s1);
    y[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), d2, d1), m[5]);
}

/* A vector of 8 consecutive tiles can span several tile rows (at most one
 * per lane): each run of lanes within one row is a masked load from a base
 * shifted back by its first lane.  Only a run that starts the vector can be
 * in tile row 0, at lane 0: every other base is 4 frame rows in, inside the
 * frame.  Lanes past the tiles load nothing and transform to the zeros
 * wanted; V rows have slack for the whole last vector. */
#define MAX_RUNS 8

static void wino_in_avx2(const FastWinoIn *w)
{
    const int total = w->tiles + w->zeros;
    for (int t0 = 0; t0 < total; t0 += 8) {
        __m256i mask[MAX_RUNS];
        const float *base[MAX_RUNS];
        int runs = 0;
        for (int t = t0; t < w->tiles && t < t0 + 8; runs++) {
            const int r = t / w->per_row, k = t % w->per_row;
            const int n = w->per_row - k < t0 + 8 - t ? w->per_row - k : t0 + 8 - t;
            const int lane = t - t0, left = w->tiles - t;
            mask[runs] =
                _mm256_andnot_si256(lanes_below(lane), lanes_below(lane + (n < left ? n : left)));
            base[runs] = w->rows + (size_t)(4 * r) * w->row_stride + k - lane;
            t += n;
        }
        __m256 t6[6][6], d[6], col[6], out[6];
        FAST_UNROLL
        for (int i = 0; i < 6; i++) {
            FAST_UNROLL
            for (int j = 0; j < 6; j++) {
                const size_t off =
                    (size_t)i * w->row_stride + (size_t)(j % 4) * w->phase_stride + j / 4;
                d[j] = _mm256_setzero_ps();
                for (int q = 0; q < runs; q++)
                    d[j] = _mm256_or_ps(d[j], _mm256_maskload_ps(base[q] + off, mask[q]));
            }
            in6(d, t6[i]);
        }
        FAST_UNROLL
        for (int j = 0; j < 6; j++) {
            FAST_UNROLL
            for (int i = 0; i < 6; i++)
                col[i] = t6[i][j];
            in6(col, out);
            FAST_UNROLL
            for (int i = 0; i < 6; i++)
                _mm256_storeu_ps(w->v + (size_t)(6 * i + j) * w->xi_stride + t0, out[i]);
        }
    }
}

/* Stores row values of 8 tiles, y[4k + j] = act(v[j] lane k + res[4k + j]),
 * up to n floats from w's y + at (and res + at, if any): a 4x8 transpose. */
INLINE void store_tiles(const __m256 v[4], const FastWinoOut *w, size_t at, int n)
{
    float *y = w->y + at;
    const float *r = w->res ? w->res + at : NULL;
    const __m256 a = _mm256_unpacklo_ps(v[0], v[1]), b = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 c = _mm256_unpacklo_ps(v[2], v[3]), d = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256 e = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 f = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 g = _mm256_shuffle_ps(b, d, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 h = _mm256_shuffle_ps(b, d, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 o[4] = {_mm256_permute2f128_ps(e, f, 0x20), _mm256_permute2f128_ps(g, h, 0x20),
                         _mm256_permute2f128_ps(e, f, 0x31), _mm256_permute2f128_ps(g, h, 0x31)};
    if (n >= 32) {
        FAST_UNROLL
        for (int q = 0; q < 4; q++)
            _mm256_storeu_ps(y + 8 * q, act_ps(&w->act, r ? _mm256_add_ps(o[q], _mm256_loadu_ps(r + 8 * q)) : o[q]));
    } else {
        float buf[32];
        FAST_UNROLL
        for (int q = 0; q < 4; q++)
            _mm256_storeu_ps(buf + 8 * q, r ? o[q] : act_ps(&w->act, o[q]));
        if (r)
            for (int i = 0; i < n; i++)
                y[i] = fast_act(&w->act, buf[i] + r[i]);
        else
            memcpy(y, buf, sizeof(float) * (size_t)n);
    }
}

static void wino_out_tiles(const FastWinoOut *w)
{
    const __m256 bias = _mm256_set1_ps(w->bias);
    for (int k0 = 0; k0 < w->tiles; k0 += 8) {
        const __m256i real = lanes_below(w->tiles - k0);
        __m256 t[6][4], m[6], col[6], out[4][4];
        FAST_UNROLL
        for (int i = 0; i < 6; i++) {
            FAST_UNROLL
            for (int j = 0; j < 6; j++)
                m[j] = _mm256_maskload_ps(w->m + (size_t)(6 * i + j) * w->xi_stride + k0, real);
            out6(m, t[i]);
        }
        FAST_UNROLL
        for (int j = 0; j < 4; j++) {
            FAST_UNROLL
            for (int i = 0; i < 6; i++)
                col[i] = t[i][j];
            out6(col, out[j]);
        }
        for (int i = 0; i < w->rows; i++) {
            __m256 row[4];
            FAST_UNROLL
            for (int j = 0; j < 4; j++)
                row[j] = _mm256_add_ps(out[j][i], bias);
            store_tiles(row, w, (size_t)i * w->ldy + 4 * (size_t)k0, w->cols - 4 * k0);
        }
    }
}

/* Winograd weights at run time (lazy packing): wino_u.h's, on this ISA. */
static void wino_u_avx2(const FastWinoU *u)
{
    wino_u_rows(u);
}

FAST_ENTRIES_WITH_ACT_AFTER(avx2)

const FastKernels onnxcc_fast_avx2 = {gemm_avx2,    fill_avx2,     fill_split4_avx2,
                                      wino_in_avx2, wino_out_avx2, wino_u_avx2, add2_avx2,
                                      NULL,         NULL,          NULL};
