/* qadd_avx2.c — the quantized Add with AVX2 + FMA, 32 bytes a step: bytes
 * widened to int32 and converted to float, fma(a, ra, fma(b, rb, k)),
 * vcvtps2dq (nearest, ties to even), saturating packs to bytes and one
 * lane permutation back to memory order.  A tail runs the same step on a
 * zero-padded copy.  The reference loop's bytes (fast/qadd.h). */
#include "qadd.h"

#include <immintrin.h>
#include <string.h>

static inline __m256i eight(const uint8_t *p, __m256 ra, __m256 rb, __m256 k, const uint8_t *q)
{
    __m256 fa = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
    __m256 fb = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)q)));
    return _mm256_cvtps_epi32(_mm256_fmadd_ps(fa, ra, _mm256_fmadd_ps(fb, rb, k)));
}

static inline __m256i step32(const uint8_t *a, const uint8_t *b, __m256 ra, __m256 rb, __m256 k)
{
    __m256i s0 = eight(a, ra, rb, k, b), s1 = eight(a + 8, ra, rb, k, b + 8);
    __m256i s2 = eight(a + 16, ra, rb, k, b + 16), s3 = eight(a + 24, ra, rb, k, b + 24);
    /* per 128-bit lane: dwords s0[0..3] s1[0..3] s2[0..3] s3[0..3] | s0[4..7] ... */
    __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(s0, s1), _mm256_packs_epi32(s2, s3));
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void onnxcc_u8_qadd_avx2(size_t n, const uint8_t *a, const uint8_t *b, QAddConsts q, uint8_t *c)
{
    const __m256 ra = _mm256_set1_ps(q.ra), rb = _mm256_set1_ps(q.rb), k = _mm256_set1_ps(q.k);
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(c + i), step32(a + i, b + i, ra, rb, k));
    if (i < n) {
        uint8_t ta[32] = {0}, tb[32] = {0}, tc[32];
        memcpy(ta, a + i, n - i);
        memcpy(tb, b + i, n - i);
        _mm256_storeu_si256((__m256i *)tc, step32(ta, tb, ra, rb, k));
        memcpy(c + i, tc, n - i);
    }
}
