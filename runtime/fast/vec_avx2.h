/* vec_avx2.h — small vector helpers over AVX2 + FMA ymm registers (8
 * floats, lane masks as integer vectors), for the kernel templates written
 * once for every ISA (dwconv_direct.h, pool_rows.h, add2.h; see there for what each
 * helper means).  Included by files compiled with -mavx2 -mfma only. */
#ifndef ONNXCC_VEC_AVX2_H
#define ONNXCC_VEC_AVX2_H

#include <immintrin.h>

#include "onnxcc/rt.h"
#include <string.h>

#define DV __m256
#define DM __m256i
#define DL 8

static inline DV dv_set1(float f)
{
    return _mm256_set1_ps(f);
}

static inline DV dv_fma(DV a, DV b, DV c)
{
    return _mm256_fmadd_ps(a, b, c);
}

static inline DV dv_mul(DV a, DV b)
{
    return _mm256_mul_ps(a, b);
}

static inline DV dv_add(DV a, DV b)
{
    return _mm256_add_ps(a, b);
}

static inline DM dv_lanes(long c, long w)
{
    if (c >= 0 && c + DL <= w)
        return _mm256_set1_epi32(-1);
    if (c + DL <= 0 || c >= w)
        return _mm256_setzero_si256();
    const __m256i col = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)c));
    return _mm256_and_si256(_mm256_cmpgt_epi32(col, _mm256_set1_epi32(-1)),
                            _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w), col));
}

/* Lane k set where bit k of b is. */
static inline DM dv_bits(unsigned b)
{
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)b), bit), bit);
}

static inline DM dv_lane0(DM m)
{
    return _mm256_and_si256(m, _mm256_setr_epi32(-1, 0, 0, 0, 0, 0, 0, 0));
}

static inline DV dv_load(const float *p)
{
    return _mm256_loadu_ps(p);
}

static inline DV dv_loadz(const float *p, DM m)
{
    return _mm256_maskload_ps(p, m);
}

static inline DV dv_pre(DV v, DM m, DV a, DV b, DV lo)
{
    const DV t = _mm256_and_ps(_mm256_fmadd_ps(v, a, b), _mm256_castsi256_ps(m));
    return _mm256_max_ps(lo, t); /* max(lo, NaN) is NaN */
}

static inline void dv_deint(DV a, DV b, DV c, DV t[3])
{
    /* in-lane {a0 a2 b0 b2 | a4 a6 b4 b6}, then 64-bit pairs 0 2 1 3 */
    t[0] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xd8));
    t[1] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xdd)), 0xd8));
    /* x[2k + 2]: t[0] one lane down, x[16] (lane 0 of c) on top */
    const DV down = _mm256_permutevar8x32_ps(t[0], _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0));
    t[2] = _mm256_blend_ps(down, _mm256_broadcastss_ps(_mm256_castps256_ps128(c)), 0x80);
}

/* v[k + c] in lanes k >= -c, fill below, for -DL < c < 0. */
static inline DV dv_up(DV v, long c, DV fill)
{
    const __m256i at = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)c));
    const DV moved = _mm256_permutevar8x32_ps(v, at); /* lanes below -c: don't care */
    return _mm256_blendv_ps(fill, moved, _mm256_castsi256_ps(_mm256_cmpgt_epi32(at, _mm256_set1_epi32(-1))));
}

/* Lanes of m from a, the others from b. */
static inline DV dv_select(DM m, DV a, DV b)
{
    return _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m));
}

/* Lanes j .. j+DL-1 of the concatenation a:b, j = 1, 2 or DL - 1: the
 * 128-bit halves a_hi:b_lo, then a byte shift within each half (DL - 1:
 * b rotated up a lane under a's last). */
static inline DV dv_shift(DV a, DV b, int j)
{
    if (j == DL - 1)
        return _mm256_blend_ps(_mm256_permutevar8x32_ps(b, _mm256_setr_epi32(7, 0, 1, 2, 3, 4, 5, 6)),
                               _mm256_permutevar8x32_ps(a, _mm256_set1_epi32(7)), 0x01);
    const __m256i ai = _mm256_castps_si256(a);
    const __m256i mid = _mm256_castps_si256(_mm256_permute2f128_ps(a, b, 0x21));
    return _mm256_castsi256_ps(j == 1 ? _mm256_alignr_epi8(mid, ai, 4) : _mm256_alignr_epi8(mid, ai, 8));
}

/* Integer lanes (column indices). */
#define DI __m256i

static inline DI di_iota(void)
{
    return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
}

static inline DI di_add1(DI c, int v)
{
    return _mm256_add_epi32(c, _mm256_set1_epi32(v));
}

/* c - w in the lanes where c >= w. */
static inline DI di_wrap(DI c, int w)
{
    const __m256i ge = _mm256_cmpgt_epi32(c, _mm256_set1_epi32(w - 1));
    return _mm256_sub_epi32(c, _mm256_and_si256(ge, _mm256_set1_epi32(w)));
}

/* Lanes where lo <= c <= hi. */
static inline DM di_within(DI c, int lo, int hi)
{
    return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(lo), c),
                               _mm256_cmpgt_epi32(_mm256_set1_epi32(hi + 1), c));
}

static inline DV dv_min(DV a, DV v)
{
    return _mm256_min_ps(a, v); /* a < v ? a : v */
}

static inline DV dv_max(DV a, DV v)
{
    return _mm256_max_ps(a, v); /* a > v ? a : v */
}

static inline DV dv_leaky(DV v, DV a)
{
    return _mm256_blendv_ps(v, _mm256_mul_ps(v, a), _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
}

/* Partial vectors through memory: maskstore is slow on some CPUs. */
static inline void dv_store(float *p, DV v, int n)
{
    if (n == DL) {
        _mm256_storeu_ps(p, v);
    } else {
        float tmp[DL];
        _mm256_storeu_ps(tmp, v);
        memcpy(p, tmp, sizeof(float) * (size_t)n);
    }
}

/* For vmath.h: arithmetic, sign bits, comparisons, rounding, scaling. */
static inline DV dv_sub(DV a, DV b)
{
    return _mm256_sub_ps(a, b);
}

static inline DV dv_div(DV a, DV b)
{
    return _mm256_div_ps(a, b);
}

/* c - a*b */
static inline DV dv_fnma(DV a, DV b, DV c)
{
    return _mm256_fnmadd_ps(a, b, c);
}

static inline DV dv_and(DV a, DV b)
{
    return _mm256_and_ps(a, b);
}

static inline DV dv_andnot(DV a, DV b) /* ~a & b */
{
    return _mm256_andnot_ps(a, b);
}

static inline DV dv_or(DV a, DV b)
{
    return _mm256_or_ps(a, b);
}

/* Lanes where a < b (false where either is NaN). */
static inline DM dv_lt(DV a, DV b)
{
    return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_LT_OQ));
}

/* To the nearest integer, ties to even. */
static inline DV dv_round(DV v)
{
    return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

/* p * 2^n for integral n in [-150, 128] (NaN p: NaN): two exact power-of-two
 * factors, so overflow gives inf and an underflow rounds once. */
static inline DV dv_ldexp(DV p, DV n)
{
    const __m256i k = _mm256_cvtps_epi32(n), bias = _mm256_set1_epi32(127);
    const __m256i k1 = _mm256_srai_epi32(k, 1), k2 = _mm256_sub_epi32(k, k1);
    const DV s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    const DV s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/* p * 2^n for integral n where p and the result are normal floats: n
 * added to p's exponent field, one exact step. */
static inline DV dv_ldexp_normal(DV p, DV n)
{
    const __m256i k = _mm256_slli_epi32(_mm256_cvtps_epi32(n), 23);
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), k));
}

static inline void dv_storeu(float *p, DV v)
{
    _mm256_storeu_ps(p, v);
}

/* A convolution epilogue's activation of the kinds the GEMM and direct
 * tiles apply in registers (conv2d_<isa>.c, conv2d_group_<isa>.c); the
 * others (fast_act_after) run after the store. */
static inline __attribute__((always_inline)) __m256 act_ps(const OnnxccAct *act, __m256 v)
{
    const __m256 zero = _mm256_setzero_ps();
    switch (act->kind) {
    case ONNXCC_ACT_RELU: /* max(0, v) keeps NaN, as the reference */
        return _mm256_max_ps(zero, v);
    case ONNXCC_ACT_CLIP:
        v = _mm256_max_ps(_mm256_set1_ps(act->a), v);
        return _mm256_min_ps(_mm256_set1_ps(act->b), v);
    case ONNXCC_ACT_LEAKYRELU:
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, _mm256_set1_ps(act->a)),
                                _mm256_cmp_ps(v, zero, _CMP_LT_OQ));
    default: /* none; the kinds of fast_act_after are applied after the store */
        return v;
    }
}

#endif /* ONNXCC_VEC_AVX2_H */
