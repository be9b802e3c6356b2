/* u8_qadd_ref.c — the quantized Add, scalar: c = a + b on uint8 tensors of
 * one scale and zero point each, requantized to c's, in onnxruntime's
 * QLinearAdd arithmetic (float ratios of the scales, zero points folded
 * into one constant, two fused multiply-adds, round half to even; see
 * fast/qadd.h).  The SIMD kernels give these bytes. */
#include "onnxcc/rt.h"
#include "../fast/qadd.h"

#include <math.h>

void onnxcc_u8_qadd_ref(size_t n, const uint8_t *a, float a_scale, uint8_t a_zp, const uint8_t *b, float b_scale,
                        uint8_t b_zp, float c_scale, uint8_t c_zp, uint8_t *c)
{
    const QAddConsts q = qadd_consts(a_scale, a_zp, b_scale, b_zp, c_scale, c_zp);
    for (size_t i = 0; i < n; i++) {
        float t = fmaf((float)a[i], q.ra, fmaf((float)b[i], q.rb, q.k));
        /* vcvtps2dq: nearest, ties to even; INT32_MIN out of range or NaN */
        long v = t >= -2147483648.0f && t < 2147483648.0f ? (long)nearbyintf(t) : -2147483647L - 1;
        c[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
