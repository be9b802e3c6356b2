/* qconv.h — what qconv.c (portable: packing, dispatch) and the per-ISA
 * quantized GEMM kernels share. */
#ifndef ONNXCC_QCONV_H
#define ONNXCC_QCONV_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the stack buffer that holds one tile of packed input, and the
 * most output channels per group the fast path takes (per-channel
 * multipliers and corrected biases live on the stack too). */
#define QC_BUF 81920
#define QC_MAXM 2048

/* Packed input of one tile: for k4 < ceil(K/4), pixel i < PT, byte j < 4:
 * xp[(k4 * PT + i) * 4 + j] = input tap k = 4*k4 + j of pixel i (0 past K),
 * the layout vpdpbusd multiplies by 4 weight bytes broadcast to all lanes.
 *
 * Rows r < mr <= MR (MR = qc_mr(PT, ...)) of the output tile: y[r * y_stride + i] for i < npix =
 * saturate(round_half_even((float)(sum_k xp(k, i) * w[r * K + k] + beff[r])
 * * mult[r]) + y_zp).  PT is 16, 32 or 64. */
void onnxcc_u8s8_qgemm_avx512vnni(const uint8_t *xp, int K, int PT, int MR, int npix, const int8_t *w, int mr,
                                  const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y,
                                  size_t y_stride);
/* Gathers the K taps of output pixels p0 .. p0+npix-1 of group input xg
 * (p's geometry; through the group's table lut unless NULL; padding taps
 * read x_zp) into xp as above; pixels npix ..
 * PT-1 get x_zp or 0 (their outputs are not stored). */
struct OnnxccConv2dParams;
void onnxcc_u8s8_pack_avx512(const struct OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp,
                             int K, int PT, int p0, int npix, uint8_t *xp);
/* One plane of a depthwise conv (group == C == M, stride_w 1 or 2, kernel
 * at most 7x7): input plane x (through the 256-byte table lut unless NULL),
 * weights w [kH][kW], output plane y; beff and mult for this channel. */
void onnxcc_u8s8_dwplane_avx512(const struct OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut,
                                uint8_t x_zp, const int8_t *w, int32_t beff, float mult, uint8_t y_zp, uint8_t *y);
/* The sum of n int8 weights. */
int32_t onnxcc_s8_sum_avx512(const int8_t *w, size_t n);
/* onnxcc_f32_quantize_u8 over the whole 16-element vectors of x; returns
 * how many elements it did. */
size_t onnxcc_f32_quantize_u8_avx512(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y);
/* A stride-1, dilation-1 conv of one group and a kernel of 2 to 49 taps
 * on a window of its kH input rows (each input row's channels interleaved
 * by 4 once, no per-tap copies), in chunks of output channels.  chunk: 0
 * if p does not fit, else the output channels per chunk.  prepare: the
 * weights of channels m0 .. m0+mc-1 reordered for the window into buf
 * (QC_BUF bytes, 64-aligned).  run: those channels of output rows
 * oy0 .. oy1-1 of image n, with buf (QC_BUF bytes, 64-aligned) for the
 * window; beff, mult as above, for all M channels. */
int onnxcc_u8s8_rows_chunk_avx512(const struct OnnxccConv2dParams *p);
void onnxcc_u8s8_rows_prepare_avx512(const struct OnnxccConv2dParams *p, const int8_t *w, int m0, int mc,
                                     uint8_t *buf);
void onnxcc_u8s8_rows_run_avx512(const struct OnnxccConv2dParams *p, const uint8_t *x, uint8_t x_zp,
                                 const uint8_t *wt, int m0, int mc, const int32_t *beff, const float *mult,
                                 uint8_t y_zp, int n, int oy0, int oy1, uint8_t *buf, uint8_t *y);
/* The AVX2 kernels (qconv_avx2.c): 16-pixel tiles in the layout above
 * (PT = 16), QC2_MR rows per kernel call (rows r < mr stored); packing as
 * onnxcc_u8s8_pack_avx512 with PT = 16 (xend: one past the last byte of
 * the layer's input, N images of C planes; its loads may read any byte
 * before it); depthwise planes as
 * onnxcc_u8s8_dwplane_avx512 where onnxcc_u8s8_dw_fits_avx2(p) (stride_w
 * at most 2, kernel at most 7x7, its padded rows within QC_BUF bytes). */
#define QC2_MR 4
void onnxcc_u8s8_qgemm_avx2(const uint8_t *xp, int K, int npix, const int8_t *w, int mr, const int32_t *beff,
                            const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride);
/* The same kernel on weights widened ahead: onnxcc_s8_widen_avx2 writes
 * rows r < QC2_MR of w ([mr][K], rows past mr repeat the last) to wb, row
 * r at wb + r * onnxcc_s8_widen_stride_avx2(K) int32s: per group of 4
 * taps, the int16 pairs (w0, w2) and (w1, w3) (0 past K). */
int onnxcc_s8_widen_stride_avx2(int K);
void onnxcc_s8_widen_avx2(const int8_t *w, int K, int mr, int32_t *wb);
void onnxcc_u8s8_qgemm_wide_avx2(const uint8_t *xp, int K, int npix, const int32_t *wb, int mr, const int32_t *beff,
                                 const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride);
void onnxcc_u8s8_pack_avx2(const struct OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *xend,
                           const uint8_t *lut, uint8_t x_zp, int K, int p0, int npix, uint8_t *xp);
int onnxcc_u8s8_dw_fits_avx2(const struct OnnxccConv2dParams *p);
void onnxcc_u8s8_dwplane_avx2(const struct OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut,
                              uint8_t x_zp, const int8_t *w, int32_t beff, float mult, uint8_t y_zp, uint8_t *y);
int32_t onnxcc_s8_sum_avx2(const int8_t *w, size_t n);
/* The row-window path of the AVX-512 kernels, for AVX2 (qconv_avx2.c):
 * chunk, prepare (widened weights of channels m0 .. m0+mc-1 into buf) and
 * run as onnxcc_u8s8_rows_*_avx512, the input read through lut unless NULL,
 * xend as for onnxcc_u8s8_pack_avx2. */
int onnxcc_u8s8_rows_chunk_avx2(const struct OnnxccConv2dParams *p);
void onnxcc_u8s8_rows_prepare_avx2(const struct OnnxccConv2dParams *p, const int8_t *w, int m0, int mc,
                                   uint8_t *buf);
void onnxcc_u8s8_rows_run_avx2(const struct OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *xend,
                               const uint8_t *lut, uint8_t x_zp, const uint8_t *wt, int m0, int mc,
                               const int32_t *beff, const float *mult, uint8_t y_zp, int n, int oy0, int oy1,
                               uint8_t *buf, uint8_t *y);
/* onnxcc_f32_quantize_u8 over the whole 8-element vectors of x. */
size_t onnxcc_f32_quantize_u8_avx2(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y);

/* Rows per kernel call for PT-pixel tiles and M output channels: the
 * kernel's widest block (24 accumulators), unless it would compute more
 * rows than M by over a tenth (64-pixel tiles) or a quarter (narrower
 * ones, where the narrow block loses more) and a narrower block (16
 * accumulators) fewer.  Measured on DenseNet's 3x3 layers (M = 32). */
static inline int qc_mr(int PT, int M)
{
    const int wide = PT == 64 ? 6 : PT == 32 ? 12 : 24, narrow = PT == 64 ? 4 : PT == 32 ? 8 : 16;
    const int rw = (M + wide - 1) / wide * wide, rn = (M + narrow - 1) / narrow * narrow;
    const int over = PT == 64 ? 9 * rw > 10 * M : 4 * rw > 5 * M;
    return over && rn < rw ? narrow : wide;
}

#endif
