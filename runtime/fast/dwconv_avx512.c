/* dwconv_avx512.c — the direct 3x3 depthwise kernel (dwconv_direct.h) for
 * AVX-512F (compiled with -mavx512f; called only when the CPU has it): 16
 * output columns to a zmm, borders by masked loads and stores, stride 2
 * de-interleaved by two-source permutes. */
#include <math.h>

#include "dwconv.h"
#include "vec_avx512.h"

#include "vmath.h"

#define DW_SILU_IN_REGS 1
#define DW_DIRECT onnxcc_fast_dw_direct_avx512
#define DW_ACT onnxcc_f32_act_avx512
#include "dwconv_direct.h"
