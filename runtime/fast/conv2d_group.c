/* conv2d_group.c — grouped 3x3 convolutions with 16 output channels per
 * group or a multiple of 16 (a panel of 16 at a time), stride 1 or 2,
 * padding 1 on the left and at most 1 on the right, as a direct
 * convolution that reads x where it lies: no B operand, no frame, no copy
 * of the input (AVX2 and AVX-512; the scalar level keeps the GEMM path).
 *
 * The GEMM path (conv2d.c's grouped_run) builds each group's B in scratch
 * first: for stride 2 a phased frame of four sub-frames per channel, whose
 * fill was a third of a 3x3/2 layer's time from 112x112 and read the input
 * from L3 in a pass of its own.  Here the row kernels
 * (conv2d_group_<isa>.c) keep one output row's pixels in registers, each
 * accumulator all 16 output channels of one pixel, and per tap load the
 * tap's 16 weights once and broadcast each pixel's input from x: any
 * stride costs the same, no lane is idle on narrow maps (7x7, 14x14), and
 * taps in the padding are skipped.  A transpose then stores the
 * accumulators as output rows.
 *
 * Tasks split the (group, output row) pairs of each image; every output is
 * the same sum in the same order whatever the split, so the thread count
 * never changes a bit, and the sums are those of the GEMM path's AVX-512
 * tiles (conv2d_group.h). */
#include "conv2d_group.h"

#define GROUP_MIN_OW 7 /* narrower rows: the GEMM path (the kernels' tiles) */

static FastGroupRowsFn group_rows_fn(int isa)
{
    switch (isa) {
#ifdef ONNXCC_RT_X86_64
    case ONNXCC_ISA_AVX512:
        return onnxcc_fast_group_rows_avx512;
    case ONNXCC_ISA_AVX2:
        return onnxcc_fast_group_rows_avx2;
#endif
    default:
        return NULL;
    }
}

int onnxcc_fast_group_shape_fits(const OnnxccConv2dParams *p)
{
    const int s = p->stride_w;
    const int mg = p->M / p->group;
    return p->group > 1 && mg >= GROUP_MG && mg % GROUP_MG == 0 && p->kH == 3 && p->kW == 3 && p->dil_h == 1 &&
           p->dil_w == 1 && p->stride_h == s && (s == 1 || s == 2) && p->pad_l == 1 && p->pad_r <= 1 &&
           p->pad_t >= 0 && p->OW >= GROUP_MIN_OW && p->OH >= 1 &&
           /* only the last pixel of a row may reach right of the map, by one */
           s * (p->OW - 2) + 1 < p->W && s * (p->OW - 1) < p->W &&
           (p->act.kind == ONNXCC_ACT_NONE || p->act.kind == ONNXCC_ACT_RELU ||
            p->act.kind == ONNXCC_ACT_CLIP || p->act.kind == ONNXCC_ACT_LEAKYRELU);
}

typedef struct {
    const OnnxccConv2dParams *p;
    FastGroupRowsFn rows;
    const float *x, *packed, *bias, *res;
    float *y;
    size_t xs, ys, rs, gsize, oplane;
    int tasks;
} GroupDirectJob;

static void group_task(void *ctx, int n, int phase, int t)
{
    const GroupDirectJob *j = ctx;
    const OnnxccConv2dParams *p = j->p;
    const size_t cg = (size_t)(p->C / p->group), mg = (size_t)(p->M / p->group), OH = (size_t)p->OH;
    size_t lo, hi;
    (void)phase;
    fast_split((size_t)p->group * OH, 1, j->tasks, t, &lo, &hi);
    while (lo < hi) {
        const size_t g = lo / OH, oh0 = lo % OH;
        const size_t oh1 = hi - g * OH < OH ? hi - g * OH : OH;
        FastGroup k;
        k.x = j->x + (size_t)n * j->xs + g * cg * (size_t)p->H * (size_t)p->W;
        k.xplane = (size_t)p->H * (size_t)p->W;
        k.cg = (int)cg;
        k.H = p->H, k.W = p->W, k.OH = p->OH, k.OW = p->OW;
        k.s = p->stride_w, k.pad_t = p->pad_t;
        k.ldy = j->oplane;
        k.act = p->act;
        /* each panel of 16 output channels in turn, its input in cache */
        for (size_t m0 = 0; m0 < mg; m0 += GROUP_MG) {
            k.w = j->packed + g * j->gsize + m0 * cg * 9;
            k.bias = j->bias ? j->bias + g * mg + m0 : NULL;
            k.res = j->res ? j->res + (size_t)n * j->rs + (g * mg + m0) * j->oplane : NULL;
            k.y = j->y + (size_t)n * j->ys + (g * mg + m0) * j->oplane;
            j->rows(&k, (int)oh0, (int)oh1);
        }
        lo = g * OH + oh1;
    }
}

int onnxcc_fast_group_run(const OnnxccConv2dParams *p, int isa, const float *x, const float *packed,
                          size_t gsize, const float *bias, const FastPre *pre, const float *res, float *y)
{
    const FastGroupRowsFn rows = group_rows_fn(isa);
    if (!rows || pre->on || !onnxcc_fast_group_shape_fits(p))
        return 0;
    GroupDirectJob j;
    j.p = p;
    j.rows = rows;
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.res = res;
    j.y = y;
    j.oplane = (size_t)p->OH * (size_t)p->OW;
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * (size_t)p->H * (size_t)p->W;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * j.oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * j.oplane;
    j.gsize = gsize;
    const int threads = onnxcc_num_threads();
    const size_t units = (size_t)p->group * (size_t)p->OH;
    const size_t want = threads == 1 ? 1 : (size_t)(TASKS_PER_THREAD * threads);
    j.tasks = (int)(units < want ? units : want);
    const int counts[1] = {j.tasks};
    onnxcc_fast_parallel_phases(p->N, 1, counts, group_task, &j);
    return 1;
}
