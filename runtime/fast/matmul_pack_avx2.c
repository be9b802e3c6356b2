/* matmul_pack_avx2.c — matmul_pack.h's A packing for AVX2: a whole block
 * of 16 rows x 16 k as four 8 x 8 transposes in registers (pairs, then
 * quads, then the 128-bit halves), blocks cut short by the rows or k left
 * element by element.  Moves the values only: the same bits as the scalar
 * packing. */
#include <immintrin.h>

#include "matmul_pack.h"

/* dst[k*16 + i] = a[i*lda + k] for i, k < 8. */
static void transpose8(const float *a, size_t lda, float *dst)
{
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++)
        r[i] = _mm256_loadu_ps(a + (size_t)i * lda);
    for (int i = 0; i < 8; i += 2) { /* rows i, i+1 interleaved */
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 8; g += 4) { /* u[g + j]: rows g .. g+3 at k = j and j + 4 */
        u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
        u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
        u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        _mm256_storeu_ps(dst + (size_t)j * 16, _mm256_permute2f128_ps(u[j], u[4 + j], 0x20));
        _mm256_storeu_ps(dst + (size_t)(j + 4) * 16, _mm256_permute2f128_ps(u[j], u[4 + j], 0x31));
    }
}

void onnxcc_f32_pack16_avx2(const float *a, size_t lda, size_t rows, size_t kn, float *dst)
{
    if (rows == 16 && kn == 16) {
        for (size_t i0 = 0; i0 < 16; i0 += 8)
            for (size_t k0 = 0; k0 < 16; k0 += 8)
                transpose8(a + i0 * lda + k0, lda, dst + k0 * 16 + i0);
        return;
    }
    fast_pack16_scalar(a, lda, rows, kn, dst);
}
