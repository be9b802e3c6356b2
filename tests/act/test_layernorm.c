/* test_layernorm.c — onnxcc_f32_layernorm at every ISA level the CPU has,
 * against LayerNormalization computed in double here: every row length
 * 1..70 and the transformers' widths (96 .. 1536) and a long one, 1 and 3
 * rows, with and without gamma / beta, inputs centred and off-centre (mean
 * 3x and 2000x the spread), a constant row (variance 0: y = beta), and rows
 * holding NaN or infinities (NaN out, as the reference).  Error bound:
 * 2e-6 x max(|ref|, 1).  Also: nothing past the end is written, in place
 * (y == x) gives the same bits, and 1 and 3 threads agree bitwise. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

#define BOUND 2e-6
#define CANARY 16

static int failures;
static const char *const isa_names[] = {"scalar", "avx2", "avx512"};
static double worst;

static unsigned rng_state = 4242u;
static float uniform(void) /* [-1, 1) */
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)((rng_state >> 8) * (1.0 / 8388608.0)) - 1.0f;
}

static void reference(size_t rows, size_t len, float eps, const float *x, const float *gamma, const float *beta,
                      double *y)
{
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * len;
        double mean = 0.0, var = 0.0;
        for (size_t i = 0; i < len; i++)
            mean += xr[i];
        mean /= (double)len;
        for (size_t i = 0; i < len; i++)
            var += (xr[i] - mean) * (xr[i] - mean);
        const double inv = 1.0 / sqrt(var / (double)len + eps);
        for (size_t i = 0; i < len; i++)
            y[r * len + i] = (xr[i] - mean) * inv * (gamma ? gamma[i] : 1.0) + (beta ? beta[i] : 0.0);
    }
}

static void check(int isa, size_t rows, size_t len, float eps, const float *x, const float *gamma,
                  const float *beta)
{
    const size_t n = rows * len;
    double *want = malloc(sizeof(double) * n);
    float *got = malloc(sizeof(float) * (n + CANARY)), *inplace = malloc(sizeof(float) * n);
    reference(rows, len, eps, x, gamma, beta, want);
    for (size_t i = 0; i < CANARY; i++)
        got[n + i] = -7.0f;
    onnxcc_f32_layernorm(rows, len, eps, x, gamma, beta, got, 0);
    memcpy(inplace, x, sizeof(float) * n);
    onnxcc_f32_layernorm(rows, len, eps, inplace, gamma, beta, inplace, 0);
    int bad = 0;
    for (size_t i = 0; i < CANARY; i++)
        if (got[n + i] != -7.0f && !bad++)
            printf("FAIL %s %zux%zu: wrote past the end\n", isa_names[isa], rows, len);
    if (memcmp(got, inplace, sizeof(float) * n) != 0 && !bad++)
        printf("FAIL %s %zux%zu: in place differs\n", isa_names[isa], rows, len);
    for (size_t i = 0; i < n; i++) {
        const double r = want[i], y = got[i];
        double err = 0.0;
        int ok;
        if (isnan(r))
            ok = isnan(y);
        else {
            err = fabs(y - r) / fmax(fabs(r), 1.0);
            ok = err <= BOUND;
            worst = err > worst ? err : worst;
        }
        if (!ok && bad++ < 3)
            printf("FAIL %s %zux%zu%s%s at %zu: %.9g, want %.9g (err %.3g)\n", isa_names[isa], rows, len,
                   gamma ? " gamma" : "", beta ? " beta" : "", i, y, r, err);
    }
    failures += bad != 0;
    free(want);
    free(got);
    free(inplace);
}

static float *randoms(size_t n, float offset, float spread)
{
    float *v = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++)
        v[i] = offset + spread * uniform();
    return v;
}

static void check_shapes(int isa)
{
    static const size_t widths[] = {96, 128, 192, 256, 384, 512, 768, 1536, 5000};
    size_t lens[70 + sizeof widths / sizeof *widths], nl = 0;
    for (size_t l = 1; l <= 70; l++)
        lens[nl++] = l;
    for (size_t k = 0; k < sizeof widths / sizeof *widths; k++)
        lens[nl++] = widths[k];
    for (size_t k = 0; k < nl; k++) {
        const size_t len = lens[k];
        float *gamma = randoms(len, 1.0f, 0.5f), *beta = randoms(len, 0.0f, 0.5f);
        for (size_t rows = 1; rows <= 3; rows += 2)
            for (int off = 0; off < 3; off++) {
                float *x = randoms(rows * len, off == 0 ? 0.0f : off == 1 ? -6.0f : 1000.0f, off == 2 ? 0.5f : 2.0f);
                check(isa, rows, len, 1e-5f, x, gamma, beta);
                check(isa, rows, len, 1e-6f, x, NULL, NULL);
                check(isa, rows, len, 1e-5f, x, NULL, beta);
                free(x);
            }
        free(gamma);
        free(beta);
    }
}

static void check_specials(int isa)
{
    enum { LEN = 37 };
    float x[4 * LEN], *beta = randoms(LEN, 0.0f, 1.0f);
    for (int i = 0; i < 4 * LEN; i++)
        x[i] = i < LEN ? 0.25f : uniform();
    x[LEN + 3] = NAN;
    x[2 * LEN + 36] = INFINITY;
    x[3 * LEN] = -INFINITY;
    check(isa, 4, LEN, 1e-5f, x, NULL, beta);
    free(beta);
}

static void check_threads(int isa)
{
    const size_t rows = 600, len = 768, n = rows * len;
    float *x = randoms(n, 0.5f, 3.0f), *g = randoms(len, 1.0f, 0.5f), *b = randoms(len, 0.0f, 0.5f);
    float *y1 = malloc(sizeof(float) * n), *y3 = malloc(sizeof(float) * n);
    onnxcc_set_num_threads(1);
    onnxcc_f32_layernorm(rows, len, 1e-6f, x, g, b, y1, 0);
    onnxcc_set_num_threads(3);
    onnxcc_f32_layernorm(rows, len, 1e-6f, x, g, b, y3, 0);
    onnxcc_set_num_threads(1);
    if (memcmp(y1, y3, sizeof(float) * n) != 0) {
        printf("FAIL %s: 3 threads differ from 1\n", isa_names[isa]);
        failures++;
    }
    check(isa, rows, len, 1e-6f, x, g, b);
    free(x);
    free(g);
    free(b);
    free(y1);
    free(y3);
}

int main(void)
{
    onnxcc_set_num_threads(1);
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isa_names[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        worst = 0.0;
        check_shapes(isa);
        check_specials(isa);
        check_threads(isa);
        printf("%-7s layernorm max err %.3g (bound %g)\n", isa_names[isa], worst, BOUND);
    }
    if (failures)
        printf("%d failing checks\n", failures);
    return failures != 0;
}
