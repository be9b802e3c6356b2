/* qadd_avx512.c — the quantized Add with AVX-512F, 64 bytes a step: bytes
 * widened to int32 and converted to float, fma(a, ra, fma(b, rb, k)),
 * vcvtps2dq (nearest, ties to even), max with 0 (an out-of-range value's
 * INT32_MIN included) and unsigned saturation to bytes (vpmovusdb).  A
 * tail runs the same step on a zero-padded copy.  The reference loop's
 * bytes (fast/qadd.h). */
#include "qadd.h"

#include <immintrin.h>
#include <string.h>

static inline __m128i sixteen(const uint8_t *a, const uint8_t *b, __m512 ra, __m512 rb, __m512 k)
{
    __m512 fa = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)a)));
    __m512 fb = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)b)));
    __m512i v = _mm512_cvtps_epi32(_mm512_fmadd_ps(fa, ra, _mm512_fmadd_ps(fb, rb, k)));
    return _mm512_cvtusepi32_epi8(_mm512_max_epi32(v, _mm512_setzero_si512()));
}

void onnxcc_u8_qadd_avx512(size_t n, const uint8_t *a, const uint8_t *b, QAddConsts q, uint8_t *c)
{
    const __m512 ra = _mm512_set1_ps(q.ra), rb = _mm512_set1_ps(q.rb), k = _mm512_set1_ps(q.k);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m128i c0 = sixteen(a + i, b + i, ra, rb, k), c1 = sixteen(a + i + 16, b + i + 16, ra, rb, k);
        __m128i c2 = sixteen(a + i + 32, b + i + 32, ra, rb, k), c3 = sixteen(a + i + 48, b + i + 48, ra, rb, k);
        _mm_storeu_si128((__m128i *)(c + i), c0);
        _mm_storeu_si128((__m128i *)(c + i + 16), c1);
        _mm_storeu_si128((__m128i *)(c + i + 32), c2);
        _mm_storeu_si128((__m128i *)(c + i + 48), c3);
    }
    for (; i + 16 <= n; i += 16)
        _mm_storeu_si128((__m128i *)(c + i), sixteen(a + i, b + i, ra, rb, k));
    if (i < n) {
        uint8_t ta[16] = {0}, tb[16] = {0}, tc[16];
        memcpy(ta, a + i, n - i);
        memcpy(tb, b + i, n - i);
        _mm_storeu_si128((__m128i *)tc, sixteen(ta, tb, ra, rb, k));
        memcpy(c + i, tc, n - i);
    }
}
