/* qgemm_avx2.c — the quantized matrix-vector kernel with AVX2: four weight
 * rows at a time, 16 values of K per step, the input bytes zero-extended
 * to 16 bits less the zero point (-255 .. 255) and the weights
 * sign-extended, multiplied and pair-summed by vpmaddwd (|pair| <= 65280:
 * no saturation, unlike vpmaddubsw's 16-bit sums).  The K % 16 tail is
 * summed in scalar code; the next block's lines are prefetched meanwhile.
 * Sums are exact, so the reference values. */
#include "qgemm.h"

#include <immintrin.h>

static inline int32_t hsum(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

static inline __m256i wload(const int8_t *p) { return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p)); }

static int32_t tail(int k, int K, const uint8_t *x, uint8_t x_zp, const int8_t *w)
{
    int32_t s = 0;
    for (; k < K; k++)
        s += ((int32_t)x[k] - x_zp) * w[k];
    return s;
}

void onnxcc_u8s8_gemv_avx2(int nr, int K, const uint8_t *x, uint8_t x_zp, const int8_t *w, int32_t *acc)
{
    const __m256i zp = _mm256_set1_epi16(x_zp);
    const int K16 = K & ~15;
    int j = 0;
    for (; j + 4 <= nr; j += 4) {
        const int8_t *w0 = w + (size_t)j * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        const int8_t *pf = w3 + K; /* the next block, prefetched meanwhile */
        for (int k = 0; k < K16; k += 16) {
            if (!(k & 63)) {
                _mm_prefetch((const char *)(pf + k), _MM_HINT_T0);
                _mm_prefetch((const char *)(pf + K + k), _MM_HINT_T0);
                _mm_prefetch((const char *)(pf + 2 * (size_t)K + k), _MM_HINT_T0);
                _mm_prefetch((const char *)(pf + 3 * (size_t)K + k), _MM_HINT_T0);
            }
            const __m256i xv =
                _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(x + k))), zp);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, wload(w0 + k)));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(xv, wload(w1 + k)));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(xv, wload(w2 + k)));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(xv, wload(w3 + k)));
        }
        acc[j] = hsum(a0) + tail(K16, K, x, x_zp, w0);
        acc[j + 1] = hsum(a1) + tail(K16, K, x, x_zp, w1);
        acc[j + 2] = hsum(a2) + tail(K16, K, x, x_zp, w2);
        acc[j + 3] = hsum(a3) + tail(K16, K, x, x_zp, w3);
    }
    for (; j < nr; j++) {
        const int8_t *w0 = w + (size_t)j * K;
        __m256i a0 = _mm256_setzero_si256();
        for (int k = 0; k < K16; k += 16) {
            const __m256i xv =
                _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(x + k))), zp);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, wload(w0 + k)));
        }
        acc[j] = hsum(a0) + tail(K16, K, x, x_zp, w0);
    }
}
