/* conv2d.c — the fast conv2d: weight packing, the per-layer plan, scratch
 * sizing, dispatch to the best kernels the CPU has, and the portable scalar
 * kernels (float accumulation) that every other ISA level is tested against.
 *
 * Per image and group, output pixels are cut into bands; each band's B
 * operand is built in scratch (pre-activation applied, padding exactly 0) and
 * multiplied by the packed weights (see fast.h).  Two ways to build B:
 *  - shifted views (stride 1): the input is copied once into a "frame" of
 *    padded rows as wide as OW + the kernel's reach; output pixel q and tap
 *    (kh, kw) then read frame pixel q + kh*dil_h*frame_w + kw*dil_w, so every
 *    tap is the same buffer at an offset, and the frame's extra columns are
 *    junk outputs that are computed but not stored;
 *  - phased frames (stride 2, kernels of at least 3x3): the same with the
 *    padded input split by row and column parity into four sub-frames per
 *    channel, sub-frame (r % 2, c % 2) holding padded pixel (r, c) at
 *    (r / 2, c / 2); output (oh, ow) and tap (kh, kw) then read sub-frame
 *    (kh % 2, kw % 2) at (oh + kh / 2, ow + kw / 2), again one buffer at an
 *    offset per tap, and each input pixel is copied once instead of once
 *    per tap that reads it;
 *  - im2col (other strided convs, or when the junk would cost too much):
 *    one B row per (c, kh, kw), one column per output pixel.
 * Both read the packed weights in the same (c, kh, kw) order, so the packed
 * data does not depend on the choice nor on the ISA.  Layers on small maps
 * (one band of at most SMALL_COLS columns) may split K in two halves
 * (ksplit_run), packed as two panel sets one after the other. */
#include <string.h>

#include "conv2d_dilated.h"
#include "conv2d_group.h"
#include "conv2d_stem.h"
#include "conv2d_taps.h"
#include "fast.h"

#define PACK_HEADER 16  /* floats before the weights: [0] = algorithm, rest 0 */
#define ALGO_GEMM 0     /* panels of W, B built per band */
#define ALGO_WINO 1     /* Winograd F(4x4, 3x3), winograd.c */
#define ALGO_WINO_LAZY 2 /* the same, U made per call from the kernels */
#define ALGO_TAPS 3     /* dilated, taps mostly in the padding: conv2d_taps.c */
#define ALGO_STEM 4     /* strided, 1-4 input channels: conv2d_stem.c */
#define ALGO_DILATED 5  /* dilated 3x3 as Winograd per phase: conv2d_dilated.c */
#define MAX_TAPS 64     /* shifted views up to kH*kW taps; more: im2col */
#define B_BUDGET 131072 /* floats of B per band (512 KB: half an L2) */
#define SMALL_COLS 256  /* maps of at most this many frame pixels (14x14): */
#define SMALL_BUDGET (2 * B_BUDGET) /* bands twice as wide, so that with threads
                                     * each takes whole tiles of its own */
#define SPLIT_WIDER 2   /* layers split by columns (threads): bands this many
                         * times wider, so that each thread's share is about
                         * as wide as one thread's band.  On two threads:
                         * ResNet-50's 3x3/2 10-20% faster, DenseNet's stem
                         * 13%, DenseNet-201's 1x1 1760->128 at 14x14 16%
                         * (its shares were 48 columns), 28x28 1x1 4-5%.  One
                         * thread keeps the narrower bands, which the stem
                         * prefers by 4-9%. */
#define FILL_UNIT 8     /* input channels per fill task */
#define KSPLIT_CH 32    /* small maps with this many input channels at least
                         * split K in two halves (plan_conv) */
#define NARROW_BUDGET 32768 /* B_BUDGET of one thread's GEMM-filled bands
                             * on CPUs that prefer narrow ones (narrow_bands) */
#define BAND_ALIGN 48   /* band columns: a multiple of every kernel tile */
#define BAND_TAIL 16    /* columns past the last whole band that join it */

/* How one layer runs; a function of the parameters only, so scratch sizes
 * computed at compile time hold on every machine. */
typedef struct Plan {
    int cg, mg;   /* input / output channels per group */
    size_t k;     /* GEMM depth cg*kH*kW */
    int shifted;  /* B from shifted views of a frame, else im2col */
    int nsub;     /* sub-frames per channel: 1, or 4 (phased frames, stride 2) */
    size_t seg;   /* phased: floats per sub-frame in B (cstride = 4 * seg) */
    int frame_w;  /* frame row width (OW for im2col) */
    size_t ncols; /* frame pixels per image: (OH-1)*frame_w + OW */
    int ntaps;
    int taps[MAX_TAPS]; /* tap offsets in the frame */
    size_t maxoff;      /* the largest */
    size_t band;        /* columns per band */
    size_t nbands;      /* bands; the last runs to ncols (up to band + BAND_TAIL) */
    size_t cstride;     /* floats per B row */
    size_t cband, cnbands, ccstride; /* the same, by columns (gemm_run) */
    size_t brows;       /* B rows: cg (shifted: each nsub sub-frames) or k (im2col) */
    int khalf;          /* > 0: K split at this input channel (ksplit_run) */
} Plan;

/* Shifted views unless the stride is not 1, there are too many taps, the
 * junk columns would add more than a quarter to the work, or the layer is
 * all weights: a small map (one band of at most SMALL_COLS frame pixels)
 * with taps and at least IM2COL_MIN_M outputs (not grouped).  There the GEMM
 * streams its weights once for few columns, and im2col's single tap lets
 * each tile prefetch the next panel (which taps would push B out of L1
 * for).  One layer, weights cold, Zen 5, 1 / 2 threads: Inception-v3's
 * 1x3 384 -> 384 at 8x8 0.44 -> 0.27 ms / 0.23 -> 0.15, its 3x1 0.35 ->
 * 0.27 / 0.19 -> 0.15, 1x3 at 12x12 0.79 -> 0.58 / 0.42 -> 0.32, 3x3 256
 * -> 128 at 7x7 0.22 -> 0.20 (1 thread); with 64 outputs (256 -> 64 at 7x7)
 * up to 15% slower, DenseNet's 128 -> 32 at 7x7 60% slower. */
#define IM2COL_MIN_M 128

static int use_shifted(const OnnxccConv2dParams *p, size_t frame_cols)
{
    const size_t dense = (size_t)p->OH * (size_t)p->OW;
    const int all_weights =
        p->group == 1 && p->kH * p->kW > 1 && frame_cols <= SMALL_COLS && p->M >= IM2COL_MIN_M;
    return p->stride_h == 1 && p->stride_w == 1 && p->kH * p->kW <= MAX_TAPS && !all_weights &&
           4 * fast_round_up(frame_cols, FAST_COLS_ALIGN) <=
               5 * fast_round_up(dense, FAST_COLS_ALIGN);
}

/* Phased frames for a stride-2 layer whose kernel covers every parity
 * (kH, kW >= 3; narrower ones read one sub-frame in a few), unless the
 * junk columns (the reach (kW - 1) / 2 past each output row) would add more
 * than a quarter to the work.  One layer, one thread, Zen 5, against
 * im2col (by phases for the 7x7s): DenseNet-121's 7x7/2 stem 1.14 -> 1.01
 * ms, DenseNet-161's 1.65 -> 1.53, MobileNetV2's 3x3/2 stem -11%,
 * ResNet-50's 3x3/2 at 56x56 -3%.  Output rows narrower than 16 store
 * through a buffer (the GEMM tiles' frame epilogue) and were up to 45%
 * slower (ResNet-50's 512 -> 512 to 7x7): they keep im2col.  Grouped
 * layers take phased frames at any width: their small per-group GEMMs lose
 * more to im2col's fill, one call per tap and output row (RegNetX's 400 ->
 * 400 to 7x7 in 25 groups 0.131 -> 0.096 ms, ResNeXt-50's 512 and 1024 to
 * 14x14 and 7x7 -20%, one thread, Zen 5). */
#define PHASED_MIN_OW 16 /* narrower output rows: im2col (see use_phased) */
/* Dense layers with this many floats of weights or more take im2col too:
 * their GEMMs stream the weights once per band, and with a single tap
 * each tile prefetches the next panel, which with taps it cannot (the
 * lines would push B out of L1).  One layer, weights cold, Zen 5, 1
 * thread: Inception-v3's 288 -> 384 from 35x35 (1M floats) 3.1-4.5 -> 2.8
 * ms; Wide ResNet-50-2's 512 -> 512 from 28x28 (2.4M) the same either way;
 * ResNet-50's 256 -> 256 from 28x28 (0.6M) 0-10% faster phased. */
#define PHASED_MAX_WEIGHTS (3u << 18)

static int use_phased(const OnnxccConv2dParams *p, size_t frame_cols)
{
    const size_t dense = (size_t)p->OH * (size_t)p->OW;
    return p->stride_h == 2 && p->stride_w == 2 && p->dil_h == 1 && p->dil_w == 1 && p->kH >= 3 &&
           p->kW >= 3 && p->kH * p->kW <= MAX_TAPS &&
           (p->group > 1 || (p->OW >= PHASED_MIN_OW &&
                             (size_t)p->M * (size_t)p->C * (size_t)(p->kH * p->kW) < PHASED_MAX_WEIGHTS)) &&
           4 * fast_round_up(frame_cols, FAST_COLS_ALIGN) <= 5 * fast_round_up(dense, FAST_COLS_ALIGN);
}

/* The widest band whose B fits budget floats, in whole tiles, at least
 * one; all columns if they fit.  A few columns left past the last whole
 * band join it (14x14 = 4 x 48 + 4): a round of their own would fill B and
 * stream all of A again for a sliver of work.  Returns the widest band's
 * columns. */
static size_t plan_bands(const Plan *pl, size_t budget, size_t *band, size_t *nbands)
{
    const size_t per_row = budget / (pl->brows * (size_t)pl->nsub);
    size_t b = per_row > pl->maxoff + BAND_ALIGN ? per_row - pl->maxoff : BAND_ALIGN;
    b = b >= pl->ncols ? pl->ncols : b / BAND_ALIGN * BAND_ALIGN;
    *band = b;
    *nbands = pl->ncols / b + (pl->ncols % b > BAND_TAIL ? 1 : 0);
    const size_t last = pl->ncols - (*nbands - 1) * b;
    return last > b ? last : b;
}

/* Shifted views' frame row width.  Each row holds its padded input row
 * without the right padding: a tap that reaches past the row's end reads
 * the next row's left padding, zeros as well, so rows need only
 * max(pad_l, pad_r) zero columns instead of pad_l + pad_r.  Frame pixel
 * (row, col) stays input pixel (row - pad_t, col - pad_l); the row must
 * still hold its outputs (pads beyond the kernel's reach keep the full
 * width).  Only for output rows narrower than 16, which store through the
 * tiles' buffer anyway: DenseNet's 3x3 at 7x7 (8 frame columns a row
 * instead of 9, 55 GEMM columns instead of 61) 12-14% faster, one layer,
 * one thread, Zen 5; Inception-v3's 1x7 at 17x17 (20 instead of 23) was
 * 4% slower, its fill 4 times faster but its tiles slower. */
#define SHARED_PAD_MAX_OW 16

static int frame_width(const OnnxccConv2dParams *p)
{
    const int full = p->OW + p->dil_w * (p->kW - 1);
    const int shared = p->W + (p->pad_l > p->pad_r ? p->pad_l : p->pad_r);
    return p->stride_w == 1 && p->OW < SHARED_PAD_MAX_OW && shared >= p->OW && shared < full ? shared
                                                                                            : full;
}

static void plan_conv(const OnnxccConv2dParams *p, Plan *pl)
{
    const int fw = frame_width(p);
    const size_t frame_cols = (size_t)(p->OH - 1) * (size_t)fw + (size_t)p->OW;
    pl->cg = p->C / p->group;
    pl->mg = p->M / p->group;
    pl->k = (size_t)pl->cg * (size_t)p->kH * (size_t)p->kW;
    const int pfw = p->OW + (p->kW - 1) / 2; /* phased: sub-frame row width */
    const size_t pcols = (size_t)(p->OH - 1) * (size_t)pfw + (size_t)p->OW;
    pl->shifted = use_shifted(p, frame_cols) || use_phased(p, pcols);
    pl->nsub = pl->shifted && p->stride_w == 2 ? 4 : 1;
    pl->seg = 0;
    if (pl->nsub == 4) {
        pl->frame_w = pfw;
        pl->ncols = pcols;
        pl->ntaps = p->kH * p->kW;
        pl->maxoff = (size_t)((p->kH - 1) / 2) * (size_t)pfw + (size_t)((p->kW - 1) / 2);
        pl->brows = (size_t)pl->cg;
    } else if (pl->shifted) {
        pl->frame_w = fw;
        pl->ncols = frame_cols;
        pl->ntaps = p->kH * p->kW;
        for (int kh = 0; kh < p->kH; kh++)
            for (int kw = 0; kw < p->kW; kw++)
                pl->taps[kh * p->kW + kw] = kh * p->dil_h * fw + kw * p->dil_w;
        pl->maxoff = (size_t)pl->taps[pl->ntaps - 1];
        pl->brows = (size_t)pl->cg;
    } else {
        pl->frame_w = p->OW;
        pl->ncols = (size_t)p->OH * (size_t)p->OW;
        pl->ntaps = 1;
        pl->taps[0] = 0;
        pl->maxoff = 0;
        pl->brows = pl->k;
    }
    const size_t budget = pl->ncols <= SMALL_COLS ? SMALL_BUDGET : B_BUDGET;
    size_t w1 = plan_bands(pl, budget, &pl->band, &pl->nbands);
    /* Small maps (up to 14x14) whose B, or each half of it, fits one
     * band: the input channels split instead of the columns, into two
     * halves whose sums a last pass adds, whatever
     * the thread count (ksplit_run).  Each thread then streams only half of
     * the weights, where by columns both stream all of them.  Measured on
     * two threads, cold weights: DenseNet's 7x7 layers 15-22% faster,
     * MobileNetV2's and ResNet-50's with at least as many inputs as outputs
     * 4-25%; in whole models (interleaved runs, best of 5-9), DenseNet-121's
     * 14x14 1x1 layers 15% faster (4.18 -> 3.57 ms) and the model 3%,
     * GoogLeNet 5%, MobileNetV2 3%.  One thread pays for the partial sums:
     * 0-5% per layer, 0.4% (DenseNet-121) to 1.9% (GoogLeNet) per model.
     * Layers with more outputs than inputs (160 -> 960, 512 -> 2048) were
     * slower either way: their partial sums weigh more against their short
     * K.  im2col layers split the same way (B's rows of a channel are its
     * taps): ResNet's 512 -> 512 3x3 at 7x7 and 3x3/2 to 7x7 (K = 4608),
     * weights cold, Intel Xeon, 1.79-1.89 -> 1.44-1.46 ms on one thread
     * and 0.90-0.97 -> 0.68-0.77 on two: each half's B (590 KB) stays in
     * L2 while the weights stream past it.
     * Where the whole B needed two bands but each half fits one, the
     * layer becomes one band of halves: by bands it streamed all of the
     * weights once per band (on two threads, each thread half of them per
     * band, after a barrier on the shared B).  DenseNet-201's and -161's
     * 1x1 layers from 1338 inputs at 14x14, ResNet-50's 3x3/2 256 -> 256
     * to 14x14 (im2col, K = 2304); one layer, weights cold, Intel Xeon
     * (family 6 model 207), medians of alternating runs: 1760 -> 128 at
     * 14x14 0.699 -> 0.654 ms on one thread, 0.467 -> 0.309 on two; the
     * 3x3/2 1.030 -> 0.866 on two.  Each half's B is at most what a band's
     * was.  (Phased frames, nsub 4, keep the one-band rule.) */
    const int khalf = (pl->cg / 2 + FILL_UNIT - 1) / FILL_UNIT * FILL_UNIT;
    const size_t half_rows = (size_t)khalf * (pl->brows / (size_t)pl->cg); /* the bigger half */
    const int one_band = pl->nbands == 1 || (pl->nsub == 1 && half_rows * pl->ncols <= budget);
    pl->khalf = p->group == 1 && one_band && pl->ncols <= SMALL_COLS && pl->cg >= KSPLIT_CH &&
                        pl->cg >= pl->mg
                    ? khalf
                    : 0;
    if (pl->khalf && pl->nbands > 1)
        w1 = pl->band = pl->ncols, pl->nbands = 1;
    const size_t w2 = plan_bands(pl, SPLIT_WIDER * budget, &pl->cband, &pl->cnbands);
    pl->cstride = fast_round_up(fast_round_up(w1, FAST_COLS_ALIGN) + pl->maxoff, FAST_COLS_ALIGN);
    pl->ccstride = fast_round_up(fast_round_up(w2, FAST_COLS_ALIGN) + pl->maxoff, FAST_COLS_ALIGN);
    if (pl->nsub == 4) {
        /* One sub-frame length for either band plan: the taps hold it. */
        pl->seg = pl->cstride > pl->ccstride ? pl->cstride : pl->ccstride;
        pl->cstride = pl->ccstride = 4 * pl->seg;
        for (int kh = 0; kh < p->kH; kh++)
            for (int kw = 0; kw < p->kW; kw++)
                pl->taps[kh * p->kW + kw] =
                    (int)((size_t)(2 * (kh % 2) + kw % 2) * pl->seg) + kh / 2 * pfw + kw / 2;
    }
}

/* Floats of B in scratch: the wider of the two band plans, rounded up so
 * that the partial sums of a split K (ksplit_run) after it stay aligned. */
static size_t b_floats(const Plan *pl)
{
    return fast_round_up(pl->brows * (pl->cstride > pl->ccstride ? pl->cstride : pl->ccstride),
                         FAST_COLS_ALIGN);
}

/* Floats of one half's partial sums (ksplit_run): an output image. */
static size_t partial_floats(const OnnxccConv2dParams *p, const Plan *pl)
{
    return fast_round_up((size_t)pl->mg * (size_t)p->OH * (size_t)p->OW, FAST_COLS_ALIGN);
}

/* A split K's scratch (ksplit_run): each half's B rows, then its partial
 * sums and a guard, one half after the other, so that a stride
 * prefetcher running past one half's B lands in its own sums, not in the
 * other core's rows (winograd.c's ksplit_layout has the measurements).
 * B rows are addressed by absolute channel from a base (fill_frame,
 * fill_im2col): half h's base is where its first channel's row falls at
 * its offset.  Sets the bases' and the partial sums' offsets; returns
 * the floats of it all. */
#define KSPLIT_GUARD 16384 /* floats (64 KB) after each half */

static size_t ksplit_floats(const OnnxccConv2dParams *p, const Plan *pl, size_t base[2], size_t part[2])
{
    const size_t per_ch = (pl->shifted ? 1 : (size_t)p->kH * (size_t)p->kW) * pl->cstride;
    const size_t rows0 = (size_t)pl->khalf * per_ch, rows1 = (size_t)(pl->cg - pl->khalf) * per_ch;
    const size_t sums = partial_floats(p, pl);
    base[0] = 0;
    part[0] = fast_round_up(rows0, FAST_COLS_ALIGN);
    base[1] = part[0] + sums + KSPLIT_GUARD - rows0;
    part[1] = fast_round_up(base[1] + rows0 + rows1, FAST_COLS_ALIGN);
    return part[1] + sums + KSPLIT_GUARD;
}

/* Grouped layers (grouped_run): tasks per image, each with its own B. */
#define GROUP_TASKS 4 /* tasks per image of a grouped layer, each with its own B */

/* Layers the direct kernel takes (conv2d_group.c) run here only on the
 * scalar level or with a pre-activation: one task, one B, a quarter of the
 * scratch (RegNetX-800MF's workspace 8.5 -> 6.8 MB). */
static int grouped_tasks(const OnnxccConv2dParams *p)
{
    if (onnxcc_fast_group_shape_fits(p))
        return 1;
    return p->group < GROUP_TASKS ? p->group : GROUP_TASKS;
}

/* Scratch of a grouped layer: one B per task, each aligned. */
static size_t grouped_scratch_floats(const OnnxccConv2dParams *p, const Plan *pl)
{
    return (size_t)grouped_tasks(p) * b_floats(pl);
}

/* ---- packing ---------------------------------------------------------- */

/* Whether p is packed (and so runs) as Winograd, and whether it keeps its
 * kernels and makes U per call (compact weights, and every layout's small
 * maps).  Packing, scratch size and scratch kind all decide here; running
 * reads the packed header.
 * Making U per call cost DenseNet-121 nothing on a Zen 5 (interleaved runs
 * within 1%): the 36 floats per kernel it no longer reads from memory paid
 * for the transform.  On maps of 9 to 32 tiles (9x9 to 20x20 outputs) it
 * is faster: each U is used for so few tiles that its GEMMs wait for it
 * from memory.  One layer with weights cold (not in any cache), one
 * thread, Zen 5: DenseNet-121's 3x3 at 14x14 0.077 -> 0.069 ms,
 * DenseNet-161's 0.152 -> 0.129, ResNet-50's 256 -> 256 at 14x14 0.76 ->
 * 0.70, 128 -> 32 at 12x12 -30%, 16x16 -20%, 20x20 -15%; at 28x28 (49
 * tiles) 3% slower, and at 7x7 (4 tiles, 512 -> 512) 50% slower: there U
 * is made for 4 tiles and is too big for any cache.
 * Of these, maps of 13 to 16 tiles whose whole U would pass 4 MB make it
 * a panel at a time inside their GEMMs instead (winograd.c,
 * onnxcc_fast_wino_fused). */
#define LAZY_MIN_TILES 9
#define LAZY_MAX_TILES 32
/* Grouped layers never: run by whole groups (grouped_run), RegNetX's and
 * ResNeXt's 3x3 layers at 14x14 and 28x28 were 10-45% faster by GEMM than
 * as Winograd (one layer, Zen 5, 1 and 2 threads). */
static int packs_wino(const OnnxccConv2dParams *p)
{
    return p->group == 1 && onnxcc_fast_wino_fits(p);
}

static int wino_lazy(const OnnxccConv2dParams *p)
{
    const int tiles = ((p->OH + 3) / 4) * ((p->OW + 3) / 4);
    return p->compact_weights != 0 || (tiles >= LAZY_MIN_TILES && tiles <= LAZY_MAX_TILES);
}

size_t onnxcc_f32_conv2d_packed_size(const OnnxccConv2dParams *p)
{
    const size_t k = (size_t)(p->C / p->group) * (size_t)p->kH * (size_t)p->kW;
    if (packs_wino(p))
        return PACK_HEADER + onnxcc_fast_wino_packed_floats(p, wino_lazy(p));
    if (onnxcc_fast_dilated_fits(p))
        return PACK_HEADER + onnxcc_fast_dilated_packed_floats(p);
    if (onnxcc_fast_taps_fits(p))
        return PACK_HEADER + onnxcc_fast_taps_packed_floats(p);
    if (onnxcc_fast_stem_fits(p))
        return PACK_HEADER + onnxcc_fast_stem_packed_floats(p);
    return PACK_HEADER + (size_t)p->group * fast_group_floats(p->M / p->group, k);
}

/* The header names the algorithm; for ALGO_GEMM, per group, panels of 16
 * output channels: [panel][k][m % 16]. */
void onnxcc_f32_conv2d_pack(const OnnxccConv2dParams *p, const float *w, float *packed)
{
    const int mg = p->M / p->group;
    const size_t k = (size_t)(p->C / p->group) * (size_t)p->kH * (size_t)p->kW;
    const size_t gsize = fast_group_floats(mg, k);
    memset(packed, 0, sizeof(float) * onnxcc_f32_conv2d_packed_size(p));
    if (packs_wino(p)) {
        packed[0] = wino_lazy(p) ? ALGO_WINO_LAZY : ALGO_WINO;
        onnxcc_fast_wino_pack(p, w, packed + PACK_HEADER, wino_lazy(p));
        return;
    }
    if (onnxcc_fast_dilated_fits(p)) {
        packed[0] = ALGO_DILATED;
        onnxcc_fast_dilated_pack(p, w, packed + PACK_HEADER);
        return;
    }
    if (onnxcc_fast_taps_fits(p)) {
        packed[0] = ALGO_TAPS;
        onnxcc_fast_taps_pack(p, w, packed + PACK_HEADER);
        return;
    }
    if (onnxcc_fast_stem_fits(p)) {
        packed[0] = ALGO_STEM;
        onnxcc_fast_stem_pack(p, w, packed + PACK_HEADER);
        return;
    }
    packed[0] = ALGO_GEMM;
    Plan pl;
    plan_conv(p, &pl);
    /* With K split, each half's panels on their own: [half][panel][k][m % 16] */
    const size_t k0 = pl.khalf ? (size_t)pl.khalf * (size_t)p->kH * (size_t)p->kW : k;
    for (int g = 0; g < p->group; g++) {
        float *dst = packed + PACK_HEADER + (size_t)g * gsize;
        float *dst1 = dst + fast_group_floats(mg, k0);
        for (int m = 0; m < mg; m++) {
            const float *src = w + ((size_t)g * (size_t)mg + (size_t)m) * k;
            float *panel = dst + (size_t)(m / FAST_PANEL) * k0 * FAST_PANEL + m % FAST_PANEL;
            float *panel1 = dst1 + (size_t)(m / FAST_PANEL) * (k - k0) * FAST_PANEL + m % FAST_PANEL;
            for (size_t i = 0; i < k0; i++)
                panel[i * FAST_PANEL] = src[i];
            for (size_t i = k0; i < k; i++)
                panel1[(i - k0) * FAST_PANEL] = src[i];
        }
    }
}

int onnxcc_f32_conv2d_scratch_kind(const OnnxccConv2dParams *p)
{
    return packs_wino(p) || onnxcc_fast_dilated_fits(p) ? 1 : 0;
}

size_t onnxcc_f32_conv2d_scratch_size(const OnnxccConv2dParams *p)
{
    Plan pl;
    if (packs_wino(p))
        return onnxcc_fast_wino_scratch_floats(p, wino_lazy(p));
    if (onnxcc_fast_dilated_fits(p))
        return onnxcc_fast_dilated_scratch_floats(p);
    if (onnxcc_fast_taps_fits(p))
        return onnxcc_fast_taps_scratch_floats(p);
    if (onnxcc_fast_stem_fits(p))
        return onnxcc_fast_stem_scratch_floats(p);
    plan_conv(p, &pl);
    if (p->group > 1)
        return grouped_scratch_floats(p, &pl);
    if (pl.khalf) {
        size_t base[2], part[2];
        return ksplit_floats(p, &pl, base, part);
    }
    return b_floats(&pl);
}

/* ---- scalar kernels ------------------------------------------------------ */

#define SMR 4 /* scalar tile: output channels */
#define SNR 8 /* scalar tile: columns */

static void scalar_tile(const FastGemm *g, const float *a, int j0, float out[SMR][SNR])
{
    float acc[SMR][SNR] = {{0}};
    const float *b = g->b + j0;
    for (int c = 0; c < g->nc; c++) {
        const float *bc = b + (size_t)c * g->cstride;
        for (int t = 0; t < g->ntaps; t++, a += FAST_PANEL) {
            const float *bt = bc + g->taps[t];
            FAST_UNROLL
            for (int r = 0; r < SMR; r++) {
                FAST_UNROLL
                for (int j = 0; j < SNR; j++)
                    acc[r][j] += a[r] * bt[j];
            }
        }
    }
    memcpy(out, acc, sizeof acc);
}

static void scalar_gemm(const FastGemm *g)
{
    const size_t panel = (size_t)g->nc * (size_t)g->ntaps * FAST_PANEL;
    for (int r0 = 0; r0 < g->m; r0 += SMR) {
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * panel + r0 % FAST_PANEL;
        const int rows = g->m - r0 < SMR ? g->m - r0 : SMR;
        for (int j0 = 0; j0 < g->ncols; j0 += SNR) {
            const int n = g->ncols - j0 < SNR ? g->ncols - j0 : SNR;
            float acc[SMR][SNR];
            scalar_tile(g, a, j0, acc);
            for (int r = 0; r < rows; r++) {
                const float bias = g->bias ? g->bias[r0 + r] : 0.0f;
                const float *rr = g->res ? g->res + (size_t)(r0 + r) * g->ldy : NULL;
                for (int j = 0; j < n; j++)
                    acc[r][j] = rr ? acc[r][j] + bias : fast_act(&g->act, acc[r][j] + bias);
                fast_store_frame(g, acc[r], g->q0 + (size_t)j0, n,
                                 g->y + (size_t)(r0 + r) * g->ldy, rr);
            }
        }
    }
}

static void scalar_fill(const FastFill *f, const FastPre *pre)
{
    for (int ch = 0; ch < f->nch; ch++) {
        const float *x = f->x + (size_t)ch * f->xs;
        float *y = f->y + (size_t)ch * f->ys;
        const float s = pre->scale ? pre->scale[ch] : 1.0f;
        const float t = pre->shift ? pre->shift[ch] : 0.0f;
        memset(y, 0, sizeof(float) * f->zl);
        y += f->zl;
        for (size_t i = 0; i < f->n; i++) {
            float v = x[i * (size_t)f->step];
            if (pre->on) {
                v = v * s + t;
                v = pre->relu && v < 0.0f ? 0.0f : v;
            }
            y[i] = v;
        }
        memset(y + f->n, 0, sizeof(float) * f->zr);
    }
}

/* Input pixel (ih, iw) of channel x pre-activated, 0 outside the map. */
static float frame_value(const FastFrame *f, const float *x, long ih, long iw, float s, float t,
                         const FastPre *pre)
{
    if (ih < 0 || ih >= f->H || iw < 0 || iw >= f->W)
        return 0.0f;
    float v = x[(size_t)ih * (size_t)f->W + (size_t)iw];
    if (pre->on) {
        v = v * s + t;
        v = pre->relu && v < 0.0f ? 0.0f : v;
    }
    return v;
}

static void scalar_fill_frame(const FastFrame *f, const FastPre *pre)
{
    const size_t fw = (size_t)f->fw;
    for (int ch = 0; ch < f->nch; ch++) {
        const float *x = f->x + (size_t)ch * f->xs;
        float *y = f->y + (size_t)ch * f->ys;
        const float s = pre->scale ? pre->scale[ch] : 1.0f;
        const float t = pre->shift ? pre->shift[ch] : 0.0f;
        for (size_t i = 0; i < f->len; i++) {
            const size_t q = f->u + i;
            y[i] = frame_value(f, x, (long)(q / fw) - f->pad_t, (long)(q % fw) - f->pad_l, s, t, pre);
        }
    }
}

static void scalar_fill_phases(const FastFrame *f, const FastPre *pre)
{
    const size_t fw = (size_t)f->fw;
    for (int ch = 0; ch < f->nch; ch++) {
        const float *x = f->x + (size_t)ch * f->xs;
        const float s = pre->scale ? pre->scale[ch] : 1.0f;
        const float t = pre->shift ? pre->shift[ch] : 0.0f;
        for (int sub = 0; sub < 4; sub++) {
            float *y = f->y + (size_t)ch * f->ys + (size_t)sub * f->seg;
            for (size_t i = 0; i < f->len; i++) {
                const size_t q = f->u + i;
                const long ih = 2 * (long)(q / fw) + sub / 2 - f->pad_t;
                const long iw = 2 * (long)(q % fw) + sub % 2 - f->pad_l;
                y[i] = frame_value(f, x, ih, iw, s, t, pre);
            }
        }
    }
}

static void scalar_add2(const FastAdd2 *a)
{
    for (size_t q = 0; q < a->n; q++) {
        const float v = a->p1[q] + a->bias + a->p0[q];
        a->y[q] = fast_act(&a->act, a->res ? v + a->res[q] : v);
    }
}

static const FastKernels fast_scalar = {scalar_gemm,
                                        scalar_fill,
                                        onnxcc_fast_fill_split4_scalar,
                                        onnxcc_fast_wino_in_scalar,
                                        onnxcc_fast_wino_out_scalar,
                                        onnxcc_fast_wino_u_scalar,
                                        scalar_add2,
                                        NULL,
                                        scalar_fill_frame,
                                        scalar_fill_phases};

const FastKernels *onnxcc_fast_kernels(int isa)
{
    switch (isa) {
#ifdef ONNXCC_RT_X86_64
    case ONNXCC_ISA_AVX512:
        return &onnxcc_fast_avx512;
    case ONNXCC_ISA_AVX2:
        return &onnxcc_fast_avx2;
#endif
    default:
        return &fast_scalar;
    }
}

/* ---- building B ------------------------------------------------------- */

/* One call's view of the layer: the plan plus what every band shares. */
typedef struct Conv {
    const OnnxccConv2dParams *p;
    Plan pl;
    const FastKernels *kern;
    FastPre pre;  /* scale/shift of the group's first channel */
    size_t plane; /* H*W */
} Conv;

/* The pre-activation of channels c0.. of the group. */
static FastPre pre_from(const Conv *cv, int c0)
{
    FastPre pre = cv->pre;
    pre.scale = pre.scale ? pre.scale + c0 : NULL;
    pre.shift = pre.shift ? pre.shift + c0 : NULL;
    return pre;
}

/* Output columns o in [0, out) whose tap o*stride + off lands inside
 * [0, size): [*lo, *hi) (empty: lo == hi). */
static void tap_range(int off, int stride, int size, int out, int *lo, int *hi)
{
    const int a = off >= 0 ? 0 : (-off + stride - 1) / stride;
    const int e = size - off <= 0 ? 0 : (size - off + stride - 1) / stride;
    *lo = a < out ? a : out;
    *hi = e < *lo ? *lo : (e < out ? e : out);
}

/* Phased frames: pixels [u, u + len) of sub-frame sub (row parity sub / 2,
 * column parity sub % 2) of the group's channels c0 .. c0+nch-1; its pixel
 * (row, col) is input pixel (2 row + sub / 2 - pad_t, 2 col + sub % 2 - pad_l). */
static void fill_phase(const Conv *cv, int c0, int nch, int sub, const float *xg, size_t u, size_t len,
                       float *b)
{
    const OnnxccConv2dParams *p = cv->p;
    const size_t fw = (size_t)cv->pl.frame_w, W = (size_t)p->W;
    const int rp = sub / 2, cp = sub % 2;
    const FastPre pre = pre_from(cv, c0);
    xg += (size_t)c0 * cv->plane;
    b += (size_t)c0 * cv->pl.cstride + (size_t)sub * cv->pl.seg;
    FastFill f = {xg, cv->plane, 2, b, cv->pl.cstride, nch, 0, 0, 0};
    int lo, hi; /* sub-frame columns that hold input pixels */
    tap_range(cp - p->pad_l, 2, p->W, (int)fw, &lo, &hi);
    for (size_t end = u + len; u < end;) {
        const size_t row = u / fw, col = u % fw;
        const size_t n = fw - col < end - u ? fw - col : end - u;
        const long ih = 2 * (long)row + rp - p->pad_t;
        const size_t a = col > (size_t)lo ? col : (size_t)lo, e = col + n < (size_t)hi ? col + n : (size_t)hi;
        f.y = b;
        if (ih < 0 || ih >= p->H || a >= e) {
            f.zl = n, f.n = 0, f.zr = 0;
        } else {
            f.x = xg + (size_t)ih * W + (2 * a + (size_t)cp - (size_t)p->pad_l);
            f.zl = a - col, f.n = e - a, f.zr = col + n - e;
        }
        cv->kern->fill(&f, &pre);
        b += n;
        u += n;
    }
}

/* Shifted views: frame pixels [u, u + len) of the group's channels c0 ..
 * c0+nch-1; frame pixel (row, col) is input pixel (row - pad_t, col - pad_l).
 * Phased frames: the same pixels of each of the four sub-frames. */
static void fill_frame(const Conv *cv, int c0, int nch, const float *xg, size_t u, size_t len,
                       float *b)
{
    const OnnxccConv2dParams *p = cv->p;
    if (cv->pl.nsub == 4 && cv->kern->fill_phases) {
        const FastFrame f = {xg + (size_t)c0 * cv->plane, cv->plane, nch, p->H, p->W, p->pad_t, p->pad_l,
                              cv->pl.frame_w, u, len, b + (size_t)c0 * cv->pl.cstride, cv->pl.cstride,
                              cv->pl.seg};
        const FastPre pre = pre_from(cv, c0);
        cv->kern->fill_phases(&f, &pre);
        return;
    }
    if (cv->pl.nsub == 4) {
        for (int sub = 0; sub < 4; sub++)
            fill_phase(cv, c0, nch, sub, xg, u, len, b);
        return;
    }
    const size_t fw = (size_t)cv->pl.frame_w, W = (size_t)p->W;
    const FastPre pre = pre_from(cv, c0);
    xg += (size_t)c0 * cv->plane;
    b += (size_t)c0 * cv->pl.cstride;
    FastFill f = {xg, cv->plane, 1, b, cv->pl.cstride, nch, 0, 0, 0};
    if (fw == W && p->pad_l == 0) {
        /* Frame rows are input rows: one run of real pixels between zeros. */
        const size_t lo = (size_t)p->pad_t * W, hi = lo + cv->plane, end = u + len;
        const size_t a = u > lo ? u : lo, e = end < hi ? end : hi;
        if (a >= e) {
            f.zl = len;
        } else {
            f.x = xg + (a - lo);
            f.zl = a - u;
            f.n = e - a;
            f.zr = end - e;
        }
        cv->kern->fill(&f, &pre);
        return;
    }
    if (cv->kern->fill_frame) {
        const FastFrame fr = {f.x, f.xs, nch, p->H, p->W, p->pad_t, p->pad_l, (int)fw, u, len, b, f.ys, 0};
        cv->kern->fill_frame(&fr, &pre);
        return;
    }
    for (size_t end = u + len; u < end;) {
        const size_t row = u / fw, col = u % fw;
        const size_t n = fw - col < end - u ? fw - col : end - u;
        const long ih = (long)row - p->pad_t;
        /* Real columns of this frame row: iw = col - pad_l in [0, W). */
        const size_t rlo = (size_t)p->pad_l, rhi = rlo + W;
        const size_t a = col > rlo ? col : rlo, e = col + n < rhi ? col + n : rhi;
        f.y = b;
        if (ih < 0 || ih >= p->H || a >= e) {
            f.zl = n, f.n = 0, f.zr = 0;
        } else {
            f.x = xg + (size_t)ih * W + (a - rlo);
            f.zl = a - col, f.n = e - a, f.zr = col + n - e;
        }
        cv->kern->fill(&f, &pre);
        b += n;
        u += n;
    }
}

/* The strided rows of im2col from phases: input row ih's padded pixels
 * P[i] = pre(x[ih][i - pad_l]) (0 outside the row) split by i mod s into
 * phase f: [m] = P[s m + f], so that tap kw of output column ow is phase
 * kw % s at ow + kw / s: each of the kW rows of a run is then one copy,
 * where gathering every s-th pixel anew per tap made the fill a fifth of a
 * 7x7/2 stem's time (the stem 11% faster on a Zen 5) and 45% of AlexNet's
 * 11x11/4 stem's.  Stride-2 kernels narrower than 5 keep the gathers:
 * there a call per channel and row cost more than it saved (ResNet-50's
 * 3x3/2, 20% slower).  Stride-2 layers with output rows of 16 or more
 * take phased frames instead (use_phased). */
#define PHASES_MAX 8       /* strides up to this */
#define PHASE_FLOATS 2048  /* floats of all phases of a row (on the stack) */

static int im2col_by_phases(const OnnxccConv2dParams *p)
{
    const int s = p->stride_w;
    const size_t len = (size_t)p->OW + (size_t)(p->kW - 1) / (size_t)s + 1;
    return p->dil_w == 1 && s >= 2 && s <= PHASES_MAX && (s == 2 ? p->kW >= 5 : p->kW > s) &&
           len * (size_t)s <= PHASE_FLOATS;
}

static void fill_im2col_phases(const Conv *cv, int c0, int nch, int kh0, int kh1, const float *xg,
                               size_t q0, size_t ncols, float *b)
{
    const OnnxccConv2dParams *p = cv->p;
    const int s = p->stride_w;
    const size_t OW = (size_t)p->OW, taps = (size_t)p->kH * (size_t)p->kW;
    const size_t cs = cv->pl.cstride, len = OW + (size_t)(p->kW - 1) / (size_t)s + 1;
    float ph[PHASE_FLOATS]; /* phase f at ph + f * len */
    for (int c = c0; c < c0 + nch; c++) {
        const FastPre pre = pre_from(cv, c);
        const float *xc = xg + (size_t)c * cv->plane;
        float *bc = b + (size_t)c * taps * cs;
        for (int kh = kh0; kh < kh1; kh++) {
            float *rows = bc + (size_t)(kh * p->kW) * cs;
            for (size_t q = q0, end = q0 + ncols; q < end;) {
                const size_t oh = q / OW, ow = q % OW;
                const size_t n = OW - ow < end - q ? OW - ow : end - q;
                const int ih = (int)oh * p->stride_h - p->pad_t + kh * p->dil_h;
                if (ih < 0 || ih >= p->H) {
                    for (int kw = 0; kw < p->kW; kw++)
                        memset(rows + (size_t)kw * cs + (q - q0), 0, n * sizeof(float));
                    q += n;
                    continue;
                }
                for (int f = 0; f < s && f < p->kW; f++) {
                    int lo, hi;
                    tap_range(f - p->pad_l, s, p->W, (int)len, &lo, &hi);
                    FastFill ff = {xc + (size_t)ih * (size_t)p->W, 0, s, ph + (size_t)f * len,
                                   0, 1, len, 0, 0};
                    if (lo < hi) {
                        ff.x += s * lo + f - p->pad_l;
                        ff.zl = (size_t)lo;
                        ff.n = (size_t)(hi - lo);
                        ff.zr = len - (size_t)hi;
                    }
                    cv->kern->fill(&ff, &pre);
                }
                for (int kw = 0; kw < p->kW; kw++)
                    memcpy(rows + (size_t)kw * cs + (q - q0),
                           ph + (size_t)(kw % s) * len + ow + (size_t)(kw / s), n * sizeof(float));
                q += n;
            }
        }
    }
}

/* im2col: B row (c, kh, kw), column j = output pixel q0 + j, for the
 * group's channels c0 .. c0+nch-1 and kernel rows kh0 .. kh1-1. */
static void fill_im2col(const Conv *cv, int c0, int nch, int kh0, int kh1, const float *xg,
                        size_t q0, size_t ncols, float *b)
{
    const OnnxccConv2dParams *p = cv->p;
    const size_t OW = (size_t)p->OW, taps = (size_t)p->kH * (size_t)p->kW;
    const int by_phases = im2col_by_phases(p);
    if (by_phases)
        fill_im2col_phases(cv, c0, nch, kh0, kh1, xg, q0, ncols, b);
    const FastPre pre = pre_from(cv, c0);
    xg += (size_t)c0 * cv->plane;
    b += (size_t)c0 * taps * cv->pl.cstride;
    FastFill f = {xg, cv->plane, p->stride_w, b, taps * cv->pl.cstride, nch, 0, 0, 0};
    for (int kh = kh0; kh < kh1; kh++) {
        for (int kw = 0; kw < p->kW && !by_phases; kw++) {
            float *row = b + (size_t)(kh * p->kW + kw) * cv->pl.cstride;
            int lo, hi;
            tap_range(kw * p->dil_w - p->pad_l, p->stride_w, p->W, p->OW, &lo, &hi);
            for (size_t q = q0, end = q0 + ncols; q < end;) {
                const size_t oh = q / OW, ow = q % OW;
                const size_t n = OW - ow < end - q ? OW - ow : end - q;
                const int ih = (int)oh * p->stride_h - p->pad_t + kh * p->dil_h;
                /* Real columns within this run: [a, e). */
                size_t a = ow > (size_t)lo ? ow : (size_t)lo;
                size_t e = ow + n < (size_t)hi ? ow + n : (size_t)hi;
                f.y = row + (q - q0);
                if (ih < 0 || ih >= p->H || a >= e) {
                    f.zl = n, f.n = 0, f.zr = 0;
                } else {
                    const int iw = (int)a * p->stride_w - p->pad_l + kw * p->dil_w;
                    f.x = xg + (size_t)ih * (size_t)p->W + (size_t)iw;
                    f.zl = a - ow, f.n = e - a, f.zr = ow + n - e;
                }
                cv->kern->fill(&f, &pre);
                q += n;
            }
        }
        /* Columns past the band up to the alignment the kernels read: zeros
         * in these rows of every channel (no pre-activation to look up). */
        static const FastPre none = {NULL, NULL, 0, 0};
        for (int c = 0; c < nch; c++) {
            float *rows = b + ((size_t)c * taps + (size_t)(kh * p->kW)) * cv->pl.cstride;
            FastFill z = {xg, 0, 1, rows + ncols, cv->pl.cstride, p->kW, 0, 0, 0};
            z.zl = fast_round_up(ncols, FAST_COLS_ALIGN) - ncols;
            cv->kern->fill(&z, &none);
        }
    }
}

/* ---- the call ------------------------------------------------------------ */

#define ROW_UNIT 16  /* output channels per GEMM task: one panel */
#define COL_UNIT 48  /* columns per GEMM task: a multiple of every kernel tile */

/* A layer's GEMM algorithm as one phased loop (fast.h): a round per image,
 * group and band of columns; phase 0 fills the band's B (tasks split the
 * input channels), phase 1 multiplies (tasks split output-channel panels
 * and, where panels are too few for the threads, columns). */
typedef struct ConvJob {
    Conv cv;
    const float *x, *packed, *bias, *pre_scale, *pre_shift, *res;
    float *b, *y;
    size_t xs, ys, rs, gsize;
    size_t band, nbands; /* columns per round (at most the plan's band), the last to ncols */
    int fill_tasks, row_tasks, col_tasks;
    size_t col_unit; /* columns per GEMM task */
    int by_columns;  /* one phase: each task fills and multiplies its columns */
    int threads;     /* by_columns: tasks per round */
    size_t share;    /* by_columns, threads > 1: the width of a task's part
                      * of B's rows */
    size_t cap;      /* by_columns: most columns of a task's GEMM (share,
                      * less the halo of taps its fill reaches past them) */
    int direct;      /* B is x itself (reads_x_directly): no fill phase */
    size_t tail;     /* direct: the plane's columns past its last multiple
                      * of 16, left to direct_tail */
} ConvJob;

/* The GEMM of image and group ng (n * group + g) over all rows and columns
 * q0 .. q0+ncols-1, its input, and the pre-activation of its group (*cv). */
static FastGemm cols_of(const ConvJob *j, size_t ng, size_t q0, size_t ncols, Conv *cv, const float **xg)
{
    const OnnxccConv2dParams *p = j->cv.p;
    const Plan *pl = &j->cv.pl;
    const size_t n = ng / (size_t)p->group, g = ng % (size_t)p->group;
    const size_t c0 = g * (size_t)pl->cg, m0 = g * (size_t)pl->mg;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    *cv = j->cv;
    cv->pre.scale = j->pre_scale ? j->pre_scale + c0 : NULL;
    cv->pre.shift = j->pre_shift ? j->pre_shift + c0 : NULL;
    *xg = j->x + n * j->xs + c0 * cv->plane;
    FastGemm gm;
    gm.a = j->packed + g * j->gsize;
    gm.m = pl->mg;
    gm.nc = pl->shifted ? pl->cg : (int)pl->k;
    gm.ntaps = pl->ntaps;
    gm.taps = j->cv.pl.taps;
    gm.q0 = q0;
    gm.b = j->direct ? *xg + gm.q0 : j->b;
    gm.cstride = j->direct ? cv->plane : pl->cstride;
    gm.ncols = (int)ncols;
    gm.frame_w = pl->frame_w;
    gm.out_w = p->OW;
    gm.y = j->y + n * j->ys + m0 * oplane;
    gm.ldy = oplane;
    gm.bias = j->bias ? j->bias + m0 : NULL;
    gm.res = j->res ? j->res + n * j->rs + m0 * oplane : NULL;
    gm.act = p->act;
    gm.a_next = NULL;
    return gm;
}

/* Columns of band bi: the last runs to the plane's end (less the tail). */
static size_t band_cols(const ConvJob *j, size_t bi)
{
    return bi + 1 == j->nbands ? j->cv.pl.ncols - j->tail - bi * j->band : j->band;
}

/* Round r's band (of image and group r / nbands). */
static FastGemm band_of(const ConvJob *j, int r, Conv *cv, const float **xg)
{
    const size_t bi = (size_t)r % j->nbands;
    return cols_of(j, (size_t)r / j->nbands, bi * j->band, band_cols(j, bi), cv, xg);
}

/* Whether one thread's GEMM-filled bands (gemm_fills) on maps wider than
 * SMALL_COLS are NARROW_BUDGET wide instead of B_BUDGET.  Intel's cores
 * prefer them: on an Intel Xeon with AVX-512, AMX and 2 MB of L2 per core
 * (family 6 as its VM reports it), DenseNet-121 on one thread was 3-7%
 * faster (interleaved runs of the whole model; 64 KB and 256 KB bands were
 * slower than 128 KB), its 56x56 and 28x28 1x1 layers alone 2-3%.  The Zen
 * 5 the bands were sized on keeps B_BUDGET.  Two threads keep the wide
 * bands on every CPU: split over threads, narrow bands left each a sliver
 * (DenseNet-121 8% slower).  The columns of a band change, not any sum:
 * the same bits. */
static int narrow_bands(void)
{
    return onnxcc_fast_intel();
}

/* Whether the GEMM builds B itself (kern->gemm_fill): a 1x1 layer with a
 * stride of 1, no padding and a pre-activation, so that B's rows are x's
 * rows at the same columns, pre-activated.  The first output rows' tiles
 * store B as they multiply it, and the separate pass over x that a fill is
 * goes: its loads and stores run between the FMAs of those tiles.  Results
 * are the same bits (the same B).  One layer, one thread, Zen 5:
 * DenseNet-121's 256 -> 128 at 56x56 0.882 -> 0.841 ms, 512 -> 128 at
 * 28x28 0.437 -> 0.418, 1024 -> 128 at 14x14 0.227 -> 0.215.  Epilogues
 * applied after the GEMM (fast_act_after: sigmoid, SiLU, ...) keep the fill,
 * so gemm_fill needs no wrapper of its own for them. */
static int gemm_fills(const Conv *cv)
{
    const OnnxccConv2dParams *p = cv->p;
    const Plan *pl = &cv->pl;
    return cv->kern->gemm_fill && cv->pre.on && !fast_act_after(p->act.kind) && pl->shifted &&
           pl->nsub == 1 && pl->ntaps == 1 &&
           p->pad_t == 0 && p->pad_l == 0 && p->pad_b == 0 && p->pad_r == 0 && p->H == p->OH &&
           p->W == p->OW;
}

/* B of the group's channels c0 .. c0+nch-1 for gm's columns (frame pixels
 * from gm->q0; B at b0, of which gm->b is channel c0's part), then gm: a
 * fill and the GEMM, or the GEMM building B (gemm_fills). */
static void fill_gemm(const Conv *cv, int c0, int nch, const float *xg, float *b0, const FastGemm *gm)
{
    if (gemm_fills(cv)) {
        const FastGemmFill fl = {xg + (size_t)c0 * cv->plane + gm->q0, cv->plane, pre_from(cv, c0)};
        cv->kern->gemm_fill(gm, &fl);
        return;
    }
    if (cv->pl.shifted)
        fill_frame(cv, c0, nch, xg, gm->q0, fast_round_up((size_t)gm->ncols, FAST_COLS_ALIGN) + cv->pl.maxoff,
                   b0);
    else
        fill_im2col(cv, c0, nch, 0, cv->p->kH, xg, gm->q0, (size_t)gm->ncols, b0);
    cv->kern->gemm(gm);
}

/* Phase 0: fill task i's share of B. */
static void band_fill(const ConvJob *j, const Conv *cv, const float *xg, const FastGemm *gm, int i)
{
    const size_t cols = (size_t)gm->ncols;
    size_t lo, hi;
    if (cv->pl.nsub == 4) {
        /* units are (sub-frame, channel) pairs: the stem has 3 channels */
        const size_t cg = (size_t)cv->pl.cg, len = fast_round_up(cols, FAST_COLS_ALIGN) + cv->pl.maxoff;
        fast_split(4 * cg, 1, j->fill_tasks, i, &lo, &hi);
        while (lo < hi) {
            const size_t sub = lo / cg, c = lo % cg, n = cg - c < hi - lo ? cg - c : hi - lo;
            fill_phase(cv, (int)c, (int)n, (int)sub, xg, gm->q0, len, j->b);
            lo += n;
        }
        return;
    }
    if (cv->pl.shifted) {
        fast_split((size_t)cv->pl.cg, FILL_UNIT, j->fill_tasks, i, &lo, &hi);
        if (lo < hi)
            fill_frame(cv, (int)lo, (int)(hi - lo), xg, gm->q0,
                       fast_round_up(cols, FAST_COLS_ALIGN) + cv->pl.maxoff, j->b);
        return;
    }
    /* im2col: units are (channel, kernel row) pairs, so that a layer with
     * few channels (the stem) still splits. */
    const int kh = cv->p->kH;
    fast_split((size_t)cv->pl.cg * (size_t)kh, 1, j->fill_tasks, i, &lo, &hi);
    while (lo < hi) {
        const int c = (int)(lo / (size_t)kh), r0 = (int)(lo % (size_t)kh);
        if (r0 == 0 && hi - lo >= (size_t)kh) { /* whole channels at once */
            const int nch = (int)((hi - lo) / (size_t)kh);
            fill_im2col(cv, c, nch, 0, kh, xg, gm->q0, cols, j->b);
            lo += (size_t)nch * (size_t)kh;
        } else {
            const int r1 = (size_t)(kh - r0) < hi - lo ? kh : r0 + (int)(hi - lo);
            fill_im2col(cv, c, 1, r0, r1, xg, gm->q0, cols, j->b);
            lo += (size_t)(r1 - r0);
        }
    }
}

/* Phase 1: GEMM task i, rows of panel group i % row_tasks, columns of chunk
 * i / row_tasks.  Every output element is still one whole sum over K in
 * the same order, whatever the split. */
static void band_gemm(const ConvJob *j, FastGemm g, int i)
{
    size_t r0, r1, j0, j1;
    fast_split((size_t)g.m, ROW_UNIT, j->row_tasks, i % j->row_tasks, &r0, &r1);
    fast_split((size_t)g.ncols, j->col_unit, j->col_tasks, i / j->row_tasks, &j0, &j1);
    if (r0 == r1 || j0 == j1)
        return;
    const size_t panel = (size_t)g.nc * (size_t)g.ntaps * FAST_PANEL;
    g.a += r0 / FAST_PANEL * panel;
    g.m = (int)(r1 - r0);
    g.y += r0 * g.ldy;
    g.bias = g.bias ? g.bias + r0 : NULL;
    g.res = g.res ? g.res + r0 * g.ldy : NULL;
    g.b += j0;
    g.q0 += j0;
    g.ncols = (int)(j1 - j0);
    j->cv.kern->gemm(&g);
}

/* Where task i's columns start when n columns split evenly over t tasks:
 * at the multiple of FAST_COLS_ALIGN nearest to i*n/t, so that B rows stay
 * aligned and every task has about the same number of whole vectors. */
static size_t even_cut(int n, int t, int i)
{
    if (i >= t)
        return (size_t)n;
    const size_t a = FAST_COLS_ALIGN;
    const size_t c = ((size_t)i * (size_t)n / (size_t)t + a / 2) / a * a;
    return c < (size_t)n ? c : (size_t)n;
}

/* Columns [q0, q0 + ncols) of image and group ng, filled into b (unless
 * B is x) and multiplied. */
static void cols_gemm(const ConvJob *j, size_t ng, size_t q0, size_t ncols, float *b)
{
    Conv cv;
    const float *xg;
    FastGemm gm = cols_of(j, ng, q0, ncols, &cv, &xg);
    if (j->direct) { /* B is x */
        j->cv.kern->gemm(&gm);
        return;
    }
    gm.b = b;
    fill_gemm(&cv, 0, cv.pl.cg, xg, b, &gm);
}

/* by_columns, round ng (image and group), task i.  One thread: the bands
 * in turn.  More: task i takes the i-th of threads even parts of all the
 * columns, in GEMMs of at most j->share columns, each filled and
 * multiplied by this task alone (no other task reads its B, which stays
 * in this core's cache).  Contiguous parts, rather than a part of every
 * band, leave each core with the same part of the map from layer to
 * layer, as the Winograd layers' bands and the pools split it.  The last
 * task also multiplies the columns past the plane's last multiple of 16
 * (j->tail, direct_tail), next to its own: the caller's thread, once
 * all tasks had finished, wrote those lines of every output plane where
 * the other core had just written the lines before them. */
static void direct_tail(const ConvJob *j, int n);

static void columns_task(const ConvJob *j, size_t ng, int i)
{
    if (j->threads == 1) {
        for (size_t bi = 0; bi < j->nbands; bi++)
            cols_gemm(j, ng, bi * j->band, band_cols(j, bi), j->b);
        if (j->tail)
            direct_tail(j, (int)ng);
        return;
    }
    const int total = (int)(j->cv.pl.ncols - j->tail);
    const size_t lo = even_cut(total, j->threads, i), hi = even_cut(total, j->threads, i + 1);
    if (lo < hi) {
        const size_t parts = (hi - lo + j->cap - 1) / j->cap;
        const size_t step = fast_round_up((hi - lo + parts - 1) / parts, FAST_COLS_ALIGN);
        for (size_t q = lo; q < hi; q += step)
            cols_gemm(j, ng, q, hi - q < step ? hi - q : step, j->b + (size_t)i * j->share);
    }
    if (j->tail && i == j->threads - 1)
        direct_tail(j, (int)ng);
}

static void conv_task(void *ctx, int round, int phase, int i)
{
    const ConvJob *j = ctx;
    if (j->by_columns) {
        columns_task(j, (size_t)round, i);
        return;
    }
    Conv cv;
    const float *xg;
    FastGemm gm = band_of(j, round, &cv, &xg);
    if (phase == 0) {
        band_fill(j, &cv, xg, &gm, i);
    } else {
        band_gemm(j, gm, i);
    }
}

/* ---- K split in halves ---------------------------------------------------- */

/* A layer with too few columns to split (one band): per image, phase 0
 * has two tasks, one per half of the input channels, each filling its
 * channels' B rows and multiplying them by its own half of the packed
 * weights into its partial sums; phase 1 adds the halves up with the
 * epilogue, y = act(((p1 + bias) + p0) + res), tasks splitting the output
 * channels.  Every thread count runs the same halves, so the sums are the
 * same bits; with threads each core fills and reads only its own half of B
 * and streams only its half of the weights.  One thread without a residual
 * skips the last pass: half 1's GEMM takes p0 as its residual, whose
 * epilogue act((acc + bias) + p0) is the same sum: a GEMM's accumulators
 * start from +0 and are never -0, so the stored p1 = acc + 0 is acc. */
typedef struct KsplitJob {
    Conv cv;
    const float *x, *packed, *bias, *res;
    float *b[2], *part[2], *y; /* each half's B base and partial sums (ksplit_floats) */
    size_t xs, ys, rs;
    int out_tasks;
} KsplitJob;

/* Image n's half i: its channels' B rows, then their GEMM into y (output
 * channel 0's plane, planes oplane apart) with the given epilogue. */
static void ksplit_half(const KsplitJob *j, int n, int i, float *y, const float *bias,
                        const float *res, OnnxccAct act)
{
    const OnnxccConv2dParams *p = j->cv.p;
    const Plan *pl = &j->cv.pl;
    const int c0 = i ? pl->khalf : 0, nch = i ? pl->cg - pl->khalf : pl->khalf;
    const float *xg = j->x + (size_t)n * j->xs;
    FastGemm gm;
    /* B rows and weights per input channel: one row of taps (shifted
     * views), or a row per tap (im2col) */
    const size_t per_ch = pl->shifted ? 1 : (size_t)p->kH * (size_t)p->kW;
    gm.a = j->packed +
           (i ? fast_group_floats(pl->mg, (size_t)pl->khalf * (size_t)p->kH * (size_t)p->kW) : 0);
    gm.m = pl->mg;
    gm.nc = (int)((size_t)nch * per_ch);
    gm.ntaps = pl->ntaps;
    gm.taps = pl->taps;
    gm.b = j->b[i] + (size_t)c0 * per_ch * pl->cstride;
    gm.cstride = pl->cstride;
    gm.ncols = (int)pl->ncols;
    gm.q0 = 0;
    gm.frame_w = pl->frame_w;
    gm.out_w = p->OW;
    gm.y = y;
    gm.ldy = (size_t)p->OH * (size_t)p->OW;
    gm.bias = bias;
    gm.res = res;
    gm.act = act;
    gm.a_next = NULL;
    fill_gemm(&j->cv, c0, nch, xg, j->b[i], &gm);
}

static void ksplit_task(void *ctx, int n, int phase, int i)
{
    const KsplitJob *j = ctx;
    const OnnxccConv2dParams *p = j->cv.p;
    const Plan *pl = &j->cv.pl;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    if (phase == 0) {
        const OnnxccAct none = {ONNXCC_ACT_NONE, 0.0f, 0.0f};
        ksplit_half(j, n, i, j->part[i], NULL, NULL, none);
        return;
    }
    size_t m0, m1;
    fast_split((size_t)pl->mg, 1, j->out_tasks, i, &m0, &m1);
    for (size_t m = m0; m < m1; m++) {
        const FastAdd2 a = {j->part[0] + m * oplane,
                            j->part[1] + m * oplane,
                            j->res ? j->res + (size_t)n * j->rs + m * oplane : NULL,
                            j->bias ? j->bias[m] : 0.0f,
                            p->act,
                            j->y + (size_t)n * j->ys + m * oplane,
                            oplane};
        j->cv.kern->add2(&a);
    }
}

static void ksplit_run(const Conv *cv, const float *x, const float *packed, const float *bias,
                       const float *res, float *scratch, float *y)
{
    const OnnxccConv2dParams *p = cv->p;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    KsplitJob j;
    j.cv = *cv;
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.res = res;
    j.y = y;
    size_t base[2], part[2];
    ksplit_floats(p, &cv->pl, base, part);
    for (int i = 0; i < 2; i++) {
        j.b[i] = scratch + base[i];
        j.part[i] = scratch + part[i];
    }
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * cv->plane;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * oplane;
    const int threads = onnxcc_num_threads();
    if (threads == 1 && !res) {
        const OnnxccAct none = {ONNXCC_ACT_NONE, 0.0f, 0.0f};
        for (int n = 0; n < p->N; n++) {
            ksplit_half(&j, n, 0, j.part[0], NULL, NULL, none);
            ksplit_half(&j, n, 1, y + (size_t)n * j.ys, bias, j.part[0], p->act);
        }
        return;
    }
    j.out_tasks = threads == 1 ? 1 : TASKS_PER_THREAD * threads;
    const int counts[2] = {2, j.out_tasks};
    onnxcc_fast_parallel_phases(p->N, 2, counts, ksplit_task, &j);
}

/* Whether the GEMM can read B straight from x: a 1x1 conv with stride 1,
 * no padding and no pre-activation has B = x, channel rows a plane apart.
 * The kernels may read a partial vector past a band's last column (up to
 * the next multiple of 16 from the plane's start), so the plane must be a
 * multiple of 16 floats: then that never leaves x. */
static int reads_x_directly(const OnnxccConv2dParams *p, const Plan *pl, const FastPre *pre)
{
    return pl->shifted && pl->ntaps == 1 && !pre->on && p->pad_t == 0 && p->pad_l == 0 &&
           p->pad_b == 0 && p->pad_r == 0 && p->H == p->OH && p->W == p->OW &&
           (size_t)p->H * (size_t)p->W % 16 == 0;
}

/* Whether a 1x1 layer that would read x directly but for its plane (not a
 * multiple of 16 floats) reads it anyway up to the plane's last multiple of
 * 16, the rest left to direct_tail.  With few output channels the fill, a
 * copy of x, costs about as much as the GEMM; with more, the row tiles'
 * loads of unaligned B rows (each a line split) cost more than the copy.
 * One layer, weights cold, one thread, Intel Xeon: SqueezeNet's 64 -> 16
 * at 55x55 0.055-0.060 -> 0.037-0.039 ms, 128 -> 32 at 27x27 0.041-0.045 ->
 * 0.034-0.035; Inception-v3's 288 -> 48 at 35x35 3% slower and 288 -> 64
 * 3-13%, hence DIRECT_TAIL_MAX_M.  SqueezeNet-1.1, interleaved runs: 0.98
 * on one thread, 0.97 on two.  The same sums. */
#define DIRECT_TAIL_MAX_M 32

static int reads_x_up_to_tail(const OnnxccConv2dParams *p, const Plan *pl, const FastPre *pre)
{
    const size_t plane = (size_t)p->H * (size_t)p->W;
    return p->group == 1 && pl->mg <= DIRECT_TAIL_MAX_M && plane >= FAST_COLS_ALIGN && pl->shifted &&
           pl->ntaps == 1 && !pre->on && p->pad_t == 0 && p->pad_l == 0 && p->pad_b == 0 && p->pad_r == 0 &&
           p->H == p->OH && p->W == p->OW;
}

/* Image n's last j->tail columns: B's rows for them copied into scratch,
 * 16 floats each (zeros past the plane), and multiplied there (the GEMMs
 * that read x leave B unused). */
static void direct_tail(const ConvJob *j, int n)
{
    const Plan *pl = &j->cv.pl;
    Conv cv;
    const float *xg;
    FastGemm gm = band_of(j, (int)((size_t)(n + 1) * j->nbands - 1), &cv, &xg);
    const size_t at = pl->ncols - j->tail;
    float *b = j->b;
    for (size_t c = 0; c < pl->brows; c++) {
        memcpy(b + c * FAST_COLS_ALIGN, xg + c * cv.plane + at, sizeof(float) * j->tail);
        memset(b + c * FAST_COLS_ALIGN + j->tail, 0, sizeof(float) * (FAST_COLS_ALIGN - j->tail));
    }
    gm.b = b;
    gm.cstride = FAST_COLS_ALIGN;
    gm.q0 = at;
    gm.ncols = (int)j->tail;
    j->cv.kern->gemm(&gm);
}

/* ---- grouped convolutions ------------------------------------------------ */

/* A grouped layer (group > 1) runs its groups side by side: per image, a
 * fixed number of tasks (grouped_tasks: not the thread count, so results
 * are the same bits on any count) each take whole groups in turn, and for
 * each band of each group fill their own B in scratch and multiply it.  One
 * phase per image and no barrier per group, where the per-group rounds of
 * gemm_run split each small group's fill and GEMM over threads (two
 * barriers per band) and made RegNetX's layers of 16-channel groups slower
 * on two threads than on one. */
typedef struct GroupJob {
    const ConvJob *j;
    int tasks;
    size_t bsize; /* floats of each task's B */
} GroupJob;

static void grouped_task(void *ctx, int n, int phase, int t)
{
    const GroupJob *gj = ctx;
    const ConvJob *j = gj->j;
    const OnnxccConv2dParams *p = j->cv.p;
    float *b = j->b + (size_t)t * gj->bsize;
    size_t g0, g1;
    (void)phase;
    fast_split((size_t)p->group, 1, gj->tasks, t, &g0, &g1);
    for (size_t g = g0; g < g1; g++)
        for (size_t bi = 0; bi < j->nbands; bi++) {
            Conv cv;
            const float *xg;
            const size_t r = ((size_t)n * (size_t)p->group + g) * j->nbands + bi;
            FastGemm gm = band_of(j, (int)r, &cv, &xg);
            if (j->direct) {
                j->cv.kern->gemm(&gm);
            } else {
                gm.b = b;
                fill_gemm(&cv, 0, cv.pl.cg, xg, b, &gm);
            }
        }
}

static void grouped_run(const ConvJob *j)
{
    const OnnxccConv2dParams *p = j->cv.p;
    if (onnxcc_fast_group_run(p, onnxcc_rt_isa_capped(p->isa_cap), j->x, j->packed, j->gsize, j->bias,
                              &j->cv.pre, j->res, j->y))
        return;
    GroupJob gj;
    gj.j = j;
    gj.tasks = grouped_tasks(j->cv.p);
    gj.bsize = b_floats(&j->cv.pl);
    const int counts[1] = {gj.tasks};
    onnxcc_fast_parallel_phases(j->cv.p->N, 1, counts, grouped_task, &gj);
}

/* Whether a layer that could split columns over threads (wide, gemm_run)
 * splits its output channels instead, over one shared B per band:
 *  - a single band (maps up to 14x14) whose B is at most ROWS_SPLIT_B
 *    floats: the expansion 1x1 layers of mobile networks (80 -> 480 at
 *    14x14, 160 -> 960 at 7x7; those with at least as many inputs as
 *    outputs split K instead).  By columns, each thread streamed all the
 *    weights for a sliver of columns, and the one with 14x14's 4 leftover
 *    columns (196 = 96 + 100) read them all again in transposed tiles while
 *    the other waited.  Whole models on two threads, interleaved runs,
 *    Intel Xeon: MobileNetV3-Large 0.91, MobileNetV2 0.95-0.98,
 *    EfficientNet-B0 0.95, SqueezeNet-1.1 0.97, ResNet-50 0.98; GoogLeNet's
 *    im2col layers (B of 170K floats and more) were 2% slower so and keep
 *    the columns.
 *  - heavy weights: by columns each thread streams all of them once per
 *    band, by rows only its half, and reads the half of the band's B that
 *    the other thread filled.  On Intel's cores (Xeon with AVX-512 and AMX,
 *    one L3), weights of at least half a band of B (ROWS_SPLIT_W):
 *    Inception-v3's 17x17 layers (289 columns, two or three bands), one
 *    layer, weights cold, two threads: 1x7 192 -> 192 0.687 -> 0.523 ms,
 *    1x7 128 -> 128 0.301 -> 0.279, 3x3/2 288 -> 384 from 35x35 2.13 ->
 *    1.94, 1x1 768 -> 192 0.329 -> 0.306; the whole model 0.94
 *    (interleaved runs); DenseNet-121, ResNet-18 and -50, GoogLeNet,
 *    MobileNetV2, EfficientNet-B0, MNASNet and SqueezeNet-1.1 within 1%
 *    either way.  On other CPUs, weights of at least all of B: on a Zen 5
 *    whose two cores sit on different dies (no shared L3), the half of B
 *    that crosses costs more than streaming the weights twice.  One layer
 *    there, weights cold, two threads, rows -> columns: DenseNet's 512 ->
 *    128 at 28x28 0.44 -> 0.28 ms, DenseNet-161's 576 -> 192 at 28x28
 *    0.64 -> 0.48, DenseNet-201's 1760 -> 128 at 14x14 0.41 -> 0.28,
 *    Inception-v3's 1x7 192 -> 192 0.62 -> 0.52, 1x7 128 -> 128 0.31 ->
 *    0.25, 1x1 768 -> 192 0.32 -> 0.29; what keeps the rows (SqueezeNet's
 *    512 -> 1000 classifier at 13x13, Inception-v3's 3x3/2 288 -> 384) was
 *    0.51 -> 0.61-0.64 and 2.03-2.26 -> 2.52-2.88 by columns.  Whole models
 *    there, two threads, interleaved runs (both orders): DenseNet-161
 *    0.93, DenseNet-201 0.94-0.96, Inception-v3 0.98-0.99, DenseNet-121
 *    and -169 0.98-1.00, GoogLeNet, ResNet-50 and SqueezeNet-1.1 within
 *    1.5% either way (their layers keep their split).
 * The sums do not depend on the split. */
#define ROWS_SPLIT_B 65536
#define ROWS_SPLIT_W 2 /* Intel: rows when ROWS_SPLIT_W * weights >= a band of B */

static int rows_split(const Plan *pl)
{
    const size_t weights = (size_t)pl->mg * pl->k;
    return (pl->ncols <= SMALL_COLS && pl->brows * pl->ncols <= ROWS_SPLIT_B) ||
           (onnxcc_fast_intel() ? ROWS_SPLIT_W * weights >= pl->brows * pl->band
                                : weights >= pl->brows * pl->ncols);
}

/* The evened wide band (gemm_run), and whether each of threads tasks'
 * GEMMs can be at least half its part of B with the halo of taps past
 * them.  Whatever the weights (rows_split): the shared B of a layer with
 * taps holds a row per input channel, not per tap, so a thread's own
 * columns cost it little, and its output stays where the next layer's
 * columns read it.  Two threads, Zen 5 whose cores share no L3, per-node
 * profile of the model: Inception-v3's 3x3/2 96 -> 96 from 35x35 (phased,
 * 289 columns) 0.386 -> 0.199 ms; its 5x5 48 -> 64 at 35x35 (a halo of
 * 160 columns in 688) the same.  Its 7x1 layers at 17x17 (a halo of 102
 * columns in 144) keep the shared B, as do stems (fewer input channels
 * than a fill task takes): SqueezeNet-1.1's 3x3/2 3 -> 64 was 0.223 ->
 * 0.268 ms by columns, and the pool after it, which splits channels,
 * slower too. */
static size_t even_band(const Plan *pl)
{
    const size_t even = fast_round_up((pl->ncols + pl->cnbands - 1) / pl->cnbands, FAST_COLS_ALIGN);
    return even < pl->cband ? even : pl->cband;
}

/* A task's part of B's rows when threads split band columns, and the
 * most columns its GEMMs may take with the halo after them. */
static size_t part_of(size_t band, int threads)
{
    return band / (size_t)threads / FAST_COLS_ALIGN * FAST_COLS_ALIGN;
}

static size_t part_cap(size_t share, size_t maxoff)
{
    return share > maxoff ? (share - maxoff) / FAST_COLS_ALIGN * FAST_COLS_ALIGN : 0;
}

static int halo_fits(const Plan *pl, int threads)
{
    const size_t share = part_of(even_band(pl), threads);
    return pl->cg >= FILL_UNIT && share > 0 && 2 * part_cap(share, pl->maxoff) >= share;
}

static void gemm_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                     const float *packed, const float *bias, const FastPre *pre, const float *res,
                     float *scratch, float *y)
{
    ConvJob j;
    j.cv.p = p;
    plan_conv(p, &j.cv.pl);
    j.cv.kern = kern;
    j.cv.plane = (size_t)p->H * (size_t)p->W;
    j.cv.pre = *pre;
    const Plan *pl = &j.cv.pl;
    if (pl->khalf) {
        ksplit_run(&j.cv, x, packed, bias, res, scratch, y);
        return;
    }
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.pre_scale = pre->scale;
    j.pre_shift = pre->shift;
    j.b = scratch;
    j.y = y;
    j.res = res;
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * j.cv.plane;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * oplane;
    j.gsize = fast_group_floats(pl->mg, pl->k);
    const int threads = onnxcc_num_threads();
    /* With threads, im2col layers and 1x1 layers split the columns evenly
     * over the threads, and each task fills and multiplies its own
     * columns (columns_task): B never crosses cores and no barrier
     * separates fill and multiply.  Measured (two threads, cold weights)
     * against splitting panels over a shared B: DenseNet's 1x1 layers
     * 4-10% faster at 14x14 to 56x56, the stem 3%.  Layers with a halo of
     * taps (shifted views, phased frames) split so too where each task's
     * GEMMs stay at least half its part of B (halo_fits): its fill then
     * covers its columns and the taps' reach past them, at most the part.
     * Else they keep the shared B.  The plan has wider
     * bands for this (cband, SPLIT_WIDER), evened out here so that the last
     * one is not a sliver, and each task's GEMMs are at most a thread's
     * share of one (none wider than the plan's, which the scratch holds).
     * Each task once took its share of every band in turn; one contiguous
     * part of the map per task instead, whole models on two threads,
     * interleaved runs, Intel Xeon: DenseNet-121 0.975, SqueezeNet-1.1
     * 0.973, MobileNetV2, MNASNet, GoogLeNet, EfficientNet-B0 and
     * ResNet-18 0.98-0.99, ResNet-50 and Inception-v3 0.99-1.00. */
    j.direct = reads_x_directly(p, pl, pre);
    j.tail = 0;
    if (!j.direct && reads_x_up_to_tail(p, pl, pre)) {
        j.direct = 1;
        j.tail = j.cv.plane % FAST_COLS_ALIGN;
    }
    if (p->group > 1) {
        j.band = pl->band;
        j.nbands = pl->nbands;
        grouped_run(&j);
        return;
    }
    /* One thread whose GEMM builds B (gemm_fills) runs the same one phase
     * on the plan's narrower bands. */
    const int wide = threads > 1 && pl->cband >= (size_t)threads * COL_UNIT &&
                     (pl->maxoff ? halo_fits(pl, threads) : !rows_split(pl));
    j.by_columns = wide || (threads == 1 && gemm_fills(&j.cv));
    j.threads = threads;
    j.band = wide ? pl->cband : pl->band;
    j.nbands = wide ? pl->cnbands : pl->nbands;
    if (!wide && j.by_columns && pl->ncols > SMALL_COLS && narrow_bands()) {
        /* narrower than the plan's: the scratch holds it */
        const size_t w = plan_bands(pl, NARROW_BUDGET, &j.band, &j.nbands);
        j.cv.pl.cstride = fast_round_up(fast_round_up(w, FAST_COLS_ALIGN) + pl->maxoff, FAST_COLS_ALIGN);
    }
    if (j.by_columns) {
        if (wide) {
            const size_t even = even_band(pl);
            j.cv.pl.cstride = pl->ccstride;
            if (even < j.band) {
                j.band = even;
                j.nbands = (pl->ncols + even - 1) / even;
            }
        }
        /* each task's share of B's rows: a multiple of 16 (B rows stay
         * aligned), threads of them within the wide plan's rows */
        j.share = part_of(j.band, threads);
        if (threads > 1 && j.share == 0) { /* not wide: one thread's band */
            j.threads = 1;
            j.share = j.band;
        }
        j.cap = j.threads > 1 ? part_cap(j.share, pl->maxoff) : j.share;
        const int counts[1] = {j.threads};
        onnxcc_fast_parallel_phases(p->N * p->group, 1, counts, conv_task, &j);
        return;
    }
    const size_t fill_units = pl->nsub == 4 ? 4 * (size_t)pl->cg
                              : pl->shifted ? (size_t)(pl->cg + FILL_UNIT - 1) / FILL_UNIT
                                            : (size_t)pl->cg * (size_t)p->kH;
    const int tpt = TASKS_PER_THREAD;
    j.fill_tasks = fill_units < (size_t)(tpt * threads) ? (int)fill_units : tpt * threads;
    if (j.direct)
        j.fill_tasks = 0;
    /* Whole bands of columns per task (the kernels stream B once per row
     * tile), split by columns only where panels are too few. */
    const int panels = (pl->mg + ROW_UNIT - 1) / ROW_UNIT;
    j.row_tasks = threads == 1 ? 1 : panels < tpt * threads ? panels : tpt * threads;
    const size_t units = (j.band + COL_UNIT - 1) / COL_UNIT;
    size_t col_tasks = (2 * (size_t)threads + (size_t)j.row_tasks - 1) / (size_t)j.row_tasks;
    col_tasks = threads == 1 ? 1 : col_tasks < units ? col_tasks : units;
    j.col_unit = (units + col_tasks - 1) / col_tasks * COL_UNIT;
    j.col_tasks = (int)((j.band + j.col_unit - 1) / j.col_unit);
    const int counts[2] = {j.fill_tasks, j.row_tasks * j.col_tasks};
    onnxcc_fast_parallel_phases(p->N * p->group * (int)j.nbands, 2, counts, conv_task, &j);
    for (int n = 0; j.tail && n < p->N; n++)
        direct_tail(&j, n);
}

void onnxcc_f32_conv2d(const OnnxccConv2dParams *p, const float *x, const float *packed,
                       const float *bias, const float *pre_scale, const float *pre_shift,
                       const float *res, float *scratch, float *y)
{
    const FastKernels *kern = onnxcc_fast_kernels(onnxcc_rt_isa_capped(p->isa_cap));
    const FastPre pre = {pre_scale, pre_shift, p->pre_relu, p->pre_relu || pre_scale || pre_shift};
    const int algo = (int)packed[0];
    if (algo == ALGO_WINO || algo == ALGO_WINO_LAZY)
        onnxcc_fast_wino_run(p, kern, x, packed + PACK_HEADER, algo == ALGO_WINO_LAZY, bias, &pre, res,
                             scratch, y);
    else if (algo == ALGO_TAPS)
        onnxcc_fast_taps_run(p, kern, x, packed + PACK_HEADER, bias, &pre, res, scratch, y);
    else if (algo == ALGO_DILATED)
        onnxcc_fast_dilated_run(p, kern, x, packed + PACK_HEADER, bias, &pre, res, scratch, y);
    else if (algo == ALGO_STEM)
        onnxcc_fast_stem_run(p, x, packed + PACK_HEADER, bias, &pre, res, scratch, y);
    else
        gemm_run(p, kern, x, packed + PACK_HEADER, bias, &pre, res, scratch, y);
}
