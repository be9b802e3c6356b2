/* act.c — activations over dense tensors (onnxcc_f32_act) and the
 * per-channel scale of a squeeze-and-excitation block
 * (onnxcc_f32_scale_rows).  Large tensors are split into chunks over the
 * runtime's threads; each element is computed alone, so every thread count
 * gives the same bits. */
#include "fast.h"

#define ACT_MIN_TASK 16384 /* elements per task at least */
#define ACT_UNIT 16        /* chunk boundaries on whole cache lines */

typedef struct {
    size_t n;
    OnnxccAct act;
    const float *x;
    float *y;
    int ntasks;
} ActJob;

static void act_range(const ActJob *j, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        j->y[i] = fast_act(&j->act, j->x[i]);
}

static void act_task(void *ctx, int t)
{
    const ActJob *j = ctx;
    size_t lo, hi;
    fast_split(j->n, ACT_UNIT, j->ntasks, t, &lo, &hi);
    act_range(j, lo, hi);
}

static int tasks_for(size_t n)
{
    const size_t most = n / ACT_MIN_TASK;
    const int threads = onnxcc_num_threads();
    return most < 1 ? 1 : most < (size_t)threads ? (int)most : threads;
}

void onnxcc_f32_act(size_t n, OnnxccAct act, const float *x, float *y)
{
    ActJob j = {n, act, x, y, tasks_for(n)};
    if (j.ntasks == 1)
        act_range(&j, 0, n);
    else
        onnxcc_fast_parallel(j.ntasks, act_task, &j);
}

void onnxcc_f32_scale_rows(size_t rows, size_t cols, const float *x, const float *s, float *y)
{
    for (size_t r = 0; r < rows; r++) {
        const float k = s[r];
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        for (size_t i = 0; i < cols; i++)
            yr[i] = xr[i] * k;
    }
}
