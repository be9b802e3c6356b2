/* f32_unary_ref.c — reference elementwise unary kernels: copy (identity,
 * reshape, flatten), relu, clip, leakyrelu, sigmoid.  y may equal x. */
#include "onnxcc/rt.h"

#include <math.h>
#include <string.h>

void onnxcc_f32_copy_ref(size_t n, const float *x, float *y)
{
    if (n && x != y)
        memmove(y, x, n * sizeof *y);
}

void onnxcc_f32_relu_ref(size_t n, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void onnxcc_f32_clip_ref(size_t n, float lo, float hi, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i] < lo ? lo : x[i];
        y[i] = v > hi ? hi : v;
    }
}

void onnxcc_f32_leakyrelu_ref(size_t n, float alpha, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] < 0.0f ? alpha * x[i] : x[i];
}

void onnxcc_f32_sigmoid_ref(size_t n, const float *x, float *y)
{
    for (size_t i = 0; i < n; i++) {
        const float v = x[i];
        if (v >= 0.0f) {
            y[i] = 1.0f / (1.0f + expf(-v));
        } else {
            const float e = expf(v); /* no overflow for large negative v */
            y[i] = e / (1.0f + e);
        }
    }
}
