/* matmul_pack_avx512.c — matmul_pack.h's 16 x 16 transpose for AVX-512F
 * (a B stored [N][K] into matmul.c's strip, strided.c's tiles): the 16
 * rows loaded as 16 vectors (masked past the columns), transposed in
 * registers (pairs, then quads within 128-bit lanes, then the lanes), each
 * column stored as a row of the destination, the next lines of the source
 * rows prefetched.  Moves the values only: the same bits as a scalar loop. */
#include <immintrin.h>

#include "matmul_pack.h"

/* How far ahead along each source row the transpose asks for it: four
 * lines (16 streams are more than the prefetchers follow; a tall A packed
 * from L3, 3136 x 384, went 2.14 -> 1.26 ms with it, one Zen 5 core). */
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

void onnxcc_f32_transpose16_avx512(const float *src, size_t lds, size_t rows, size_t cols, float *dst, size_t ldd)
{
    __m512 col[16];
    transpose16(src, lds, rows, cols, col);
    const __mmask16 m = rows >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rows) - 1u);
    for (size_t k = 0; k < cols; k++)
        _mm512_mask_storeu_ps(dst + k * ldd, m, col[k]);
}
