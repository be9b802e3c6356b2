/* globalpool.c — fast GlobalAveragePool (float sums) with a fused
 * per-channel pre-activation, so DenseNet's final BN + ReLU +
 * GlobalAveragePool is one pass over the feature map.
 *
 * Each plane is summed in 8 independent lanes (a fixed inner loop that
 * gcc/clang -O2 vectorise without reassociating anything) plus a scalar
 * tail; the lanes are added pairwise at the end. */
#include "onnxcc/rt.h"

#include <math.h>

/* pre(v) = max(lo, v*a + b): lo = 0 for ReLU, -inf for none (keeps NaN). */
typedef struct Affine {
    float a, b, lo;
} Affine;

static inline float affine(Affine f, float v)
{
    const float t = v * f.a + f.b;
    return t < f.lo ? f.lo : t;
}

static float sum_pre(const float *x, size_t n, Affine f)
{
    float acc[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++)
            acc[l] += affine(f, x[i + l]);
    float tail = 0.0f;
    for (; i < n; i++)
        tail += affine(f, x[i]);
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) +
           tail;
}

void onnxcc_f32_globalavgpool(size_t N, size_t C, size_t hw, size_t x_img_stride,
                              const float *x, const float *pre_scale, const float *pre_shift,
                              int pre_relu, float *y)
{
    const size_t xs = x_img_stride ? x_img_stride : C * hw;
    Affine f;
    f.lo = pre_relu ? 0.0f : -INFINITY;
    for (size_t n = 0; n < N; n++) {
        for (size_t c = 0; c < C; c++) {
            f.a = pre_scale ? pre_scale[c] : 1.0f;
            f.b = pre_shift ? pre_shift[c] : 0.0f;
            y[n * C + c] = hw ? sum_pre(x + n * xs + c * hw, hw, f) / (float)hw : 0.0f;
        }
    }
}
