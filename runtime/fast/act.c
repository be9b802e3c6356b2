/* act.c — activations over dense tensors (onnxcc_f32_act) and the
 * per-channel scale of a squeeze-and-excitation block
 * (onnxcc_f32_scale_rows): the kernels of the best ISA level the CPU has
 * (act_<isa>.c), else portable loops (fast_act: libm for the transcendental
 * kinds).  Large tensors are split into chunks over the runtime's threads;
 * each element is computed alone, so every thread count gives the same
 * bits. */
#include "fast.h"

#define ACT_MIN_TASK 16384 /* elements per task at least */
#define ACT_UNIT 16        /* chunk boundaries on whole cache lines */

typedef void (*ScaleFn)(size_t n, const float *x, float s, float *y);

typedef struct {
    size_t n;
    OnnxccAct act;
    const float *x;
    float *y;
    int ntasks;
    FastActFn act_fn;
    size_t cols; /* scale_rows: the row length; s[row] scales a row */
    const float *s;
    ScaleFn scale_fn;
} ActJob;

static void act_scalar(size_t n, const OnnxccAct *act, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = fast_act(act, x[i]);
}

static void scale_scalar(size_t n, const float *x, float s, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * s;
}

FastActFn onnxcc_fast_act_fn(int isa)
{
#ifdef ONNXCC_RT_X86_64
    if (isa == ONNXCC_ISA_AVX512)
        return onnxcc_f32_act_avx512;
    if (isa == ONNXCC_ISA_AVX2)
        return onnxcc_f32_act_avx2;
#endif
    (void)isa;
    return act_scalar;
}

static void pick(ActJob *j, int isa_cap)
{
    j->act_fn = act_scalar;
    j->scale_fn = scale_scalar;
#ifdef ONNXCC_RT_X86_64
    switch (onnxcc_rt_isa_capped(isa_cap)) {
    case ONNXCC_ISA_AVX512:
        j->act_fn = onnxcc_f32_act_avx512;
        j->scale_fn = onnxcc_f32_scale_avx512;
        break;
    case ONNXCC_ISA_AVX2:
        j->act_fn = onnxcc_f32_act_avx2;
        j->scale_fn = onnxcc_f32_scale_avx2;
        break;
    default:
        break;
    }
#else
    (void)isa_cap;
#endif
}

static void act_task(void *ctx, int t)
{
    const ActJob *j = ctx;
    size_t lo, hi;
    fast_split(j->n, ACT_UNIT, j->ntasks, t, &lo, &hi);
    j->act_fn(hi - lo, &j->act, j->x + lo, j->y + lo);
}

static int tasks_for(size_t n)
{
    const size_t most = n / ACT_MIN_TASK;
    const int threads = onnxcc_num_threads();
    return most < 1 ? 1 : most < (size_t)threads ? (int)most : threads;
}

void onnxcc_f32_act(size_t n, OnnxccAct act, const float *x, float *y, int isa_cap)
{
    ActJob j = {n, act, x, y, tasks_for(n), 0, 0, 0, 0};
    pick(&j, isa_cap);
    if (j.ntasks == 1)
        j.act_fn(n, &act, x, y);
    else
        onnxcc_fast_parallel(j.ntasks, act_task, &j);
}

/* Elements [lo, hi) of the flattened rows x cols tensor. */
static void scale_range(const ActJob *j, size_t lo, size_t hi)
{
    while (lo < hi) {
        const size_t r = lo / j->cols, end = (r + 1) * j->cols < hi ? (r + 1) * j->cols : hi;
        j->scale_fn(end - lo, j->x + lo, j->s[r], j->y + lo);
        lo = end;
    }
}

static void scale_task(void *ctx, int t)
{
    const ActJob *j = ctx;
    size_t lo, hi;
    fast_split(j->n, ACT_UNIT, j->ntasks, t, &lo, &hi);
    scale_range(j, lo, hi);
}

void onnxcc_f32_scale_rows(size_t rows, size_t cols, const float *x, const float *s, float *y, int isa_cap)
{
    if (rows == 0 || cols == 0)
        return;
    /* a multiply is cheaper than an activation: bigger tasks */
    ActJob j = {rows * cols, {0, 0.0f, 0.0f}, x, y, tasks_for(rows * cols / 4), 0, cols, s, 0};
    pick(&j, isa_cap);
    if (j.ntasks == 1)
        scale_range(&j, 0, j.n);
    else
        onnxcc_fast_parallel(j.ntasks, scale_task, &j);
}
