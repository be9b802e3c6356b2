/* dwconv_avx2.c — the depthwise kernels for AVX2 + FMA: dwconv.c's
 * portable kernels compiled again (8-float vectors, fused multiply-adds),
 * and the direct 3x3 kernel (dwconv_direct.h) on ymm registers: 8 output
 * columns to a vector, borders by maskload (no fault past the mask),
 * stride 2 de-interleaved by in-lane shuffles and a cross-lane permute.
 * dwconv.c's driver picks them by the CPU's ISA level. */
#define DW_TASK_ISA onnxcc_fast_dw_task_avx2
#include "dwconv.c"

#include "vec_avx2.h"

#define DW_ROWS 4 /* 16 ymm registers, 9 of them weights */
#define DW_DIRECT onnxcc_fast_dw_direct_avx2
#define DW_ACT onnxcc_f32_act_avx2
#include "dwconv_direct.h"
