/* dwconv.h — internals of the fast depthwise conv, shared by its driver
 * (dwconv.c) and the per-ISA direct kernels (dwconv_avx2.c, dwconv_avx512.c).
 *
 * A direct kernel computes one plane (image, channel) of a KxK depthwise
 * conv, K = 3, 5 or 7, with stride 1 or 2 at dilation 1 or stride 1 at
 * dilation 2 (the same on both axes), any padding, straight
 * from the input rows: no padded copy, the epilogue applied in registers.
 *
 * Small planes at stride 1 and dilation 1 whose output rows are as wide as
 * the input rows (OW == W) can go flat instead: the plane is one row of
 * OH*OW outputs in vectors of consecutive outputs, so an 8x8 or 7x7 plane
 * fills whole vectors (see dw_flat_plane in dwconv_direct.h); the driver
 * then passes the lane masks of its chunks' taps (dw_flat_bits). */
#ifndef ONNXCC_DWCONV_H
#define ONNXCC_DWCONV_H

#include "fast.h"

/* y[oh][ow] = act(bias + sum over i, j (row-major) of w[i][j] *
 * pre(x[oh*s - pad_t + i*d][ow*s - pad_l + j*d])), d the dilation, taps outside the input adding
 * w*0 (columns) or nothing (rows), pre(v) = max(lo, v*scale + shift) when
 * pre is set, else v; s, pads, sizes and act from p. */
typedef struct FastDwPlane {
    const OnnxccConv2dParams *p;
    const float *x;    /* the H x W input plane */
    const float *w;    /* the KxK weights (K = p->kW) */
    float bias;
    int pre;           /* 0: no pre-activation (scale, shift, lo unused) */
    float scale, shift;
    float lo;          /* 0 with pre_relu, else -inf */
    float *y;          /* the OH x OW output plane */
    const unsigned short *flat; /* NULL, or the flat kernel's lane masks: bit
                                 * k of flat[(c*K + i)*K + j] set where output
                                 * c*lanes + k reads inside the image at tap (i, j) */
} FastDwPlane;

/* Output rows per band of the direct kernel for OH rows when it holds at
 * most max_rows: max_rows, or 5 or 4 where that computes a tenth fewer rows
 * in all (a last band of 1 row of 7 at OH = 8 or 15). */
static inline int dw_band_rows(long OH, int max_rows)
{
    int best = max_rows;
    long best_rows = (OH + max_rows - 1) / max_rows * max_rows;
    for (int r = 5; r >= 4; r--) {
        const long rows = (OH + r - 1) / r * r;
        if (r < max_rows && rows * 10 <= best_rows * 9 && rows < best_rows)
            best = r, best_rows = rows;
    }
    return best;
}

/* Chunks of vector lanes the flat kernel takes at most (the table of masks
 * lives on the driver's stack), and chunks it accumulates at once. */
#define DW_FLAT_MAX_CHUNKS 64
#define DW_FLAT_GROUP 4

typedef void (*FastDwPlaneFn)(const FastDwPlane *d);

/* The channels-in-lanes kernel (AVX-512; 3x3, 5x5 and 7x7 at stride 1
 * and dilation 1): up to DW_CL channels of one image at once, one channel per
 * lane, for small maps, where a plane's rows fill a fraction of a vector.  The same sums in the same order as
 * the direct kernel's (see dwconv_avx512.c); pre-activation a, b per
 * channel (pre(v) = max(lo, v*a + b)), the epilogue from p->act. */
#define DW_CL 16
#define DW_CL_FRAME 4096 /* floats of the padded, transposed input at most (16 KB of stack) */
#define DW_CL_OUT 1024   /* floats of the transposed output at most: 64 pixels */
typedef struct FastDwLanes {
    const OnnxccConv2dParams *p;
    const float *x;    /* channel c0's H x W input plane; the next channels' follow */
    const float *w;    /* c0's KxK weights; the next channels' follow */
    const float *bias; /* c0's, or NULL */
    int pre;           /* 0: no pre-activation */
    const float *a, *b; /* DW_CL per-channel scale and shift */
    float lo;          /* 0 with pre_relu, else -inf */
    float *y;          /* c0's OH x OW output plane; the next channels' follow */
    int nch;           /* channels, 1 .. DW_CL */
} FastDwLanes;

#ifdef ONNXCC_RT_X86_64
void onnxcc_fast_dw_direct_avx2(const FastDwPlane *d);
void onnxcc_fast_dw_direct_avx512(const FastDwPlane *d);
void onnxcc_fast_dw_lanes_avx512(const FastDwLanes *d);
#endif

#endif /* ONNXCC_DWCONV_H */
