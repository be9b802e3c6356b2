/* qadd.h — what the quantized Add's reference loop (ref/u8_qadd_ref.c),
 * its dispatch (qadd.c) and its per-ISA kernels share: the three float
 * constants of onnxruntime's QLinearAdd arithmetic, computed in one place.
 *
 *   ra = a_scale / c_scale,  rb = b_scale / c_scale        (float divisions)
 *   k  = (float)c_zp - fma(ra, (float)a_zp, rb * (float)b_zp)
 *   c  = saturate_u8(cvt(fma((float)a, ra, fma((float)b, rb, k))))
 *
 * fma is the fused multiply-add (one rounding), cvt rounds to the nearest
 * integer, ties to even (the default rounding mode; vcvtps2dq), and gives
 * INT32_MIN where the value does not fit an int32 (then c is 0).
 *
 * That is onnxruntime's QLinearAdd on x86-64 CPUs with AVX2 + FMA (its
 * MLAS kernel; the machines this runtime's SIMD targets), k included: its
 * compiler contracted k's expression into one fused multiply-add, and
 * tests/quant's quant_qadd_pairs_fold* cases (all 65536 byte pairs, scales
 * for which k with and without that fma differ) pin which.  onnxruntime
 * on a CPU without AVX2 multiplies and adds separately and may land a
 * near-tie one step away. */
#ifndef ONNXCC_QADD_H
#define ONNXCC_QADD_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    float ra, rb, k;
} QAddConsts;

static inline QAddConsts qadd_consts(float a_scale, uint8_t a_zp, float b_scale, uint8_t b_zp, float c_scale,
                                     uint8_t c_zp)
{
    QAddConsts q;
    q.ra = a_scale / c_scale;
    q.rb = b_scale / c_scale;
    q.k = (float)c_zp - fmaf(q.ra, (float)a_zp, q.rb * (float)b_zp);
    return q;
}

/* n elements (any n, tails included), the reference loop's bytes. */
void onnxcc_u8_qadd_avx2(size_t n, const uint8_t *a, const uint8_t *b, QAddConsts q, uint8_t *c);
void onnxcc_u8_qadd_avx512(size_t n, const uint8_t *a, const uint8_t *b, QAddConsts q, uint8_t *c);

#endif
