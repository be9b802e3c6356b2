/* conv2d_stem.h — the fast conv2d's algorithm for strided layers with few
 * input channels (a CNN's first convolution, conv2d_stem.c), as conv2d.c
 * calls it: whether it takes a layer, its packed weights (after conv2d.c's
 * header), its scratch, and the call; and the row kernels each ISA level
 * provides (conv2d_stem_rows.h). */
#ifndef ONNXCC_CONV2D_STEM_H
#define ONNXCC_CONV2D_STEM_H

#include "fast.h"

#define STEM_OCB 8 /* output channels per packed block: [block][K][STEM_OCB] */

int onnxcc_fast_stem_fits(const OnnxccConv2dParams *p);
size_t onnxcc_fast_stem_packed_floats(const OnnxccConv2dParams *p);
size_t onnxcc_fast_stem_scratch_floats(const OnnxccConv2dParams *p);
void onnxcc_fast_stem_pack(const OnnxccConv2dParams *p, const float *w, float *packed);
void onnxcc_fast_stem_run(const OnnxccConv2dParams *p, const float *x, const float *packed,
                          const float *bias, const FastPre *pre, const float *res, float *scratch,
                          float *y);

/* Output rows [oh0, oh1) of one image.  Output (oh, ow), output channel m,
 * is act(acc + res), where acc starts at bias[m] (0 without) and adds
 * w[m][t] * frame[oh*pws + ow + off[t]] for t = 0 .. K-1 in that order, so
 * that an output gets the same bits whatever rows or tiles it is computed
 * in (and the same on AVX2 and AVX-512, which both fuse the multiply-adds).
 * Each frame row is readable up to pws floats (vectors may run past OW). */
typedef struct FastStem {
    const float *frame;
    size_t pws;
    const int *off; /* K offsets into the frame, in the packed order */
    int K;
    int OW, M;
    const float *w;    /* packed: [M / STEM_OCB blocks, rounded up][K][STEM_OCB] */
    const float *bias; /* M values or NULL */
    const float *res;  /* residual of the image, laid out as y, or NULL */
    float *y;          /* the image's output, channel planes oplane apart */
    size_t oplane;
    OnnxccAct act;
} FastStem;

typedef void (*FastStemRowsFn)(const FastStem *s, int oh0, int oh1);
/* d[j] = pre(x[step*j]) for j < n, pre(v) = max(0, v*sc + sh) (the max if
 * relu) when on, else v: the frame fill, vectorised for steps 2 and 4. */
typedef void (*FastStemGatherFn)(const float *x, int step, size_t n, float *d, float sc, float sh, int on,
                                 int relu);
#ifdef ONNXCC_RT_X86_64
void onnxcc_fast_stem_rows_avx2(const FastStem *s, int oh0, int oh1);
void onnxcc_fast_stem_rows_avx512(const FastStem *s, int oh0, int oh1);
void onnxcc_fast_stem_gather_avx2(const float *x, int step, size_t n, float *d, float sc, float sh, int on,
                                  int relu);
void onnxcc_fast_stem_gather_avx512(const float *x, int step, size_t n, float *d, float sc, float sh, int on,
                                    int relu);
#endif

#endif /* ONNXCC_CONV2D_STEM_H */
