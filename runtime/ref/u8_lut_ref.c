/* u8_lut_ref.c — a byte-to-byte table over n bytes: y[i] = lut[x[i]]
 * (a requantization of uint8 tensors, fuse_qrequant's).  The AVX-512 VBMI
 * kernel gives these bytes. */
#include "onnxcc/rt.h"

void onnxcc_u8_lut_ref(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = lut[x[i]];
}
