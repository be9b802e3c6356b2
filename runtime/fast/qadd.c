/* qadd.c — the quantized Add's dispatch: the AVX-512 or AVX2 kernel where
 * the CPU has it and the layer's ISA cap allows it, else the reference
 * loop.  Every level gives the same bytes (fast/qadd.h). */
#include "onnxcc/rt.h"
#include "qadd.h"

void onnxcc_u8_qadd(size_t n, const uint8_t *a, float a_scale, uint8_t a_zp, const uint8_t *b, float b_scale,
                    uint8_t b_zp, float c_scale, uint8_t c_zp, uint8_t *c, int isa_cap)
{
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(isa_cap);
    if (isa >= ONNXCC_ISA_AVX2) {
        const QAddConsts q = qadd_consts(a_scale, a_zp, b_scale, b_zp, c_scale, c_zp);
        if (isa >= ONNXCC_ISA_AVX512)
            onnxcc_u8_qadd_avx512(n, a, b, q, c);
        else
            onnxcc_u8_qadd_avx2(n, a, b, q, c);
        return;
    }
#else
    (void)isa_cap;
#endif
    onnxcc_u8_qadd_ref(n, a, a_scale, a_zp, b, b_scale, b_zp, c_scale, c_zp, c);
}
