/* layernorm_rows.h — the loop of onnxcc_f32_layernorm for one ISA level,
 * written once over vec_<isa>.h and vec_reduce.h (included first) and
 * instantiated by layernorm_<isa>.c as onnxcc_f32_layernorm_rows_<isa>.
 *
 * Per row, two passes for the statistics: the mean by a compensated sum,
 * kept as two floats hi + lo, then the mean of d^2 for d = (x - hi) - lo
 * (x - hi exact when x is near the mean, so rows whose mean is far larger
 * than their spread keep their precision); then y = (d * inv) * gamma +
 * beta with inv = 1/sqrt(var + eps) in double rounded to float once.
 * Masked tails, rows computed alone. */
#ifndef ONNXCC_LAYERNORM_ROWS_H
#define ONNXCC_LAYERNORM_ROWS_H

static void ln_row(size_t len, float eps, const float *x, const float *gamma, const float *beta, float *y)
{
    const size_t full = len / DL * DL;
    const DM tail = dv_lanes(0, (long)(len - full));
    const int nt = (int)(len - full);
    VrCSum sum = vr_csum_new();
    for (size_t i = 0; i < full; i += DL)
        vr_csum_add(&sum, dv_load(x + i));
    if (nt)
        vr_csum_add(&sum, dv_loadz(x + full, tail));
    const double mean = vr_csum_total(&sum) / (double)len;
    const float mean_hi = (float)mean;
    const DV mh = dv_set1(mean_hi), ml = dv_set1((float)(mean - (double)mean_hi));

    VrSum sq = vr_sum_new();
    for (size_t i = 0; i < full; i += DL) {
        const DV d = dv_sub(dv_sub(dv_load(x + i), mh), ml);
        vr_sum_add(&sq, dv_mul(d, d));
    }
    if (nt) {
        const DV d = dv_select(tail, dv_sub(dv_sub(dv_loadz(x + full, tail), mh), ml), dv_set1(0.0f));
        vr_sum_add(&sq, dv_mul(d, d));
    }
    const DV inv = dv_set1((float)(1.0 / sqrt(vr_sum_total(&sq) / (double)len + (double)eps)));

    const DV one = dv_set1(1.0f), zero = dv_set1(0.0f);
    for (size_t i = 0; i < len; i += DL) {
        const int n = i < full ? DL : nt;
        const DM k = dv_lanes(0, n);
        const DV d = dv_mul(dv_sub(dv_sub(dv_loadz(x + i, k), mh), ml), inv);
        const DV g = gamma ? dv_loadz(gamma + i, k) : one, b = beta ? dv_loadz(beta + i, k) : zero;
        dv_store(y + i, dv_fma(d, g, b), n);
    }
}

static void layernorm_rows(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                           const float *beta, float *y)
{
    for (size_t r = 0; r < rows; r++)
        ln_row(len, eps, x + r * len, gamma, beta, y + r * len);
}

#endif /* ONNXCC_LAYERNORM_ROWS_H */
