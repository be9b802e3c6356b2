/* conv2d_dilated.c — 3x3 convolutions with stride 1, dilation d >= 2 and
 * padding d on every side (the dilated backbones of FCN and DeepLabV3) as
 * one undilated convolution, run as Winograd F(4x4, 3x3) (winograd.c).
 *
 * Output (oh, ow) reads input (oh - d + d*kh, ow - d + d*kw): only pixels
 * whose row and column are congruent mod d to the output's.  The outputs of
 * one phase (rows r mod d, columns c mod d) are so a plain 3x3 convolution,
 * padding 1, of the same phase of the input.  The phases are laid out side
 * by side in a mosaic, rows of phase r (input row r + d*s at mosaic row
 * P_r + s, P_r = the rows of the phases before plus one zero row after
 * each) and columns likewise: between two phases one row (or column) of
 * zeros is the bottom padding of one and the top padding of the next.  One
 * undilated convolution of the mosaic, padding 1, then computes every
 * output at its mosaic position, and junk on the zero rows and columns,
 * which are not copied back.  The mosaic is (H + d - 1) x (W + d - 1), and
 * only maps where that adds at most half (JUNK_MAX) take it: one layer,
 * one thread, Zen 5, DeepLabV3's ASPP 2048 -> 256 at dilation 12 on 65x65
 * (a mosaic 1.37 times the map) 244-272 -> 124-128 ms against the GEMM on
 * shifted views.  Larger dilations (its 24 and 36: 1.8 and 2.4 times)
 * keep conv2d_taps.c, which skips the taps that fall in the padding.
 *
 * Per image: the input is copied into the mosaic with its pre-activation
 * (the zeros must stay zeros, so the convolution gets none), the residual
 * likewise into the output mosaic, where Winograd's epilogue reads and
 * overwrites it, one Winograd call runs with the layer's bias and
 * activation, and the outputs are copied back to y.  Winograd needs 36
 * products per 4x4 tile and pair of channels where a GEMM needs 144.
 *
 * The weights stay as compact as the kernels (winograd.c's lazy packing:
 * 9 floats each); U = G g G^T is made once per call into scratch, laid out
 * as pre-transformed weights for the call.  Every step splits over whole
 * channels or is Winograd's own, so the results do not depend on the
 * thread count. */
#include <string.h>

#include "conv2d_dilated.h"

#define XI 36      /* Winograd's transformed points */
#define DIL_MAX 16 /* dilations up to this */
#define JUNK_MAX 2 /* the mosaic at most 1 + 1/JUNK_MAX times the map */

/* A layer as a mosaic: s, the undilated convolution of one image's mosaic;
 * per phase r, its first mosaic row (rows[r]) and column (cols[r]). */
typedef struct Plan {
    int d;
    OnnxccConv2dParams s;
    int rows[DIL_MAX], cols[DIL_MAX];
    size_t u, xm, ym, wino; /* floats of U, the two mosaics and Winograd's scratch */
} Plan;

/* Where each phase of an axis of n pixels starts in the mosaic; returns
 * the mosaic's length. */
static int plan_axis(int n, int d, int at[DIL_MAX])
{
    int len = 0;
    for (int r = 0; r < d; r++) {
        at[r] = len;
        len += (n - r + d - 1) / d + 1;
    }
    return len - 1;
}

static int plan_dilated(const OnnxccConv2dParams *p, Plan *pl)
{
    const int d = p->dil_h;
    if (p->group != 1 || p->kH != 3 || p->kW != 3 || p->stride_h != 1 || p->stride_w != 1 ||
        p->dil_w != d || d < 2 || d > DIL_MAX || p->pad_t != d || p->pad_b != d || p->pad_l != d ||
        p->pad_r != d || p->H < d || p->W < d || p->OH != p->H || p->OW != p->W)
        return 0;
    pl->d = d;
    OnnxccConv2dParams *s = &pl->s;
    memset(s, 0, sizeof *s);
    s->N = 1, s->C = p->C, s->M = p->M, s->group = 1;
    s->H = s->OH = plan_axis(p->H, d, pl->rows);
    s->W = s->OW = plan_axis(p->W, d, pl->cols);
    s->kH = s->kW = 3;
    s->stride_h = s->stride_w = s->dil_h = s->dil_w = 1;
    s->pad_t = s->pad_b = s->pad_l = s->pad_r = 1;
    s->act = p->act;
    s->isa_cap = p->isa_cap;
    const size_t map = (size_t)p->H * (size_t)p->W, mosaic = (size_t)s->H * (size_t)s->W;
    if (JUNK_MAX * mosaic > (JUNK_MAX + 1) * map || !onnxcc_fast_wino_fits(s))
        return 0;
    pl->u = fast_round_up((size_t)XI * fast_group_floats(p->M, (size_t)p->C), 16);
    pl->xm = fast_round_up((size_t)p->C * mosaic, 16);
    pl->ym = fast_round_up((size_t)p->M * mosaic, 16);
    pl->wino = onnxcc_fast_wino_scratch_floats(s, 0);
    return 1;
}

int onnxcc_fast_dilated_fits(const OnnxccConv2dParams *p)
{
    Plan pl;
    return plan_dilated(p, &pl);
}

size_t onnxcc_fast_dilated_packed_floats(const OnnxccConv2dParams *p)
{
    return onnxcc_fast_wino_packed_floats(p, 1);
}

void onnxcc_fast_dilated_pack(const OnnxccConv2dParams *p, const float *w, float *packed)
{
    onnxcc_fast_wino_pack(p, w, packed, 1);
}

/* U, the input and output mosaics, then Winograd's scratch. */
size_t onnxcc_fast_dilated_scratch_floats(const OnnxccConv2dParams *p)
{
    Plan pl;
    plan_dilated(p, &pl);
    return pl.u + pl.xm + pl.ym + pl.wino;
}

typedef struct Job {
    const OnnxccConv2dParams *p;
    const Plan *pl;
    const FastKernels *kern;
    const FastPre *pre;
    const float *packed, *xn, *rn; /* the kernels; image n's input and residual */
    float *u, *xm, *ym, *yn;
    int tasks;
} Job;

/* U of task t's panels of 16 output channels, laid out as packed Winograd
 * weights (winograd.c): point xi of panel pn at u + xi*gsize + pn*C*16. */
static void make_u(void *ctx, int t)
{
    const Job *j = ctx;
    const OnnxccConv2dParams *p = j->p;
    const size_t gsize = fast_group_floats(p->M, (size_t)p->C);
    size_t lo, hi;
    fast_split((size_t)(p->M + FAST_PANEL - 1) / FAST_PANEL, 1, j->tasks, t, &lo, &hi);
    for (size_t pn = lo; pn < hi; pn++) {
        const size_t at = pn * (size_t)p->C;
        const FastWinoU u = {j->packed + at * 9 * FAST_PANEL, p->C, j->u + at * FAST_PANEL, gsize};
        j->kern->wino_u(&u);
    }
}

/* One plane into its mosaic (zeros between the phases), each value as
 * v*scale + shift, then max(0, .) if relu. */
static void to_mosaic(const Plan *pl, const float *src, int h, int w, float scale, float shift,
                      int relu, float *dst)
{
    const int d = pl->d, mw = pl->s.W;
    memset(dst, 0, sizeof(float) * (size_t)pl->s.H * (size_t)mw);
    for (int ih = 0; ih < h; ih++) {
        const float *row = src + (size_t)ih * (size_t)w;
        float *out = dst + (size_t)(pl->rows[ih % d] + ih / d) * (size_t)mw;
        for (int c = 0; c < d; c++) {
            float *o = out + pl->cols[c];
            for (int iw = c, k = 0; iw < w; iw += d, k++) {
                const float v = row[iw] * scale + shift;
                o[k] = relu && v < 0.0f ? 0.0f : v;
            }
        }
    }
}

/* Task t's input channels, pre-activated, into the input mosaic. */
static void gather_x(void *ctx, int t)
{
    const Job *j = ctx;
    const OnnxccConv2dParams *p = j->p;
    const FastPre *pre = j->pre;
    const size_t plane = (size_t)p->H * (size_t)p->W, mplane = (size_t)j->pl->s.H * (size_t)j->pl->s.W;
    size_t lo, hi;
    fast_split((size_t)p->C, 1, j->tasks, t, &lo, &hi);
    for (size_t c = lo; c < hi; c++)
        to_mosaic(j->pl, j->xn + c * plane, p->H, p->W, pre->scale ? pre->scale[c] : 1.0f,
                  pre->shift ? pre->shift[c] : 0.0f, pre->relu, j->xm + c * mplane);
}

/* Task t's output channels of the residual into the output mosaic, which
 * Winograd's epilogue reads as its residual and overwrites. */
static void gather_res(void *ctx, int t)
{
    const Job *j = ctx;
    const OnnxccConv2dParams *p = j->p;
    const size_t plane = (size_t)p->OH * (size_t)p->OW, mplane = (size_t)j->pl->s.H * (size_t)j->pl->s.W;
    size_t lo, hi;
    fast_split((size_t)p->M, 1, j->tasks, t, &lo, &hi);
    for (size_t m = lo; m < hi; m++)
        to_mosaic(j->pl, j->rn + m * plane, p->OH, p->OW, 1.0f, 0.0f, 0, j->ym + m * mplane);
}

/* Task t's output channels from the output mosaic into y. */
static void scatter_y(void *ctx, int t)
{
    const Job *j = ctx;
    const OnnxccConv2dParams *p = j->p;
    const Plan *pl = j->pl;
    const int d = pl->d, mw = pl->s.W;
    const size_t plane = (size_t)p->OH * (size_t)p->OW, mplane = (size_t)pl->s.H * (size_t)mw;
    size_t lo, hi;
    fast_split((size_t)p->M, 1, j->tasks, t, &lo, &hi);
    for (size_t m = lo; m < hi; m++)
        for (int oh = 0; oh < p->OH; oh++) {
            float *row = j->yn + m * plane + (size_t)oh * (size_t)p->OW;
            const float *in = j->ym + m * mplane + (size_t)(pl->rows[oh % d] + oh / d) * (size_t)mw;
            for (int c = 0; c < d; c++) {
                const float *i = in + pl->cols[c];
                for (int ow = c, k = 0; ow < p->OW; ow += d, k++)
                    row[ow] = i[k];
            }
        }
}

void onnxcc_fast_dilated_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                             const float *packed, const float *bias, const FastPre *pre,
                             const float *res, float *scratch, float *y)
{
    Plan pl;
    plan_dilated(p, &pl);
    Job j;
    j.p = p;
    j.pl = &pl;
    j.kern = kern;
    j.pre = pre;
    j.packed = packed;
    j.u = scratch;
    j.xm = j.u + pl.u;
    j.ym = j.xm + pl.xm;
    float *wino = j.ym + pl.ym;
    j.tasks = TASKS_PER_THREAD * onnxcc_num_threads();
    onnxcc_fast_parallel(j.tasks, make_u, &j);
    const FastPre none = {NULL, NULL, 0, 0};
    const size_t plane = (size_t)p->H * (size_t)p->W;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * plane;
    const size_t rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * plane;
    for (int n = 0; n < p->N; n++) {
        j.xn = x + (size_t)n * xs;
        j.rn = res ? res + (size_t)n * rs : NULL;
        j.yn = y + (size_t)n * ys;
        onnxcc_fast_parallel(j.tasks, gather_x, &j);
        if (res)
            onnxcc_fast_parallel(j.tasks, gather_res, &j);
        onnxcc_fast_wino_run(&pl.s, kern, j.xm, j.u, 0, bias, &none, res ? j.ym : NULL, wino, j.ym);
        onnxcc_fast_parallel(j.tasks, scatter_y, &j);
    }
}
