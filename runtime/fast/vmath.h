/* vmath.h — float vector math for the activations (exp, sigmoid, tanh, erf
 * and what is built from them), written once over the helpers of
 * vec_<isa>.h, which the including file includes first.  Every lane is
 * computed alone (no lane's value depends on another's), so a value gets
 * the same bits in a full vector and in a masked tail.
 *
 * The polynomials are minimax fits (relative error, coefficients rounded to
 * float one at a time, each refit after the last): exp on [-ln2/2, ln2/2],
 * tanh on [0, 0.625], erf on [0, 1], and erfc(x) e^(x^2) x on [0.75, 9.4]
 * in 1/x.  Max errors against the correctly rounded values: see tests/act. */
#ifndef ONNXCC_VMATH_H
#define ONNXCC_VMATH_H

#define VM_INLINE static inline __attribute__((always_inline))

VM_INLINE DV vm_sign(DV v)
{
    return dv_and(v, dv_set1(-0.0f));
}

VM_INLINE DV vm_abs(DV v)
{
    return dv_andnot(dv_set1(-0.0f), v);
}

/* e^r for |r| <= ln2/2 (1 + r + r^2 P(r), P of degree 5 in Estrin's
 * form, three products deep: the sigmoid's chain of dependent steps limits
 * its throughput on AVX2, and Horner's form was 1.55 / 1.38 elements per ns
 * for the sigmoid and SiLU against 1.73 / 1.55, Zen 2). */
VM_INLINE DV vm_exp_poly(DV r)
{
    const DV r2 = dv_mul(r, r);
    const DV p67 = dv_fma(dv_set1(1.994681952e-04f), r, dv_set1(1.393508632e-03f));
    const DV p45 = dv_fma(dv_set1(8.333205245e-03f), r, dv_set1(4.166646302e-02f));
    const DV p23 = dv_fma(dv_set1(1.666666716e-01f), r, dv_set1(0.5f));
    return dv_add(dv_fma(dv_fma(dv_fma(p67, r2, p45), r2, p23), r2, r), dv_set1(1.0f));
}

/* e^x: x = n ln2 + r, |r| <= ln2/2 (ln2 split in two, the high part's 16
 * bits times any |n| <= 150 exact), e^r by vm_exp_poly, times 2^n.
 * Inputs are clamped to [-104, 89] (e^-104 rounds to 0, e^89 overflows to
 * inf), NaN kept. */
VM_INLINE DV vm_exp(DV x)
{
    x = dv_min(dv_set1(89.0f), dv_max(dv_set1(-104.0f), x));
    const DV n = dv_round(dv_mul(x, dv_set1(1.44269504089f)));
    DV r = dv_fma(n, dv_set1(-0.693145751953125f), x);
    r = dv_fma(n, dv_set1(-1.42860682e-6f), r);
    const DV p = vm_exp_poly(r);
    return dv_ldexp(p, n);
}

/* vm_exp(x) for x <= 0 (or NaN), the same bits in fewer steps: e^r 2^(n+64)
 * is a normal float for every n >= -150, so the power of two goes into the
 * exponent field in one exact step (dv_ldexp_normal), and the one rounding
 * of a denormal result happens in the product by 2^-64, as vm_exp's second
 * factor rounds it.  No upper clamp.  On AVX2 (Zen 2) the sigmoid and SiLU
 * were 1.26 and 1.23 elements per ns on vm_exp. */
VM_INLINE DV vm_exp_neg(DV x)
{
    x = dv_max(dv_set1(-104.0f), x);
    const DV n = dv_round(dv_mul(x, dv_set1(1.44269504089f)));
    DV r = dv_fma(n, dv_set1(-0.693145751953125f), x);
    r = dv_fma(n, dv_set1(-1.42860682e-6f), r);
    const DV p = vm_exp_poly(r);
    return dv_mul(dv_ldexp_normal(p, dv_add(n, dv_set1(64.0f))), dv_set1(0x1p-64f));
}

/* 1 / (1 + e^-v) as 1 / (1 + e) for v >= 0 and e / (1 + e) below, e =
 * e^-|v|: never overflows, one rounding after the exponential; exactly 1
 * and 0 (or a denormal) at the ends. */
VM_INLINE DV vm_sigmoid(DV v)
{
    const DV e = vm_exp_neg(dv_or(v, dv_set1(-0.0f)));
    const DV one = dv_set1(1.0f);
    return dv_div(dv_select(dv_lt(v, dv_set1(0.0f)), e, one), dv_add(one, e));
}

/* Below 0.625 an odd polynomial (exact relative accuracy near 0), above
 * 1 - 2 / (e^2|v| + 1) (e^2|v| = inf gives 1); the sign of v put back. */
VM_INLINE DV vm_tanh(DV v)
{
    const DV a = vm_abs(v), t = dv_mul(a, a);
    DV p = dv_fma(dv_set1(2.157635754e-03f), t, dv_set1(-8.195086382e-03f));
    p = dv_fma(p, t, dv_set1(2.170874923e-02f));
    p = dv_fma(p, t, dv_set1(-5.394846201e-02f));
    p = dv_fma(p, t, dv_set1(1.333322227e-01f));
    p = dv_fma(p, t, dv_set1(-3.333333135e-01f));
    const DV small = dv_fma(dv_mul(a, t), p, a);
    const DV one = dv_set1(1.0f);
    const DV large = dv_sub(one, dv_div(dv_set1(2.0f), dv_add(vm_exp(dv_add(a, a)), one)));
    return dv_or(dv_select(dv_lt(a, dv_set1(0.625f)), small, large), vm_sign(v));
}

/* erf(a) and erfc(a) = 1 - erf(a) for a = |x| (or NaN) with a^2 = sq_hi +
 * sq_lo exactly: below 0.75 erf by a polynomial, erfc as 1 - erf; above
 * erfc = e^-a^2 S(1/a) / a with relative accuracy (the gelu of large
 * negative inputs needs it), erf as 1 - erfc.  S is evaluated at min(a, 9.4)
 * (erfc(9.4) is below the normal floats). */
VM_INLINE void vm_erf_parts(DV a, DV sq_hi, DV sq_lo, DV *erf, DV *erfc)
{
    const DV one = dv_set1(1.0f);
    DV p = dv_fma(dv_set1(-4.279716450e-05f), sq_hi, dv_set1(-4.374976561e-04f));
    p = dv_fma(p, sq_hi, dv_set1(4.780007061e-03f));
    p = dv_fma(p, sq_hi, dv_set1(-2.664247714e-02f));
    p = dv_fma(p, sq_hi, dv_set1(1.127864197e-01f));
    p = dv_fma(p, sq_hi, dv_set1(-3.761220276e-01f));
    p = dv_fma(p, sq_hi, dv_set1(1.128379107e+00f));
    const DV es = dv_mul(a, p);

    const DV r = dv_div(one, dv_min(dv_set1(9.4f), dv_max(dv_set1(0.75f), a)));
    const DV u = dv_sub(r, dv_set1(0.6f));
    DV s = dv_fma(dv_set1(1.049362775e-02f), u, dv_set1(-2.777318703e-03f));
    s = dv_fma(s, u, dv_set1(-4.225939885e-02f));
    s = dv_fma(s, u, dv_set1(6.672444940e-02f));
    s = dv_fma(s, u, dv_set1(-4.066098854e-02f));
    s = dv_fma(s, u, dv_set1(-5.931422114e-03f));
    s = dv_fma(s, u, dv_set1(5.159838870e-02f));
    s = dv_fma(s, u, dv_set1(-8.428536355e-02f));
    s = dv_fma(s, u, dv_set1(8.017409593e-02f));
    s = dv_fma(s, u, dv_set1(-7.003092207e-03f));
    s = dv_fma(s, u, dv_set1(-1.713801324e-01f));
    s = dv_fma(s, u, dv_set1(4.938124716e-01f));
    const DV e = vm_exp_neg(dv_sub(dv_set1(0.0f), sq_hi));
    const DV cl = dv_mul(dv_mul(dv_fnma(e, sq_lo, e), s), r); /* e^-lo ~ 1 - lo */

    const DM small = dv_lt(a, dv_set1(0.75f));
    *erf = dv_select(small, es, dv_sub(one, cl));
    *erfc = dv_select(small, dv_sub(one, es), cl);
}

VM_INLINE DV vm_erf(DV x)
{
    const DV a = dv_min(dv_set1(10.0f), vm_abs(x)); /* keeps NaN, a*a finite */
    const DV hi = dv_mul(a, a), lo = dv_fma(a, a, dv_sub(dv_set1(0.0f), hi));
    DV e, c;
    vm_erf_parts(a, hi, lo, &e, &c);
    return dv_or(e, vm_sign(x));
}

/* v/2 (1 + erf(v/sqrt2)): for v < 0 as v/2 erfc(|v|/sqrt2), no cancellation;
 * (v/sqrt2)^2 as v^2/2 exactly. */
VM_INLINE DV vm_gelu(DV v)
{
    const DV w = dv_min(dv_set1(16.0f), vm_abs(v)); /* keeps NaN; e^-(w*w/2) = 0 at 16 */
    const DV half = dv_set1(0.5f), hi = dv_mul(w, w);
    const DV lo = dv_fma(w, w, dv_sub(dv_set1(0.0f), hi));
    DV e, c;
    vm_erf_parts(dv_mul(w, dv_set1(0.707106781f)), dv_mul(hi, half), dv_mul(lo, half), &e, &c);
    const DM neg = dv_lt(v, dv_set1(0.0f));
    return dv_mul(dv_mul(v, half), dv_select(neg, c, dv_add(dv_set1(1.0f), e)));
}

/* min(1, max(0, v)), NaN kept. */
VM_INLINE DV vm_clamp01(DV v)
{
    return dv_min(dv_set1(1.0f), dv_max(dv_set1(0.0f), v));
}

/* act(v) for act->kind == kind, in fast_act's operation order for the
 * cheap kinds (no fused multiply-add: the same bits as the scalar code). */
VM_INLINE DV vm_act(int kind, const OnnxccAct *act, DV v)
{
    switch (kind) {
    case ONNXCC_ACT_RELU:
        return dv_max(dv_set1(0.0f), v);
    case ONNXCC_ACT_CLIP:
        return dv_min(dv_set1(act->b), dv_max(dv_set1(act->a), v));
    case ONNXCC_ACT_LEAKYRELU:
        return dv_leaky(v, dv_set1(act->a));
    case ONNXCC_ACT_SIGMOID:
        return vm_sigmoid(v);
    case ONNXCC_ACT_HARDSIGMOID:
        return vm_clamp01(dv_add(dv_mul(dv_set1(act->a), v), dv_set1(act->b)));
    case ONNXCC_ACT_HARDSWISH:
        return dv_mul(v, vm_clamp01(dv_add(dv_mul(v, dv_set1(1.0f / 6.0f)), dv_set1(0.5f))));
    case ONNXCC_ACT_SILU:
        return dv_mul(v, vm_sigmoid(v));
    case ONNXCC_ACT_TANH:
        return vm_tanh(v);
    case ONNXCC_ACT_GELU:
        return vm_gelu(v);
    case ONNXCC_ACT_EXP:
        return vm_exp(v);
    case ONNXCC_ACT_ERF:
        return vm_erf(v);
    default:
        return v;
    }
}

#endif /* ONNXCC_VMATH_H */
