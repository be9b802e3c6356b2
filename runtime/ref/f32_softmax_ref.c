/* f32_softmax_ref.c — reference Softmax / LogSoftmax along the middle axis
 * of [outer][len][inner] (ONNX opset >= 13 semantics; older opsets flatten,
 * which is the same call with inner = 1).
 *
 * Numerically stable: subtract the maximum first.  exp is taken in float
 * (expf), the sum is accumulated in double, and each output is rounded to
 * float once (onnxruntime sums in float; the difference is far below 1e-6
 * relative).  Every element is read before it is written, so y may equal x. */
#include "onnxcc/rt.h"

#include <math.h>

/* Maximum of row (o, *, j). */
static float row_max(size_t len, size_t inner, const float *x)
{
    float m = x[0];
    for (size_t k = 1; k < len; k++)
        if (x[k * inner] > m)
            m = x[k * inner];
    return m;
}

void onnxcc_f32_softmax_ref(size_t outer, size_t len, size_t inner, const float *x, float *y)
{
    if (len == 0)
        return;
    for (size_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < inner; j++) {
            const float *xr = x + o * len * inner + j;
            float *yr = y + o * len * inner + j;
            const float m = row_max(len, inner, xr);
            double sum = 0.0;
            for (size_t k = 0; k < len; k++) {
                const float e = expf(xr[k * inner] - m);
                yr[k * inner] = e;
                sum += (double)e;
            }
            for (size_t k = 0; k < len; k++)
                yr[k * inner] = (float)((double)yr[k * inner] / sum);
        }
    }
}

void onnxcc_f32_logsoftmax_ref(size_t outer, size_t len, size_t inner, const float *x,
                               float *y)
{
    if (len == 0)
        return;
    for (size_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < inner; j++) {
            const float *xr = x + o * len * inner + j;
            float *yr = y + o * len * inner + j;
            const float m = row_max(len, inner, xr);
            double sum = 0.0;
            for (size_t k = 0; k < len; k++)
                sum += (double)expf(xr[k * inner] - m);
            const double lse = log(sum);
            for (size_t k = 0; k < len; k++)
                yr[k * inner] = (float)((double)(xr[k * inner] - m) - lse);
        }
    }
}
