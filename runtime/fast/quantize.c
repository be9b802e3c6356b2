/* quantize.c — QuantizeLinear to uint8 with one scale and zero point:
 * y = saturate(round_half_even(x / scale) + zp), NaN to 0, exactly as the
 * compiler's reference loop (and onnxruntime) compute it: an IEEE division,
 * then rounding in the default mode.  AVX-512 or AVX2 where the CPU has
 * it (qconv_avx512.c, qconv_avx2.c), the same bits. */
#include "onnxcc/rt.h"
#include "qconv.h"

#include <math.h>

void onnxcc_f32_quantize_u8(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y, int isa_cap)
{
    size_t i = 0;
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(isa_cap);
    if (isa >= ONNXCC_ISA_AVX512)
        i = onnxcc_f32_quantize_u8_avx512(n, x, scale, zp, y);
    else if (isa >= ONNXCC_ISA_AVX2)
        i = onnxcc_f32_quantize_u8_avx2(n, x, scale, zp, y);
#else
    (void)isa_cap;
#endif
    for (; i < n; i++) {
        float v = nearbyintf(x[i] / scale) + (float)zp;
        v = v > 255.0f ? 255.0f : v;
        v = v >= 0.0f ? v : 0.0f;
        y[i] = (uint8_t)v;
    }
}
