/* conv2d_dilated.h — the fast conv2d's algorithm for dilated 3x3
 * convolutions with stride 1 (conv2d_dilated.c), as conv2d.c calls it:
 * whether it takes a layer, its packed weights (after conv2d.c's header),
 * its scratch, and the call. */
#ifndef ONNXCC_CONV2D_DILATED_H
#define ONNXCC_CONV2D_DILATED_H

#include "fast.h"

int onnxcc_fast_dilated_fits(const OnnxccConv2dParams *p);
size_t onnxcc_fast_dilated_packed_floats(const OnnxccConv2dParams *p);
size_t onnxcc_fast_dilated_scratch_floats(const OnnxccConv2dParams *p);
void onnxcc_fast_dilated_pack(const OnnxccConv2dParams *p, const float *w, float *packed);
void onnxcc_fast_dilated_run(const OnnxccConv2dParams *p, const FastKernels *kern, const float *x,
                             const float *packed, const float *bias, const FastPre *pre,
                             const float *res, float *scratch, float *y);

#endif
