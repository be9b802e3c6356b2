/* vec_avx512.h — small vector helpers over AVX-512F zmm registers (16
 * floats, __mmask16 lane masks), for the kernel templates written once for
 * every ISA (dwconv_direct.h, pool_rows.h, add2.h; see there for what each helper
 * means), and the 16 x 16 transpose in registers of the grouped convs and
 * the channels-in-lanes depthwise kernel.  Included by files compiled with
 * -mavx512f only. */
#ifndef ONNXCC_VEC_AVX512_H
#define ONNXCC_VEC_AVX512_H

#include <immintrin.h>

#include "fast.h"
#include "onnxcc/rt.h"

#define DV __m512
#define DM __mmask16
#define DL 16

/* r[i] <- column i of the 16 x 16 matrix whose row j was r[j]. */
static inline __attribute__((always_inline)) void v16_transpose(__m512 r[16])
{
    __m512 t[16];
    FAST_UNROLL
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    FAST_UNROLL
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    FAST_UNROLL
    for (int h = 0; h < 16; h += 8)
        FAST_UNROLL
        for (int i = 0; i < 4; i++) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
        }
    FAST_UNROLL
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}

static inline DV dv_set1(float f)
{
    return _mm512_set1_ps(f);
}

static inline DV dv_fma(DV a, DV b, DV c)
{
    return _mm512_fmadd_ps(a, b, c);
}

static inline DV dv_mul(DV a, DV b)
{
    return _mm512_mul_ps(a, b);
}

static inline DV dv_add(DV a, DV b)
{
    return _mm512_add_ps(a, b);
}

static inline DM dv_lanes(long c, long w)
{
    if (c >= 0 && c + DL <= w)
        return (DM)0xffff;
    const long lo = c < 0 ? -c : 0, hi = w - c < DL ? w - c : DL;
    if (lo >= hi)
        return 0;
    return (DM)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

static inline DM dv_lane0(DM m)
{
    return (DM)(m & 1u);
}

/* Lane k set where bit k of b is. */
static inline DM dv_bits(unsigned b)
{
    return (DM)b;
}

static inline DV dv_load(const float *p)
{
    return _mm512_loadu_ps(p);
}

static inline DV dv_loadz(const float *p, DM m)
{
    return _mm512_maskz_loadu_ps(m, p);
}

static inline DV dv_pre(DV v, DM m, DV a, DV b, DV lo)
{
    return _mm512_max_ps(lo, _mm512_maskz_fmadd_ps(m, v, a, b)); /* max(lo, NaN) is NaN */
}

static inline void dv_deint(DV a, DV b, DV c, DV t[3])
{
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    t[0] = _mm512_permutex2var_ps(a, even, b);
    t[1] = _mm512_permutex2var_ps(a, odd, b);
    /* x[2k + 2]: t[0] one lane down, x[32] (lane 0 of c) on top */
    t[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(c), _mm512_castps_si512(t[0]), 1));
}

/* v[k + c] in lanes k >= -c, fill below, for -DL < c < 0. */
static inline DV dv_up(DV v, long c, DV fill)
{
    const __m512i at = _mm512_add_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                        _mm512_set1_epi32((int)(DL + c)));
    return _mm512_permutex2var_ps(fill, at, v); /* indices 16.. pick v */
}

/* Lanes of m from a, the others from b. */
static inline DV dv_select(DM m, DV a, DV b)
{
    return _mm512_mask_blend_ps(m, b, a);
}

/* Lanes j .. j+DL-1 of the concatenation a:b, j = 1, 2 or DL - 1. */
static inline DV dv_shift(DV a, DV b, int j)
{
    const __m512i ai = _mm512_castps_si512(a), bi = _mm512_castps_si512(b);
    return _mm512_castsi512_ps(j == 1   ? _mm512_alignr_epi32(bi, ai, 1)
                               : j == 2 ? _mm512_alignr_epi32(bi, ai, 2)
                                        : _mm512_alignr_epi32(bi, ai, 15));
}

/* Integer lanes (column indices). */
#define DI __m512i

static inline DI di_iota(void)
{
    return _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}

static inline DI di_add1(DI c, int v)
{
    return _mm512_add_epi32(c, _mm512_set1_epi32(v));
}

/* c - w in the lanes where c >= w. */
static inline DI di_wrap(DI c, int w)
{
    const __m512i wv = _mm512_set1_epi32(w);
    return _mm512_mask_sub_epi32(c, _mm512_cmpge_epi32_mask(c, wv), c, wv);
}

/* Lanes where lo <= c <= hi. */
static inline DM di_within(DI c, int lo, int hi)
{
    return _mm512_cmpge_epi32_mask(c, _mm512_set1_epi32(lo)) &
           _mm512_cmple_epi32_mask(c, _mm512_set1_epi32(hi));
}

static inline DV dv_min(DV a, DV v)
{
    return _mm512_min_ps(a, v); /* a < v ? a : v */
}

static inline DV dv_max(DV a, DV v)
{
    return _mm512_max_ps(a, v); /* a > v ? a : v */
}

static inline DV dv_leaky(DV v, DV a)
{
    return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), v, a);
}

static inline void dv_store(float *p, DV v, int n)
{
    if (n == DL)
        _mm512_storeu_ps(p, v);
    else
        _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1u), v);
}

/* For vmath.h: arithmetic, sign bits, comparisons, rounding, scaling. */
static inline DV dv_sub(DV a, DV b)
{
    return _mm512_sub_ps(a, b);
}

static inline DV dv_div(DV a, DV b)
{
    return _mm512_div_ps(a, b);
}

/* c - a*b */
static inline DV dv_fnma(DV a, DV b, DV c)
{
    return _mm512_fnmadd_ps(a, b, c);
}

/* Bitwise on floats by integer ops (the float forms need AVX-512DQ). */
static inline DV dv_and(DV a, DV b)
{
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}

static inline DV dv_andnot(DV a, DV b) /* ~a & b */
{
    return _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}

static inline DV dv_or(DV a, DV b)
{
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}

/* Lanes where a < b (false where either is NaN). */
static inline DM dv_lt(DV a, DV b)
{
    return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ);
}

/* To the nearest integer, ties to even. */
static inline DV dv_round(DV v)
{
    return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

/* p * 2^n for integral n: overflow to inf, gradual underflow, one rounding. */
static inline DV dv_ldexp(DV p, DV n)
{
    return _mm512_scalef_ps(p, n);
}

/* p * 2^n where the result is a normal float (vec_avx2.h's exponent
 * add): scalef gives those exactly too. */
static inline DV dv_ldexp_normal(DV p, DV n)
{
    return dv_ldexp(p, n);
}

static inline void dv_storeu(float *p, DV v)
{
    _mm512_storeu_ps(p, v);
}

/* A convolution epilogue's activation of the kinds the GEMM and direct
 * tiles apply in registers (conv2d_<isa>.c, conv2d_group_<isa>.c); the
 * others (fast_act_after) run after the store. */
static inline __attribute__((always_inline)) __m512 act_ps(const OnnxccAct *act, __m512 v)
{
    const __m512 zero = _mm512_setzero_ps();
    switch (act->kind) {
    case ONNXCC_ACT_RELU: /* max(0, v) keeps NaN, as the reference */
        return _mm512_max_ps(zero, v);
    case ONNXCC_ACT_CLIP:
        v = _mm512_max_ps(_mm512_set1_ps(act->a), v);
        return _mm512_min_ps(_mm512_set1_ps(act->b), v);
    case ONNXCC_ACT_LEAKYRELU:
        return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v,
                                  _mm512_set1_ps(act->a));
    default: /* none; the kinds of fast_act_after are applied after the store */
        return v;
    }
}

#endif /* ONNXCC_VEC_AVX512_H */
