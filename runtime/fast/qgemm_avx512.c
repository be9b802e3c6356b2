/* qgemm_avx512.c — the quantized matrix-vector kernel with AVX-512 VNNI:
 * four weight rows at a time, 64 bytes of K per step (the tail masked),
 * vpdpbusd of the input bytes and of a vector of ones (the row sums, so
 * the input's zero point comes out exactly: sum (x - zp) w = sum x w -
 * zp sum w), the next block's lines prefetched meanwhile (cold weights,
 * one thread, Zen 5: DenseNet-121's classifier 103 -> 56 us).  The int32
 * sums are exact, so any order gives the reference values.  Memory-bound
 * on the weights: each weight byte is read once. */
#include "qgemm.h"

#include <immintrin.h>

static inline __mmask64 tail_mask(int left) { return left >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << left) - 1; }

void onnxcc_u8s8_gemv_avx512vnni(int nr, int K, const uint8_t *x, uint8_t x_zp, const int8_t *w, int32_t *acc)
{
    const __m512i ones = _mm512_set1_epi8(1);
    int j = 0;
    for (; j + 4 <= nr; j += 4) {
        const int8_t *w0 = w + (size_t)j * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        __m512i s0 = a0, s1 = a0, s2 = a0, s3 = a0;
        const int8_t *pf = w3 + K; /* the next block: its lines arrive while this one is summed */
        for (int k = 0; k < K; k += 64) {
            const __mmask64 mk = tail_mask(K - k);
            _mm_prefetch((const char *)(pf + k), _MM_HINT_T0);
            _mm_prefetch((const char *)(pf + K + k), _MM_HINT_T0);
            _mm_prefetch((const char *)(pf + 2 * (size_t)K + k), _MM_HINT_T0);
            _mm_prefetch((const char *)(pf + 3 * (size_t)K + k), _MM_HINT_T0);
            const __m512i xv = _mm512_maskz_loadu_epi8(mk, x + k);
            const __m512i v0 = _mm512_maskz_loadu_epi8(mk, w0 + k), v1 = _mm512_maskz_loadu_epi8(mk, w1 + k);
            const __m512i v2 = _mm512_maskz_loadu_epi8(mk, w2 + k), v3 = _mm512_maskz_loadu_epi8(mk, w3 + k);
            a0 = _mm512_dpbusd_epi32(a0, xv, v0);
            a1 = _mm512_dpbusd_epi32(a1, xv, v1);
            a2 = _mm512_dpbusd_epi32(a2, xv, v2);
            a3 = _mm512_dpbusd_epi32(a3, xv, v3);
            s0 = _mm512_dpbusd_epi32(s0, ones, v0);
            s1 = _mm512_dpbusd_epi32(s1, ones, v1);
            s2 = _mm512_dpbusd_epi32(s2, ones, v2);
            s3 = _mm512_dpbusd_epi32(s3, ones, v3);
        }
        const __m512i zp = _mm512_set1_epi32(x_zp);
        acc[j] = _mm512_reduce_add_epi32(_mm512_sub_epi32(a0, _mm512_mullo_epi32(zp, s0)));
        acc[j + 1] = _mm512_reduce_add_epi32(_mm512_sub_epi32(a1, _mm512_mullo_epi32(zp, s1)));
        acc[j + 2] = _mm512_reduce_add_epi32(_mm512_sub_epi32(a2, _mm512_mullo_epi32(zp, s2)));
        acc[j + 3] = _mm512_reduce_add_epi32(_mm512_sub_epi32(a3, _mm512_mullo_epi32(zp, s3)));
    }
    for (; j < nr; j++) {
        const int8_t *w0 = w + (size_t)j * K;
        __m512i a0 = _mm512_setzero_si512(), s0 = a0;
        for (int k = 0; k < K; k += 64) {
            const __mmask64 mk = tail_mask(K - k);
            const __m512i v0 = _mm512_maskz_loadu_epi8(mk, w0 + k);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_maskz_loadu_epi8(mk, x + k), v0);
            s0 = _mm512_dpbusd_epi32(s0, ones, v0);
        }
        acc[j] = _mm512_reduce_add_epi32(_mm512_sub_epi32(a0, _mm512_mullo_epi32(_mm512_set1_epi32(x_zp), s0)));
    }
}
