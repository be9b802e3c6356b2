/* eltwise.c — fast elementwise kernels on dense operands of one shape: the
 * residual Add with an activation epilogue (ResNet's Add -> Relu, a fused
 * MobileNetV2 skip).  Plain C for the vectoriser; one pass over memory
 * instead of a broadcasting Add and a separate activation. */
#include "fast.h"

void onnxcc_f32_add_act(size_t n, const float *a, const float *b, OnnxccAct act, float *y)
{
    switch (act.kind) {
    case ONNXCC_ACT_RELU:
        for (size_t i = 0; i < n; i++) {
            const float v = a[i] + b[i];
            y[i] = v < 0.0f ? 0.0f : v;
        }
        break;
    case ONNXCC_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i] + b[i];
        break;
    default:
        for (size_t i = 0; i < n; i++)
            y[i] = fast_act(&act, a[i] + b[i]);
        break;
    }
}
