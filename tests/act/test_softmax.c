/* test_softmax.c — onnxcc_f32_softmax and onnxcc_f32_logsoftmax at every
 * ISA level the CPU has, against the _ref kernels (expf, double sums):
 * contiguous rows (inner == 1) of every length 1..70 and a few long ones
 * at several outer counts, and strided slices (inner > 1) around the vector
 * width and the 64-column blocks; inputs of small and of huge spread (so
 * some exponentials underflow), and rows holding NaN, +-inf and -inf only.
 * Softmax must stay within 1e-6 relative (below 1e-24: 1e-30 absolute),
 * LogSoftmax within 1e-6 x max(|ref|, 1); NaN where the reference has NaN,
 * its infinities exactly.  Also: nothing past the end is written, in place
 * (y == x) gives the same bits, and 1 and 3 threads agree bitwise. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

static int failures;
static const char *const isa_names[] = {"scalar", "avx2", "avx512"};
static double worst[2];

typedef void (*SoftmaxFn)(size_t outer, size_t len, size_t inner, const float *x, float *y);
/* The fast kernels with no ISA cap (ONNXCC_ISA still applies). */
static void fast_softmax(size_t outer, size_t len, size_t inner, const float *x, float *y)
{
    onnxcc_f32_softmax(outer, len, inner, x, y, 0);
}
static void fast_logsoftmax(size_t outer, size_t len, size_t inner, const float *x, float *y)
{
    onnxcc_f32_logsoftmax(outer, len, inner, x, y, 0);
}
static const SoftmaxFn fast_fns[2] = {fast_softmax, fast_logsoftmax};
static const SoftmaxFn ref_fns[2] = {onnxcc_f32_softmax_ref, onnxcc_f32_logsoftmax_ref};
static const char *const fn_names[2] = {"softmax", "logsoftmax"};

#define CANARY 16
static const float canary = 12345.0f;

static unsigned rng_state = 12345u;
static float uniform(void) /* [-1, 1) */
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)((rng_state >> 8) * (1.0 / 8388608.0)) - 1.0f;
}

/* Compares one call of fast_fns[lg] with the reference; returns 0 when
 * it agrees, and checks the canaries and the in-place call. */
static int check(int isa, int lg, size_t outer, size_t len, size_t inner, const float *x)
{
    const size_t n = outer * len * inner;
    float *want = malloc(sizeof(float) * (n + 1)), *got = malloc(sizeof(float) * (n + CANARY));
    float *inplace = malloc(sizeof(float) * (n + 1));
    ref_fns[lg](outer, len, inner, x, want);
    for (size_t i = 0; i < CANARY; i++)
        got[n + i] = canary;
    fast_fns[lg](outer, len, inner, x, got);
    memcpy(inplace, x, sizeof(float) * n);
    fast_fns[lg](outer, len, inner, inplace, inplace);
    int bad = 0;
    for (size_t i = 0; i < CANARY; i++)
        if (got[n + i] != canary && !bad++)
            printf("FAIL %s %s %zux%zux%zu: wrote past the end\n", isa_names[isa], fn_names[lg], outer, len, inner);
    if (memcmp(got, inplace, sizeof(float) * n) != 0 && !bad++)
        printf("FAIL %s %s %zux%zux%zu: in place differs\n", isa_names[isa], fn_names[lg], outer, len, inner);
    for (size_t i = 0; i < n; i++) {
        const double r = want[i], y = got[i];
        double err = 0.0;
        int ok;
        if (isnan(r))
            ok = isnan(y);
        else if (isinf(r))
            ok = y == r;
        else {
            err = lg ? fabs(y - r) / fmax(fabs(r), 1.0) : fabs(y - r) / fmax(fabs(r), 1e-30 / 1e-6);
            ok = err <= 1e-6;
            worst[lg] = err > worst[lg] ? err : worst[lg];
        }
        if (!ok && bad++ < 3)
            printf("FAIL %s %s %zux%zux%zu at %zu (x %.9g): %.9g, want %.9g (err %.3g)\n", isa_names[isa],
                   fn_names[lg], outer, len, inner, i, (double)x[i], y, r, err);
    }
    free(want);
    free(got);
    free(inplace);
    failures += bad != 0;
    return bad;
}

static float *inputs(size_t n, float spread)
{
    float *x = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        x[i] = spread * uniform();
    return x;
}

static void check_shapes(int isa)
{
    static const size_t long_rows[] = {97, 127, 128, 129, 197, 256, 257, 1000, 4099, 50000};
    static const size_t inners[] = {2, 7, 8, 15, 16, 17, 63, 64, 65, 129, 200};
    static const size_t lens[] = {1, 2, 3, 16, 17, 49};
    static const float spreads[] = {3.0f, 120.0f};
    for (int lg = 0; lg < 2; lg++)
        for (int s = 0; s < 2; s++) {
            for (size_t len = 1; len <= 70; len++)
                for (size_t outer = 1; outer <= 3; outer += 2) {
                    float *x = inputs(outer * len, spreads[s]);
                    check(isa, lg, outer, len, 1, x);
                    free(x);
                }
            for (size_t i = 0; i < sizeof long_rows / sizeof *long_rows; i++) {
                float *x = inputs(2 * long_rows[i], spreads[s]);
                check(isa, lg, 2, long_rows[i], 1, x);
                free(x);
            }
            for (size_t i = 0; i < sizeof inners / sizeof *inners; i++)
                for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
                    float *x = inputs(3 * lens[k] * inners[i], spreads[s]);
                    check(isa, lg, 3, lens[k], inners[i], x);
                    free(x);
                }
        }
}

/* Rows with NaN (first, middle, last), +inf, -inf among finite values and
 * -inf only, as rows (inner 1) and as columns (inner 19). */
static void check_specials(int isa)
{
    enum { LEN = 37, ROWS = 7 };
    float x[ROWS * LEN], xt[ROWS * LEN];
    for (int r = 0; r < ROWS; r++)
        for (int k = 0; k < LEN; k++)
            x[r * LEN + k] = 4.0f * uniform();
    x[0 * LEN + 0] = NAN;
    x[1 * LEN + 18] = NAN;
    x[2 * LEN + LEN - 1] = NAN;
    x[3 * LEN + 5] = INFINITY;
    x[4 * LEN + 7] = -INFINITY;
    x[4 * LEN + 20] = -INFINITY;
    for (int k = 0; k < LEN; k++)
        x[5 * LEN + k] = -INFINITY;
    x[6 * LEN + 3] = 1e30f; /* everything else underflows */
    for (int r = 0; r < ROWS; r++) /* [1][LEN][ROWS]: the rows as columns */
        for (int k = 0; k < LEN; k++)
            xt[k * ROWS + r] = x[r * LEN + k];
    for (int lg = 0; lg < 2; lg++) {
        check(isa, lg, ROWS, LEN, 1, x);
        check(isa, lg, 1, LEN, ROWS, xt);
    }
}

static void check_threads(int isa)
{
    static const size_t shapes[][3] = {{600, 197, 1}, {12, 49, 1000}, {3, 1000, 33}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const size_t o = shapes[s][0], l = shapes[s][1], in = shapes[s][2], n = o * l * in;
        float *x = inputs(n, 10.0f), *y1 = malloc(sizeof(float) * n), *y3 = malloc(sizeof(float) * n);
        for (int lg = 0; lg < 2; lg++) {
            onnxcc_set_num_threads(1);
            fast_fns[lg](o, l, in, x, y1);
            onnxcc_set_num_threads(3);
            fast_fns[lg](o, l, in, x, y3);
            onnxcc_set_num_threads(1);
            if (memcmp(y1, y3, sizeof(float) * n) != 0) {
                printf("FAIL %s %s %zux%zux%zu: 3 threads differ from 1\n", isa_names[isa], fn_names[lg], o, l, in);
                failures++;
            }
            check(isa, lg, o, l, in, x);
        }
        free(x);
        free(y1);
        free(y3);
    }
}

int main(void)
{
    onnxcc_set_num_threads(1);
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isa_names[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        worst[0] = worst[1] = 0.0;
        check_shapes(isa);
        check_specials(isa);
        check_threads(isa);
        printf("%-7s softmax max rel err %.3g, logsoftmax %.3g (bound 1e-6)\n", isa_names[isa], worst[0], worst[1]);
    }
    if (failures)
        printf("%d failing checks\n", failures);
    return failures != 0;
}
