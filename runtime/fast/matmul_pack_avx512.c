/* matmul_pack_avx512.c — matmul_pack.h's block packing for AVX-512F (and
 * the same 16 x 16 transpose for the strided copy, strided.c): the
 * 16 rows loaded as 16 vectors (masked past kn), transposed in registers
 * (pairs, then quads within 128-bit lanes, then the lanes), each k's column
 * stored whole, the next lines of the rows prefetched.  Moves the values
 * only: the same bits as the scalar loop. */
#include <immintrin.h>

#include "matmul_pack.h"

/* How far ahead along each row the packing asks for A: four lines.  A
 * tall A read from L3 (3136 x 384, a ConvNeXt MLP's second product) spent
 * as long in the packing as in the product without it: 3136 x 384 x 96
 * 2.14 -> 1.26 ms, 12 attention products 197 x 197 x 64 0.52 -> 0.33 ms,
 * one core of a Zen 5. */
#define PACK_PF_FLOATS 64

/* The 16 x 16 block of rows a[i*lda ..], k < kn, i < rows (zeros past
 * them), transposed: col[k] holds a[i*lda + k] in lane i. */
static inline void transpose16(const float *a, size_t lda, size_t rows, size_t kn, __m512 col[16])
{
    const __mmask16 m = kn >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << kn) - 1u);
    __m512 r[16], t[16], u[16];
    for (size_t i = 0; i < 16; i++) {
        r[i] = i < rows ? _mm512_maskz_loadu_ps(m, a + i * lda) : _mm512_setzero_ps();
        if (i < rows) /* the rows' next lines: 16 streams are more than the prefetchers follow */
            _mm_prefetch((const char *)(a + i * lda + PACK_PF_FLOATS), _MM_HINT_T0);
    }
    for (int i = 0; i < 16; i += 2) { /* rows i, i+1 interleaved: k 0,1 | 4,5 | ... and 2,3 | 6,7 | ... */
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 16; g += 4) { /* u[g + j]: rows g .. g+3 at k = j, j+4, j+8, j+12 (128-bit lanes) */
        u[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
        u[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
        u[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        u[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        const __m512 s0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x44);
        const __m512 s1 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xEE);
        const __m512 s2 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x44);
        const __m512 s3 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xEE);
        col[j] = _mm512_shuffle_f32x4(s0, s2, 0x88);
        col[j + 4] = _mm512_shuffle_f32x4(s0, s2, 0xDD);
        col[j + 8] = _mm512_shuffle_f32x4(s1, s3, 0x88);
        col[j + 12] = _mm512_shuffle_f32x4(s1, s3, 0xDD);
    }
}

void onnxcc_f32_pack16_avx512(const float *a, size_t lda, size_t rows, size_t kn, float *dst)
{
    __m512 col[16];
    transpose16(a, lda, rows, kn, col);
    for (size_t k = 0; k < kn; k++)
        _mm512_storeu_ps(dst + k * 16, col[k]);
}

void onnxcc_f32_transpose16_avx512(const float *src, size_t lds, size_t rows, size_t cols, float *dst, size_t ldd)
{
    __m512 col[16];
    transpose16(src, lds, rows, cols, col);
    const __mmask16 m = rows >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rows) - 1u);
    for (size_t k = 0; k < cols; k++)
        _mm512_mask_storeu_ps(dst + k * ldd, m, col[k]);
}
