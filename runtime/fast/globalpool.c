/* globalpool.c — fast GlobalAveragePool (float sums) with a fused
 * per-channel pre-activation, so DenseNet's final BN + ReLU +
 * GlobalAveragePool is one pass over the feature map.
 *
 * Each plane is summed by the plane sum of the CPU's ISA level
 * (act_<isa>.c: four vectors of lanes, the pre-activation fused), or in 8
 * independent lanes (a fixed inner loop that gcc/clang -O2 vectorise
 * without reassociating anything) plus a scalar tail, the lanes added
 * pairwise at the end.  Threads take whole
 * runs of planes (at least GAP_TASK_FLOATS of input each), so each plane's
 * sum is the same whatever the count. */
#include "fast.h"

#include <math.h>

/* pre(v) = max(lo, v*a + b): lo = 0 for ReLU, -inf for none (keeps NaN). */
typedef struct Affine {
    float a, b, lo;
} Affine;

static inline float affine(Affine f, float v)
{
    const float t = v * f.a + f.b;
    return t < f.lo ? f.lo : t;
}

static float sum_pre(const float *x, size_t n, Affine f)
{
    float acc[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++)
            acc[l] += affine(f, x[i + l]);
    float tail = 0.0f;
    for (; i < n; i++)
        tail += affine(f, x[i]);
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) +
           tail;
}

/* The plane sum of the ISA level the CPU and cap allow; NULL: sum_pre. */
static FastSumFn sum_fn(int cap)
{
#ifdef ONNXCC_RT_X86_64
    switch (onnxcc_rt_isa_capped(cap)) {
    case ONNXCC_ISA_AVX512:
        return onnxcc_f32_sum_avx512;
    case ONNXCC_ISA_AVX2:
        return onnxcc_f32_sum_avx2;
    default:
        break;
    }
#endif
    return NULL;
}

/* Planes lo .. hi-1 of the N*C (images xs floats apart). */
static void gap_planes(FastSumFn sum, size_t C, size_t hw, size_t xs, const float *x, const float *pre_scale,
                       const float *pre_shift, int pre_relu, float *y, size_t lo, size_t hi)
{
    const int pre = pre_scale || pre_shift || pre_relu;
    const float flo = pre_relu ? 0.0f : -INFINITY;
    for (size_t i = lo; i < hi; i++) {
        const size_t n = i / C, c = i % C;
        const Affine f = {pre_scale ? pre_scale[c] : 1.0f, pre_shift ? pre_shift[c] : 0.0f, flo};
        const float *xp = x + n * xs + c * hw;
        y[i] = hw ? (sum ? sum(hw, xp, pre, f.a, f.b, f.lo) : sum_pre(xp, hw, f)) / (float)hw : 0.0f;
    }
}

typedef struct GapJob {
    FastSumFn sum;
    size_t N, C, hw, xs;
    const float *x, *scale, *shift;
    int relu, ntasks;
    float *y;
} GapJob;

static void gap_task(void *ctx, int t)
{
    const GapJob *j = ctx;
    size_t lo, hi;
    fast_split(j->N * j->C, 1, j->ntasks, t, &lo, &hi);
    gap_planes(j->sum, j->C, j->hw, j->xs, j->x, j->scale, j->shift, j->relu, j->y, lo, hi);
}

/* Input floats per task at least (16 KB).  The layer before a pool splits
 * its channels over the threads as the pool's tasks do (the first part to
 * the calling thread, parallel.c), so each thread sums planes its own core
 * wrote: on two threads (Intel Xeon, per-node profile) MobileNetV3-Large's
 * nine pools took 0.050 ms instead of 0.120 ms when only those of 64K
 * floats and more split (on one thread, the rest read half their input
 * from the other core), and DenseNet-121's 1024 x 7 x 7 0.011 instead of
 * 0.019. */
#define GAP_TASK_FLOATS 4096

void onnxcc_f32_globalavgpool(size_t N, size_t C, size_t hw, size_t x_img_stride,
                              const float *x, const float *pre_scale, const float *pre_shift,
                              int pre_relu, float *y, int isa_cap)
{
    const size_t xs = x_img_stride ? x_img_stride : C * hw;
    const int ntasks = fast_tasks(N * C * hw, GAP_TASK_FLOATS, N * C);
    if (ntasks == 1) {
        gap_planes(sum_fn(isa_cap), C, hw, xs, x, pre_scale, pre_shift, pre_relu, y, 0, N * C);
        return;
    }
    GapJob j = {sum_fn(isa_cap), N, C, hw, xs, x, pre_scale, pre_shift, pre_relu, ntasks, y};
    onnxcc_fast_parallel(ntasks, gap_task, &j);
}
