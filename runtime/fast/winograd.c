/* winograd.c — stride-1 3x3 convolutions as Winograd F(4x4, 3x3): each 4x4
 * tile of outputs from a 6x6 input patch with 36 products per pair of input
 * and output channels instead of 144.
 *
 * Packing turns each 3x3 kernel g into U = G g G^T (in double, rounded once)
 * and stores the 36 matrices U[xi][m][c] in the panel layout of fast.h.  Per
 * image, group and band of tile rows, the call then
 *  1. copies the pre-activated input into a zero-padded frame whose rows are
 *     split by column phase mod 4 (frame column 4k + f at [f][k]), so that
 *     consecutive tiles sit in consecutive floats of every phase;
 *  2. transforms it: V[c][xi][tile] = (B^T d B)[xi];
 *  3. multiplies, with the direct conv's GEMM kernels, M[xi] = U[xi] V[xi];
 *  4. transforms back: y = act(A^T M A + bias), clipped at the map's edges.
 * The transforms round in float: errors are a few times those of direct
 * summation (the test bounds them like every other path's).
 *
 * Lazy packing keeps the 3x3 kernels themselves (per panel of 16 output
 * channels, [g][m/16][c][tap][m%16]) and makes U in scratch at the start of
 * every call, in float: the weights are their own size instead of 4 times
 * it, and a call reads 9 floats per kernel from memory instead of 36.
 *
 * Fused U (lazy layers of 13 to 16 tiles whose whole U passes 2 MB, or
 * 1 MB with 128 outputs or more: onnxcc_fast_wino_fused): a whole U made
 * per call outgrows the caches (36 x 512 x 512 floats, 38 MB, for Wide
 * ResNet-50-2's 14x14 layers) and the GEMMs, one vector of tiles wide,
 * wait for it from memory.  Instead each GEMM task makes the U of one
 * panel of 16 output channels (and up to FUSED_CH input channels) in its
 * own scratch and multiplies it at once; more input channels add their
 * products to M through the GEMM's residual.
 * The blocks do not depend on the thread count.  One layer, weights cold,
 * Zen 5: Wide ResNet-50-2's 512 -> 512 at 14x14 4.0 -> 2.4 ms on one
 * thread.  Where a whole U passes 4 MB (the bound on AMD's cores before
 * FUSED_MIN_U), in a model its lines are evicted between runs (and were
 * then zeroed by a memset on every run) and L3 holds neither it nor the
 * weights of the next layers; one thread, Zen 5, per-node minimum of six
 * profiled runs: AlexNet's 192 -> 384 at 13x13 (U 10 MB) 1.41-1.46 ->
 * 0.98-1.02 ms, 384 -> 256 1.28-1.31 -> 1.15-1.20, ResNet-50's 256 -> 256
 * at 14x14 (9 MB) 0.66-0.69 -> 0.58-0.60 and its first (after the 3x3/2)
 * 1.12-1.21 -> 0.68-0.81.  The layer alone with its scratch warm was up
 * to 5% slower fused.  7x7 and 8x8 maps (4 tiles, transposed GEMM tiles)
 * were 2x slower than the packed U. */
#include <string.h>

#include "fast.h"

#define XI 36               /* 6x6 transformed points */
#define WINO_TILES 96       /* tiles per band at least: the GEMMs' columns */
#define WINO_MIN_CHANNELS 8 /* fewer input or output channels: transforms dominate */
#define WINO_CH_UNIT 4      /* channels per input / output transform task */
/* Smaller maps (at most 2x2 tiles) run as direct GEMMs: too few tiles to
 * fill the vectors, and U, 4 times the kernels, streamed for 4 tiles (or
 * made for them).  One layer, weights cold, Zen 5, 1 thread, against
 * Winograd: Inception-v3's 448 -> 384 at 8x8 1.16 -> 0.98 ms (2 threads
 * 1.45 -> 0.52-1.0), ResNet-50's 512 -> 512 at 7x7 1.67 -> 1.19, Wide
 * ResNet-50-2's 1024 -> 1024 at 7x7 6.2 -> 5.7 (im2col: 128 outputs and
 * more, conv2d.c's use_shifted).  8x8 maps with fewer outputs keep
 * Winograd (DenseNet-BC's, which the tests build as Winograd), though
 * direct was faster there too: 128 -> 32 0.06 -> 0.03 ms, 48 -> 12 0.009
 * -> 0.007. */
#define WINO_MIN_MAP 9
#define WINO_8_MAX_M 128 /* 8x8 maps with fewer outputs per group: Winograd */

#define FUSED_CH 1024      /* input channels per fused U block at most */
#define FUSED_TASKS 4      /* fused GEMM tasks per round, each with its own U block */
#define FUSED_MIN_TILES 13 /* tiles per image: 13 to 16 fill one vector of the */
#define FUSED_MAX_TILES 16 /* GEMM's columns (13x13 to 16x16 maps) */
/* Floats of a whole U from which blocks pay (2 MB): on Intel's cores a
 * whole U that L2 (2 MB) does not hold already waits for memory, and on two
 * cores that share no L3 (Zen 5) a whole U, made by both, is half made by
 * the other core.  One layer, weights cold, one / two threads: Xeon with
 * AVX-512 and AMX, SqueezeNet-1.1's 64 -> 256 at 13x13 (U 2.4 MB) 0.34 ->
 * 0.25 ms / 0.23 -> 0.14; Zen 5 (medians of 5 alternating runs) 0.231 ->
 * 0.230 / 0.236 -> 0.144, where from 4 MB only it was no faster on two
 * threads than on one.  DenseNet-161's 192 -> 48 at 14x14 (U 1.3 MB) stays
 * whole: 0.13 -> 0.18 ms fused on two threads (Xeon). */
#define FUSED_MIN_U (1u << 19)

typedef struct WinoPlan {
    int cg, mg;    /* input / output channels per group */
    int tw, th;    /* tiles per row / per column */
    size_t pw;     /* floats per phase of a frame row */
    int band;      /* tile rows per band */
    size_t frame;  /* floats of frame per channel: 4*band + 2 rows of 4 phases */
    size_t frames; /* floats of all channels' frames, rounded up so that V
                    * and M start 64-byte aligned */
    size_t ldv;    /* floats per row of V [c][xi][tile] and M [m][xi][tile] */
} WinoPlan;

int onnxcc_fast_wino_fits(const OnnxccConv2dParams *p)
{
    const int map = p->OH < p->OW ? p->OH : p->OW;
    return p->kH == 3 && p->kW == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 &&
           p->dil_w == 1 && p->C / p->group >= WINO_MIN_CHANNELS &&
           p->M / p->group >= WINO_MIN_CHANNELS &&
           (map >= WINO_MIN_MAP || (map == 8 && p->M / p->group < WINO_8_MAX_M));
}

/* Whether p is of the fused shape with a whole U of min_u floats at least. */
static int fused_shape(const OnnxccConv2dParams *p, size_t min_u)
{
    const size_t tiles = (size_t)((p->OH + 3) / 4) * (size_t)((p->OW + 3) / 4);
    return p->N == 1 && tiles >= FUSED_MIN_TILES && tiles <= FUSED_MAX_TILES &&
           (size_t)XI * (size_t)(p->C / p->group) * (size_t)(p->M / p->group) >= min_u;
}

/* Whether p's U is fused: from FUSED_MIN_U, or from half of it (1 MB)
 * with at least FUSED_WIDE_M outputs per group, enough panels for the GEMM
 * tasks to share (FUSED_TASKS).  There the whole U, made per call, was
 * written to L2 and read back from it: one layer, weights cold, Intel
 * Xeon, SqueezeNet-1.1's 48 -> 192 at 13x13 (U 1.3 MB) 0.195-0.202 ->
 * 0.161-0.165 ms on one thread, 0.156 -> 0.104 on two; the model 0.975 /
 * 0.972 (interleaved runs); Zen 5 0.143 -> 0.146 / 0.156 -> 0.097.
 * GoogLeNet's 32 -> 128 at 14x14 (U 0.6 MB) was no faster fused.
 * DenseNet-161's 192 -> 48 (1.3 MB, 3 panels) stays whole (see
 * FUSED_MIN_U).  The same on every CPU, so the scratch is. */
#define FUSED_WIDE_M 128
#define FUSED_MIN_U_WIDE (1u << 18)

int onnxcc_fast_wino_fused(const OnnxccConv2dParams *p)
{
    return fused_shape(p, FUSED_MIN_U) ||
           (p->M / p->group >= FUSED_WIDE_M && fused_shape(p, FUSED_MIN_U_WIDE));
}

static void wino_plan(const OnnxccConv2dParams *p, WinoPlan *w)
{
    w->cg = p->C / p->group;
    w->mg = p->M / p->group;
    w->tw = (p->OW + 3) / 4;
    w->th = (p->OH + 3) / 4;
    /* Tile k reads phase floats k and k + 1; kernels read no further. */
    w->pw = (size_t)w->tw + 1;
    const int band = (WINO_TILES + w->tw - 1) / w->tw;
    w->band = band < w->th ? band : w->th;
    w->frame = (size_t)(4 * w->band + 2) * 4 * w->pw;
    w->frames = fast_round_up((size_t)w->cg * w->frame, 16);
    /* The band's tiles rounded up to 16 (the GEMM reads them), and room for
     * a whole vector stored past them. */
    w->ldv = fast_round_up((size_t)w->band * (size_t)w->tw, 16) + 16;
}

#define BAND_PARTS 2             /* WinoJob.parts: parts, and the thread count */
#define BANDED_MAX_VM (1u << 21) /* floats of V and M (8 MB) up to which a part has its own */
#define PANEL_PARTS_RATIO 2      /* PARTS_PANELS: outputs per input channel at least */

/* A split K (WinoJob.khalf): a layer of one band with at least twice as
 * many input channels as outputs (and at least KSPLIT_MIN_CH), U not
 * fused on any CPU, splits its input channels in two halves, whatever the
 * thread count, as conv2d.c's ksplit_run does for small maps.  Each half
 * makes its U, frames and V and multiplies them into its own M; a last
 * phase adds the two M (M = (M_1 + 0) + M_0) and transforms back.  With
 * two threads each core then makes, writes and reads only its own half of
 * U and V, where the three phases of the regular path handed U, V and M
 * across between the cores; one thread runs the halves one after the
 * other, the second adding the first's M through its GEMMs' residual, the
 * same sums.  The halves' sums are other bits than one sum over K, so the
 * choice depends on the shape alone.  In the model, per-node profile,
 * medians of 6-8 interleaved runs, Xeon with AVX-512 and AMX (family 6),
 * two threads: DenseNet-121's twelve 28x28 layers 2.47 -> 2.22 ms and its
 * 24 at 14x14 2.37 -> 2.28; DenseNet-161's 6.49 -> 5.82 (14x14) and 4.24 ->
 * 3.83 (28x28); one thread: 3.29 -> 3.14 (DenseNet-121, 28x28), 2.62 ->
 * 2.70 (14x14), DenseNet-161's 8.63 -> 8.10 and 5.88 -> 6.25.  Alone, two
 * threads, weights cold: with as many or more outputs than inputs the
 * second M cost more than it saved (ResNet-50's 128 -> 128 at 28x28 4%
 * slower, SqueezeNet-1.1's 32 -> 128 at 27x27 56%). */
#define KSPLIT_MIN_CH 32

static int ksplits(const OnnxccConv2dParams *p, const WinoPlan *w)
{
    return w->band >= w->th && w->cg >= KSPLIT_MIN_CH && w->cg >= 2 * w->mg &&
           !fused_shape(p, FUSED_MIN_U);
}

/* The input channel where a split K's second half starts. */
static int khalf_of(const WinoPlan *w)
{
    return (w->cg / 2 + WINO_CH_UNIT - 1) / WINO_CH_UNIT * WINO_CH_UNIT;
}

#define U_PAD 16 /* floats past each point's U made at run time (WinoJob.ustride) */

/* A split K's scratch: each half has its own frames, V, M and (lazy
 * packing) U, one half's after the other's, in the order of KHalfBuf, with
 * a guard after each.  With two threads each half is one core's, and the
 * cores write nothing of each other's but the M that the last phase
 * reads.  With frames, V and U shared by channel, as the regular path
 * has them, two halves at once ran each at 0.55-0.85 times its speed
 * alone, though neither wrote a line of the other's: the GEMMs walk V a
 * row of 36 points per channel apart, and a stride prefetcher that runs
 * past a half's last channel takes lines of the other core's away from
 * it, at each of the 72 GEMMs' ends; U's halves alternated every 4 KB.
 * In this order a stride run past V lands in the same half's M, past the
 * frames in its V, past M in its U or the guard.  One layer, weights
 * cold, two threads, Zen 5 whose two cores share no L3: DenseNet-121's
 * 128 -> 32 at 28x28 0.167 -> 0.131 ms (one thread: 0.155), at 14x14
 * 0.085 -> 0.050 (0.068); a guard of 4 KB instead of 64 KB, 0.136 at
 * 28x28.  Same bits: the same sums, elsewhere. */
typedef struct KHalfBuf {
    size_t frames, v, m, u; /* offsets in floats from the scratch */
    size_t ustride;         /* lazy: floats between two points' U */
} KHalfBuf;

#define KSPLIT_GUARD 16384 /* floats (64 KB) after each half */

/* Offsets of both halves' buffers; returns the floats they need. */
static size_t ksplit_layout(const OnnxccConv2dParams *p, const WinoPlan *w, int lazy, KHalfBuf h[2])
{
    const size_t npanels = (size_t)(w->mg + FAST_PANEL - 1) / FAST_PANEL;
    const size_t kh = (size_t)khalf_of(w);
    size_t at = 0;
    for (int i = 0; i < 2; i++) {
        const size_t nh = i ? (size_t)w->cg - kh : kh;
        h[i].frames = at;
        h[i].v = h[i].frames + fast_round_up(nh * w->frame, 16);
        h[i].m = h[i].v + (size_t)XI * nh * w->ldv;
        h[i].u = h[i].m + (size_t)XI * (size_t)w->mg * w->ldv;
        h[i].ustride = npanels * nh * FAST_PANEL + U_PAD;
        at = h[i].u + (lazy ? (size_t)p->group * XI * h[i].ustride : 0) + KSPLIT_GUARD;
    }
    return at;
}

enum { PARTS_NONE, PARTS_BANDS, PARTS_PANELS };

/* How two threads split a layer into parts (WinoJob.parts), if they do
 * (never a split K's: see ksplits). */
static int parts_of(const WinoPlan *w)
{
    const int nbands = (w->th + w->band - 1) / w->band;
    const size_t v = (size_t)XI * (size_t)w->cg * w->ldv;
    if (nbands == 1)
        return w->mg >= PANEL_PARTS_RATIO * w->cg && w->mg > FAST_PANEL && v <= BANDED_MAX_VM
                   ? PARTS_PANELS
                   : PARTS_NONE;
    /* An odd last band leaves a part idle for a round; each part reads
     * all of U for its band, which did not pay where U passes 3/4 of V
     * (U / V = mg / ldv). */
    return (nbands % 2 && nbands < 5) || v + (size_t)XI * (size_t)w->mg * w->ldv > BANDED_MAX_VM ||
                   4 * (size_t)w->mg > 3 * w->ldv
               ? PARTS_NONE
               : PARTS_BANDS;
}

/* Floats of a part's own M: one panel of output channels. */
static size_t part_m_floats(const WinoPlan *w)
{
    return (size_t)XI * (size_t)(w->mg < FAST_PANEL ? w->mg : FAST_PANEL) * w->ldv;
}

/* Floats of the second part's own frames, V and M, or 0 where parts do
 * not apply.  It is sized where the model is compiled, where the thread
 * count is not known. */
static size_t part_floats(const WinoPlan *w)
{
    return parts_of(w) == PARTS_NONE ? 0
                                     : w->frames + (size_t)XI * (size_t)w->cg * w->ldv + part_m_floats(w);
}

/* Floats of U made at run time, for all groups. */
static size_t u_floats(const OnnxccConv2dParams *p)
{
    const int cg = p->C / p->group, mg = p->M / p->group;
    return (size_t)p->group * XI * (fast_group_floats(mg, (size_t)cg) + U_PAD);
}

/* Floats between the points of a fused U block (one panel of output
 * channels, at most FUSED_CH input channels), and of one task's block. */
static size_t fused_ustride(const OnnxccConv2dParams *p)
{
    const int cg = p->C / p->group;
    return (size_t)(cg < FUSED_CH ? cg : FUSED_CH) * FAST_PANEL + U_PAD;
}

/* Floats of the lazy packing: 9 per kernel, output channels padded to
 * whole panels. */
static size_t kernel_floats(const OnnxccConv2dParams *p)
{
    const int cg = p->C / p->group, mg = p->M / p->group;
    return (size_t)p->group * 9 * fast_group_floats(mg, (size_t)cg);
}

size_t onnxcc_fast_wino_packed_floats(const OnnxccConv2dParams *p, int lazy)
{
    const int cg = p->C / p->group, mg = p->M / p->group;
    return lazy ? kernel_floats(p) : (size_t)p->group * XI * fast_group_floats(mg, (size_t)cg);
}

size_t onnxcc_fast_wino_scratch_floats(const OnnxccConv2dParams *p, int lazy)
{
    WinoPlan w;
    wino_plan(p, &w);
    const size_t u = !lazy                       ? 0
                     : onnxcc_fast_wino_fused(p) ? FUSED_TASKS * XI * fused_ustride(p)
                                                 : u_floats(p);
    if (ksplits(p, &w)) {
        KHalfBuf h[2];
        return ksplit_layout(p, &w, lazy, h);
    }
    /* A band per part needs several bands: its second part ends the
     * scratch. */
    return w.frames + (size_t)XI * (size_t)(w.cg + w.mg) * w.ldv + u + part_floats(&w);
}

/* U = G g G^T for one 3x3 kernel, in double. */
static void wino_kernel(const float *g, double u[6][6])
{
    static const double G[6][3] = {{1.0 / 4, 0, 0},
                                   {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                   {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                   {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                   {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                   {0, 0, 1}};
    double t[6][3];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
            t[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            u[i][j] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
}

/* Per group, per xi, panels of 16 output channels: [g][xi][m/16][c][m%16];
 * lazy: [g][m/16][c][tap][m%16] (packed is zeroed: padding lanes stay 0). */
void onnxcc_fast_wino_pack(const OnnxccConv2dParams *p, const float *w, float *packed, int lazy)
{
    const int cg = p->C / p->group, mg = p->M / p->group;
    const size_t gsize = fast_group_floats(mg, (size_t)cg);
    if (lazy) {
        for (int g = 0; g < p->group; g++)
            for (int m = 0; m < mg; m++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < 9; t++)
                        packed[(size_t)g * 9 * gsize +
                               ((size_t)(m / FAST_PANEL) * (size_t)cg + (size_t)c) * 9 * FAST_PANEL +
                               (size_t)t * FAST_PANEL + (size_t)(m % FAST_PANEL)] =
                            w[(((size_t)g * (size_t)mg + (size_t)m) * (size_t)cg + (size_t)c) * 9 +
                              (size_t)t];
        return;
    }
    for (int g = 0; g < p->group; g++) {
        for (int m = 0; m < mg; m++) {
            for (int c = 0; c < cg; c++) {
                double u[6][6];
                wino_kernel(w + (((size_t)g * (size_t)mg + (size_t)m) * (size_t)cg + (size_t)c) * 9,
                            u);
                float *dst = packed + (size_t)g * XI * gsize +
                             (size_t)(m / FAST_PANEL) * (size_t)cg * FAST_PANEL +
                             (size_t)c * FAST_PANEL + (size_t)(m % FAST_PANEL);
                for (int xi = 0; xi < XI; xi++)
                    dst[(size_t)xi * gsize] = (float)u[xi / 6][xi % 6];
            }
        }
    }
}

/* A layer as one phased loop (fast.h): a round per image, group and band of
 * tile rows; phase 0 fills and transforms the input (tasks split input
 * channels), phase 1 multiplies (a task per transformed point and panel of
 * output channels), phase 2 transforms back (tasks split output channels).
 * A split K (WinoJob.khalf, see ksplits) has two phases: the halves, then
 * their sum and the transform back.
 *
 * Parts (WinoJob.parts, two threads): each thread runs all four steps in
 * its own frames, V and M, so that only x and U cross between the cores,
 * and goes panel by panel through the GEMMs and the transform back
 * (wino_part), so that M is one panel's and stays in L1 and L2.  Same
 * bits: an output's sum does not depend on who makes it or on how many
 * rows a GEMM has.
 *  - A band per part (PARTS_BANDS, maps of several bands): each round
 *    takes two bands; phase 0 makes U (lazy packing, the group's first
 *    round; tasks split input channels), phase 1 runs one band per task.
 *  - Half of the output panels per part (PARTS_PANELS, maps of one band
 *    with at least twice as many outputs as inputs): each part transforms
 *    all of the input (the cheap half of the transforms there) and makes
 *    its own panels' U.
 * With one thread, layers of at least twice as many outputs as inputs
 * and fused layers run as one part, band after band.
 * One layer, weights cold, Zen 5, medians of 5 alternating runs, two
 * threads: SqueezeNet-1.1's 16 -> 64 at 55x55 (bands; a whole band's M
 * was 1.2 MB) 0.259 -> 0.108 ms, 32 -> 128 at 27x27 0.157 -> 0.086,
 * 48 -> 192 at 13x13 0.098 -> 0.077, 64 -> 256 0.141 -> 0.118 (each
 * alone was no faster on two threads than on one); one thread 0.86-0.95
 * times as long on these and on AlexNet's and Wide ResNet-50-2's fused
 * layers.  In the model (per-node profile, the same generated C),
 * ResNet-18's fused 256 -> 256 at 14x14 0.88-0.92 on one thread; as
 * half-panel parts on two threads they were 10-20% slower (each part
 * transformed all 256 inputs), so fused layers with fewer outputs keep
 * the three phases there.  Whole models, interleaved runs, two threads:
 * SqueezeNet-1.1 0.90-0.93; the others within the noise of this host.
 * Before the panels, a band per part against the three phases below, on
 * a Zen 5 whose two cores share no L3 (a cache line goes from one to the
 * other and back in 450 ns), interleaved runs of whole models on two
 * threads:
 * DenseNet-121 0.938, ResNet-18 0.969, ResNet-50 and SqueezeNet-1.1
 * 0.977, GoogLeNet, Inception-v3 and RegNetX-800MF within 1% either way.
 * Two threads, Xeon with AVX-512 and AMX, DenseNet-121's six 128 -> 32 at
 * 56x56 in the model (per-node profile, medians of 8 runs): 4.41 -> 3.73
 * ms, the whole model 19.49 -> 18.88; later, with a busier host, 4.95 ->
 * 4.61 and 21.73 -> 21.60.  One layer, weights cold, best of
 * 3: DenseNet-161's 192 -> 48 at 56x56 1.060 -> 0.920, ResNet-50's 64 ->
 * 64 at 56x56 0.388 -> 0.323, SqueezeNet-1.1's 16 -> 64 at 55x55 0.166 ->
 * 0.109.  Where U passes 3/4 of V, reading all of U per part lost:
 * ResNet-50's 128 -> 128 at 28x28 (as two bands) 0.346 -> 0.535.  Maps of
 * one band with more inputs than outputs gained alone but lost in the
 * model, where the weights come from memory: each part transforming all
 * of the input and multiplying half of the points (DenseNet-121's 14x14
 * layers alone 0.076 -> 0.051 ms, in the model 2.13 -> 2.41 for the 24),
 * or the band cut in two halves (its 28x28 layers alone 0.160 -> 0.139,
 * in the model 2.05 -> 2.40 for the 12). */
typedef struct WinoJob {
    const OnnxccConv2dParams *p;
    WinoPlan w;
    const FastKernels *kern;
    const float *x, *packed, *bias, *pre_scale, *pre_shift, *res;
    float *frame, *v, *mb, *y;
    float *u; /* lazy: U made from packed (the kernels), else NULL */
    size_t xs, ys, rs, gsize;
    size_t ustride; /* floats between the U of two points: gsize packed; lazy, one
                     * line more, so that the 36 stores of a kernel's U do not
                     * all fall in one L1 set (gsize is often a multiple of 4 KB) */
    int nbands, in_tasks, panels, gemm_tasks, out_tasks;
    FastPre pre;
    int fused;      /* U made per block in the GEMM phase (wino_fused_gemm) */
    int parts;      /* PARTS_BANDS or PARTS_PANELS: parts' own frames, V and M below */
    int npairs;     /* parts: rounds per image and group */
    int khalf;      /* > 0: K split at this input channel (wino_half) */
    float *hframe[2], *hv[2], *hm[2], *hu[2]; /* khalf: each half's (ksplit_layout) */
    size_t hustride[2];
    float *part_frame[BAND_PARTS], *part_v[BAND_PARTS], *part_m[BAND_PARTS];
    float *ublocks; /* fused: FUSED_TASKS blocks of XI * ustride floats */
} WinoJob;

/* Round r: its image and group's input, output, weights and bias, and its
 * first tile row t0 and tile rows nb. */
typedef struct WinoBand {
    const float *xg, *u, *bias, *rg;
    float *yg;
    FastPre pre;
    int t0, nb, g;
    const float *kernels; /* lazy, in the group's first round: U to make */
    const float *gkernels; /* fused: the group's kernels (lazy packing) */
} WinoBand;

/* Band bi of image and group ng. */
static WinoBand band_at(const WinoJob *j, int ng, int bi)
{
    const OnnxccConv2dParams *p = j->p;
    const size_t n = (size_t)(ng / p->group), g = (size_t)(ng % p->group);
    const size_t c0 = g * (size_t)j->w.cg, m0 = g * (size_t)j->w.mg;
    const size_t plane = (size_t)p->H * (size_t)p->W, oplane = (size_t)p->OH * (size_t)p->OW;
    WinoBand bd;
    bd.pre = j->pre;
    bd.pre.scale = j->pre_scale ? j->pre_scale + c0 : NULL;
    bd.pre.shift = j->pre_shift ? j->pre_shift + c0 : NULL;
    bd.xg = j->x + n * j->xs + c0 * plane;
    bd.yg = j->y + n * j->ys + m0 * oplane;
    bd.rg = j->res ? j->res + n * j->rs + m0 * oplane : NULL;
    bd.u = (j->u ? j->u : j->packed) + g * XI * j->ustride;
    bd.kernels = j->u && n == 0 && bi == 0 ? j->packed + g * 9 * j->gsize : NULL;
    bd.gkernels = j->packed + g * 9 * j->gsize;
    bd.bias = j->bias ? j->bias + m0 : NULL;
    bd.g = (int)g;
    bd.t0 = bi * j->w.band;
    bd.nb = j->w.th - bd.t0 < j->w.band ? j->w.th - bd.t0 : j->w.band;
    return bd;
}

static WinoBand band_of(const WinoJob *j, int r)
{
    return band_at(j, r / j->nbands, r % j->nbands);
}

/* Lazy packing, the group's first round: U of channels [c0, c1) of output
 * panel pn, or (wino_make_u) of every panel, which the GEMMs read. */
static void wino_make_u_panel(const WinoJob *j, const WinoBand *bd, int pn, size_t c0, size_t c1)
{
    const size_t at = (size_t)pn * (size_t)j->w.cg + c0;
    const FastWinoU u = {bd->kernels + at * 9 * FAST_PANEL, (int)(c1 - c0), (float *)bd->u + at * FAST_PANEL,
                         j->ustride};
    j->kern->wino_u(&u);
}

static void wino_make_u(const WinoJob *j, const WinoBand *bd, size_t c0, size_t c1)
{
    for (int pn = 0; bd->kernels && pn * FAST_PANEL < j->w.mg; pn++)
        wino_make_u_panel(j, bd, pn, c0, c1);
}

/* Steps 1 and 2 for channels [c0, c1), into frames and V (where channel
 * c0's start): frame rows of the band (frame row r, column x is input (r -
 * pad_t, x - pad_l)), then V, also zeroing the columns the GEMM reads past
 * the tiles. */
static void wino_fill_in(const WinoJob *j, const WinoBand *bd, size_t c0, size_t c1, float *frames,
                         float *v)
{
    const OnnxccConv2dParams *p = j->p;
    const WinoPlan *w = &j->w;
    const size_t plane = (size_t)p->H * (size_t)p->W, len = 4 * w->pw;
    FastPre pre = bd->pre;
    pre.scale = pre.scale ? pre.scale + c0 : NULL;
    pre.shift = pre.shift ? pre.shift + c0 : NULL;
    const float *xc = bd->xg + c0 * plane;
    for (int rr = 0; rr < 4 * bd->nb + 2; rr++) {
        const int ih = 4 * bd->t0 + rr - p->pad_t;
        FastFill f = {xc, plane, 1, frames + (size_t)rr * len, w->frame, (int)(c1 - c0), len, 0, 0};
        if (ih >= 0 && ih < p->H) {
            const size_t zl = (size_t)p->pad_l < len ? (size_t)p->pad_l : len;
            f.x = xc + (size_t)ih * (size_t)p->W;
            f.zl = zl;
            f.n = (size_t)p->W < len - zl ? (size_t)p->W : len - zl;
            f.zr = len - zl - f.n;
        }
        j->kern->fill_split4(&f, &pre);
    }
    const int ncols = bd->nb * w->tw;
    for (size_t c = 0; c < c1 - c0; c++) {
        const FastWinoIn in = {frames + c * w->frame,
                               4 * w->pw,
                               w->pw,
                               w->tw,
                               ncols,
                               (int)fast_round_up((size_t)ncols, 16) - ncols,
                               v + c * XI * w->ldv,
                               w->ldv};
        j->kern->wino_in(&in);
    }
}

/* Steps 1 and 2 (and U) for the input channels of task i. */
static void wino_input(const WinoJob *j, const WinoBand *bd, int i)
{
    size_t c0, c1;
    fast_split((size_t)j->w.cg, WINO_CH_UNIT, j->in_tasks, i, &c0, &c1);
    if (c0 == c1)
        return;
    wino_make_u(j, bd, c0, c1);
    wino_fill_in(j, bd, c0, c1, j->frame + c0 * j->w.frame, j->v + c0 * XI * j->w.ldv);
}

/* The packed U of pair i: one xi and panel. */
static const float *pair_u(const WinoJob *j, const WinoBand *bd, int i)
{
    const int xi = i / j->panels, r0 = i % j->panels * FAST_PANEL;
    return bd->u + (size_t)xi * j->ustride + (size_t)(r0 / FAST_PANEL) * (size_t)j->w.cg * FAST_PANEL;
}

/* One point's GEMM: M[xi] of m output channels (rows from mb) += or = U
 * (a: the panels of point xi from input channel c0) times V[xi] of nc
 * input channels from c0; add: plus what M holds (the GEMM's residual).
 * a_next: the next GEMM's panels, which its last panel's tiles prefetch:
 * each GEMM is short (a band's tiles), and its U, which no cache holds (a
 * model's Winograd weights are several times the size of its others),
 * waited for memory at every GEMM's start. */
static void wino_point_gemm(const WinoJob *j, const WinoBand *bd, int xi, const float *a, const float *a_next,
                            int m, size_t c0, int nc, const float *v, float *mb, int add)
{
    static const int tap0[1] = {0};
    const WinoPlan *w = &j->w;
    const int ncols = bd->nb * w->tw;
    FastGemm gm;
    gm.a = a;
    gm.a_next = a_next;
    gm.m = m;
    gm.nc = nc;
    gm.ntaps = 1;
    gm.taps = tap0;
    gm.b = v + (c0 * XI + (size_t)xi) * w->ldv;
    gm.cstride = XI * w->ldv;
    gm.ncols = ncols;
    gm.q0 = 0;
    gm.frame_w = gm.out_w = ncols;
    gm.y = mb + (size_t)xi * w->ldv;
    gm.ldy = XI * w->ldv;
    gm.bias = NULL;
    gm.res = add ? gm.y : NULL;
    gm.act.kind = ONNXCC_ACT_NONE;
    gm.act.a = gm.act.b = 0.0f;
    gm.cbias = NULL;
    j->kern->gemm(&gm);
}

/* Step 3 for pair i: M[xi] = U[xi] V[xi] for one xi and panel (all output
 * channels with one thread), prefetching the panels of pair `next` (-1:
 * none). */
static void wino_gemm_pair(const WinoJob *j, const WinoBand *bd, int i, int next)
{
    const WinoPlan *w = &j->w;
    const int xi = i / j->panels, r0 = i % j->panels * FAST_PANEL;
    const int m = j->panels == 1 ? w->mg : w->mg - r0 < FAST_PANEL ? w->mg - r0 : FAST_PANEL;
    wino_point_gemm(j, bd, xi, pair_u(j, bd, i), next >= 0 ? pair_u(j, bd, next) : NULL, m, 0, w->cg, j->v,
                    j->mb + (size_t)r0 * XI * w->ldv, 0);
}

/* Step 3 for task i: its share of the (xi, panel) pairs; a few tasks per
 * thread, since small layers have many short GEMMs. */
static void wino_gemm(const WinoJob *j, const WinoBand *bd, int i)
{
    size_t lo, hi;
    fast_split((size_t)(XI * j->panels), 1, j->gemm_tasks, i, &lo, &hi);
    for (size_t k = lo; k < hi; k++)
        wino_gemm_pair(j, bd, (int)k, k + 1 < hi ? (int)k + 1 : -1);
}

/* Step 3, fused U (WinoJob.fused), for task i: for each of its panels of
 * 16 output channels and each FUSED_CH input channels, U of the block
 * (lazy packing: [m/16][c][tap][m%16]) into the task's scratch, [xi][c]
 * [m%16], then the 36 GEMMs M[xi] (+)= U[xi] V[xi] of those channels, a
 * later block's products added to the earlier ones' through the GEMM's
 * residual. */
static void wino_fused_panel(const WinoJob *j, const WinoBand *bd, size_t pn, float *ub, const float *v,
                             float *mp)
{
    const WinoPlan *w = &j->w;
    const int r0 = (int)pn * FAST_PANEL;
    for (int c0 = 0; c0 < w->cg; c0 += FUSED_CH) {
        const int n = w->cg - c0 < FUSED_CH ? w->cg - c0 : FUSED_CH;
        const FastWinoU u = {bd->gkernels + (pn * (size_t)w->cg + (size_t)c0) * 9 * FAST_PANEL, n, ub,
                             j->ustride};
        j->kern->wino_u(&u);
        for (int xi = 0; xi < XI; xi++) {
            const float *a = ub + (size_t)xi * j->ustride;
            wino_point_gemm(j, bd, xi, a, xi + 1 < XI ? a + j->ustride : NULL,
                            w->mg - r0 < FAST_PANEL ? w->mg - r0 : FAST_PANEL, (size_t)c0, n, v, mp, c0 > 0);
        }
    }
}

static void wino_fused_gemm(const WinoJob *j, const WinoBand *bd, int i)
{
    const int npanels = (j->w.mg + FAST_PANEL - 1) / FAST_PANEL;
    size_t lo, hi;
    fast_split((size_t)npanels, 1, j->gemm_tasks, i, &lo, &hi);
    for (size_t pn = lo; pn < hi; pn++)
        wino_fused_panel(j, bd, pn, j->ublocks + (size_t)i * XI * j->ustride, j->v,
                         j->mb + pn * FAST_PANEL * XI * j->w.ldv);
}

/* Step 4 for output channels [m0, m1) from M whose row m0 is at mb. */
static void wino_output_rows(const WinoJob *j, const WinoBand *bd, size_t m0, size_t m1, const float *mb)
{
    const OnnxccConv2dParams *p = j->p;
    const WinoPlan *w = &j->w;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    for (size_t m = m0; m < m1; m++) {
        for (int tr = 0; tr < bd->nb; tr++) {
            const int oh = 4 * (bd->t0 + tr);
            const size_t at = m * oplane + (size_t)oh * (size_t)p->OW;
            FastWinoOut out = {mb + (m - m0) * XI * w->ldv + (size_t)(tr * w->tw),
                               w->ldv,
                               w->tw,
                               bd->bias ? bd->bias[m] : 0.0f,
                               p->act,
                               bd->yg + at,
                               (size_t)p->OW,
                               p->OH - oh < 4 ? p->OH - oh : 4,
                               p->OW,
                               bd->rg ? bd->rg + at : NULL};
            j->kern->wino_out(&out);
        }
    }
}

/* Step 4 for the output channels of task i. */
static void wino_output(const WinoJob *j, const WinoBand *bd, int i)
{
    size_t m0, m1;
    fast_split((size_t)j->w.mg, WINO_CH_UNIT, j->out_tasks, i, &m0, &m1);
    wino_output_rows(j, bd, m0, m1, j->mb + m0 * XI * j->w.ldv);
}

/* Half h's U of point xi and panel pn: its own (lazy packing, made by
 * wino_half) or its channels' rows of the packed U. */
static const float *half_u(const WinoJob *j, const WinoBand *bd, int h, int xi, int pn)
{
    const size_t c0 = h ? (size_t)j->khalf : 0, nh = h ? (size_t)(j->w.cg - j->khalf) : (size_t)j->khalf;
    if (j->u)
        return j->hu[h] + ((size_t)bd->g * XI + (size_t)xi) * j->hustride[h] + (size_t)pn * nh * FAST_PANEL;
    return bd->u + (size_t)xi * j->ustride + ((size_t)pn * (size_t)j->w.cg + c0) * FAST_PANEL;
}

/* Half h of the input channels (WinoJob.khalf), all four steps but the
 * last, in its own buffers (ksplit_layout): its U (lazy packing), frames
 * and V, then M_h = U[., half] V[half] for every point and panel into mb;
 * add: plus what mb holds (the other half's M: M = (M_1 + 0) + M_0 as the
 * separate sum, a GEMM's epilogue adding a NULL bias as +0). */
static void wino_half(const WinoJob *j, const WinoBand *bd, int h, float *mb, int add)
{
    const WinoPlan *w = &j->w;
    const size_t c0 = h ? (size_t)j->khalf : 0, c1 = h ? (size_t)w->cg : (size_t)j->khalf;
    const int npanels = (w->mg + FAST_PANEL - 1) / FAST_PANEL;
    for (int pn = 0; bd->kernels && pn < npanels; pn++) {
        const FastWinoU u = {bd->kernels + ((size_t)pn * (size_t)w->cg + c0) * 9 * FAST_PANEL,
                             (int)(c1 - c0), (float *)half_u(j, bd, h, 0, pn), j->hustride[h]};
        j->kern->wino_u(&u);
    }
    wino_fill_in(j, bd, c0, c1, j->hframe[h], j->hv[h]);
    for (int k = 0; k < XI * npanels; k++) {
        const int xi = k / npanels, pn = k % npanels;
        const float *a_next =
            k + 1 < XI * npanels ? half_u(j, bd, h, (k + 1) / npanels, (k + 1) % npanels) : NULL;
        wino_point_gemm(j, bd, xi, half_u(j, bd, h, xi, pn), a_next,
                        w->mg - pn * FAST_PANEL < FAST_PANEL ? w->mg - pn * FAST_PANEL : FAST_PANEL, 0,
                        (int)(c1 - c0), j->hv[h], mb + (size_t)pn * FAST_PANEL * XI * w->ldv, add);
    }
}

/* A split K (WinoJob.khalf) with threads, round r: phase 0 runs half i
 * into its own M, phase 1 adds the halves' M and transforms back, tasks
 * splitting the output channels.  The first half of the tasks (the first
 * thread's, as parallel.c hands them out) store the sums in the first
 * half's M, the others in the second's: each core writes only its own. */
static void wino_ksplit_task(const WinoJob *j, int r, int phase, int i)
{
    const WinoBand bd = band_of(j, r);
    if (phase == 0) {
        wino_half(j, &bd, i, j->hm[i], 0);
        return;
    }
    size_t m0, m1;
    fast_split((size_t)j->w.mg, WINO_CH_UNIT, j->out_tasks, i, &m0, &m1);
    if (m0 == m1)
        return;
    const size_t row = XI * j->w.ldv;
    const OnnxccAct none = {ONNXCC_ACT_NONE, 0.0f, 0.0f};
    float *sum = j->hm[2 * i < j->out_tasks ? 0 : 1];
    const FastAdd2 a = {j->hm[0] + m0 * row, j->hm[1] + m0 * row, NULL, 0.0f, none, sum + m0 * row,
                        (m1 - m0) * row};
    j->kern->add2(&a);
    wino_output_rows(j, &bd, m0, m1, sum + m0 * row);
}

/* Part i's steps 1 to 4 for band bd and output panels [pn0, pn1), in its
 * own frames, V and M: the input transformed once, then panel by panel the
 * 36 GEMMs into M (one panel's) and the transform back, so that M stays
 * in L1 and L2 (a whole band's M, written by the GEMMs and read back by
 * the transform, did not).  own_u: lazy packing, the part makes its
 * panels' U itself (the group's first round). */
static void wino_part(const WinoJob *j, const WinoBand *bd, int i, int pn0, int pn1, int own_u)
{
    const WinoPlan *w = &j->w;
    float *v = j->part_v[i], *mp = j->part_m[i];
    wino_fill_in(j, bd, 0, (size_t)w->cg, j->part_frame[i], v);
    for (int pn = pn0; pn < pn1; pn++) {
        const size_t r0 = (size_t)pn * FAST_PANEL;
        const int m = w->mg - (int)r0 < FAST_PANEL ? w->mg - (int)r0 : FAST_PANEL;
        if (j->fused) {
            wino_fused_panel(j, bd, (size_t)pn, j->ublocks + (size_t)i * XI * j->ustride, v, mp);
        } else {
            const float *u = bd->u + r0 * (size_t)w->cg;
            if (own_u && bd->kernels)
                wino_make_u_panel(j, bd, pn, 0, (size_t)w->cg);
            for (int xi = 0; xi < XI; xi++) {
                const float *a = u + (size_t)xi * j->ustride;
                wino_point_gemm(j, bd, xi, a, xi + 1 < XI ? a + j->ustride : NULL, m, 0, w->cg, v, mp, 0);
            }
        }
        wino_output_rows(j, bd, r0, r0 + (size_t)m, mp);
    }
}

/* Parts (WinoJob.parts), round r.  PARTS_BANDS: phase 0 makes U (lazy
 * packing, the group's first round; tasks split input channels), phase 1
 * runs band 2 * pair + i of the round's pair in part i.  PARTS_PANELS (one
 * phase): part i runs its half of the output panels of the round's band,
 * making their U itself. */
static void wino_part_task(const WinoJob *j, int r, int phase, int i)
{
    const int npanels = (j->w.mg + FAST_PANEL - 1) / FAST_PANEL;
    if (j->parts == PARTS_PANELS) {
        const WinoBand bd = band_of(j, r);
        const int half = (npanels + 1) / 2;
        wino_part(j, &bd, i, i ? half : 0, i ? npanels : half, 1);
        return;
    }
    const int ng = r / j->npairs, bi = r % j->npairs * BAND_PARTS + (phase ? i : 0);
    if (bi >= j->nbands)
        return;
    const WinoBand bd = band_at(j, ng, bi);
    if (phase == 0) {
        size_t c0, c1;
        fast_split((size_t)j->w.cg, WINO_CH_UNIT, j->in_tasks, i, &c0, &c1);
        wino_make_u(j, &bd, c0, c1);
        return;
    }
    wino_part(j, &bd, i, 0, npanels, 0);
}

static void wino_task(void *ctx, int round, int phase, int i)
{
    const WinoJob *j = ctx;
    if (j->parts) {
        wino_part_task(j, round, phase, i);
        return;
    }
    if (j->khalf) {
        wino_ksplit_task(j, round, phase, i);
        return;
    }
    const WinoBand bd = band_of(j, round);
    if (phase == 0)
        wino_input(j, &bd, i);
    else if (phase == 1 && j->fused)
        wino_fused_gemm(j, &bd, i);
    else if (phase == 1)
        wino_gemm(j, &bd, i);
    else
        wino_output(j, &bd, i);
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

void onnxcc_fast_wino_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                          const float *packed, int lazy, const float *bias, const FastPre *pre,
                          const float *res, float *scratch, float *y)
{
    WinoJob j;
    j.p = p;
    wino_plan(p, &j.w);
    j.kern = kern;
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.pre = *pre;
    j.pre_scale = pre->scale;
    j.pre_shift = pre->shift;
    j.y = y;
    j.res = res;
    j.frame = scratch;
    j.v = scratch + j.w.frames;
    j.mb = j.v + (size_t)XI * (size_t)j.w.cg * j.w.ldv;
    j.fused = lazy && onnxcc_fast_wino_fused(p);
    j.u = lazy && !j.fused ? j.mb + (size_t)XI * (size_t)j.w.mg * j.w.ldv : NULL;
    j.ublocks = j.fused ? j.mb + (size_t)XI * (size_t)j.w.mg * j.w.ldv : NULL;
    float *second = scratch + (onnxcc_fast_wino_scratch_floats(p, lazy) - part_floats(&j.w));
    const size_t plane = (size_t)p->H * (size_t)p->W, oplane = (size_t)p->OH * (size_t)p->OW;
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * oplane;
    j.gsize = fast_group_floats(j.w.mg, (size_t)j.w.cg);
    j.ustride = lazy ? j.gsize + U_PAD : j.gsize;
    j.nbands = (j.w.th + j.w.band - 1) / j.w.band;
    const int threads = onnxcc_num_threads();
    /* One thread: whole GEMMs per point; more: a task per point and panel. */
    j.panels = threads == 1 ? 1 : (j.w.mg + FAST_PANEL - 1) / FAST_PANEL;
    const int tpt = TASKS_PER_THREAD;
    j.in_tasks = min_int((j.w.cg + WINO_CH_UNIT - 1) / WINO_CH_UNIT, tpt * threads);
    j.out_tasks = min_int((j.w.mg + WINO_CH_UNIT - 1) / WINO_CH_UNIT, tpt * threads);
    j.gemm_tasks = min_int(XI * j.panels, 2 * tpt * threads);
    if (j.fused) {
        j.ustride = fused_ustride(p);
        j.gemm_tasks = min_int((j.w.mg + FAST_PANEL - 1) / FAST_PANEL, FUSED_TASKS);
    }
    const int ks = ksplits(p, &j.w);
    j.parts = !ks && threads == BAND_PARTS ? parts_of(&j.w) : PARTS_NONE;
    if (!ks && threads == 1 && (j.fused || j.w.mg >= PANEL_PARTS_RATIO * j.w.cg)) {
        /* One part: the rounds' bands one after the other. */
        j.part_frame[0] = j.frame;
        j.part_v[0] = j.v;
        j.part_m[0] = j.mb;
        for (int r = 0; r < p->N * p->group * j.nbands; r++) {
            const WinoBand bd = band_of(&j, r);
            wino_part(&j, &bd, 0, 0, (j.w.mg + FAST_PANEL - 1) / FAST_PANEL, 1);
        }
        return;
    }
    if (j.parts) {
        /* The parts' own frames, V and M: the first part's where they
         * usually are, the second's past everything else. */
        for (int t = 0; t < BAND_PARTS; t++) {
            j.part_frame[t] = t ? second : scratch;
            j.part_v[t] = j.part_frame[t] + j.w.frames;
            j.part_m[t] = j.part_v[t] + (size_t)XI * (size_t)j.w.cg * j.w.ldv;
        }
        if (j.parts == PARTS_PANELS) {
            const int counts[1] = {BAND_PARTS};
            onnxcc_fast_parallel_phases(p->N * p->group * j.nbands, 1, counts, wino_task, &j);
            return;
        }
        j.npairs = (j.nbands + BAND_PARTS - 1) / BAND_PARTS;
        const int counts[2] = {j.u ? j.in_tasks : 1, BAND_PARTS};
        onnxcc_fast_parallel_phases(p->N * p->group * j.npairs, 2, counts, wino_task, &j);
        return;
    }
    j.khalf = ks ? khalf_of(&j.w) : 0;
    if (j.khalf) {
        KHalfBuf h[2];
        ksplit_layout(p, &j.w, lazy, h);
        for (int i = 0; i < 2; i++) {
            j.hframe[i] = scratch + h[i].frames;
            j.hv[i] = scratch + h[i].v;
            j.hm[i] = scratch + h[i].m;
            j.hu[i] = scratch + h[i].u;
            j.hustride[i] = h[i].ustride;
        }
        if (threads == 1) {
            /* The second half adds the first's M as its GEMMs' residual:
             * the same sums as the separate pass. */
            for (int r = 0; r < p->N * p->group; r++) {
                const WinoBand bd = band_of(&j, r);
                wino_half(&j, &bd, 0, j.hm[0], 0);
                wino_half(&j, &bd, 1, j.hm[0], 1);
                wino_output_rows(&j, &bd, 0, (size_t)j.w.mg, j.hm[0]);
            }
            return;
        }
        const int counts[2] = {2, j.out_tasks};
        onnxcc_fast_parallel_phases(p->N * p->group, 2, counts, wino_task, &j);
        return;
    }
    const int counts[3] = {j.in_tasks, j.gemm_tasks, j.out_tasks};
    onnxcc_fast_parallel_phases(p->N * p->group * j.nbands, 3, counts, wino_task, &j);
}

/* ---- portable kernels ----------------------------------------------------- */

/* The F(4x4, 3x3) transforms of 6 points (rows of B^T) and 6 -> 4 (A^T);
 * the SIMD kernels do the same sums lane-wise. */
static void in6(const float d[6], float w[6])
{
    const float t0 = d[4] - 4.0f * d[2], t1 = d[3] - 4.0f * d[1];
    const float t2 = d[4] - d[2], t3 = 2.0f * (d[3] - d[1]);
    w[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
    w[1] = t0 + t1;
    w[2] = t0 - t1;
    w[3] = t2 + t3;
    w[4] = t2 - t3;
    w[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
}

/* The rows of G applied to (a0, a1, a2): G = [1/4 0 0; -1/6 -1/6 -1/6;
 * -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1].  The SIMD kernels
 * do the same operations lane-wise. */
static void g6(float a0, float a1, float a2, float r[6])
{
    const float s = a0 + a2, q = a0 * (1.0f / 24) + a2 * (1.0f / 6), h = a1 * (1.0f / 12);
    r[0] = a0 * (1.0f / 4);
    r[1] = (s + a1) * (-1.0f / 6);
    r[2] = (s - a1) * (-1.0f / 6);
    r[3] = q + h;
    r[4] = q - h;
    r[5] = a2;
}

void onnxcc_fast_wino_u_scalar(const FastWinoU *u)
{
    for (int c = 0; c < u->n; c++) {
        for (int lane = 0; lane < FAST_PANEL; lane++) {
            const float *g = u->g + (size_t)c * 9 * FAST_PANEL + lane;
            float t[6][3], r[6];
            for (int b = 0; b < 3; b++) {
                g6(g[b * FAST_PANEL], g[(3 + b) * FAST_PANEL], g[(6 + b) * FAST_PANEL], r);
                for (int i = 0; i < 6; i++)
                    t[i][b] = r[i];
            }
            for (int i = 0; i < 6; i++) {
                g6(t[i][0], t[i][1], t[i][2], r);
                for (int jj = 0; jj < 6; jj++)
                    u->u[(size_t)(6 * i + jj) * u->xi_stride + (size_t)c * FAST_PANEL + (size_t)lane] = r[jj];
            }
        }
    }
}

static void out6(const float m[6], float y[4])
{
    const float s1 = m[1] + m[2], d1 = m[1] - m[2];
    const float s2 = m[3] + m[4], d2 = m[3] - m[4];
    y[0] = m[0] + s1 + s2;
    y[1] = d1 + 2.0f * d2;
    y[2] = s1 + 4.0f * s2;
    y[3] = d1 + 8.0f * d2 + m[5];
}

/* One tile of each transform. */
static void in_tile(const FastWinoIn *w, int tile)
{
    const int r = tile / w->per_row, k = tile % w->per_row;
    float d[6], t[6][6], col[6], out[6];
    for (int i = 0; i < 6; i++) {
        const float *row = w->rows + (size_t)(4 * r + i) * w->row_stride + k;
        for (int j = 0; j < 6; j++)
            d[j] = row[(size_t)(j % 4) * w->phase_stride + (size_t)(j / 4)];
        in6(d, t[i]);
    }
    for (int j = 0; j < 6; j++) {
        for (int i = 0; i < 6; i++)
            col[i] = t[i][j];
        in6(col, out);
        for (int i = 0; i < 6; i++)
            w->v[(size_t)(6 * i + j) * w->xi_stride + (size_t)tile] = out[i];
    }
}

static void out_tile(const FastWinoOut *w, int k)
{
    float m[6], t[6][4], col[6], out[4];
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 6; j++)
            m[j] = w->m[(size_t)(6 * i + j) * w->xi_stride + (size_t)k];
        out6(m, t[i]);
    }
    for (int j = 0; j < 4 && 4 * k + j < w->cols; j++) {
        for (int i = 0; i < 6; i++)
            col[i] = t[i][j];
        out6(col, out);
        for (int i = 0; i < w->rows; i++) {
            const size_t at = (size_t)i * w->ldy + (size_t)(4 * k + j);
            const float v = out[i] + w->bias;
            w->y[at] = fast_act(&w->act, w->res ? v + w->res[at] : v);
        }
    }
}

void onnxcc_fast_fill_split4_scalar(const FastFill *f, const FastPre *pre)
{
    const size_t len = f->zl + f->n + f->zr, pw = len / 4;
    for (int ch = 0; ch < f->nch; ch++) {
        const float *x = f->x + (size_t)ch * f->xs;
        float *y = f->y + (size_t)ch * f->ys;
        const float s = pre->scale ? pre->scale[ch] : 1.0f;
        const float t = pre->shift ? pre->shift[ch] : 0.0f;
        for (size_t i = 0; i < len; i++) {
            float v = 0.0f;
            if (i >= f->zl && i < f->zl + f->n) {
                v = x[i - f->zl];
                if (pre->on) {
                    v = v * s + t;
                    v = pre->relu && v < 0.0f ? 0.0f : v;
                }
            }
            y[(i % 4) * pw + i / 4] = v;
        }
    }
}

void onnxcc_fast_wino_in_scalar(const FastWinoIn *w)
{
    for (int k = 0; k < w->tiles; k++)
        in_tile(w, k);
    for (int xi = 0; xi < XI; xi++)
        memset(w->v + (size_t)xi * w->xi_stride + (size_t)w->tiles, 0,
               sizeof(float) * (size_t)w->zeros);
}

void onnxcc_fast_wino_out_scalar(const FastWinoOut *w)
{
    for (int k = 0; k < w->tiles; k++)
        out_tile(w, k);
}
