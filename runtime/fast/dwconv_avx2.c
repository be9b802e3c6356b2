/* dwconv_avx2.c — the depthwise kernels of dwconv.c compiled for AVX2 + FMA
 * (8-float vectors, fused multiply-adds); dwconv.c's driver picks them by
 * the CPU's ISA level. */
#define DW_TASK_ISA onnxcc_fast_dw_task_avx2
#include "dwconv.c"
