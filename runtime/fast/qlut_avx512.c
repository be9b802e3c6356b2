/* qlut_avx512.c — the byte table with AVX-512 VBMI, 64 bytes a step: two
 * vpermi2b look the low 7 bits up in the table's halves, the top bit
 * (vpmovb2m) picks the half.  The tail runs on masked loads and stores.
 * The reference loop's bytes. */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

void onnxcc_u8_lut_avx512(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y);

void onnxcc_u8_lut_avx512(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y)
{
    const __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
    const __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 m = n - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - i)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi8(m, x + i);
        const __m512i lo = _mm512_permutex2var_epi8(t0, v, t1), hi = _mm512_permutex2var_epi8(t2, v, t3);
        _mm512_mask_storeu_epi8(y + i, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), lo, hi));
    }
}
