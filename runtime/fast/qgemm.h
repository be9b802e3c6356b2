/* qgemm.h — what qgemm.c (dispatch, epilogue) and the per-ISA quantized
 * matrix-vector kernels share. */
#ifndef ONNXCC_QGEMM_H
#define ONNXCC_QGEMM_H

#include <stddef.h>
#include <stdint.h>

/* acc[j] = sum_k (x[k] - x_zp) * w[j*K + k] for j < nr, exact in int32
 * (K < 65536): one row of x against nr rows of int8 weights, any K (tails
 * included).  VNNI: vpdpbusd on the bytes and a second vpdpbusd for the
 * row sums that take x_zp out; AVX2: bytes widened to 16 bits (x - x_zp
 * zero-extended, w sign-extended) and vpmaddwd, which cannot saturate. */
void onnxcc_u8s8_gemv_avx512vnni(int nr, int K, const uint8_t *x, uint8_t x_zp, const int8_t *w, int32_t *acc);
void onnxcc_u8s8_gemv_avx2(int nr, int K, const uint8_t *x, uint8_t x_zp, const int8_t *w, int32_t *acc);

#endif
