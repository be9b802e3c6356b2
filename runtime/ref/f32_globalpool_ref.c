/* f32_globalpool_ref.c — reference GlobalAveragePool / GlobalMaxPool: one
 * value per H*W plane (planes = N*C). */
#include "onnxcc/rt.h"

#include <float.h>

void onnxcc_f32_globalavgpool_ref(size_t planes, size_t hw, const float *x, float *y)
{
    for (size_t i = 0; i < planes; i++) {
        double sum = 0.0;
        for (size_t j = 0; j < hw; j++)
            sum += (double)x[i * hw + j];
        y[i] = hw ? (float)(sum / (double)hw) : 0.0f;
    }
}

void onnxcc_f32_globalmaxpool_ref(size_t planes, size_t hw, const float *x, float *y)
{
    for (size_t i = 0; i < planes; i++) {
        float best = -FLT_MAX;
        for (size_t j = 0; j < hw; j++)
            if (x[i * hw + j] > best)
                best = x[i * hw + j];
        y[i] = best;
    }
}
