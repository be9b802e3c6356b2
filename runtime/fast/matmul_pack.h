/* matmul_pack.h — matmul.c's helpers: packing A into the GEMM kernels'
 * panels (AVX2 and scalar), one block of up to 16 rows x 16 k at a time,
 * transposed so that k runs along the panel, [k][16]; the AVX-512 16 x 16
 * transpose (B stored [N][K], strided.c's tiles); and the AVX-512 GEMM. */
#ifndef ONNXCC_MATMUL_PACK_H
#define ONNXCC_MATMUL_PACK_H

#include <stddef.h>

/* dst[k*16 + i] = a[i*lda + k] for i < rows, k < kn (rows, kn <= 16);
 * dst[k*16 + i] = 0 for rows <= i < 16. */
typedef void (*FastPack16Fn)(const float *a, size_t lda, size_t rows, size_t kn, float *dst);

/* The portable one (and the AVX2 one's blocks cut short by rows or k),
 * element by element; 16 is fast.h's FAST_PANEL. */
static inline void fast_pack16_scalar(const float *a, size_t lda, size_t rows, size_t kn, float *dst)
{
    for (size_t i = 0; i < 16; i++)
        for (size_t k = 0; k < kn; k++)
            dst[k * 16 + i] = i < rows ? a[i * lda + k] : 0.0f;
}

/* dst[k*ldd + i] = src[i*lds + k] for i < rows, k < cols (rows, cols <=
 * 16); nothing else written (strided.c's tiles). */
typedef void (*FastTransposeFn)(const float *src, size_t lds, size_t rows, size_t cols, float *dst, size_t ldd);

#ifdef ONNXCC_RT_X86_64
void onnxcc_f32_pack16_avx2(const float *a, size_t lda, size_t rows, size_t kn, float *dst);
/* conv2d_avx2.c: the AVX2 GEMM for FastGemm g with one tap, no
 * activation, whose residual, if it is y itself, is taken as the start of
 * the sums: y + a0 b0 + a1 b1 + ..., not (a0 b0 + ...) + y */
struct FastGemm;
void onnxcc_f32_mm_gemm_avx2(const struct FastGemm *g);
void onnxcc_f32_transpose16_avx512(const float *src, size_t lds, size_t rows, size_t cols, float *dst, size_t ldd);
/* matmul_avx512.c: FastGemm g with one tap at 0, frame_w == out_w, no bias,
 * no activation (res may be NULL, or y itself) */
void onnxcc_f32_mm_gemm_avx512(const struct FastGemm *g);
/* The same with g->a rows of A lda apart, not packed (matmul.c's small products) */
void onnxcc_f32_mm_gemm_rows_avx512(const struct FastGemm *g, size_t lda);
#endif

#endif /* ONNXCC_MATMUL_PACK_H */
