/* conv2d_taps.c — dilated convolutions whose taps mostly read padding, as
 * DeepLabV3's ASPP: 3x3 kernels at dilation 12, 24 and 36 on a 33x33 map,
 * where at dilation 36 every output sees only the centre tap and at 24 most
 * outputs only the centre row or column.  im2col or shifted views would
 * multiply all those zeros; here they are never formed.
 *
 * Along each axis the outputs fall into intervals in which the same kernel
 * taps [k0, k1) land inside the input (the tap ranges' end points cut
 * them), so the map is a grid of rectangles, each with one box of valid
 * taps.  Per image, group and piece of a rectangle (whole rows of it, at
 * most PIECE_COLS pixels; a wider row in chunks), every valid tap is one
 * GEMM of the tap's weights [M][C] by the piece's input pixels it reads
 * (copied, pre-activated, into B), summed into the piece's outputs T:
 * the first tap's epilogue adds the bias, each later one adds T as its
 * residual, the last one applies the activation; T is then copied into
 * y (with a residual of the layer's own: y = act(T + res) there).  A
 * rectangle with no valid tap gets act(bias + res).
 *
 * The weights are packed tap-major, per group and tap the panels of fast.h
 * over the group's input channels, so each tap's GEMM reads one contiguous
 * panel set.  With threads, up to LANES of them each take whole pieces
 * (a share of the estimated cost, on B and T of their own in scratch): one
 * wake-up of the pool per layer and no barrier between pieces.  Every
 * output is the same sum in the same order (taps row-major, channels in
 * the kernel's order) whatever the thread count. */
#include <math.h>
#include <string.h>

#include "conv2d_taps.h"

#define TAPS_MAX 64          /* taps of a kernel at most (kH*kW) */
#define IVL_MAX (2 * TAPS_MAX + 1) /* intervals of one axis at most */
#define B_BUDGET 131072      /* floats of B per piece (512 KB: half an L2) */
#define PIECE_MIN 48         /* pixels a piece may hold at least */
#define CALL_COST 120000.0   /* a tap's GEMM call beyond its multiply-adds, in
                              * multiply-adds (about 1.5 us on a Zen 5) */
#define MAX_COST 0.8         /* taken when the estimate is at most this share of
                              * the dense GEMM's */
#define LANES 4              /* threads that work at once, each on its own
                              * B and T in scratch */

/* One axis: interval i covers outputs [at[i], at[i+1]) with valid taps [k0[i], k1[i]). */
typedef struct {
    int n;
    int at[IVL_MAX + 1];
    int k0[IVL_MAX], k1[IVL_MAX];
} Axis;

typedef struct {
    Axis r, c;        /* rows, columns */
    int cg, mg;       /* input / output channels per group */
    size_t pcols;     /* pixels per piece at most, a multiple of 16 */
    size_t npieces;   /* pieces per image and group */
    size_t gfloats;   /* packed floats per group and tap */
} TapsPlan;

/* Outputs o in [0, out) whose tap o*stride + off lands in [0, size). */
static void tap_range(int off, int stride, int size, int out, int *lo, int *hi)
{
    const int a = off >= 0 ? 0 : (-off + stride - 1) / stride;
    const int e = size - off <= 0 ? 0 : (size - off + stride - 1) / stride;
    *lo = a < out ? a : out;
    *hi = e < *lo ? *lo : (e < out ? e : out);
}

static void axis_plan(int out, int size, int stride, int dil, int pad, int K, Axis *ax)
{
    int lo[TAPS_MAX], hi[TAPS_MAX], cut[2 * TAPS_MAX + 2], nc = 0;
    cut[nc++] = 0;
    cut[nc++] = out;
    for (int k = 0; k < K; k++) {
        tap_range(k * dil - pad, stride, size, out, &lo[k], &hi[k]);
        cut[nc++] = lo[k];
        cut[nc++] = hi[k];
    }
    /* Sort the cuts (a few dozen at most), then one interval per gap. */
    for (int i = 1; i < nc; i++)
        for (int j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
            const int t = cut[j];
            cut[j] = cut[j - 1];
            cut[j - 1] = t;
        }
    ax->n = 0;
    for (int i = 0; i + 1 < nc; i++) {
        if (cut[i] == cut[i + 1])
            continue;
        const int a = cut[i];
        int k0 = K, k1 = 0;
        for (int k = 0; k < K; k++)
            if (lo[k] <= a && a < hi[k]) {
                k0 = k < k0 ? k : k0;
                k1 = k + 1;
            }
        ax->at[ax->n] = a;
        ax->k0[ax->n] = k0 < k1 ? k0 : 0;
        ax->k1[ax->n] = k0 < k1 ? k1 : 0;
        ax->n++;
        ax->at[ax->n] = cut[i + 1];
    }
}

/* Pieces of a rectangle rh x rw: whole rows, evened out, or row chunks. */
static size_t rect_pieces(size_t rh, size_t rw, size_t pcols, size_t *rows, size_t *chunk)
{
    if (rw <= pcols) {
        const size_t fit = pcols / rw, n = (rh + fit - 1) / fit;
        *rows = (rh + n - 1) / n;
        *chunk = rw;
        return (rh + *rows - 1) / *rows;
    }
    const size_t per_row = (rw + pcols - 1) / pcols;
    *rows = 1;
    *chunk = (rw + per_row - 1) / per_row;
    return rh * ((rw + *chunk - 1) / *chunk);
}

typedef struct {
    int r0, r1, c0, c1;     /* output rows and columns */
    int kh0, kh1, kw0, kw1; /* valid taps */
} Piece;

static void piece_of(const TapsPlan *pl, size_t idx, Piece *pc);

/* A piece's estimated cost in multiply-adds: per valid tap, its GEMM over
 * the columns rounded up to whole vectors, plus CALL_COST. */
static double piece_cost(const TapsPlan *pl, const Piece *pc)
{
    const double taps = (double)(pc->kh1 - pc->kh0) * (double)(pc->kw1 - pc->kw0);
    const size_t cols = (size_t)(pc->r1 - pc->r0) * (size_t)(pc->c1 - pc->c0);
    return taps * ((double)pl->cg * (double)pl->mg * (double)fast_round_up(cols, 16) + CALL_COST);
}

static void plan_taps(const OnnxccConv2dParams *p, TapsPlan *pl)
{
    axis_plan(p->OH, p->H, p->stride_h, p->dil_h, p->pad_t, p->kH, &pl->r);
    axis_plan(p->OW, p->W, p->stride_w, p->dil_w, p->pad_l, p->kW, &pl->c);
    pl->cg = p->C / p->group;
    pl->mg = p->M / p->group;
    size_t pc = (size_t)B_BUDGET / (size_t)pl->cg / 16 * 16;
    pl->pcols = pc > PIECE_MIN ? pc : PIECE_MIN;
    pl->gfloats = fast_group_floats(pl->mg, (size_t)pl->cg);
    pl->npieces = 0;
    for (int i = 0; i < pl->r.n; i++)
        for (int j = 0; j < pl->c.n; j++) {
            size_t rows, chunk;
            pl->npieces += rect_pieces((size_t)(pl->r.at[i + 1] - pl->r.at[i]),
                                       (size_t)(pl->c.at[j + 1] - pl->c.at[j]), pl->pcols, &rows, &chunk);
        }
}

/* Taken for dilated layers where the valid taps' GEMMs, each call costed
 * with its columns rounded up to whole vectors plus CALL_COST, come to at
 * most MAX_COST of the dense GEMM over all taps.  Small maps with few
 * channels stay dense however many taps are padding: there the many small
 * calls cost more than the zeros (64 -> 64 channels at 8x8, dilation 2:
 * 4x slower; 128 -> 128 at 6x6, dilation 3: 2.2x). */
int onnxcc_fast_taps_fits(const OnnxccConv2dParams *p)
{
    if ((p->dil_h == 1 && p->dil_w == 1) || p->kH * p->kW > TAPS_MAX || p->OH <= 0 || p->OW <= 0)
        return 0;
    TapsPlan pl;
    plan_taps(p, &pl);
    const double mk = (double)pl.cg * (double)pl.mg;
    double cost = 0;
    for (size_t i = 0; i < pl.npieces; i++) {
        Piece pc;
        piece_of(&pl, i, &pc);
        cost += piece_cost(&pl, &pc);
    }
    const double dense = (double)(p->kH * p->kW) * mk * (double)fast_round_up((size_t)p->OH * (size_t)p->OW, 16);
    return cost <= MAX_COST * dense;
}

size_t onnxcc_fast_taps_packed_floats(const OnnxccConv2dParams *p)
{
    TapsPlan pl;
    plan_taps(p, &pl);
    return (size_t)p->group * (size_t)(p->kH * p->kW) * pl.gfloats;
}

/* Per lane, B (cg rows) then T (mg rows), pcols floats a row. */
size_t onnxcc_fast_taps_scratch_floats(const OnnxccConv2dParams *p)
{
    TapsPlan pl;
    plan_taps(p, &pl);
    return LANES * (size_t)(pl.cg + pl.mg) * pl.pcols;
}

/* Per group and tap t = kh*kW + kw: panels of 16 output channels,
 * [panel][c][m % 16], zero rows past mg. */
void onnxcc_fast_taps_pack(const OnnxccConv2dParams *p, const float *w, float *packed)
{
    TapsPlan pl;
    plan_taps(p, &pl);
    const int taps = p->kH * p->kW;
    const size_t k = (size_t)pl.cg * (size_t)taps;
    memset(packed, 0, sizeof(float) * onnxcc_fast_taps_packed_floats(p));
    for (int g = 0; g < p->group; g++)
        for (int t = 0; t < taps; t++) {
            float *dst = packed + ((size_t)g * (size_t)taps + (size_t)t) * pl.gfloats;
            for (int m = 0; m < pl.mg; m++) {
                const float *src = w + ((size_t)g * (size_t)pl.mg + (size_t)m) * k + (size_t)t;
                float *panel = dst + (size_t)(m / FAST_PANEL) * (size_t)pl.cg * FAST_PANEL + m % FAST_PANEL;
                for (int c = 0; c < pl.cg; c++)
                    panel[(size_t)c * FAST_PANEL] = src[(size_t)c * (size_t)taps];
            }
        }
}

/* ---- the call ------------------------------------------------------------ */

/* Piece number idx, rectangles row-major, pieces top to bottom and left
 * to right within them. */
static void piece_of(const TapsPlan *pl, size_t idx, Piece *pc)
{
    for (int i = 0; i < pl->r.n; i++)
        for (int j = 0; j < pl->c.n; j++) {
            const size_t rh = (size_t)(pl->r.at[i + 1] - pl->r.at[i]), rw = (size_t)(pl->c.at[j + 1] - pl->c.at[j]);
            size_t rows, chunk;
            const size_t n = rect_pieces(rh, rw, pl->pcols, &rows, &chunk);
            if (idx >= n) {
                idx -= n;
                continue;
            }
            const size_t per_row = (rw + chunk - 1) / chunk;
            const size_t rr = idx / per_row, cc = idx % per_row;
            pc->r0 = pl->r.at[i] + (int)(rr * rows);
            pc->r1 = pc->r0 + (int)rows < pl->r.at[i + 1] ? pc->r0 + (int)rows : pl->r.at[i + 1];
            pc->c0 = pl->c.at[j] + (int)(cc * chunk);
            pc->c1 = pc->c0 + (int)chunk < pl->c.at[j + 1] ? pc->c0 + (int)chunk : pl->c.at[j + 1];
            pc->kh0 = pl->r.k0[i], pc->kh1 = pl->r.k1[i];
            pc->kw0 = pl->c.k0[j], pc->kw1 = pl->c.k1[j];
            return;
        }
}

typedef struct {
    const OnnxccConv2dParams *p;
    TapsPlan pl;
    const FastKernels *kern;
    FastPre pre;
    const float *x, *packed, *bias, *res;
    float *scratch, *y;
    size_t xs, ys, rs, plane, oplane;
    int lanes;
    double total; /* the cost of all units (image, group, piece) */
} TapsJob;

/* Unit u (image, group, piece; pc its piece) with B and T at jb and jt. */
static void taps_piece(const TapsJob *j, size_t u, const Piece *pcp, float *jb, float *jt)
{
    const OnnxccConv2dParams *p = j->p;
    const TapsPlan *pl = &j->pl;
    const size_t ng = u / pl->npieces, n = ng / (size_t)p->group, g = ng % (size_t)p->group;
    const Piece pc = *pcp;
    const size_t pw = (size_t)(pc.c1 - pc.c0), cols = (size_t)(pc.r1 - pc.r0) * pw;
    const size_t s0 = 0, s1 = cols;
    const size_t ns = s1 - s0, cs = pl->pcols;
    const float *xg = j->x + n * j->xs + g * (size_t)pl->cg * j->plane;
    float *yg = j->y + n * j->ys + g * (size_t)pl->mg * j->oplane;
    const float *rg = j->res ? j->res + n * j->rs + g * (size_t)pl->mg * j->oplane : NULL;
    const float *bg = j->bias ? j->bias + g * (size_t)pl->mg : NULL;
    FastPre pre = j->pre;
    pre.scale = pre.scale ? pre.scale + g * (size_t)pl->cg : NULL;
    pre.shift = pre.shift ? pre.shift + g * (size_t)pl->cg : NULL;
    const int taps = p->kH * p->kW;
    const int last_kh = pc.kh1 - 1, last_kw = pc.kw1 - 1;
    const int any = pc.kh0 < pc.kh1 && pc.kw0 < pc.kw1;
    for (int kh = pc.kh0; kh < pc.kh1; kh++)
        for (int kw = pc.kw0; kw < pc.kw1; kw++) {
            /* B: the pixels this tap reads, one run per output row. */
            for (size_t q = s0; q < s1;) {
                const size_t row = q / pw, col = q % pw, run = pw - col < s1 - q ? pw - col : s1 - q;
                const long ih = (long)(pc.r0 + (int)row) * p->stride_h - p->pad_t + (long)kh * p->dil_h;
                const long iw = (long)(pc.c0 + (int)col) * p->stride_w - p->pad_l + (long)kw * p->dil_w;
                FastFill f = {xg + (size_t)ih * (size_t)p->W + (size_t)iw, j->plane, p->stride_w, jb + q, cs, pl->cg,
                              0, run, 0};
                j->kern->fill(&f, &pre);
                q += run;
            }
            const size_t tail = fast_round_up(ns, FAST_COLS_ALIGN) - ns;
            if (tail) { /* the columns the kernels read past the last */
                static const FastPre none = {NULL, NULL, 0, 0};
                FastFill z = {xg, 0, 1, jb + s1, cs, pl->cg, tail, 0, 0};
                j->kern->fill(&z, &none);
            }
            const int first = kh == pc.kh0 && kw == pc.kw0, last = kh == last_kh && kw == last_kw;
            static const int zero_tap = 0;
            FastGemm gm;
            gm.a = j->packed + (g * (size_t)taps + (size_t)(kh * p->kW + kw)) * pl->gfloats;
            gm.m = pl->mg;
            gm.nc = pl->cg;
            gm.ntaps = 1;
            gm.taps = &zero_tap;
            gm.b = jb + s0;
            gm.cstride = cs;
            gm.ncols = (int)ns;
            gm.q0 = s0;
            gm.frame_w = gm.out_w = (int)cs;
            gm.y = jt;
            gm.ldy = cs;
            gm.bias = first ? bg : NULL;
            gm.res = first ? NULL : jt;
            gm.act = p->act;
            if (!last || rg)
                gm.act.kind = ONNXCC_ACT_NONE;
            gm.a_next = NULL;
            j->kern->gemm(&gm);
        }
    /* T (or the bias alone) into y. */
    for (int m = 0; m < pl->mg; m++) {
        const float *tm = jt + (size_t)m * cs;
        const float bm = bg ? bg[m] : 0.0f;
        for (size_t q = s0; q < s1;) {
            const size_t row = q / pw, col = q % pw, run = pw - col < s1 - q ? pw - col : s1 - q;
            const size_t at = (size_t)m * j->oplane + (size_t)(pc.r0 + (int)row) * (size_t)p->OW +
                              (size_t)(pc.c0 + (int)col);
            float *yr = yg + at;
            if (any && !rg) {
                memcpy(yr, tm + q, sizeof(float) * run);
            } else {
                const float *rr = rg ? rg + at : NULL;
                for (size_t e = 0; e < run; e++) {
                    const float v = any ? tm[q + e] : bm;
                    yr[e] = fast_act(&p->act, rr ? v + rr[e] : v);
                }
            }
            q += run;
        }
    }
}

/* Lane `lane` of j->lanes: the units whose cost midpoints fall in its share
 * of the total, in order, on its own B and T.  Which lane runs a unit
 * changes nothing in its sums. */
static void taps_lane(void *ctx, int lane)
{
    const TapsJob *j = ctx;
    const TapsPlan *pl = &j->pl;
    const size_t units = (size_t)j->p->N * (size_t)j->p->group * pl->npieces;
    /* [lo, hi): the first and last lanes open-ended, so that every unit,
     * rounding and zero costs included, falls in exactly one lane */
    const double lo = lane == 0 ? -HUGE_VAL : j->total * lane / j->lanes;
    const double hi = lane == j->lanes - 1 ? HUGE_VAL : j->total * (lane + 1) / j->lanes;
    float *b = j->scratch + (size_t)lane * (size_t)(pl->cg + pl->mg) * pl->pcols;
    float *t = b + (size_t)pl->cg * pl->pcols;
    double at = 0;
    for (size_t u = 0; u < units; u++) {
        Piece pc = {0, 0, 0, 0, 0, 0, 0, 0};
        piece_of(pl, u % pl->npieces, &pc);
        const double c = piece_cost(pl, &pc), mid = at + c / 2;
        if (mid >= lo && mid < hi)
            taps_piece(j, u, &pc, b, t);
        at += c;
    }
}

void onnxcc_fast_taps_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                          const float *packed, const float *bias, const FastPre *pre, const float *res,
                          float *scratch, float *y)
{
    TapsJob j;
    j.p = p;
    plan_taps(p, &j.pl);
    j.kern = kern;
    j.pre = *pre;
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.res = res;
    j.scratch = scratch;
    j.y = y;
    j.plane = (size_t)p->H * (size_t)p->W;
    j.oplane = (size_t)p->OH * (size_t)p->OW;
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * j.plane;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * j.oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * j.oplane;
    /* Whole pieces per lane, shared out by cost: one wake-up of the pool
     * per layer, no barrier between pieces, and each tap's weights
     * streamed once per piece. */
    const size_t units = (size_t)p->N * (size_t)p->group * j.pl.npieces;
    j.total = 0;
    for (size_t u = 0; u < j.pl.npieces; u++) {
        Piece pc = {0, 0, 0, 0, 0, 0, 0, 0};
        piece_of(&j.pl, u, &pc);
        j.total += piece_cost(&j.pl, &pc);
    }
    j.total *= (double)p->N * (double)p->group;
    const int threads = onnxcc_num_threads();
    j.lanes = threads < LANES ? threads : LANES;
    j.lanes = (size_t)j.lanes < units ? j.lanes : (int)units;
    if (j.lanes <= 1) {
        j.lanes = 1;
        taps_lane(&j, 0);
        return;
    }
    onnxcc_fast_parallel(j.lanes, taps_lane, &j);
}
