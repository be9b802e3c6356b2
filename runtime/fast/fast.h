/* fast.h — internals of the fast conv2d (runtime/fast), shared by the
 * portable driver (conv2d.c, winograd.c) and the per-ISA kernels
 * (conv2d_<isa>.c), which every ISA level provides as one FastKernels table.
 *
 * A convolution runs as GEMMs Y[M][cols] = A[M][K] x B[K][cols], one per
 * image, group and band of output pixels.  A is the packed weights: panels
 * of FAST_PANEL output channels, [panel][K][FAST_PANEL], zero-padded rows.
 * B is never stored as such: row k = (c, t) (input channel c, kernel tap t)
 * is read at b + c*cstride + taps[t], so the driver can hand the kernels
 * either an im2col buffer (one tap, offset 0) or one pre-activated, padded
 * copy of the input in which every tap is a shifted view (stride 1).
 * Winograd layers reuse the same GEMM kernels between their transforms. */
#ifndef ONNXCC_FAST_H
#define ONNXCC_FAST_H

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "onnxcc/rt.h"

/* Loops over register tiles must be fully unrolled, or the accumulators
 * live in memory (neither compiler does it by itself at -O2). */
#ifdef __clang__
#define FAST_UNROLL _Pragma("clang loop unroll(full)")
#else
#define FAST_UNROLL _Pragma("GCC unroll 16")
#endif

#define FAST_PANEL 16      /* output channels per packed weight panel */
#define FAST_COLS_ALIGN 16 /* B rows are readable up to cols rounded up to this */
#define FAST_LEFT_KEEP 131072 /* floats of weights (512 KB) whose GEMM's leftover columns
                               * run right after their main tiles (conv2d_<isa>.c) */

/* One GEMM over a band of output pixels.
 *
 * Columns are pixels of a "frame": rows of frame_w columns of which the first
 * out_w are output pixels and the rest junk (the padding columns of the
 * shifted-view algorithm), computed but never stored.  Column j is frame
 * pixel q = q0 + j, which goes to y[r*ldy + (q/frame_w)*out_w + q%frame_w]
 * for output channel r < m when q%frame_w < out_w.  frame_w == out_w means
 * every column is stored (columns map to consecutive y elements).
 *
 * The epilogue: y = act(sum + bias[r] + res), where res (NULL: none) is a
 * residual laid out as y (row r's value at res[r*ldy + the same index]). */
typedef struct FastGemm {
    const float *a;  /* packed panels of this group */
    int m;           /* output channels (rows) */
    int nc, ntaps;   /* K = nc*ntaps, k = c*ntaps + t */
    const int *taps; /* ntaps offsets (floats) into a B channel row */
    const float *b;  /* B row (c, t) = b + c*cstride + taps[t]; readable */
    size_t cstride;  /* for columns < ncols rounded up to FAST_COLS_ALIGN */
    int ncols;
    size_t q0;
    int frame_w, out_w;
    float *y;          /* output channel 0's plane of this group */
    size_t ldy;        /* floats between output channels (OH*OW) */
    const float *bias; /* m values or NULL */
    const float *res;  /* residual for output channel 0, as y, or NULL */
    OnnxccAct act;
    const float *a_next; /* the next GEMM's panels (same K), which the tiles
                          * of the last panel prefetch; NULL: none */
    const float *cbias;  /* MatMul's AVX-512 kernel only: a bias per column
                          * (column q0 + j), added after res; NULL: none */
} FastGemm;

/* sigmoid in float as the reference kernel computes it (no overflow). */
static inline float fast_sigmoid(float v)
{
    if (v >= 0.0f)
        return 1.0f / (1.0f + expf(-v));
    const float e = expf(v);
    return e / (1.0f + e);
}

/* min(1, max(0, v)); NaN stays NaN. */
static inline float fast_hardsigmoid(float v)
{
    v = v < 0.0f ? 0.0f : v;
    return v > 1.0f ? 1.0f : v;
}

/* The epilogue activation, as the reference applies it. */
static inline float fast_act(const OnnxccAct *act, float v)
{
    switch (act->kind) {
    case ONNXCC_ACT_RELU:
        return v < 0.0f ? 0.0f : v;
    case ONNXCC_ACT_CLIP:
        v = v < act->a ? act->a : v;
        return v > act->b ? act->b : v;
    case ONNXCC_ACT_LEAKYRELU:
        return v < 0.0f ? act->a * v : v;
    case ONNXCC_ACT_SIGMOID:
        return fast_sigmoid(v);
    case ONNXCC_ACT_HARDSIGMOID:
        return fast_hardsigmoid(act->a * v + act->b);
    case ONNXCC_ACT_HARDSWISH:
        return v * fast_hardsigmoid(v * (1.0f / 6.0f) + 0.5f);
    case ONNXCC_ACT_SILU:
        return v * fast_sigmoid(v);
    case ONNXCC_ACT_TANH:
        return tanhf(v);
    case ONNXCC_ACT_GELU:
        /* erfc(-t) = 1 + erf(t) without the cancellation below 0; in double,
         * as the rounding of t alone costs 2t^2 ulps in the tail */
        return (float)(0.5 * v * erfc(-(double)v * 0.70710678118654752));
    case ONNXCC_ACT_EXP:
        return expf(v);
    case ONNXCC_ACT_ERF:
        return erff(v);
    default:
        return v;
    }
}

/* The pre-activation of the input channels a fill reads. */
typedef struct FastPre {
    const float *scale, *shift; /* per channel, NULL = 1 / 0 */
    int relu;
    int on; /* 0: plain copy */
} FastPre;

/* One row segment of B for nch channels: for ch < nch, channel ch's row
 * y + ch*ys gets zl zeros, then n values pre_ch(x[ch*xs + i*step]), then zr
 * zeros, where pre_ch(v) = max(0, v*scale[ch] + shift[ch]) (max if relu). */
typedef struct FastFill {
    const float *x;
    size_t xs;
    int step;
    float *y;
    size_t ys;
    int nch;
    size_t zl, n, zr;
} FastFill;

/* Winograd F(4x4, 3x3) transforms (see winograd.c).  Frame rows are stored
 * split by column phase mod 4 (column 4k + f at [f][k]), so that the tiles
 * of a tile row are consecutive in every phase.  The input transform covers
 * one channel's band of tiles: tile t, in tile row r = t / per_row at k =
 * t % per_row, has the 6x6 patch d[i][j] =
 * rows[(4r + i)*row_stride + (j%4)*phase_stride + k + j/4], and its 36 values
 * (B^T d B)[i][j] go to v[(6i + j)*xi_stride + t]; the `zeros` columns after
 * the tiles get 0 (the GEMM reads V rows up to a multiple of 16). */
typedef struct FastWinoIn {
    const float *rows;
    size_t row_stride, phase_stride;
    int per_row, tiles, zeros;
    float *v;
    size_t xi_stride;
} FastWinoIn;

/* The output transform of one output channel: tile k's products M[xi][k] =
 * m[xi*xi_stride + k] give y[i*ldy + 4k + j] = act((A^T M A)[i][j] + bias
 * + res[i*ldy + 4k + j]) for i < rows, 4k + j < cols (no res term when res is
 * NULL). */
typedef struct FastWinoOut {
    const float *m;
    size_t xi_stride;
    int tiles;
    float bias;
    OnnxccAct act;
    float *y;
    size_t ldy;
    int rows, cols;
    const float *res;
} FastWinoOut;

/* Winograd weights at run time (winograd.c, lazy packing): for channels
 * c < n, the 3x3 kernels of one panel's 16 output channels g[c*144 + 16*t
 * + lane] (tap t = 3*row + column) become U = G g G^T, point xi of lane at
 * u[xi*xi_stride + c*16 + lane]. */
typedef struct FastWinoU {
    const float *g;
    int n;
    float *u;
    size_t xi_stride;
} FastWinoU;

/* The kernels one ISA level provides.  fill_split4 is fill (step 1) for the
 * Winograd frame: each channel's row of L = zl + n + zr floats (a multiple
 * of 4) is stored split by phase mod 4, position x at y[(x%4)*(L/4) + x/4]. */
/* The last pass of a layer whose K is split in two (conv2d.c): n values
 * y[q] = act(((p1[q] + bias) + p0[q]) + res[q]), res NULL for none: with
 * no res, the sum of half 1's GEMM epilogue with p0 as its residual. */
typedef struct FastAdd2 {
    const float *p0, *p1, *res;
    float bias;
    OnnxccAct act;
    float *y;
    size_t n;
} FastAdd2;

/* A GEMM that builds its own B (gemm_fill): B row c, column j is
 * pre_c(x[c*xs + j]) (see FastFill; pre.on), stored by the tiles of the
 * first output rows as they multiply it and read back by the others, so
 * that B needs no pass of its own.  x is read up to column ncols only. */
typedef struct FastGemmFill {
    const float *x;
    size_t xs;
    FastPre pre;
} FastGemmFill;

/* Frames of the shifted views (conv2d.c): pixels [u, u + len) of nch
 * channels' frames, rows fw wide.  Stride 1 (fill_frame): frame pixel
 * r * fw + c is input pixel (r - pad_t, c - pad_l), pre-activated, 0
 * outside the input; channel ch's frame starts (at pixel u) at y + ch * ys,
 * its input plane at x + ch * xs.  Phased frames (stride 2, fill_phases):
 * four sub-frames, s = 2 rp + cp holding at pixel r * fw + c the input
 * pixel (2r + rp - pad_t, 2c + cp - pad_l), sub-frame s at y + ch * ys +
 * s * seg. */
typedef struct FastFrame {
    const float *x;
    size_t xs;
    int nch;
    int H, W, pad_t, pad_l, fw;
    size_t u, len;
    float *y;
    size_t ys, seg;
} FastFrame;

typedef struct FastKernels {
    void (*gemm)(const FastGemm *g);
    void (*fill)(const FastFill *f, const FastPre *pre);
    void (*fill_split4)(const FastFill *f, const FastPre *pre);
    void (*wino_in)(const FastWinoIn *w);
    void (*wino_out)(const FastWinoOut *w);
    void (*wino_u)(const FastWinoU *u);
    void (*add2)(const FastAdd2 *a);
    /* gemm, B built as it goes (FastGemmFill, one tap only, no
     * fast_act_after epilogue); NULL: the ISA has none, fill B first */
    void (*gemm_fill)(const FastGemm *g, const FastGemmFill *f);
    /* frames (FastFrame), stride 1 and the four sub-frames of phased
     * ones; NULL: a fill call per frame row */
    void (*fill_frame)(const FastFrame *f, const FastPre *pre);
    void (*fill_phases)(const FastFrame *f, const FastPre *pre);
} FastKernels;

#ifdef ONNXCC_RT_X86_64
extern const FastKernels onnxcc_fast_avx2;
extern const FastKernels onnxcc_fast_avx512;
#endif
/* conv2d.c: the kernels of ISA level isa (ONNXCC_ISA_*), scalar below AVX2. */
const FastKernels *onnxcc_fast_kernels(int isa);

/* act_<isa>.c: y[i] = act(x[i]) for i < n (y may be x), the transcendental
 * kinds by vmath.h's polynomials; y[i] = x[i] * s. */
typedef void (*FastActFn)(size_t n, const OnnxccAct *act, const float *x, float *y);
#ifdef ONNXCC_RT_X86_64
void onnxcc_f32_act_avx2(size_t n, const OnnxccAct *act, const float *x, float *y);
void onnxcc_f32_act_avx512(size_t n, const OnnxccAct *act, const float *x, float *y);
void onnxcc_f32_scale_avx2(size_t n, const float *x, float s, float *y);
void onnxcc_f32_scale_avx512(size_t n, const float *x, float s, float *y);
#endif
/* act_<isa>.c: the sum over i < n of x[i], or with pre of max(lo, x[i]*a +
 * b) (fused), for GlobalAveragePool (globalpool.c). */
typedef float (*FastSumFn)(size_t n, const float *x, int pre, float a, float b, float lo);
#ifdef ONNXCC_RT_X86_64
float onnxcc_f32_sum_avx2(size_t n, const float *x, int pre, float a, float b, float lo);
float onnxcc_f32_sum_avx512(size_t n, const float *x, int pre, float a, float b, float lo);
#endif
/* act.c: that kernel for ISA level isa (scalar: fast_act per element). */
FastActFn onnxcc_fast_act_fn(int isa);

/* Epilogue kinds that the SIMD conv kernels do not apply in registers: they
 * store without them and then run their level's FastActFn over what they
 * stored, while it is in cache (the same bits as onnxcc_f32_act). */
static inline int fast_act_after(int kind)
{
    return kind >= ONNXCC_ACT_SIGMOID;
}

/* softmax_<isa>.c: Softmax (lg = 0) or LogSoftmax (lg = 1) of rows
 * consecutive [len][inner] slices of x into y (y may be x): inner == 1,
 * each a contiguous row; else columns 0 .. cols-1 of each (x and y point
 * at column 0 of the first slice).  len > 0. */
typedef void (*FastSoftmaxFn)(size_t rows, size_t len, size_t inner, size_t cols, const float *x, float *y,
                              int lg);
#ifdef ONNXCC_RT_X86_64
void onnxcc_f32_softmax_block_avx2(size_t rows, size_t len, size_t inner, size_t cols, const float *x, float *y,
                                   int lg);
void onnxcc_f32_softmax_block_avx512(size_t rows, size_t len, size_t inner, size_t cols, const float *x,
                                     float *y, int lg);
#endif

/* layernorm_<isa>.c: onnxcc_f32_layernorm's rows (rows >= 0, len > 0). */
typedef void (*FastLayerNormFn)(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                                const float *beta, float *y);
#ifdef ONNXCC_RT_X86_64
void onnxcc_f32_layernorm_rows_avx2(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                                    const float *beta, float *y);
void onnxcc_f32_layernorm_rows_avx512(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                                      const float *beta, float *y);
#endif

/* winograd.c: whether a layer runs as Winograd F(4x4, 3x3), the floats of its
 * packed weights (after the header) and of its scratch, packing, the call,
 * and the portable transforms. */
int onnxcc_fast_wino_fits(const OnnxccConv2dParams *p);
int onnxcc_fast_wino_fused(const OnnxccConv2dParams *p); /* lazy packing, U made in blocks */
/* isa.c: whether the CPU is Intel's, for the few blockings tuned per
 * vendor (conv2d.c's narrow bands, winograd.c's fused U); never a choice
 * that changes results or the scratch a layer needs. */
int onnxcc_fast_intel(void);
size_t onnxcc_fast_wino_packed_floats(const OnnxccConv2dParams *p, int lazy);
size_t onnxcc_fast_wino_scratch_floats(const OnnxccConv2dParams *p, int lazy);
void onnxcc_fast_wino_pack(const OnnxccConv2dParams *p, const float *w, float *packed, int lazy);
void onnxcc_fast_wino_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                          const float *packed, int lazy, const float *bias, const FastPre *pre,
                          const float *res, float *scratch, float *y);
void onnxcc_fast_fill_split4_scalar(const FastFill *f, const FastPre *pre);
void onnxcc_fast_wino_in_scalar(const FastWinoIn *w);
void onnxcc_fast_wino_out_scalar(const FastWinoOut *w);
void onnxcc_fast_wino_u_scalar(const FastWinoU *u);

/* parallel.c: calls fn(ctx, t) for t in [0, ntasks) on up to
 * onnxcc_num_threads() threads, the caller's included, and returns when all
 * have returned.  Tasks run in any order and on any thread. */
typedef void (*OnnxccTaskFn)(void *ctx, int task);

/* Tasks per thread in each phase of a layer: enough to even out a late
 * start, few enough that taking a task (an atomic on a shared line) stays
 * cheap next to doing it. */
#define TASKS_PER_THREAD 2
void onnxcc_fast_parallel(int ntasks, OnnxccTaskFn fn, void *ctx);

/* A loop of rounds, each of nphases phases of counts[p] tasks, as one
 * parallel loop: fn(ctx, round, phase, i) for every task, where every task
 * of a phase starts after every task of the phase before (the last phase of
 * the round before, for phase 0) has finished.  For layers that fill a
 * scratch buffer, then use it, then refill it: one wake-up of the pool per
 * layer instead of two per band. */
typedef void (*OnnxccPhaseFn)(void *ctx, int round, int phase, int i);
void onnxcc_fast_parallel_phases(int rounds, int nphases, const int *counts, OnnxccPhaseFn fn,
                                 void *ctx);

/* Splits [0, n) into parts of whole units (the last may be short) for
 * task t of ntasks: [*lo, *hi). */
static inline void fast_split(size_t n, size_t unit, int ntasks, int t, size_t *lo, size_t *hi)
{
    const size_t units = (n + unit - 1) / unit;
    const size_t a = units * (size_t)t / (size_t)ntasks, b = units * (size_t)(t + 1) / (size_t)ntasks;
    *lo = a * unit < n ? a * unit : n;
    *hi = b * unit < n ? b * unit : n;
}

/* Tasks for a loop over units (rows, blocks) of elems elements in all:
 * one per min_task elements at least, at most one per thread and unit. */
static inline int fast_tasks(size_t elems, size_t min_task, size_t units)
{
    size_t n = elems / min_task;
    const size_t threads = (size_t)onnxcc_num_threads();
    n = n < threads ? n : threads;
    n = n < units ? n : units;
    return n < 1 ? 1 : (int)n;
}

static inline size_t fast_round_up(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

/* Floats of packed panels per group: ceil(mg/16) panels of K x 16. */
static inline size_t fast_group_floats(int mg, size_t k)
{
    return (size_t)((mg + FAST_PANEL - 1) / FAST_PANEL) * k * FAST_PANEL;
}

/* Stores n values of one output channel, columns q .. q+n-1 of the frame,
 * into that channel's plane yc, skipping junk columns.  rc NULL: the values
 * are finished; else they still lack the residual (channel plane rc, laid
 * out as yc) and the activation, which are applied here. */
static inline void fast_store_frame(const FastGemm *g, const float *v, size_t q, int n, float *yc,
                                    const float *rc)
{
    const size_t fw = (size_t)g->frame_w, ow = (size_t)g->out_w;
    size_t row = q / fw, col = q % fw;
    while (n > 0) {
        size_t run = fw - col < (size_t)n ? fw - col : (size_t)n;
        const size_t real = col < ow ? (run < ow - col ? run : ow - col) : 0, at = row * ow + col;
        if (rc)
            for (size_t i = 0; i < real; i++)
                yc[at + i] = fast_act(&g->act, v[i] + rc[at + i]);
        else if (real)
            memcpy(yc + at, v, sizeof(float) * real);
        v += run;
        n -= (int)run;
        row++;
        col = 0;
    }
}

/* Stores one column of rows consecutive output channels: v[r] goes to
 * y[at + r*ldy].  Without a residual v is finished; with one, v still lacks
 * it and the activation, which are applied here. */
static inline void fast_store_column(const FastGemm *g, const float *v, size_t at, int rows)
{
    for (int r = 0; r < rows; r++) {
        const size_t i = at + (size_t)r * g->ldy;
        g->y[i] = g->res ? fast_act(&g->act, v[r] + g->res[i]) : v[r];
    }
}

/* Columns per GEMM call of a layer whose epilogue runs after the store
 * (FAST_ENTRIES_WITH_ACT_AFTER): whole main tiles (48 columns) whose
 * outputs, ACT_AFTER_FLOATS at most, are still in L2 when the activation
 * reads them back.  A column's sums do not depend on where the columns are
 * cut.  One layer (SiLU), weights cold, 1 thread, Zen 5, best of runs:
 * EfficientNet-B0's 16 -> 96 at 112x112 (bands of 8192 columns: 3 MB of
 * outputs) 0.416-0.424 -> 0.396-0.403 ms, 24 -> 144 at 56x56 0.175-0.177
 * -> 0.171-0.172; the activation itself is most of the rest. */
#define ACT_AFTER_FLOATS 32768
static inline size_t fast_act_after_cols(const FastGemm *g)
{
    const size_t c = ACT_AFTER_FLOATS / (size_t)(g->m > 0 ? g->m : 1) / 48 * 48;
    return c > 48 ? c : 48;
}

/* fn over the outputs of g, which ran with no activation: act(g->act). */
static inline void fast_gemm_act_after(const FastGemm *g, FastActFn fn)
{
    const size_t fw = (size_t)g->frame_w, ow = (size_t)g->out_w;
    for (int r = 0; r < g->m; r++) {
        float *yc = g->y + (size_t)r * g->ldy;
        size_t q = g->q0, n = (size_t)g->ncols;
        if (fw == ow) {
            fn(n, &g->act, yc + q, yc + q);
            continue;
        }
        while (n > 0) {
            const size_t row = q / fw, col = q % fw, run = fw - col < n ? fw - col : n;
            const size_t real = col < ow ? (run < ow - col ? run : ow - col) : 0;
            if (real)
                fn(real, &g->act, yc + row * ow + col, yc + row * ow + col);
            q += run;
            n -= run;
        }
    }
}

/* fn over the outputs of w, which ran with no activation. */
static inline void fast_wino_act_after(const FastWinoOut *w, FastActFn fn)
{
    for (int i = 0; i < w->rows; i++)
        fn((size_t)w->cols, &w->act, w->y + (size_t)i * w->ldy, w->y + (size_t)i * w->ldy);
}

/* The entry points gemm_ISA, wino_out_ISA and add2_ISA of a per-ISA kernel
 * file, around its gemm_tiles, wino_out_tiles and add2_rows: the activations
 * its act_ps has no case for (fast_act_after) run by onnxcc_f32_act_ISA
 * after the stores, so the epilogues of the others stay as they are. */
#define FAST_ENTRIES_WITH_ACT_AFTER(ISA)                                  \
    static void gemm_##ISA(const FastGemm *g)                             \
    {                                                                     \
        if (!fast_act_after(g->act.kind)) {                               \
            gemm_tiles(g);                                                \
            return;                                                       \
        }                                                                 \
        const size_t step = fast_act_after_cols(g);                       \
        for (size_t j = 0; j < (size_t)g->ncols; j += step) {             \
            FastGemm h = *g;                                              \
            h.b += j;                                                     \
            h.q0 += j;                                                    \
            h.ncols = (int)((size_t)g->ncols - j < step ? (size_t)g->ncols - j : step); \
            h.act.kind = ONNXCC_ACT_NONE;                                 \
            gemm_tiles(&h);                                               \
            h.act = g->act;                                               \
            fast_gemm_act_after(&h, onnxcc_f32_act_##ISA);                \
        }                                                                 \
    }                                                                     \
    static void wino_out_##ISA(const FastWinoOut *w)                      \
    {                                                                     \
        if (!fast_act_after(w->act.kind)) {                               \
            wino_out_tiles(w);                                            \
            return;                                                       \
        }                                                                 \
        FastWinoOut h = *w;                                               \
        h.act.kind = ONNXCC_ACT_NONE;                                     \
        wino_out_tiles(&h);                                               \
        fast_wino_act_after(w, onnxcc_f32_act_##ISA);                     \
    }                                                                     \
    static void add2_##ISA(const FastAdd2 *a)                             \
    {                                                                     \
        if (!fast_act_after(a->act.kind)) {                               \
            add2_rows(a);                                                 \
            return;                                                       \
        }                                                                 \
        FastAdd2 h = *a;                                                  \
        h.act.kind = ONNXCC_ACT_NONE;                                     \
        add2_rows(&h);                                                    \
        onnxcc_f32_act_##ISA(a->n, &a->act, a->y, a->y);                  \
    }

#endif /* ONNXCC_FAST_H */
