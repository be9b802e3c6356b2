/* softmax.c — Softmax and LogSoftmax over the middle axis of
 * [outer][len][inner] (onnxcc_f32_softmax, onnxcc_f32_logsoftmax): the
 * kernel of the best ISA level the CPU has (softmax_<isa>.c, the loops of
 * softmax_rows.h), else portable loops (expf, the sum in double).  Work is
 * split into units — rows when inner == 1, else blocks of SM_COLS columns
 * of one outer slice — spread over the runtime's threads; a unit is
 * computed alone, so every thread count gives the same bits. */
#include "fast.h"

#define SM_MIN_TASK 16384 /* elements per task at least */
#define SM_COLS 64        /* columns per unit when inner > 1 */

/* One row of len > 0 elements stride apart, in plain C. */
static void row_scalar(size_t len, size_t stride, const float *x, float *y, int lg)
{
    float m = x[0];
    for (size_t k = 1; k < len; k++)
        m = x[k * stride] > m ? x[k * stride] : m;
    double sum = 0.0;
    for (size_t k = 0; k < len; k++) {
        const float e = expf(x[k * stride] - m);
        if (!lg)
            y[k * stride] = e;
        sum += (double)e;
    }
    const float c = lg ? (float)log(sum) : (float)(1.0 / sum);
    for (size_t k = 0; k < len; k++)
        y[k * stride] = lg ? (x[k * stride] - m) - c : y[k * stride] * c;
}

static void block_scalar(size_t rows, size_t len, size_t inner, size_t cols, const float *x, float *y, int lg)
{
    for (size_t o = 0; o < rows; o++)
        for (size_t j = 0; j < cols; j++)
            row_scalar(len, inner, x + o * len * inner + j, y + o * len * inner + j, lg);
}

static FastSoftmaxFn pick(int isa_cap)
{
#ifdef ONNXCC_RT_X86_64
    switch (onnxcc_rt_isa_capped(isa_cap)) {
    case ONNXCC_ISA_AVX512:
        return onnxcc_f32_softmax_block_avx512;
    case ONNXCC_ISA_AVX2:
        return onnxcc_f32_softmax_block_avx2;
    default:
        break;
    }
#else
    (void)isa_cap;
#endif
    return block_scalar;
}

typedef struct {
    size_t len, inner, nb; /* nb: units per outer slice (1 when inner == 1) */
    size_t units;
    const float *x;
    float *y;
    int lg, ntasks;
    FastSoftmaxFn fn;
} SmJob;

static void sm_units(const SmJob *j, size_t lo, size_t hi)
{
    if (j->inner == 1) {
        j->fn(hi - lo, j->len, 1, 1, j->x + lo * j->len, j->y + lo * j->len, j->lg);
        return;
    }
    for (size_t u = lo; u < hi; u++) {
        const size_t c0 = u % j->nb * SM_COLS, at = u / j->nb * j->len * j->inner + c0;
        const size_t cols = j->inner - c0 < SM_COLS ? j->inner - c0 : SM_COLS;
        j->fn(1, j->len, j->inner, cols, j->x + at, j->y + at, j->lg);
    }
}

static void sm_task(void *ctx, int t)
{
    const SmJob *j = ctx;
    size_t lo, hi;
    fast_split(j->units, 1, j->ntasks, t, &lo, &hi);
    sm_units(j, lo, hi);
}

static void run(size_t outer, size_t len, size_t inner, const float *x, float *y, int lg, int isa_cap)
{
    if (outer == 0 || len == 0 || inner == 0)
        return;
    SmJob j = {len, inner, (inner + SM_COLS - 1) / SM_COLS, 0, x, y, lg, 1, pick(isa_cap)};
    if (inner == 1)
        j.nb = 1;
    j.units = outer * j.nb;
    j.ntasks = fast_tasks(outer * len * inner, SM_MIN_TASK, j.units);
    if (j.ntasks == 1)
        sm_units(&j, 0, j.units);
    else
        onnxcc_fast_parallel(j.ntasks, sm_task, &j);
}

void onnxcc_f32_softmax(size_t outer, size_t len, size_t inner, const float *x, float *y, int isa_cap)
{
    run(outer, len, inner, x, y, 0, isa_cap);
}

void onnxcc_f32_logsoftmax(size_t outer, size_t len, size_t inner, const float *x, float *y, int isa_cap)
{
    run(outer, len, inner, x, y, 1, isa_cap);
}
