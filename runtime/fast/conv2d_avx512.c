/* conv2d_avx512.c — AVX-512F kernels of the fast conv2d (compiled with
 * -mavx512f; called only when the CPU has it): the GEMM, the B fills and the
 * Winograd transforms of fast.h, 16 lanes wide.
 *
 * GEMM main tile: 8 output channels x 48 columns (3 zmm across pixels), 24
 * accumulators; per k, 3 loads of B and 8 broadcasts of weights from the
 * packed panel.  Partial tiles use 1-2 zmm and masked stores.  Columns left
 * over past the last multiple of 16 that would fill at most 3/4 of a zmm
 * (at most 7 after whole main tiles: a 1x1 map, 7x7 = 48 + 1, 14x14 =
 * 192 + 4) run instead on a transposed
 * tile, up to 64 channels (4 panels) x up to 4 columns, that vectorises
 * over output channels and wastes no lanes; one such column after whole
 * main tiles, where B needs no fill, runs instead in the last main tile of
 * each row tile (LEFT_FUSE). */
#include <immintrin.h>

#include "fast.h"
#include "vec_avx512.h"
#include "add2.h"
#include "wino_u.h"

#define MR 8        /* main tile rows (output channels) */
#define MR_WIDE 16  /* rows of the one-vector tile (at most 16 columns) */
#define NV 3        /* main tile zmm columns */
#define CP 4        /* transposed tile: panels (16 channels each) */
#define CJ 4        /* transposed tile: columns */
#define LEFT_MAX 12 /* leftover columns that go to the transposed tile */
#define LEFT_MAX_MAIN 7 /* the same after whole main tiles (gemm_tiles_fill) */
#define PF_MIN_K 64 /* depth from which a tile prefetches its output lines */
#define SEQ_MAX_K 256 /* at most CJ columns: one panel at a time up to this K */
#define LEFT_FUSE_MAX 1 /* leftover columns a main tile runs (LEFT_FUSE) */

#define INLINE static inline __attribute__((always_inline))

INLINE __mmask16 first_lanes(int n)
{
    return n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1u);
}

/* The pre-activation of one vector: mul then add, rounded twice, as the
 * reference. */
INLINE __m512 pre_ps(__m512 v, __m512 s, __m512 t, int on, int relu)
{
    if (on)
        v = _mm512_add_ps(_mm512_mul_ps(v, s), t);
    return relu ? _mm512_max_ps(_mm512_setzero_ps(), v) : v;
}

/* acc[r][v] += a[r] * bv[v]. */
INLINE void tile_fma(__m512 acc[MR_WIDE][NV], const float *a, const __m512 bv[NV], int nv, int mr)
{
    FAST_UNROLL
    for (int r = 0; r < mr; r++) {
        const __m512 ar = _mm512_set1_ps(a[r]);
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
}

/* One k step of a tile: acc[r][v] += a[r] * bt[16v .. 16v+15]. */
INLINE void tile_k(__m512 acc[MR_WIDE][NV], const float *a, const float *bt, int nv, int mr)
{
    __m512 bv[NV];
    FAST_UNROLL
    for (int v = 0; v < nv; v++)
        bv[v] = _mm512_loadu_ps(bt + 16 * v);
    tile_fma(acc, a, bv, nv, mr);
}

/* One k step of the leftover columns: accl[j] (the tile's 8 rows) += a[0..7]
 * * bt[j], one fused multiply-add per output as the transposed tile's. */
INLINE void left_k(__m256 accl[LEFT_FUSE_MAX], const float *a, const float *bt, int nl)
{
    if (!nl)
        return;
    const __m256 av = _mm256_loadu_ps(a);
    FAST_UNROLL
    for (int j = 0; j < nl; j++)
        accl[j] = _mm256_fmadd_ps(av, _mm256_set1_ps(bt[j]), accl[j]);
}

/* The same step building B (gemm_fill): the row's values are x's
 * pre-activated (mul, add, max as the fills), stored to bt and multiplied.
 * The last vector loads only its n16 lanes of x, which ends there. */
INLINE void tile_k_fill(__m512 acc[MR_WIDE][NV], const float *a, const float *xr, float *bt, __m512 s,
                        __m512 t, int relu, __mmask16 n16, int nv, int mr)
{
    __m512 bv[NV];
    FAST_UNROLL
    for (int v = 0; v < nv; v++) {
        const __m512 x = v + 1 < nv ? _mm512_loadu_ps(xr + 16 * v) : _mm512_maskz_loadu_ps(n16, xr + 16 * v);
        bv[v] = pre_ps(x, s, t, 1, relu);
        _mm512_storeu_ps(bt + 16 * v, bv[v]);
    }
    tile_fma(acc, a, bv, nv, mr);
}

/* Rows r0 .. r0+rows-1 (rows <= mr: MR, or MR_WIDE with nv 1), columns
 * j0 .. j0+n-1, nv = ceil(n/16).
 * pf walks half a line per k through A that a later tile reads (see
 * gemm_avx512).  fill (one tap only): 0, B is read; 1, B is built from
 * fl (gemm_fill) with the pre-activation's scale and shift; 2, and relu. */
INLINE void tile(const FastGemm *g, const float *a, const float *pf, int r0, int rows, int j0,
                 int n, int nv, int mr, const FastGemmFill *fl, int fill, int nl)
{
    __m512 acc[MR_WIDE][NV];
    __m256 accl[LEFT_FUSE_MAX]; /* nl leftover columns past the tile's (LEFT_FUSE) */
    FAST_UNROLL
    for (int j = 0; j < nl; j++)
        accl[j] = _mm256_setzero_ps();
    FAST_UNROLL
    for (int r = 0; r < mr; r++) {
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm512_setzero_ps();
    }
    const float *b = g->b + j0;
    /* The tile's output and residual lines, requested before its k loop so
     * that they arrive while it runs: in a model they are often in no cache
     * (a residual written layers ago, an output area last used before the
     * weights of several layers streamed through), and the epilogue would
     * wait for them.  ResNet-50's 1x1 layers in the model: 4% faster.
     * Short K gains less than the requests cost (MobileNetV2's 16 -> 96). */
    if (nv == NV && g->frame_w == g->out_w && g->nc * g->ntaps >= PF_MIN_K) {
        const size_t q = g->q0 + (size_t)j0;
        FAST_UNROLL
        for (int r = 0; r < mr; r++) {
            if (r >= rows)
                continue;
            const size_t at = (size_t)(r0 + r) * g->ldy + q;
            FAST_UNROLL
            for (int v = 0; v < NV; v++) {
                _mm_prefetch((const char *)(g->y + at + 16 * v), _MM_HINT_T0);
                if (g->res)
                    _mm_prefetch((const char *)(g->res + at + 16 * v), _MM_HINT_T0);
            }
        }
    }
    if (fill) {
        /* As below, x's rows in B's place, with their pre-activation. */
        const float *xr = fl->x + j0, *sc = fl->pre.scale, *sh = fl->pre.shift;
        float *bt = (float *)b;
        const size_t cs = g->cstride, xs = fl->xs;
        const __mmask16 n16 = first_lanes(n - 16 * (nv - 1));
        /* x's rows for the next tile's columns, into L2: each of the K
         * rows is a stream of its own, too many for the prefetchers, and
         * in a model x (the concatenated features) comes from L3 or
         * memory.  The fill tiles run one after the other, so the lines
         * arrive while this tile multiplies.  One layer, x and y out of the
         * caches (BENCH_FLUSH=64), one thread, Xeon with AVX-512 and AMX:
         * DenseNet-121's 256 -> 128 at 56x56 1.16 -> 1.11 ms, at 28x28
         * 0.294 -> 0.272; DenseNet-161's 1x1 layers at 56x56 in the model
         * 10.34 -> 9.51 ms (per-node profile, one thread). */
        const int xpf = j0 + 16 * NV < g->ncols;
        for (int c = 0; c < g->nc; c++, a += FAST_PANEL, xr += xs, bt += cs) {
            if (nv == NV && !(c & 1))
                _mm_prefetch((const char *)pf, _MM_HINT_T0), pf += FAST_PANEL;
            if (nv == NV && xpf) {
                FAST_UNROLL
                for (int v = 0; v < NV; v++)
                    _mm_prefetch((const char *)(xr + 16 * NV + 16 * v), _MM_HINT_T1);
            }
            const __m512 s = _mm512_set1_ps(sc ? sc[c] : 1.0f), t = _mm512_set1_ps(sh ? sh[c] : 0.0f);
            tile_k_fill(acc, a, xr, bt, s, t, fill == 2, n16, nv, mr);
        }
    } else if (g->ntaps == 1) {
        /* One tap (1x1 layers, Winograd products): one flat loop over K,
         * two steps a trip, with no per-channel tap loop around it. */
        const float *bt = b + g->taps[0];
        const size_t cs = g->cstride;
        int c = 0;
        for (; c + 2 <= g->nc; c += 2, a += 2 * FAST_PANEL, pf += FAST_PANEL, bt += 2 * cs) {
            if (nv == NV)
                _mm_prefetch((const char *)pf, _MM_HINT_T0);
            tile_k(acc, a, bt, nv, mr);
            left_k(accl, a, bt + 16 * NV, nl);
            tile_k(acc, a + FAST_PANEL, bt + cs, nv, mr);
            left_k(accl, a + FAST_PANEL, bt + cs + 16 * NV, nl);
        }
        if (c < g->nc) {
            if (nv == NV)
                _mm_prefetch((const char *)pf, _MM_HINT_T0);
            tile_k(acc, a, bt, nv, mr);
            left_k(accl, a, bt + 16 * NV, nl);
        }
    } else {
        for (int c = 0; c < g->nc; c++) {
            const float *bc = b + (size_t)c * g->cstride;
            for (int t = 0; t < g->ntaps; t++, a += FAST_PANEL, pf += FAST_PANEL / 2) {
                if (nv == NV) /* narrower tiles are bound by their loads already */
                    _mm_prefetch((const char *)pf, _MM_HINT_T0);
                tile_k(acc, a, bc + g->taps[t], nv, mr);
            }
        }
    }
    const __mmask16 last = first_lanes(n - 16 * (nv - 1));
    const size_t q = g->q0 + (size_t)j0;
    /* Frames (junk columns after each output row): with output rows of 16
     * or more, a vector's lanes fall in at most two of them, stored with
     * two masks (m1 at o1, m2 at o2; 0: none), the junk lanes skipped. */
    __mmask16 m1[NV] = {0}, m2[NV] = {0};
    size_t o1[NV] = {0}, o2[NV] = {0};
    const int split = g->frame_w != g->out_w && g->out_w >= 16;
    if (split) {
        const size_t fw = (size_t)g->frame_w, ow = (size_t)g->out_w;
        size_t row = q / fw, col = q % fw;
        FAST_UNROLL
        for (int v = 0; v < nv; v++) {
            const __mmask16 lanes = v + 1 < nv ? (__mmask16)0xffff : last;
            const size_t next = fw - col; /* lanes from here on are in row + 1 */
            m1[v] = col < ow ? first_lanes((int)(ow - col < 16 ? ow - col : 16)) & lanes : 0;
            o1[v] = row * ow + col;
            m2[v] = next < 16 ? (__mmask16)~first_lanes((int)next) & lanes : 0;
            o2[v] = (row + 1) * ow - (next < 16 ? next : 0);
            col += 16;
            if (col >= fw)
                col -= fw, row++;
        }
    }
    FAST_UNROLL
    for (int r = 0; r < mr; r++) {
        if (r >= rows)
            continue;
        const __m512 bias = _mm512_set1_ps(g->bias ? g->bias[r0 + r] : 0.0f);
        float *yr = g->y + (size_t)(r0 + r) * g->ldy;
        const float *rr = g->res ? g->res + (size_t)(r0 + r) * g->ldy : NULL;
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = _mm512_add_ps(acc[r][v], bias);
        if (g->frame_w == g->out_w) {
            if (rr) {
                FAST_UNROLL
                for (int v = 0; v < nv; v++)
                    acc[r][v] = _mm512_add_ps(
                        acc[r][v], _mm512_maskz_loadu_ps(v + 1 < nv ? 0xffff : last, rr + q + 16 * v));
            }
            FAST_UNROLL
            for (int v = 0; v < nv; v++)
                acc[r][v] = act_ps(&g->act, acc[r][v]);
            FAST_UNROLL
            for (int v = 0; v + 1 < nv; v++)
                _mm512_storeu_ps(yr + q + 16 * v, acc[r][v]);
            _mm512_mask_storeu_ps(yr + q + 16 * (nv - 1), last, acc[r][nv - 1]);
        } else if (split) {
            FAST_UNROLL
            for (int v = 0; v < nv; v++) {
                if (rr) {
                    __m512 rv = _mm512_setzero_ps();
                    if (m1[v])
                        rv = _mm512_mask_loadu_ps(rv, m1[v], rr + o1[v]);
                    if (m2[v])
                        rv = _mm512_mask_loadu_ps(rv, m2[v], rr + o2[v]);
                    acc[r][v] = _mm512_add_ps(acc[r][v], rv);
                }
                acc[r][v] = act_ps(&g->act, acc[r][v]);
                if (m1[v])
                    _mm512_mask_storeu_ps(yr + o1[v], m1[v], acc[r][v]);
                if (m2[v])
                    _mm512_mask_storeu_ps(yr + o2[v], m2[v], acc[r][v]);
            }
        } else {
            float buf[16 * NV];
            FAST_UNROLL
            for (int v = 0; v < nv; v++)
                _mm512_storeu_ps(buf + 16 * v, rr ? acc[r][v] : act_ps(&g->act, acc[r][v]));
            fast_store_frame(g, buf, q, n, yr, rr);
        }
    }
    /* The leftover columns as the transposed tile stores them (ttile). */
    FAST_UNROLL
    for (int j = 0; j < nl; j++) {
        const __mmask16 rm = first_lanes(rows);
        const __m512 bias = g->bias ? _mm512_maskz_loadu_ps(rm, g->bias + r0) : _mm512_setzero_ps();
        const __m512 v = _mm512_add_ps(_mm512_zextps256_ps512(accl[j]), bias);
        float buf[16];
        _mm512_storeu_ps(buf, g->res ? v : act_ps(&g->act, v));
        fast_store_column(g, buf, (size_t)r0 * g->ldy + q + 16 * NV + (size_t)j, rows);
    }
}

/* The main tiles by width, one copy per fill mode (tile's fill). */
#define TILES_FILL(f)                                                                            \
    static void tile3_##f(const FastGemm *g, const float *a, const float *pf, int r0, int rows,  \
                          int j0, int n, const FastGemmFill *fl)                                 \
    {                                                                                            \
        tile(g, a, pf, r0, rows, j0, n, 3, MR, fl, f, 0);                                          \
    }                                                                                            \
    static void tile2_##f(const FastGemm *g, const float *a, const float *pf, int r0, int rows,  \
                          int j0, int n, const FastGemmFill *fl)                                 \
    {                                                                                            \
        tile(g, a, pf, r0, rows, j0, n, 2, MR, fl, f, 0);                                          \
    }                                                                                            \
    static void tile1_##f(const FastGemm *g, const float *a, const float *pf, int r0, int rows,  \
                          int j0, int n, const FastGemmFill *fl)                                 \
    {                                                                                            \
        tile(g, a, pf, r0, rows, j0, n, 1, MR, fl, f, 0);                                          \
    }
TILES_FILL(0)
TILES_FILL(1)
TILES_FILL(2)

/* The last main tile with the leftover column (LEFT_FUSE). */
static void tile3_left(const FastGemm *g, const float *a, const float *pf, int r0, int rows, int j0,
                       int n, const FastGemmFill *fl)
{
    tile(g, a, pf, r0, rows, j0, n, 3, MR, fl, 0, 1);
}

typedef void (*TileFn)(const FastGemm *g, const float *a, const float *pf, int r0, int rows, int j0,
                       int n, const FastGemmFill *fl);

/* A whole panel by one vector: GEMMs of at most 16 columns (the Winograd
 * products of 14x14 maps, one vector of 16 tiles), where 8 rows left the
 * two FMA pipes short of independent sums. */
static void tile1_wide(const FastGemm *g, const float *a, int r0, int rows, int n)
{
    tile(g, a, a, r0, rows, 0, n, 1, MR_WIDE, NULL, 0, 0);
}

/* Transposed tile: the np <= CP panels from p0 (channels 16*p0 .. 16*(p0 +
 * np) - 1, clipped to m), columns j0 .. j0+nj-1. */
INLINE void ttile(const FastGemm *g, int p0, int np, int j0, int nj)
{
    const size_t psize = (size_t)g->nc * (size_t)g->ntaps * FAST_PANEL;
    const float *ap[CP];
    __m512 acc[CP][CJ];
    FAST_UNROLL
    for (int i = 0; i < np; i++) {
        ap[i] = g->a + (size_t)(p0 + i) * psize;
        FAST_UNROLL
        for (int j = 0; j < nj; j++)
            acc[i][j] = _mm512_setzero_ps();
    }
    const float *b = g->b + j0;
    size_t k = 0;
    for (int c = 0; c < g->nc; c++) {
        const float *bc = b + (size_t)c * g->cstride;
        for (int t = 0; t < g->ntaps; t++, k += FAST_PANEL) {
            const float *bt = bc + g->taps[t];
            __m512 w[CP];
            FAST_UNROLL
            for (int i = 0; i < np; i++)
                w[i] = _mm512_loadu_ps(ap[i] + k);
            FAST_UNROLL
            for (int j = 0; j < nj; j++) {
                const __m512 bj = _mm512_set1_ps(bt[j]);
                FAST_UNROLL
                for (int i = 0; i < np; i++)
                    acc[i][j] = _mm512_fmadd_ps(w[i], bj, acc[i][j]);
            }
        }
    }
    FAST_UNROLL
    for (int i = 0; i < np; i++) {
        const int m0 = 16 * (p0 + i), rows = g->m - m0 < 16 ? g->m - m0 : 16;
        const __m512 bias =
            g->bias ? _mm512_maskz_loadu_ps(first_lanes(rows), g->bias + m0) : _mm512_setzero_ps();
        FAST_UNROLL
        for (int j = 0; j < nj; j++) {
            const size_t q = g->q0 + (size_t)(j0 + j);
            const size_t col = q % (size_t)g->frame_w;
            if (col >= (size_t)g->out_w)
                continue;
            const __m512 v = _mm512_add_ps(acc[i][j], bias);
            float buf[16];
            _mm512_storeu_ps(buf, g->res ? v : act_ps(&g->act, v));
            fast_store_column(g, buf, (size_t)m0 * g->ldy + q / (size_t)g->frame_w * (size_t)g->out_w + col,
                              rows);
        }
    }
}

/* One instance per panel and column count, so every loop has constant
 * bounds and the accumulators stay in registers. */
#define TTILE_NP(np)                                                                           \
    static void ttile_##np(const FastGemm *g, int p0, int j0, int nj)                         \
    {                                                                                          \
        switch (nj) {                                                                          \
        case 4:                                                                                \
            ttile(g, p0, np, j0, 4);                                                           \
            break;                                                                             \
        case 3:                                                                                \
            ttile(g, p0, np, j0, 3);                                                           \
            break;                                                                             \
        case 2:                                                                                \
            ttile(g, p0, np, j0, 2);                                                           \
            break;                                                                             \
        default:                                                                               \
            ttile(g, p0, np, j0, 1);                                                           \
        }                                                                                      \
    }
TTILE_NP(1)
TTILE_NP(2)
TTILE_NP(3)
TTILE_NP(4)

/* The transposed tiles of up to cp panels from p0, columns j0 .. j0+nj-1. */
static void ttile_panels(const FastGemm *g, int p0, int cp, int j0, int nj)
{
    const int np = (g->m + FAST_PANEL - 1) / FAST_PANEL - p0;
    switch (np < cp ? np : cp) {
    case 1:
        ttile_1(g, p0, j0, nj);
        break;
    case 2:
        ttile_2(g, p0, j0, nj);
        break;
    case 3:
        ttile_3(g, p0, j0, nj);
        break;
    default:
        ttile_4(g, p0, j0, nj);
    }
}

static void ttile_cols(const FastGemm *g, int p0, int j0, int nj)
{
    ttile_panels(g, p0, CP, j0, nj);
}

/* All leftover columns (from j0) of the panels p0 .. p0+np-1. */
static void ttile_left(const FastGemm *g, int p0, int np, int j0)
{
    for (; j0 < g->ncols; j0 += CJ)
        ttile_panels(g, p0, np, j0, g->ncols - j0 < CJ ? g->ncols - j0 : CJ);
}

static void fill_avx512(const FastFill *f, const FastPre *pre);

/* B's columns [j0, j0 + n) from fl, in a pass of their own. */
static void fill_cols(const FastGemm *g, const FastGemmFill *fl, int j0, int n)
{
    const FastFill f = {fl->x + j0, fl->xs, 1, (float *)g->b + j0, g->cstride, g->nc, 0, (size_t)n, 0};
    fill_avx512(&f, &fl->pre);
}

/* LEFT_FUSE: a GEMM of whole main tiles and one leftover column (7x7 = 48
 * + 1) with one tap, no junk columns and B read (not built by the tiles)
 * runs it in the last main tile of each row tile, from the weights that
 * tile loads anyway (8 rows, one 256-bit sum), instead of transposed tiles
 * that read all the weights once more: per output the same fused
 * multiply-adds in the same order, and the same epilogue, so the same
 * bits.  Whole models, interleaved runs, Intel Xeon: ResNet-18 0.91 on one
 * thread and 0.94 on two (its three 512 -> 512 3x3 layers at 7x7, im2col
 * with K = 4608, had spent a fifth of their time in the transposed tile);
 * ResNet-50 0.99-1.00; Wide ResNet-50's 1024 -> 1024 at 7x7 16-18 -> 7.3-7.7
 * ms (one layer, weights cold).  More columns (LEFT_FUSE_MAX) leave the
 * tile short of registers: with 14x14's 4 (192 + 4) its 1x1 layers were
 * 5-15% slower than with the transposed tiles.  Returns the leftover
 * columns so run, or 0. */
static int left_fused(const FastGemm *g, const FastGemmFill *fl, int left, int main_cols)
{
    return !fl && left >= 1 && left <= LEFT_FUSE_MAX && g->ntaps == 1 && g->frame_w == g->out_w &&
                   main_cols >= 16 * NV && main_cols % (16 * NV) == 0
               ? left
               : 0;
}

/* fl: B built by the first rows' tiles (gemm_fill: an epilogue of act_ps's
 * kinds only), or NULL. */
static void gemm_tiles_fill(const FastGemm *g, const FastGemmFill *fl)
{
    const size_t psize = (size_t)g->nc * (size_t)g->ntaps * FAST_PANEL;
    /* With main tiles, 8 to 12 leftover columns (13x13 = 160 + 9, 27x27,
     * 35x35) run as one more masked vector of the last main tile instead
     * of three passes of transposed tiles over all the weights.  One layer,
     * weights cold, one thread, Intel Xeon: SqueezeNet's 512 -> 1000 at
     * 13x13 1.03-1.05 -> 0.95-0.98 ms, its 384 -> 64 at 13x13 0.061 ->
     * 0.056; in the model (per-node, interleaved) its 13x13 1x1 layers
     * 0.003 ms (8-15%) faster each, 512 -> 1000 3%.  The same sums. */
    const int left_max = g->ncols >= 16 * NV ? LEFT_MAX_MAIN : LEFT_MAX;
    const int left = g->ncols % 16 <= left_max ? g->ncols % 16 : 0;
    const int main_cols = g->ncols - left;
    if (fl && (left || main_cols <= 16)) {
        /* The leftover columns' transposed tiles and the one-vector GEMM
         * read B all at once: filled first.  Main tiles end at a multiple
         * of 16 when there are leftovers, so they store none of these. */
        fill_cols(g, fl, main_cols == g->ncols ? 0 : main_cols, main_cols == g->ncols ? g->ncols : left);
        if (main_cols == g->ncols)
            fl = NULL;
    }
    if (main_cols == g->ncols && main_cols <= 16) {
        for (int r0 = 0; r0 < g->m; r0 += MR_WIDE)
            tile1_wide(g, g->a + (size_t)(r0 / FAST_PANEL) * psize, r0,
                       g->m - r0 < MR_WIDE ? g->m - r0 : MR_WIDE, main_cols);
        return;
    }
    /* With main tiles, the leftover columns of each group of `ip` panels
     * run right after that group's main tiles, while the group's weights
     * are still in L2, instead of all at the end, when the transposed tiles
     * (one multiply per weight loaded) read them all from memory again.
     * Groups of at most FAST_LEFT_KEEP floats of weights; panels bigger than
     * that keep the tiles at the end.  The same tiles, the same sums.  One
     * layer, weights cold, one thread, Xeon with AVX-512 and AMX:
     * ResNet-50's 1x1 512 -> 2048 and 2048 -> 512 at 7x7 (48 + 1 columns)
     * 19-23% faster, MobileNetV2's 320 -> 1280 8%. */
    const int nl = left_fused(g, fl, left, main_cols);
    const int ip = !nl && left && main_cols && psize <= FAST_LEFT_KEEP
                       ? (int)(FAST_LEFT_KEEP / psize < CP ? FAST_LEFT_KEEP / psize : CP)
                       : 0;
    for (int r0 = 0; r0 < g->m; r0 += MR) {
        if (ip && r0 && r0 % (ip * FAST_PANEL) == 0)
            ttile_left(g, r0 / FAST_PANEL - ip, ip, main_cols);
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + r0 % FAST_PANEL;
        const int rows = g->m - r0 < MR ? g->m - r0 : MR;
        /* Each half panel's tiles prefetch half of the next panel (the last
         * panel its own), spread over their k loop, so that A, which for
         * 1x1 layers comes from memory, streams in at an even rate instead
         * of stalling each panel's first tile.  With taps (3x3) the lines
         * would push B's shifted rows out of L1: there pf trails the tile's
         * own A, whose lines it has just loaded. */
        const int p = r0 / FAST_PANEL, last = (g->m - 1) / FAST_PANEL;
        const float *next = p < last ? g->a + (size_t)(p + 1) * psize
                            : g->a_next ? g->a_next
                                        : g->a + (size_t)p * psize;
        const float *pf = g->ntaps > 1 ? a : next + (size_t)(r0 % FAST_PANEL / MR) * (psize / 2);
        /* The first rows build B where fl says so. */
        const int fill = !fl || r0 ? 0 : fl->pre.relu ? 2 : 1;
        const TileFn t3 = fill == 2 ? tile3_2 : fill ? tile3_1 : tile3_0;
        const TileFn t2 = fill == 2 ? tile2_2 : fill ? tile2_1 : tile2_0;
        const TileFn t1 = fill == 2 ? tile1_2 : fill ? tile1_1 : tile1_0;
        for (int j0 = 0; j0 < main_cols; j0 += 16 * NV) {
            const int n = main_cols - j0 < 16 * NV ? main_cols - j0 : 16 * NV;
            if (nl && j0 + n == main_cols)
                tile3_left(g, a, pf, r0, rows, j0, n, fl);
            else if (n > 32)
                t3(g, a, pf, r0, rows, j0, n, fl);
            else if (n > 16)
                t2(g, a, pf, r0, rows, j0, n, fl);
            else
                t1(g, a, pf, r0, rows, j0, n, fl);
        }
    }
    /* A GEMM of at most CJ columns and nothing else (a 1x1 layer on a 1x1
     * map: squeeze-and-excitation) reads each weight once, from memory:
     * one panel at a time, so that they stream in one sequential run (the
     * panels are consecutive), where CP panels at once were CP streams of
     * a few KB each and the hardware's prefetchers kept restarting.  Each
     * pass reads all of B (a line per k) again: only while B stays in L1
     * (K up to SEQ_MAX_K).  The same sums per output.  Cold weights, one
     * thread, Zen 5: MobileNetV3's 240 -> 960 0.041 -> 0.030 ms,
     * EfficientNet-B0's 48 -> 1152 0.013 -> 0.007 (best of alternating
     * runs); with K 480 (960 -> 240 splits K in halves) 0.037 -> 0.046, so
     * those keep CP. */
    if (nl)
        return;
    if (ip) { /* the last group */
        const int last = (g->m - 1) / FAST_PANEL / ip * ip;
        ttile_left(g, last, ip, main_cols);
        return;
    }
    const int cp = main_cols == 0 && g->ncols <= CJ && g->nc * g->ntaps <= SEQ_MAX_K ? 1 : CP;
    for (int p0 = 0; left && p0 * FAST_PANEL < g->m; p0 += cp)
        for (int j0 = main_cols; j0 < g->ncols; j0 += CJ) {
            const int nj = g->ncols - j0 < CJ ? g->ncols - j0 : CJ;
            if (cp == 1)
                ttile_1(g, p0, j0, nj);
            else
                ttile_cols(g, p0, j0, nj);
        }
}

static void gemm_tiles(const FastGemm *g)
{
    gemm_tiles_fill(g, NULL);
}

/* ---- filling B ---------------------------------------------------------- */

static void zero_row(float *y, size_t n)
{
    const __m512 zero = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, zero);
    _mm512_mask_storeu_ps(y + i, first_lanes((int)(n - i)), zero);
}

/* x[i*step] for i < n <= 16, zero lanes past n; reads nothing past
 * x[(n-1)*step].  Stride 2 (the common strided conv) picks the even lanes of
 * two loads; other strides gather. */
INLINE __m512 load_step(const float *x, int step, int n)
{
    if (step == 1)
        return _mm512_maskz_loadu_ps(first_lanes(n), x);
    if (step == 2) {
        const __m512i even =
            _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        const int last = 2 * n - 1; /* elements x[0 .. last-1] are needed */
        const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(last), x);
        const __m512 hi = _mm512_maskz_loadu_ps(first_lanes(last > 16 ? last - 16 : 0), x + 16);
        return _mm512_permutex2var_ps(lo, even, hi);
    }
    const __m512i idx =
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(step));
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), first_lanes(n), idx, x, 4);
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
    const int step = f->step, nch = f->nch;
    for (int ch = 0; ch < nch; ch++) {
        const float *x = x0 + (size_t)ch * xs;
        float *y = y0 + (size_t)ch * ys;
        const __m512 s = _mm512_set1_ps(scale ? scale[ch] : 1.0f);
        const __m512 t = _mm512_set1_ps(shift ? shift[ch] : 0.0f);
        if (zl)
            zero_row(y, zl);
        y += zl;
        size_t i = 0;
        if (step == 1) /* whole vectors unmasked */
            for (; i + 16 <= n; i += 16)
                _mm512_storeu_ps(y + i, pre_ps(_mm512_loadu_ps(x + i), s, t, on, relu));
        for (; i < n; i += 16) {
            const int m = n - i < 16 ? (int)(n - i) : 16;
            const __m512 v = load_step(x + i * (size_t)step, step, m);
            _mm512_mask_storeu_ps(y + i, first_lanes(m), pre_ps(v, s, t, on, relu));
        }
        if (zr)
            zero_row(y + n, zr);
    }
}

static void fill_avx512(const FastFill *f, const FastPre *pre)
{
    if (!pre->on)
        fill_rows(f, NULL, NULL, 0, 0);
    else if (pre->relu)
        fill_rows(f, pre->scale, pre->shift, 1, 1);
    else
        fill_rows(f, pre->scale, pre->shift, 1, 0);
}

/* Where positions p .. p+15 of a row of zl zeros, n values, zeros get their
 * values: load lanes `load` from src + off, move them up by the permutation
 * `up` (a chunk straddling the start), keep lanes `real`.  The same for
 * every channel. */
typedef struct Chunk {
    __mmask16 real, load;
    size_t off;
    int shifted;
    __m512i up;
} Chunk;

static Chunk row_chunk(const FastFill *f, size_t p)
{
    Chunk ch = {0, 0, 0, 0, _mm512_setzero_si512()};
    const size_t a = p > f->zl ? p : f->zl;
    const size_t e = p + 16 < f->zl + f->n ? p + 16 : f->zl + f->n;
    if (a >= e)
        return ch;
    const int shift = (int)(a - p);
    ch.real = (__mmask16)(first_lanes((int)(e - p)) & ~first_lanes(shift));
    ch.load = first_lanes((int)(e - a));
    ch.off = a - f->zl;
    ch.shifted = shift != 0;
    ch.up =
        _mm512_sub_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(shift));
    return ch;
}

/* One chunk of one channel; lanes without a value are zeroed after the
 * pre-activation, so padding stays exactly 0. */
INLINE __m512 chunk_values(const Chunk *ch, const float *x, __m512 s, __m512 t, const FastPre *pre)
{
    if (!ch->real)
        return _mm512_setzero_ps();
    __m512 v = _mm512_maskz_loadu_ps(ch->load, x + ch->off);
    if (ch->shifted)
        v = _mm512_permutexvar_ps(ch->up, v);
    if (pre->on) {
        v = _mm512_add_ps(_mm512_mul_ps(v, s), t);
        if (pre->relu)
            v = _mm512_max_ps(_mm512_setzero_ps(), v);
    }
    return _mm512_maskz_mov_ps(ch->real, v);
}

/* 64 positions at a time, for all channels: two rounds of even/odd lane
 * picks split them into the 4 phases. */
static void fill_split4_avx512(const FastFill *f, const FastPre *pre)
{
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const size_t len = f->zl + f->n + f->zr, pw = len / 4;
    for (size_t p = 0; p < len; p += 64) {
        Chunk c[4];
        FAST_UNROLL
        for (int q = 0; q < 4; q++)
            c[q] = row_chunk(f, p + 16 * (size_t)q);
        const __mmask16 k = first_lanes((int)(pw - p / 4));
        for (int ch = 0; ch < f->nch; ch++) {
            const float *x = f->x + (size_t)ch * f->xs;
            float *y = f->y + (size_t)ch * f->ys + p / 4;
            const __m512 s = _mm512_set1_ps(pre->scale ? pre->scale[ch] : 1.0f);
            const __m512 t = _mm512_set1_ps(pre->shift ? pre->shift[ch] : 0.0f);
            __m512 l[4];
            FAST_UNROLL
            for (int q = 0; q < 4; q++)
                l[q] = chunk_values(&c[q], x, s, t, pre);
            const __m512 e01 = _mm512_permutex2var_ps(l[0], even, l[1]);
            const __m512 o01 = _mm512_permutex2var_ps(l[0], odd, l[1]);
            const __m512 e23 = _mm512_permutex2var_ps(l[2], even, l[3]);
            const __m512 o23 = _mm512_permutex2var_ps(l[2], odd, l[3]);
            _mm512_mask_storeu_ps(y, k, _mm512_permutex2var_ps(e01, even, e23));
            _mm512_mask_storeu_ps(y + pw, k, _mm512_permutex2var_ps(o01, even, o23));
            _mm512_mask_storeu_ps(y + 2 * pw, k, _mm512_permutex2var_ps(e01, odd, e23));
            _mm512_mask_storeu_ps(y + 3 * pw, k, _mm512_permutex2var_ps(o01, odd, o23));
        }
    }
}

/* Phased frames (FastFrame), one sub-frame row's run of up to 16 columns
 * from c at a time: the 32 input pixels from 2c - pad_l (two loads, the
 * pre-activation once) give column parity 0 in their even lanes and 1 in
 * their odd ones, both sub-frames of the row's parity at once.  Lane masks
 * and indices depend on the row and run only, so the loop over channels
 * inside is loads, arithmetic, two permutes and two stores.  Where one call
 * per sub-frame and row filled them (fill_phase), RegNetX-400MF's grouped
 * 3x3/2 layers spent as long filling B as multiplying it. */
INLINE void phases_rows(const FastFrame *f, const float *scale, const float *shift, int on, int relu)
{
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i two_lane = _mm512_add_epi32(lane, lane);
    const size_t fw = (size_t)f->fw, end = f->u + f->len;
    const int W = f->W;
    for (int rp = 0; rp < 2; rp++) {
        float *y0 = f->y + (size_t)(2 * rp) * f->seg, *y1 = y0 + f->seg;
        for (size_t q = f->u; q < end;) {
            const size_t c0 = q % fw, n = fw - c0 < end - q ? fw - c0 : end - q;
            const long ih = 2 * (long)(q / fw) + rp - f->pad_t;
            const size_t at = q - f->u;
            for (size_t j = 0; j < n; j += 16) {
                const __mmask16 m = first_lanes((int)(n - j < 16 ? n - j : 16));
                if (ih < 0 || ih >= f->H) {
                    for (int ch = 0; ch < f->nch; ch++) {
                        const size_t o = (size_t)ch * f->ys + at + j;
                        _mm512_mask_storeu_ps(y0 + o, m, _mm512_setzero_ps());
                        _mm512_mask_storeu_ps(y1 + o, m, _mm512_setzero_ps());
                    }
                    continue;
                }
                /* input pixels w0 .. w0 + 31 (those in [0, W) loaded from lo) */
                const long w0 = 2 * (long)(c0 + j) - f->pad_l, lo = w0 > 0 ? w0 : 0;
                const long top = w0 + 32 < W ? w0 + 32 : W;
                const int nload = top > lo ? (int)(top - lo) : 0;
                const __mmask16 l0 = first_lanes(nload), l1 = first_lanes(nload > 16 ? nload - 16 : 0);
                const __m512i iw0 = _mm512_add_epi32(_mm512_set1_epi32((int)w0), two_lane);
                const __m512i iw1 = _mm512_add_epi32(iw0, _mm512_set1_epi32(1));
                const __m512i wv = _mm512_set1_epi32(W);
                const __mmask16 v0 = m & _mm512_cmpge_epi32_mask(iw0, _mm512_setzero_si512()) &
                                     _mm512_cmplt_epi32_mask(iw0, wv);
                const __mmask16 v1 = m & _mm512_cmpge_epi32_mask(iw1, _mm512_setzero_si512()) &
                                     _mm512_cmplt_epi32_mask(iw1, wv);
                /* lane k of the 32 loaded is pixel lo + k */
                const __m512i sh = _mm512_set1_epi32((int)(lo - w0));
                const __m512i i0 = _mm512_sub_epi32(two_lane, sh);
                const __m512i i1 = _mm512_add_epi32(i0, _mm512_set1_epi32(1));
                const float *xr = f->x + (size_t)ih * (size_t)W + (size_t)lo;
                for (int ch = 0; ch < f->nch; ch++) {
                    const float *x = xr + (size_t)ch * f->xs;
                    const size_t o = (size_t)ch * f->ys + at + j;
                    const __m512 s = _mm512_set1_ps(scale ? scale[ch] : 1.0f);
                    const __m512 t = _mm512_set1_ps(shift ? shift[ch] : 0.0f);
                    __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
                    if (nload) {
                        a = pre_ps(_mm512_maskz_loadu_ps(l0, x), s, t, on, relu);
                        b = pre_ps(_mm512_maskz_loadu_ps(l1, x + 16), s, t, on, relu);
                    }
                    _mm512_mask_storeu_ps(y0 + o, m, _mm512_maskz_mov_ps(v0, _mm512_permutex2var_ps(a, i0, b)));
                    _mm512_mask_storeu_ps(y1 + o, m, _mm512_maskz_mov_ps(v1, _mm512_permutex2var_ps(a, i1, b)));
                }
            }
            q += n;
        }
    }
}

/* Frames of stride 1 (FastFrame) the same way: per frame row and run of
 * up to 16 columns, masks (and for a run that starts in the left padding
 * the lane shift) once, then per channel a load, the pre-activation and a
 * store.  A fill call per frame row and channel block cost RegNetX's
 * grouped 3x3 layers on 7x7 maps (rows of 9) a fifth of their time. */
INLINE void frame_rows(const FastFrame *f, const float *scale, const float *shift, int on, int relu)
{
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const size_t fw = (size_t)f->fw, end = f->u + f->len;
    const int W = f->W;
    for (size_t q = f->u; q < end;) {
        const size_t c0 = q % fw, n = fw - c0 < end - q ? fw - c0 : end - q;
        const long ih = (long)(q / fw) - f->pad_t;
        float *y = f->y + (q - f->u);
        for (size_t j = 0; j < n; j += 16) {
            const __mmask16 m = first_lanes((int)(n - j < 16 ? n - j : 16));
            const long w0 = (long)(c0 + j) - f->pad_l, lo = w0 > 0 ? w0 : 0;
            const long top = w0 + 16 < W ? w0 + 16 : W;
            if (ih < 0 || ih >= f->H || top <= lo) {
                for (int ch = 0; ch < f->nch; ch++)
                    _mm512_mask_storeu_ps(y + (size_t)ch * f->ys + j, m, _mm512_setzero_ps());
                continue;
            }
            const __mmask16 ld = first_lanes((int)(top - lo));
            const int sh = (int)(lo - w0); /* lanes before the row's first pixel */
            const __mmask16 v = (__mmask16)(m & ld << sh);
            const __m512i idx = _mm512_sub_epi32(lane, _mm512_set1_epi32(sh));
            const float *xr = f->x + (size_t)ih * (size_t)W + (size_t)lo;
            for (int ch = 0; ch < f->nch; ch++) {
                const __m512 s = _mm512_set1_ps(scale ? scale[ch] : 1.0f);
                const __m512 t = _mm512_set1_ps(shift ? shift[ch] : 0.0f);
                __m512 a = pre_ps(_mm512_maskz_loadu_ps(ld, xr + (size_t)ch * f->xs), s, t, on, relu);
                if (sh)
                    a = _mm512_permutexvar_ps(idx, a);
                _mm512_mask_storeu_ps(y + (size_t)ch * f->ys + j, m, _mm512_maskz_mov_ps(v, a));
            }
        }
        q += n;
    }
}

static void fill_frame_avx512(const FastFrame *f, const FastPre *pre)
{
    if (!pre->on)
        frame_rows(f, NULL, NULL, 0, 0);
    else if (pre->relu)
        frame_rows(f, pre->scale, pre->shift, 1, 1);
    else
        frame_rows(f, pre->scale, pre->shift, 1, 0);
}

static void fill_phases_avx512(const FastFrame *f, const FastPre *pre)
{
    if (!pre->on)
        phases_rows(f, NULL, NULL, 0, 0);
    else if (pre->relu)
        phases_rows(f, pre->scale, pre->shift, 1, 1);
    else
        phases_rows(f, pre->scale, pre->shift, 1, 0);
}

/* ---- Winograd F(4x4, 3x3) transforms: 16 tiles per vector ---------------- */

/* winograd.c's in6 and out6, lane-wise. */
INLINE void in6(const __m512 d[6], __m512 w[6])
{
    const __m512 four = _mm512_set1_ps(4.0f), five = _mm512_set1_ps(5.0f);
    const __m512 two = _mm512_set1_ps(2.0f);
    const __m512 t0 = _mm512_fnmadd_ps(four, d[2], d[4]), t1 = _mm512_fnmadd_ps(four, d[1], d[3]);
    const __m512 t2 = _mm512_sub_ps(d[4], d[2]), t3 = _mm512_sub_ps(d[3], d[1]);
    w[0] = _mm512_fmadd_ps(four, d[0], _mm512_fnmadd_ps(five, d[2], d[4]));
    w[1] = _mm512_add_ps(t0, t1);
    w[2] = _mm512_sub_ps(t0, t1);
    w[3] = _mm512_fmadd_ps(two, t3, t2);
    w[4] = _mm512_fnmadd_ps(two, t3, t2);
    w[5] = _mm512_fmadd_ps(four, d[1], _mm512_fnmadd_ps(five, d[3], d[5]));
}

INLINE void out6(const __m512 m[6], __m512 y[4])
{
    const __m512 s1 = _mm512_add_ps(m[1], m[2]), d1 = _mm512_sub_ps(m[1], m[2]);
    const __m512 s2 = _mm512_add_ps(m[3], m[4]), d2 = _mm512_sub_ps(m[3], m[4]);
    y[0] = _mm512_add_ps(_mm512_add_ps(m[0], s1), s2);
    y[1] = _mm512_fmadd_ps(_mm512_set1_ps(2.0f), d2, d1);
    y[2] = _mm512_fmadd_ps(_mm512_set1_ps(4.0f), s2, s1);
    y[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.0f), d2, d1), m[5]);
}

/* A vector of 16 consecutive tiles can span several tile rows (at most one
 * per lane): each run of lanes within one row loads, merged, from a base
 * shifted back by its first lane.  Only a run that starts the vector can be
 * in tile row 0, at lane 0: every other base is 4 frame rows in, inside the
 * frame. */
#define MAX_RUNS 16

/* clang's AddressSanitizer takes many minutes over the unrolled copies of
 * wino_in_vec (a check per lane of each masked load); its builds run one
 * copy whose loads loop over the runs, the same sums in the same order. */
#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WINO_IN_UNROLL 0
#endif
#endif
#ifndef WINO_IN_UNROLL
#define WINO_IN_UNROLL 1
#endif

/* The transform of one vector of 16 tiles whose lanes come in `runs`
 * merged loads (a constant once inlined, so the loads unroll and the masks
 * and bases stay in registers). */
INLINE void wino_in_vec(const FastWinoIn *w, float *v, size_t xs, int runs, const __mmask16 *mask,
                        const float *const *base, __mmask16 keep)
{
    __m512 t6[6][6], d[6], col[6], out[6];
    FAST_UNROLL
    for (int i = 0; i < 6; i++) {
        FAST_UNROLL
        for (int j = 0; j < 6; j++) {
            const size_t off =
                (size_t)i * w->row_stride + (size_t)(j % 4) * w->phase_stride + j / 4;
            d[j] = _mm512_maskz_loadu_ps(mask[0], base[0] + off);
            FAST_UNROLL
            for (int q = 1; q < runs; q++)
                d[j] = _mm512_mask_loadu_ps(d[j], mask[q], base[q] + off);
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
            _mm512_mask_storeu_ps(v + (size_t)(6 * i + j) * xs, keep, out[i]);
    }
}

static void wino_in_avx512(const FastWinoIn *w)
{
    const int total = w->tiles + w->zeros;
    const size_t xs = w->xi_stride;
    for (int t0 = 0; t0 < total; t0 += 16) {
        __mmask16 mask[MAX_RUNS];
        const float *base[MAX_RUNS];
        int runs = 0;
        for (int t = t0; t < w->tiles && t < t0 + 16; runs++) {
            const int r = t / w->per_row, k = t % w->per_row;
            const int n = w->per_row - k < t0 + 16 - t ? w->per_row - k : t0 + 16 - t;
            const int lane = t - t0, left = w->tiles - t;
            mask[runs] =
                (__mmask16)(first_lanes(lane + (n < left ? n : left)) & ~first_lanes(lane));
            base[runs] = w->rows + (size_t)(4 * r) * w->row_stride + k - lane;
            t += n;
        }
        if (runs == 0) { /* only the zero columns past the tiles */
            mask[0] = 0;
            base[0] = w->rows;
            runs = 1;
        }
        const __mmask16 keep = first_lanes(total - t0);
        float *v = w->v + t0;
        /* Tile rows of 16 or more tiles take one or two runs, 7-8 (28x28
         * maps) three, 4 (14x14) four or five. */
        switch (WINO_IN_UNROLL ? runs : 0) {
        case 1:
            wino_in_vec(w, v, xs, 1, mask, base, keep);
            break;
        case 2:
            wino_in_vec(w, v, xs, 2, mask, base, keep);
            break;
        case 3:
            wino_in_vec(w, v, xs, 3, mask, base, keep);
            break;
        case 4:
            wino_in_vec(w, v, xs, 4, mask, base, keep);
            break;
        case 5:
            wino_in_vec(w, v, xs, 5, mask, base, keep);
            break;
        default: /* tile rows of 1-3 tiles */
            wino_in_vec(w, v, xs, runs, mask, base, keep);
        }
    }
}

/* Stores row values of 16 tiles, y[4k + j] = act(v[j] lane k + res[4k + j]),
 * up to n floats from w's y + at (and res + at, if any). */
INLINE void store_tiles(const __m512 v[4], const FastWinoOut *w, size_t at, int n)
{
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi =
        _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 a_lo = _mm512_permutex2var_ps(v[0], lo, v[2]);
    const __m512 a_hi = _mm512_permutex2var_ps(v[0], hi, v[2]);
    const __m512 b_lo = _mm512_permutex2var_ps(v[1], lo, v[3]);
    const __m512 b_hi = _mm512_permutex2var_ps(v[1], hi, v[3]);
    const __m512 o[4] = {
        _mm512_permutex2var_ps(a_lo, lo, b_lo), _mm512_permutex2var_ps(a_lo, hi, b_lo),
        _mm512_permutex2var_ps(a_hi, lo, b_hi), _mm512_permutex2var_ps(a_hi, hi, b_hi)};
    FAST_UNROLL
    for (int q = 0; q < 4; q++) {
        const __mmask16 keep = first_lanes(n - 16 * q > 0 ? n - 16 * q : 0);
        __m512 out = o[q];
        if (w->res)
            out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(keep, w->res + at + 16 * q));
        _mm512_mask_storeu_ps(w->y + at + 16 * q, keep, act_ps(&w->act, out));
    }
}

static void wino_out_tiles(const FastWinoOut *w)
{
    const __m512 bias = _mm512_set1_ps(w->bias);
    for (int k0 = 0; k0 < w->tiles; k0 += 16) {
        const __mmask16 real = first_lanes(w->tiles - k0);
        __m512 t[6][4], m[6], col[6], out[4][4];
        FAST_UNROLL
        for (int i = 0; i < 6; i++) {
            FAST_UNROLL
            for (int j = 0; j < 6; j++)
                m[j] = _mm512_maskz_loadu_ps(real, w->m + (size_t)(6 * i + j) * w->xi_stride + k0);
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
            __m512 row[4];
            FAST_UNROLL
            for (int j = 0; j < 4; j++)
                row[j] = _mm512_add_ps(out[j][i], bias);
            store_tiles(row, w, (size_t)i * w->ldy + 4 * (size_t)k0, w->cols - 4 * k0);
        }
    }
}

/* Winograd weights at run time (lazy packing): wino_u.h's, on this ISA. */
static void wino_u_avx512(const FastWinoU *u)
{
    wino_u_rows(u);
}

FAST_ENTRIES_WITH_ACT_AFTER(avx512)

const FastKernels onnxcc_fast_avx512 = {gemm_avx512,     fill_avx512,      fill_split4_avx512,
                                        wino_in_avx512,  wino_out_avx512,  wino_u_avx512,
                                        add2_avx512,     gemm_tiles_fill,  fill_frame_avx512,
                                        fill_phases_avx512};
