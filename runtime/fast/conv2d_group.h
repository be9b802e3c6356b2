/* conv2d_group.h — the fast conv2d's direct kernel for grouped 3x3 layers
 * with 16 output channels per group or a multiple of 16 (RegNet's,
 * ResNeXt's third and fourth stages), as
 * conv2d.c's grouped path calls it (conv2d_group.c): whether it takes a
 * layer and call, and the call; and the row kernels each ISA level
 * provides. */
#ifndef ONNXCC_CONV2D_GROUP_H
#define ONNXCC_CONV2D_GROUP_H

#include "fast.h"

#define GROUP_MG 16 /* output channels per panel: one AVX-512 vector */

/* Output rows [oh0, oh1) of one panel of 16 output channels of one group
 * of one image.  Output channel m at
 * (oh, ow) is act((acc + bias[m]) + res), acc starting at +0 and adding
 * w[c][kh][kw][m] * x[c][s*oh + kh - pad_t][s*ow + kw - pad_l] for c, kh,
 * kw in that order over the taps inside the map: the order and rounding of
 * the GEMM path's AVX-512 tiles, whose taps in the padding add w * 0. */
typedef struct FastGroup {
    const float *x; /* the group's input channel 0, planes xplane apart */
    size_t xplane;
    int cg, H, W, OH, OW, s, pad_t; /* padding 1 on the left */
    const float *w;    /* packed: [cg][3][3][GROUP_MG] (one GEMM panel) */
    const float *bias; /* GROUP_MG values or NULL */
    const float *res;  /* the group's residual, laid out as y, or NULL */
    float *y;          /* the group's output channel 0, planes ldy apart */
    size_t ldy;
    OnnxccAct act; /* NONE, RELU, CLIP or LEAKYRELU */
} FastGroup;

typedef void (*FastGroupRowsFn)(const FastGroup *g, int oh0, int oh1);
#ifdef ONNXCC_RT_X86_64
void onnxcc_fast_group_rows_avx2(const FastGroup *g, int oh0, int oh1);
void onnxcc_fast_group_rows_avx512(const FastGroup *g, int oh0, int oh1);
#endif

/* Whether p's geometry and epilogue suit the direct kernel (it then runs
 * at every SIMD level unless the call has a pre-activation). */
int onnxcc_fast_group_shape_fits(const OnnxccConv2dParams *p);

/* Whether the direct kernel runs p (packed for the GEMM path: its
 * panels are the kernel's layout) at ISA level isa with the pre-activation
 * pre; if so, runs it and returns 1, else returns 0 and does nothing. */
int onnxcc_fast_group_run(const OnnxccConv2dParams *p, int isa, const float *x, const float *packed,
                          size_t gsize, const float *bias, const FastPre *pre, const float *res, float *y);

#endif /* ONNXCC_CONV2D_GROUP_H */
