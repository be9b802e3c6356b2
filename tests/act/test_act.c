/* test_act.c — onnxcc_f32_act for every activation kind at every ISA level
 * the CPU has, against double-precision libm (exp, tanh, erf, erfc): a sweep
 * over [-110, 110] dense near 0 and at the ends of each function's range,
 * plus ±0, ±inf, NaN, denormals and ±FLT_MAX.  The transcendental kinds must
 * stay within a relative error bound (denominator max(|ref|, 1e-30)),
 * keep NaN and hit the infinities exactly; the cheap kinds must give the
 * scalar formula's bits.  Then: every size 0..70 and a few large ones (at
 * odd offsets, in place) give each element the bits it gets in one long
 * call, nothing past the end is written, 1 and 3 threads agree bitwise; and
 * onnxcc_f32_scale_rows matches a plain loop exactly. */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

static int failures;

/* Results below this are held to an absolute error of TINY * bound (a few
 * denormal ulps lost in silu's and gelu's final product are no error). */
#define TINY 1e-30

static const char *const kind_names[] = {"none", "relu", "clip", "leakyrelu", "sigmoid", "hardsigmoid",
                                         "hardswish", "silu", "tanh", "gelu", "exp", "erf"};
#define NUM_KINDS ((int)(sizeof kind_names / sizeof kind_names[0]))
static const char *const isa_names[] = {"scalar", "avx2", "avx512"};

/* Max relative error per transcendental kind (all ISA levels, libm too). */
static double bound(int kind)
{
    switch (kind) {
    case ONNXCC_ACT_EXP:
        return 2e-7;
    case ONNXCC_ACT_SIGMOID:
    case ONNXCC_ACT_SILU:
    case ONNXCC_ACT_TANH:
    case ONNXCC_ACT_ERF:
        return 3e-7;
    case ONNXCC_ACT_GELU:
        return 5e-7;
    default:
        return 0;
    }
}

static OnnxccAct make_act(int kind)
{
    OnnxccAct a = {kind, 0.0f, 0.0f};
    if (kind == ONNXCC_ACT_CLIP)
        a.a = -0.75f, a.b = 6.0f;
    if (kind == ONNXCC_ACT_LEAKYRELU)
        a.a = 0.01f;
    if (kind == ONNXCC_ACT_HARDSIGMOID)
        a.a = 0.2f, a.b = 0.5f;
    return a;
}

static float hsig(float v)
{
    v = v < 0.0f ? 0.0f : v;
    return v > 1.0f ? 1.0f : v;
}

/* The cheap kinds as fast_act computes them (this file is C99 without
 * contraction: the same roundings). */
static float cheap_ref(const OnnxccAct *a, float v)
{
    switch (a->kind) {
    case ONNXCC_ACT_RELU:
        return v < 0.0f ? 0.0f : v;
    case ONNXCC_ACT_CLIP:
        v = v < a->a ? a->a : v;
        return v > a->b ? a->b : v;
    case ONNXCC_ACT_LEAKYRELU:
        return v < 0.0f ? a->a * v : v;
    case ONNXCC_ACT_HARDSIGMOID:
        return hsig(a->a * v + a->b);
    case ONNXCC_ACT_HARDSWISH:
        return v * hsig(v * (1.0f / 6.0f) + 0.5f);
    default:
        return v;
    }
}

static double sigmoid_ref(double v)
{
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

static double trans_ref(int kind, double v)
{
    switch (kind) {
    case ONNXCC_ACT_SIGMOID:
        return sigmoid_ref(v);
    case ONNXCC_ACT_SILU:
        return v * sigmoid_ref(v);
    case ONNXCC_ACT_TANH:
        return tanh(v);
    case ONNXCC_ACT_GELU:
        return v >= 0 ? 0.5 * v * (1 + erf(v / sqrt(2.0))) : 0.5 * v * erfc(-v / sqrt(2.0));
    case ONNXCC_ACT_EXP:
        return exp(v);
    case ONNXCC_ACT_ERF:
        return erf(v);
    default:
        return v;
    }
}

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The test inputs. */
static float *inputs(size_t *count)
{
    const size_t cap = 400000;
    float *v = malloc(sizeof(float) * cap);
    size_t n = 0;
    for (int i = -11000; i <= 11000; i++) /* the linear sweep, step 0.01 */
        v[n++] = (float)i * 0.01f;
    for (int i = 0; i < 60000; i++) { /* log-spaced magnitudes 1e-9 .. 1e2, both signs */
        const float m = (float)pow(10.0, -9.0 + 11.0 * i / 60000.0);
        v[n++] = m;
        v[n++] = -m;
    }
    /* every float near the edges: exp's overflow, denormal and zero
     * thresholds, tanh's and erf's branch points and saturation, the
     * sigmoid's 0.5 crossing */
    static const float edges[] = {88.72f, -87.34f, -103.97f, 0.625f, -0.625f, 1.0f, -1.0f, 9.0f, -9.0f,
                                  3.9f, -3.9f, 0.0f, 9.4f, -9.4f, 15.0f, -15.0f, -125.0f};
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
        float f = edges[e];
        for (int k = 0; k < 2000; k++)
            f = nextafterf(f, -INFINITY);
        for (int k = 0; k < 4000; k++, f = nextafterf(f, INFINITY))
            v[n++] = f;
    }
    static const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, FLT_MIN, -FLT_MIN,
                                    1e-40f, -1e-40f, 1e-45f, -1e-45f, FLT_MAX, -FLT_MAX, 100.0f, -100.0f,
                                    1e10f, -1e10f, 89.0f, 88.7228394f, 88.7228317f, -104.0f};
    for (size_t e = 0; e < sizeof special / sizeof special[0]; e++)
        v[n++] = special[e];
    if (n > cap) {
        printf("FAIL: input table overflow\n");
        exit(1);
    }
    *count = n;
    return v;
}

/* The values of one kind at one level against the references. */
static void check_values(int isa, int kind, const float *x, size_t n)
{
    const OnnxccAct act = make_act(kind);
    float *y = malloc(sizeof(float) * n);
    onnxcc_f32_act(n, act, x, y, 0);
    double worst = 0;
    float worst_at = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const float v = x[i], got = y[i];
        if (kind < ONNXCC_ACT_SIGMOID || kind == ONNXCC_ACT_HARDSIGMOID || kind == ONNXCC_ACT_HARDSWISH) {
            const float want = cheap_ref(&act, v);
            if (!same_bits(got, want) && !(isnan(got) && isnan(want))) {
                if (bad++ < 5)
                    printf("FAIL %s %s(%a) = %a, want %a\n", isa_names[isa], kind_names[kind], v, got, want);
            }
            continue;
        }
        /* silu and gelu at -inf are -inf * 0 (NaN) or the limit 0 */
        if (v == -INFINITY && (kind == ONNXCC_ACT_SILU || kind == ONNXCC_ACT_GELU))
            continue;
        const double want = trans_ref(kind, v);
        int ok;
        double err = 0;
        if (isnan(want) || isinf(want)) {
            ok = isnan(want) ? isnan(got) : got == want;
        } else if (fabs(want) > FLT_MAX) { /* overflows: inf or about FLT_MAX */
            ok = (got < 0) == (want < 0) && fabs(got) >= FLT_MAX * (1 - bound(kind));
        } else {
            err = fabs((double)got - want) / fmax(fabs(want), TINY);
            ok = err <= bound(kind); /* NaN fails */
            if (err > worst || isnan(err))
                worst = err, worst_at = v;
        }
        if (!ok && bad++ < 5)
            printf("FAIL %s %s(%a = %.9g) = %.9g, want %.17g (rel err %.3g, bound %.3g)\n", isa_names[isa],
                   kind_names[kind], v, v, got, want, err, bound(kind));
    }
    if (bad) {
        printf("FAIL %s %s: %zu bad values\n", isa_names[isa], kind_names[kind], bad);
        failures++;
    }
    if (kind >= ONNXCC_ACT_SIGMOID && kind != ONNXCC_ACT_HARDSIGMOID && kind != ONNXCC_ACT_HARDSWISH)
        printf("%-7s %-9s max rel err %.3g (%.2f ulp-ish, at %.9g), bound %.3g\n", isa_names[isa],
               kind_names[kind], worst, worst / FLT_EPSILON, worst_at, bound(kind));
    free(y);
}

/* Sizes 0..70 and a few large ones at odd offsets, out of and in place:
 * each element as in the long call (want), nothing written past n. */
static void check_sizes(int isa, int kind, const float *x, const float *want, size_t total)
{
    const OnnxccAct act = make_act(kind);
    static const size_t large[] = {1000, 4099, 16383, 65537, 100003};
    float *y = malloc(sizeof(float) * (100003 + 64)), *z = malloc(sizeof(float) * (100003 + 64));
    for (int s = 0; s < 71 + 5; s++) {
        const size_t n = s < 71 ? (size_t)s : large[s - 71];
        for (size_t off = 0; off < 3; off++) {
            const size_t at = (off * 7919 + (size_t)s * 131) % (total - n);
            for (size_t i = 0; i < n + 32; i++)
                y[i] = -7.0f;
            onnxcc_f32_act(n, act, x + at, y + 1, 0);
            memcpy(z + 1, x + at, sizeof(float) * n);
            onnxcc_f32_act(n, act, z + 1, z + 1, 0);
            int bad = y[0] != -7.0f || y[n + 1] != -7.0f || y[n + 16] != -7.0f;
            for (size_t i = 0; i < n && !bad; i++)
                bad = !same_bits(y[1 + i], want[at + i]) || !same_bits(z[1 + i], want[at + i]);
            if (bad) {
                printf("FAIL %s %s size %zu offset %zu: differs from the long call or writes past n\n",
                       isa_names[isa], kind_names[kind], n, at);
                failures++;
                s = 1000;
                break;
            }
        }
    }
    free(y);
    free(z);
}

static void check_threads(int isa, int kind, const float *x, size_t n)
{
    const OnnxccAct act = make_act(kind);
    float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
    onnxcc_set_num_threads(1);
    onnxcc_f32_act(n, act, x, a, 0);
    onnxcc_set_num_threads(3);
    onnxcc_f32_act(n, act, x, b, 0);
    onnxcc_set_num_threads(1);
    if (memcmp(a, b, sizeof(float) * n) != 0) {
        printf("FAIL %s %s: 3 threads differ from 1\n", isa_names[isa], kind_names[kind]);
        failures++;
    }
    free(a);
    free(b);
}

/* The ends exactly: exp(100) and exp(inf) overflow to inf, exp(-inf) is 0,
 * tanh and erf saturate to ±1, the sigmoid to 1 and 0 (or a denormal), gelu
 * and silu to v and 0 far out; NaN in, NaN out for every kind. */
static void check_limits(int isa)
{
    static const struct {
        int kind;
        float v, want;
    } ends[] = {
        {ONNXCC_ACT_EXP, 100.0f, INFINITY},      {ONNXCC_ACT_EXP, INFINITY, INFINITY},
        {ONNXCC_ACT_EXP, -INFINITY, 0.0f},       {ONNXCC_ACT_EXP, -200.0f, 0.0f},
        {ONNXCC_ACT_EXP, 0.0f, 1.0f},            {ONNXCC_ACT_EXP, -0.0f, 1.0f},
        {ONNXCC_ACT_TANH, INFINITY, 1.0f},       {ONNXCC_ACT_TANH, -INFINITY, -1.0f},
        {ONNXCC_ACT_TANH, 20.0f, 1.0f},          {ONNXCC_ACT_TANH, -0.0f, -0.0f},
        {ONNXCC_ACT_ERF, INFINITY, 1.0f},        {ONNXCC_ACT_ERF, -INFINITY, -1.0f},
        {ONNXCC_ACT_ERF, 5.0f, 1.0f},            {ONNXCC_ACT_ERF, -0.0f, -0.0f},
        {ONNXCC_ACT_SIGMOID, 100.0f, 1.0f},      {ONNXCC_ACT_SIGMOID, INFINITY, 1.0f},
        {ONNXCC_ACT_SIGMOID, -INFINITY, 0.0f},   {ONNXCC_ACT_SIGMOID, 0.0f, 0.5f},
        {ONNXCC_ACT_SILU, 100.0f, 100.0f},       {ONNXCC_ACT_SILU, -200.0f, -0.0f},
        {ONNXCC_ACT_GELU, 100.0f, 100.0f},       {ONNXCC_ACT_GELU, -100.0f, -0.0f},
        {ONNXCC_ACT_GELU, INFINITY, INFINITY},
    };
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        const OnnxccAct act = make_act(ends[i].kind);
        float y;
        onnxcc_f32_act(1, act, &ends[i].v, &y, 0);
        if (!same_bits(y, ends[i].want)) {
            printf("FAIL %s %s(%g) = %g, want %g\n", isa_names[isa], kind_names[ends[i].kind], ends[i].v, y,
                   ends[i].want);
            failures++;
        }
    }
    float y, v = -100.0f;
    onnxcc_f32_act(1, make_act(ONNXCC_ACT_SIGMOID), &v, &y, 0);
    if (!(y >= 0.0f && y < 1e-30f)) {
        printf("FAIL %s sigmoid(-100) = %g\n", isa_names[isa], y);
        failures++;
    }
    for (int kind = 0; kind < NUM_KINDS; kind++) {
        v = NAN;
        onnxcc_f32_act(1, make_act(kind), &v, &y, 0);
        if (!isnan(y)) {
            printf("FAIL %s %s(NaN) = %g\n", isa_names[isa], kind_names[kind], y);
            failures++;
        }
    }
}

static void check_scale(int isa, const float *x)
{
    static const size_t shapes[][2] = {{0, 5}, {5, 0}, {1, 1}, {3, 17}, {7, 15}, {64, 49}, {13, 1},
                                       {96, 3136}, {1000, 1001}, {2, 300001}};
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
        const size_t rows = shapes[c][0], cols = shapes[c][1], n = rows * cols;
        float *s = malloc(sizeof(float) * (rows + 1)), *want = malloc(sizeof(float) * (n + 1));
        float *got = malloc(sizeof(float) * (n + 8)), *in = malloc(sizeof(float) * (n + 1));
        for (size_t r = 0; r < rows; r++)
            s[r] = x[(r * 37) % 1000 + 11000] * 3.0f;
        for (size_t i = 0; i < n; i++)
            in[i] = x[i % 150000];
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < cols; j++)
                want[r * cols + j] = in[r * cols + j] * s[r];
        for (int threads = 1; threads <= 3; threads += 2) {
            onnxcc_set_num_threads(threads);
            got[n] = -7.0f;
            onnxcc_f32_scale_rows(rows, cols, in, s, got, 0);
            int bad = got[n] != -7.0f || (n && memcmp(got, want, sizeof(float) * n) != 0);
            memcpy(got, in, sizeof(float) * n);
            onnxcc_f32_scale_rows(rows, cols, got, s, got, 0);
            bad |= n && memcmp(got, want, sizeof(float) * n) != 0;
            if (bad) {
                printf("FAIL %s scale_rows %zu x %zu, %d thread(s)\n", isa_names[isa], rows, cols, threads);
                failures++;
            }
        }
        onnxcc_set_num_threads(1);
        free(s);
        free(want);
        free(got);
        free(in);
    }
}

int main(void)
{
    size_t n;
    float *x = inputs(&n);
    const size_t big = 1000003; /* several tasks per thread */
    float *xb = malloc(sizeof(float) * big), *want = malloc(sizeof(float) * n);
    for (size_t i = 0; i < big; i++)
        xb[i] = x[(i * 7) % n];
    onnxcc_set_num_threads(1);
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isa_names[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        for (int kind = 0; kind < NUM_KINDS; kind++) {
            check_values(isa, kind, x, n);
            const OnnxccAct act = make_act(kind);
            onnxcc_f32_act(n, act, x, want, 0);
            check_sizes(isa, kind, x, want, n);
            check_threads(isa, kind, xb, big);
        }
        check_limits(isa);
        check_scale(isa, x);
    }
    unsetenv("ONNXCC_ISA");
    onnxcc_set_num_threads(0);
    free(x);
    free(xb);
    free(want);
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("all activation checks passed\n");
    return 0;
}
