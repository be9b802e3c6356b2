/* eltwise.c — fast elementwise kernels on dense operands of one shape: the
 * residual Add with an activation epilogue (ResNet's Add -> Relu, a fused
 * MobileNetV2 skip).  Plain C for the vectoriser; one pass over memory
 * instead of a broadcasting Add and a separate activation.  Large tensors
 * are split into chunks over the runtime's threads (each element is
 * computed alone, so every thread count gives the same bits). */
#include "fast.h"

#define ELT_MIN_TASK 32768 /* elements per task at least */
#define ELT_UNIT 16        /* chunk boundaries on whole cache lines */

typedef struct {
    size_t n;
    const float *a, *b;
    OnnxccAct act;
    float *y;
    int ntasks;
    FastActFn act_fn; /* the ISA level's activation kernel (fast_act_after kinds) */
} AddJob;

#define ELT_BLOCK 2048 /* sums then activation, a block at a time (in L1) */

static void add_act_range(const AddJob *j, size_t lo, size_t hi)
{
    const float *a = j->a, *b = j->b;
    float *y = j->y;
    switch (j->act.kind) {
    case ONNXCC_ACT_RELU:
        for (size_t i = lo; i < hi; i++) {
            const float v = a[i] + b[i];
            y[i] = v < 0.0f ? 0.0f : v;
        }
        break;
    case ONNXCC_ACT_NONE:
        for (size_t i = lo; i < hi; i++)
            y[i] = a[i] + b[i];
        break;
    default:
        if (!fast_act_after(j->act.kind)) {
            for (size_t i = lo; i < hi; i++)
                y[i] = fast_act(&j->act, a[i] + b[i]);
            break;
        }
        for (size_t i0 = lo; i0 < hi; i0 += ELT_BLOCK) {
            const size_t i1 = hi - i0 < ELT_BLOCK ? hi : i0 + ELT_BLOCK;
            for (size_t i = i0; i < i1; i++)
                y[i] = a[i] + b[i];
            j->act_fn(i1 - i0, &j->act, y + i0, y + i0);
        }
        break;
    }
}

static void add_act_task(void *ctx, int t)
{
    const AddJob *j = ctx;
    size_t lo, hi;
    fast_split(j->n, ELT_UNIT, j->ntasks, t, &lo, &hi);
    add_act_range(j, lo, hi);
}

void onnxcc_f32_add_act(size_t n, const float *a, const float *b, OnnxccAct act, float *y, int isa_cap)
{
    AddJob j = {n, a, b, act, y, 1, onnxcc_fast_act_fn(onnxcc_rt_isa_capped(isa_cap))};
    const size_t most = n / ELT_MIN_TASK;
    const int threads = onnxcc_num_threads();
    j.ntasks = most < 1 ? 1 : most < (size_t)threads ? (int)most : threads;
    if (j.ntasks == 1)
        add_act_range(&j, 0, n);
    else
        onnxcc_fast_parallel(j.ntasks, add_act_task, &j);
}
