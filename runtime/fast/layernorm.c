/* layernorm.c — LayerNormalization over the last axis of a dense float32
 * tensor (onnxcc_f32_layernorm): the kernel of the best ISA level the CPU
 * has (layernorm_<isa>.c, the loop of layernorm_rows.h), else a portable
 * loop (sums in double).  Rows are split over the runtime's threads; each
 * row is computed alone, so every thread count gives the same bits. */
#include "fast.h"

#define LN_MIN_TASK 16384 /* elements per task at least */

static void rows_scalar(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                        const float *beta, float *y)
{
    for (size_t r = 0; r < rows; r++, x += len, y += len) {
        double sum = 0.0, sq = 0.0;
        for (size_t i = 0; i < len; i++)
            sum += (double)x[i];
        const double mean = sum / (double)len;
        const float hi = (float)mean, lo = (float)(mean - (double)hi); /* as layernorm_rows.h */
        for (size_t i = 0; i < len; i++) {
            const float d = (x[i] - hi) - lo;
            sq += (double)(d * d);
        }
        const float inv = (float)(1.0 / sqrt(sq / (double)len + (double)eps));
        for (size_t i = 0; i < len; i++)
            y[i] = ((x[i] - hi) - lo) * inv * (gamma ? gamma[i] : 1.0f) + (beta ? beta[i] : 0.0f);
    }
}

typedef struct {
    size_t rows, len;
    float eps;
    const float *x, *gamma, *beta;
    float *y;
    int ntasks;
    FastLayerNormFn fn;
} LnJob;

static void ln_task(void *ctx, int t)
{
    const LnJob *j = ctx;
    size_t lo, hi;
    fast_split(j->rows, 1, j->ntasks, t, &lo, &hi);
    j->fn(hi - lo, j->len, j->eps, j->x + lo * j->len, j->gamma, j->beta, j->y + lo * j->len);
}

void onnxcc_f32_layernorm(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                          const float *beta, float *y, int isa_cap)
{
    if (rows == 0 || len == 0)
        return;
    LnJob j = {rows, len, eps, x, gamma, beta, y, fast_tasks(rows * len, LN_MIN_TASK, rows), rows_scalar};
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(isa_cap);
    if (isa == ONNXCC_ISA_AVX512)
        j.fn = onnxcc_f32_layernorm_rows_avx512;
    else if (isa == ONNXCC_ISA_AVX2)
        j.fn = onnxcc_f32_layernorm_rows_avx2;
#else
    (void)isa_cap;
#endif
    if (j.ntasks == 1)
        j.fn(rows, len, eps, x, gamma, beta, y);
    else
        onnxcc_fast_parallel(j.ntasks, ln_task, &j);
}
