/* u8s8_gemm_ref.c — reference quantized matrix product (onnxruntime's
 * QGemm with transB, QLinearMatMul, MatMulIntegerToFloat): uint8 rows x
 * with one scale and zero point, int8 weights [N][K] with zero point 0 and
 * one scale per output (or one for all), optional int32 bias, and either
 * uint8 outputs (requantized) or float outputs (dequantized).  One output
 * at a time, the sum exact in int32 (see rt.h). */
#include "onnxcc/rt.h"

#include <math.h>

void onnxcc_u8s8_gemm_ref(int M, int N, int K, const uint8_t *x, float x_scale, uint8_t x_zp, const int8_t *w,
                          const float *w_scale, int w_scale_per_n, const int32_t *bias, float y_scale,
                          uint8_t y_zp, uint8_t *y_u8, float *y_f32)
{
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            const uint8_t *xr = x + (size_t)m * K;
            const int8_t *wr = w + (size_t)n * K;
            int32_t acc = bias ? bias[n] : 0;
            for (int k = 0; k < K; k++)
                acc += ((int32_t)xr[k] - x_zp) * wr[k];
            const float ws = w_scale[w_scale_per_n ? n : 0];
            if (y_u8) {
                const float mult = x_scale * ws / y_scale;
                float v = nearbyintf((float)acc * mult);
                v = v < (float)-y_zp ? (float)-y_zp : v > (float)(255 - y_zp) ? (float)(255 - y_zp) : v;
                y_u8[(size_t)m * N + n] = (uint8_t)((int)v + y_zp);
            } else {
                y_f32[(size_t)m * N + n] = (float)acc * (x_scale * ws);
            }
        }
}
