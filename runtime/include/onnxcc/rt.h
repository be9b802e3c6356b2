/* onnxcc/rt.h — the runtime the generated C links against (libonnxcc_rt.a).
 *
 * Reference scalar kernels, `onnxcc_f32_<op>_ref`: plain C99, written for
 * clarity and exactness; every faster kernel is tested against them.
 *
 * Conventions shared by every kernel:
 *  - f32 tensors, dense row-major (NCHW for images) unless a stride says
 *    otherwise.  Arguments run: parameters, inputs, outputs.
 *  - Shapes are compile-time constants in the generated code; the longer
 *    parameter lists are small structs the generated code keeps as
 *    `static const` data.  Kernels trust their parameters (the compiler has
 *    checked them) except where an `int` status is returned: 0 is success,
 *    ONNXCC_RT_EPARAM means the parameters were rejected and nothing was
 *    written.
 *  - Sums (conv, gemm, matmul, average pools, softmax) accumulate in double
 *    and round to float once, so the reference is at least as exact as any
 *    float kernel compared with it.
 *  - Unless a function says otherwise, outputs must not overlap inputs.
 *  - No allocation, no global state, no exit/abort: safe from any thread.
 */
#ifndef ONNXCC_RT_H
#define ONNXCC_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONNXCC_RT_OK 0
#define ONNXCC_RT_EPARAM 1   /* rejected parameters (rank too high, bad extents) */
#define ONNXCC_RT_MAX_RANK 8 /* rank limit of broadcast and pad */

/* ---- float16 and bfloat16 ----------------------------------------------
 *
 * Tensors of these types hold their 16-bit patterns; the generated code
 * computes in float and converts with these (round to nearest even; NaN
 * stays NaN, overflow becomes infinity). */

static inline float onnxcc_bits_to_f32(unsigned int u)
{
    union { unsigned int u; float f; } v;
    v.u = u;
    return v.f;
}

static inline unsigned int onnxcc_f32_to_bits(float f)
{
    union { unsigned int u; float f; } v;
    v.f = f;
    return v.u;
}

static inline float onnxcc_f16_to_f32(unsigned short h)
{
    unsigned int sign = (unsigned int)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) /* inf / NaN */
        return onnxcc_bits_to_f32(sign | 0x7f800000u | (m << 13));
    if (e == 0) { /* zero / subnormal: m * 2^-24 */
        float v = (float)m * 5.9604644775390625e-08f;
        return sign ? -v : v;
    }
    return onnxcc_bits_to_f32(sign | ((e + 112u) << 23) | (m << 13));
}

static inline unsigned short onnxcc_f32_to_f16(float f)
{
    unsigned int x = onnxcc_f32_to_bits(f), sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) /* NaN: keep it quiet */
        return (unsigned short)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    if (ax >= 0x477ff000u) /* rounds to >= 65520: infinity */
        return (unsigned short)(sign | 0x7c00u);
    if (ax < 0x38800000u) { /* below 2^-14: subnormal half, round to nearest even */
        float v = onnxcc_bits_to_f32(ax) * 16777216.0f; /* in units of 2^-24 */
        unsigned int q = (unsigned int)v;
        float rest = v - (float)q;
        if (rest > 0.5f || (rest == 0.5f && (q & 1u)))
            q++;
        return (unsigned short)(sign | q);
    }
    unsigned int r = ax + 0x0fffu + ((ax >> 13) & 1u); /* round mantissa to 10 bits, ties to even */
    return (unsigned short)(sign | (((r >> 13) - (112u << 10)) & 0x7fffu));
}

static inline float onnxcc_bf16_to_f32(unsigned short h)
{
    return onnxcc_bits_to_f32((unsigned int)h << 16);
}

static inline unsigned short onnxcc_f32_to_bf16(float f)
{
    unsigned int x = onnxcc_f32_to_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (unsigned short)((x >> 16) | 0x40u);
    return (unsigned short)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

/* ---- activations (conv epilogue) -------------------------------------- */

enum {
    ONNXCC_ACT_NONE = 0,
    ONNXCC_ACT_RELU = 1,      /* max(0, v) */
    ONNXCC_ACT_CLIP = 2,      /* min(max(v, a), b): a = min, b = max */
    ONNXCC_ACT_LEAKYRELU = 3, /* v < 0 ? a*v : v: a = alpha */
    ONNXCC_ACT_SIGMOID = 4,   /* 1 / (1 + exp(-v)) */
    ONNXCC_ACT_HARDSIGMOID = 5, /* max(0, min(1, a*v + b)): a = alpha, b = beta */
    ONNXCC_ACT_HARDSWISH = 6, /* v * max(0, min(1, v/6 + 1/2)) */
    ONNXCC_ACT_SILU = 7,      /* v * sigmoid(v) (a Sigmoid and the Mul by its input) */
    ONNXCC_ACT_TANH = 8,      /* tanh(v) */
    ONNXCC_ACT_GELU = 9,      /* v/2 * (1 + erf(v / sqrt(2))) */
    ONNXCC_ACT_EXP = 10,      /* exp(v) */
    ONNXCC_ACT_ERF = 11       /* erf(v) */
};
/* Kinds from ONNXCC_ACT_SIGMOID on are "transcendental": the SIMD kernels
 * compute them with polynomial approximations (see onnxcc_f32_act). */

typedef struct OnnxccAct {
    int kind; /* ONNXCC_ACT_* */
    float a;  /* clip min / leakyrelu, hardsigmoid alpha */
    float b;  /* clip max / hardsigmoid beta */
} OnnxccAct;

/* ---- conv2d ----------------------------------------------------------- */

/* 2-D convolution, ONNX Conv semantics (1-D: H = 1, kH = 1, pads 0 on H).
 * x: image n, channel c, pixel (h, w) at x[n*x_img_stride + c*H*W + h*W + w];
 * y likewise with y_img_stride and OH*OW planes, so x can be a channel prefix
 * and y a channel slice of larger buffers.  w: [M][C/group][kH][kW].
 * Output channel m reads input channels g*(C/group) .. (g+1)*(C/group)-1,
 * g = m / (M/group).  OH/OW are given (pad_b/pad_r are recorded for clarity;
 * taps beyond the input read zero either way). */
typedef struct OnnxccConv2dParams {
    int N, C, H, W;       /* input batch, channels, height, width */
    int M, OH, OW;        /* output channels, height, width */
    int group;            /* divides C and M */
    int kH, kW;           /* kernel */
    int stride_h, stride_w;
    int dil_h, dil_w;     /* dilations, >= 1 */
    int pad_t, pad_l, pad_b, pad_r;
    size_t x_img_stride;  /* elements between images of x, >= C*H*W; 0 = C*H*W */
    size_t y_img_stride;  /* elements between images of y, >= M*OH*OW; 0 = M*OH*OW */
    size_t r_img_stride;  /* elements between images of the residual, likewise */
    int pre_relu;         /* pre-activation: apply max(0, .) to each input pixel */
    OnnxccAct act;        /* epilogue on each output */
    int isa_cap;          /* fast kernel: highest ISA level it may use + 1
                           * (ONNXCC_ISA_SCALAR + 1 = scalar only); 0 = no cap */
    int compact_weights;  /* fast kernel: 1 = packed weights no bigger than the
                           * kernels: Winograd layers keep their 3x3 kernels
                           * and make the transformed weights (4x the size)
                           * in scratch on every call; 0 = transformed ahead
                           * of time */
} OnnxccConv2dParams;

/* y = act(conv(pre(x), w) + bias + res).  bias: [M] or NULL.
 * pre(x)[c] = max(0, x*pre_scale[c] + pre_shift[c]) per input channel c, the
 * max only if pre_relu, pre_scale/pre_shift NULL = 1/0; applied to real input
 * pixels only: padding taps stay exactly 0.  res (a skip connection, ResNet's
 * Add fused into the epilogue) is NULL or a tensor of y's shape: image n,
 * channel m, pixel (h, w) at res[n*r_img_stride + m*OH*OW + h*OW + w]; it is
 * added in float to the finished sum, before the activation. */
void onnxcc_f32_conv2d_ref(const OnnxccConv2dParams *p, const float *x, const float *w,
                           const float *bias, const float *pre_scale, const float *pre_shift,
                           const float *res, float *y);

/* ---- quantized conv2d (QLinearConv, uint8 x int8 -> uint8) ------------ */

/* ONNX QLinearConv for p's geometry (pre_relu, act and the residual stride
 * are not used): x uint8 with x_scale and x_zp, read through lut when not
 * NULL (input channel c's byte v is lut[c*256 + v]: a quantized
 * pre-activation such as BatchNormalization + Relu; padding taps are x_zp
 * all the same), w int8 [M][C/group][kH][kW]
 * with zero point 0 and scales w_scale[M] (w_scale_per_oc) or w_scale[0],
 * bias int32 [M] or NULL, y uint8 with y_scale and y_zp.  The sum
 * bias + sum (x - x_zp) * w is exact (int32); y = saturate(round half to
 * even((float)sum * (x_scale * w_scale[oc] / y_scale)) + y_zp), the
 * multiplier computed in float in that order, as onnxruntime does. */
void onnxcc_u8s8_conv2d_ref(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, float x_scale,
                            uint8_t x_zp,
                            const int8_t *w, const float *w_scale, int w_scale_per_oc, const int32_t *bias,
                            float y_scale, uint8_t y_zp, uint8_t *y);
/* The same, bit for bit, with AVX-512 VNNI (vpdpbusd) and VBMI where the
 * CPU has them and p->isa_cap allows avx512, else AVX2 (vpmaddwd on 16-bit
 * pairs) where allowed, else the reference kernel; split over the runtime's
 * threads (the same bytes for every count).  No scratch from the caller:
 * tiles and reordered weights live on the stack (about 180 KiB on the
 * calling thread, 80 KiB on each worker). */
void onnxcc_u8s8_conv2d(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, float x_scale,
                        uint8_t x_zp,
                        const int8_t *w, const float *w_scale, int w_scale_per_oc, const int32_t *bias,
                        float y_scale, uint8_t y_zp, uint8_t *y);

/* QuantizeLinear to uint8, one scale and zero point, n dense elements:
 * y = saturate(round half to even(x / scale) + zp), NaN to 0. */
void onnxcc_f32_quantize_u8(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y, int isa_cap);

/* Quantized Add (QLinearAdd), n dense uint8 elements of one scale and
 * zero point per tensor: c = saturate(round half to even((a - a_zp) *
 * a_scale / c_scale + (b - b_zp) * b_scale / c_scale) + c_zp) in
 * onnxruntime's float arithmetic: ra = a_scale / c_scale, rb = b_scale /
 * c_scale, k = c_zp - fma(ra, a_zp, rb * b_zp), c = saturate(round half to
 * even(fma(a, ra, fma(b, rb, k)))).  onnxcc_u8_qadd picks AVX-512 or AVX2
 * as onnxcc_u8s8_conv2d does (isa_cap as OnnxccConv2dParams.isa_cap), the
 * reference loop's bytes. */
void onnxcc_u8_qadd_ref(size_t n, const uint8_t *a, float a_scale, uint8_t a_zp, const uint8_t *b, float b_scale,
                        uint8_t b_zp, float c_scale, uint8_t c_zp, uint8_t *c);
void onnxcc_u8_qadd(size_t n, const uint8_t *a, float a_scale, uint8_t a_zp, const uint8_t *b, float b_scale,
                    uint8_t b_zp, float c_scale, uint8_t c_zp, uint8_t *c, int isa_cap);

/* Quantized matrix product (QGemm / QLinearMatMul of a QDQ model; batch-1
 * classifiers are matrix-vector products): for rows m < M and outputs
 * n < N, acc = bias[n] (0 if bias is NULL) + sum_k (x[m*K+k] - x_zp) *
 * w[n*K+k], exact in int32 (K < 65536), then
 *   y_u8 non-NULL: y_u8[m*N+n] = saturate(round_half_even((float)acc *
 *     (x_scale * w_scale[n] / y_scale)) + y_zp), as onnxruntime's QGemm
 *     requantizes;
 *   else: y_f32[m*N+n] = (float)acc * (x_scale * w_scale[n]) (QGemm with
 *     float output, MatMulIntegerToFloat).
 * w_scale[n] is w_scale[0] for every n unless w_scale_per_n.  w is int8
 * with zero point 0, row n of N holding the K weights of output n.
 * onnxcc_u8s8_gemm sums with AVX-512 VNNI (vpdpbusd) or AVX2 (vpmaddwd on
 * 16-bit operands) where the CPU has it and isa_cap (as
 * OnnxccConv2dParams.isa_cap) allows, over the runtime's threads: the
 * reference kernel's values, bit for bit. */
void onnxcc_u8s8_gemm_ref(int M, int N, int K, const uint8_t *x, float x_scale, uint8_t x_zp, const int8_t *w,
                          const float *w_scale, int w_scale_per_n, const int32_t *bias, float y_scale,
                          uint8_t y_zp, uint8_t *y_u8, float *y_f32);
void onnxcc_u8s8_gemm(int M, int N, int K, const uint8_t *x, float x_scale, uint8_t x_zp, const int8_t *w,
                      const float *w_scale, int w_scale_per_n, const int32_t *bias, float y_scale, uint8_t y_zp,
                      uint8_t *y_u8, float *y_f32, int isa_cap);

/* ---- fast conv2d ------------------------------------------------------ */

/* The same convolution with SIMD kernels picked at run time by the CPU's
 * features, on weights packed ahead of time (by the compiler) and a scratch
 * buffer from the caller.  Sums accumulate in float; stride-1 3x3 layers
 * with at least 8 input and 8 output channels per group and maps of at
 * least 8x8 (7x7 with at least 512 output channels per group) run as
 * Winograd F(4x4, 3x3), whose float transforms add error of a few 1e-6 of
 * the outputs' magnitude.
 *
 * ISA levels: onnxcc_rt_isa() is the best level the CPU supports, capped by
 * the environment variable ONNXCC_ISA=scalar|avx2|avx512 (other values: no
 * cap), read on every call.  Non-x86 builds have the scalar level only. */
enum { ONNXCC_ISA_SCALAR = 0, ONNXCC_ISA_AVX2 = 1, ONNXCC_ISA_AVX512 = 2 };
int onnxcc_rt_isa(void);
/* onnxcc_rt_isa(), further capped at level cap - 1 when cap > 0: how a
 * compiled model limits its own layers (OnnxccConv2dParams.isa_cap, set by
 * `onnxcc --isa`) without any global state.  Every fast kernel that picks
 * an ISA level takes such a cap (a parameter or argument named isa_cap,
 * 0 = no cap), so that a model compiled with --isa=scalar runs no vector
 * kernel and gives the bits the scalar level gives. */
int onnxcc_rt_isa_capped(int cap);
const char *onnxcc_rt_isa_name(int isa); /* "scalar", "avx2", "avx512"; "unknown" */

/* The runtime's layout stamp: a hash of the sources it was built from
 * (runtime/stamp.sh).  Weights come packed at compile time for one
 * runtime's blocking, so the generated code compares this with the stamp
 * of the runtime its compiler was built with and returns 4 instead of
 * computing on weights another runtime laid out differently. */
unsigned long long onnxcc_rt_stamp(void);

/* Threads: the fast kernels split each call's work over up to
 * onnxcc_num_threads() threads (the caller's and a persistent pool's).  The
 * count is the one set by onnxcc_set_num_threads(n > 0), else the
 * environment variable ONNXCC_NUM_THREADS (read on every call), else the
 * number of CPUs the process may run on; n <= 0 restores that default.
 * Results are bitwise identical for every count.  Calls from several
 * application threads at once are safe: one of them gets the pool, the
 * others run on their own thread. */
int onnxcc_num_threads(void);
void onnxcc_set_num_threads(int n);

/* Floats of packed weights for p (p->pre_relu and p->act do not matter). */
size_t onnxcc_f32_conv2d_packed_size(const OnnxccConv2dParams *p);
/* Packs w [M][C/group][kH][kW] into the layout onnxcc_f32_conv2d reads.  The
 * packed data is deterministic and the same for every ISA level and machine,
 * so it can be packed at compile time and run anywhere. */
void onnxcc_f32_conv2d_pack(const OnnxccConv2dParams *p, const float *w, float *packed);
/* Floats of scratch one call needs (the same on every machine); the caller
 * passes it 64-byte aligned. */
size_t onnxcc_f32_conv2d_scratch_size(const OnnxccConv2dParams *p);
/* Which kind of scratch p's algorithm uses: 0 (im2col / shifted GEMM) or 1
 * (Winograd), which is also the algorithm onnxcc_f32_conv2d_pack chose.  With threads, layers of different kinds should get separate
 * scratch regions: a region written by one kind's split and then by the
 * other's moves its cache lines between cores at every layer. */
int onnxcc_f32_conv2d_scratch_kind(const OnnxccConv2dParams *p);
#define ONNXCC_CONV2D_SCRATCH_KINDS 2
/* As onnxcc_f32_conv2d_ref, with packed weights; x and y need no alignment,
 * and only y's elements (no stride gaps) are written. */
void onnxcc_f32_conv2d(const OnnxccConv2dParams *p, const float *x, const float *packed,
                       const float *bias, const float *pre_scale, const float *pre_shift,
                       const float *res, float *scratch, float *y);

/* ---- batchnorm (inference) -------------------------------------------- */

/* y = x*a[c] + b[c] over x [N][C][HW], where, in float, the way onnxruntime
 * does it: a[c] = scale[c] * (1/sqrtf(var[c] + eps)), b[c] = bias[c] - mean[c]*a[c].
 * y may equal x. */
void onnxcc_f32_batchnorm_ref(size_t N, size_t C, size_t HW, float eps, const float *x,
                              const float *scale, const float *bias, const float *mean,
                              const float *var, float *y);

/* ---- elementwise unary (n elements; y may equal x) -------------------- */

void onnxcc_f32_copy_ref(size_t n, const float *x, float *y); /* y = x (identity, reshape, flatten) */
void onnxcc_f32_relu_ref(size_t n, const float *x, float *y); /* y = max(0, x), NaN stays NaN */
/* y = min(max(x, lo), hi) (numpy clip: hi wins when lo > hi) */
void onnxcc_f32_clip_ref(size_t n, float lo, float hi, const float *x, float *y);
/* y = x < 0 ? alpha*x : x */
void onnxcc_f32_leakyrelu_ref(size_t n, float alpha, const float *x, float *y);
/* y = 1/(1 + exp(-x)), computed as exp(x)/(1 + exp(x)) for x < 0 */
void onnxcc_f32_sigmoid_ref(size_t n, const float *x, float *y);

/* ---- binary with numpy broadcasting ----------------------------------- */

/* The output index space and where each input reads from it.  The caller
 * (the compiler) aligns ranks and sets an input's stride to 0 on every axis
 * it broadcasts; an input of the output's own shape has the dense strides. */
typedef struct OnnxccBroadcast {
    int rank;                             /* 0 .. ONNXCC_RT_MAX_RANK (0 = scalar) */
    size_t dims[ONNXCC_RT_MAX_RANK];      /* output dims; y is dense */
    size_t a_strides[ONNXCC_RT_MAX_RANK]; /* elements; 0 on broadcast axes */
    size_t b_strides[ONNXCC_RT_MAX_RANK];
} OnnxccBroadcast;

/* y = a op b elementwise; y may equal an input that is not broadcast (dense,
 * output-shaped).  Return ONNXCC_RT_EPARAM if rank is out of range. */
int onnxcc_f32_add_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y);
int onnxcc_f32_sub_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y);
int onnxcc_f32_mul_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y);
int onnxcc_f32_div_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y);

enum { ONNXCC_BIN_ADD = 0, ONNXCC_BIN_SUB = 1, ONNXCC_BIN_MUL = 2, ONNXCC_BIN_DIV = 3 };
/* The reference kernels' results, bit for bit, fast: rows of the last axis
 * as SIMD loops (best when the compiler has merged axes, so that the last
 * one is long), split over the runtime's threads.  op: ONNXCC_BIN_*. */
int onnxcc_f32_binary(const OnnxccBroadcast *p, int op, const float *a, const float *b, float *y);

/* ---- concat ----------------------------------------------------------- */

/* Concatenates n inputs along an axis.  outer = product of dims before the
 * axis, inner = product after; input i is [outer][sizes[i]][inner] at xs[i];
 * y is [outer][sum of sizes][inner]. */
void onnxcc_f32_concat_ref(size_t outer, size_t inner, size_t n, const float *const xs[],
                           const size_t sizes[], float *y);

/* ---- pooling ---------------------------------------------------------- */

/* Max / average pooling over [N][C][H][W] (1-D: H = 1, kH = 1).  Window
 * (oh, ow) covers rows oh*stride_h - pad_t + i*dil_h, i < kH (columns alike).
 * OH/OW come from the compiler (ceil_mode already resolved); taps outside the
 * input are skipped, including windows that run past the padding.  Images
 * are x_img_stride / y_img_stride elements apart (0 = dense), so y can be a
 * channel slice of a larger buffer. */
typedef struct OnnxccPool2dParams {
    int N, C, H, W;
    int OH, OW;
    int kH, kW;
    int stride_h, stride_w;
    int dil_h, dil_w; /* >= 1 (AveragePool before opset 19: 1) */
    int pad_t, pad_l, pad_b, pad_r;
    int count_include_pad; /* avgpool: divisor also counts taps in the pads */
    size_t x_img_stride;   /* >= C*H*W; 0 = C*H*W */
    size_t y_img_stride;   /* >= C*OH*OW; 0 = C*OH*OW */
    int pre_relu;          /* fast kernels: max(0, .) after the pre-activation
                            * (see below); the _ref kernels ignore it */
} OnnxccPool2dParams;

/* Max of the taps inside the input; -FLT_MAX if there is none (as onnxruntime). */
void onnxcc_f32_maxpool2d_ref(const OnnxccPool2dParams *p, const float *x, float *y);
/* Sum of the taps inside the input, divided by their count, or with
 * count_include_pad by the count of taps inside the padded input
 * [-pad_t, H+pad_b) x [-pad_l, W+pad_r) (onnxruntime: never taps beyond the
 * pads, which ceil_mode windows can reach).  0 if the divisor is 0. */
void onnxcc_f32_avgpool2d_ref(const OnnxccPool2dParams *p, const float *x, float *y);

/* y[i] = mean / max of the plane x[i*hw .. i*hw + hw-1], i < planes (= N*C). */
void onnxcc_f32_globalavgpool_ref(size_t planes, size_t hw, const float *x, float *y);
void onnxcc_f32_globalmaxpool_ref(size_t planes, size_t hw, const float *x, float *y);

/* Quantized pools on uint8 NCHW (one scale and zero point per tensor), in
 * onnxruntime's arithmetic (x86-64):
 *  - max pool: the max of the taps inside the input (0 if none), exact;
 *    p->dil_* and both image strides as above.
 *  - average pool (QLinearAveragePool): each tap dequantized to float
 *    (x_scale * (x - x_zp)), summed in float in window order, divided by
 *    the count (kH*kW with count_include_pad, else the taps inside the
 *    input), then saturate(round half to even(s / y_scale + y_zp)); a
 *    window the size of the input without pads is the global pool below.
 *    p->dil_* must be 1.
 *  - global average pool (QLinearGlobalAveragePool): y[i] = saturate(round
 *    half to even((sum of plane i - x_zp*hw) * (x_scale / (y_scale *
 *    hw))) + y_zp), integer sums, dense planes.
 * The unsuffixed kernels pick AVX-512 (BW/VL) or AVX2 (isa_cap as
 * OnnxccConv2dParams.isa_cap), split planes over threads and give the
 * _ref kernels' bytes for every level and thread count. */
void onnxcc_u8_maxpool2d_ref(const OnnxccPool2dParams *p, const uint8_t *x, uint8_t *y);
void onnxcc_u8_avgpool2d_ref(const OnnxccPool2dParams *p, const uint8_t *x, float x_scale, uint8_t x_zp,
                             float y_scale, uint8_t y_zp, uint8_t *y);
void onnxcc_u8_globalavgpool_ref(size_t planes, size_t hw, const uint8_t *x, float x_scale, uint8_t x_zp,
                                 float y_scale, uint8_t y_zp, uint8_t *y);
void onnxcc_u8_maxpool2d(const OnnxccPool2dParams *p, const uint8_t *x, uint8_t *y, int isa_cap);
void onnxcc_u8_avgpool2d(const OnnxccPool2dParams *p, const uint8_t *x, float x_scale, uint8_t x_zp,
                         float y_scale, uint8_t y_zp, uint8_t *y, int isa_cap);
void onnxcc_u8_globalavgpool(size_t planes, size_t hw, const uint8_t *x, float x_scale, uint8_t x_zp,
                             float y_scale, uint8_t y_zp, uint8_t *y, int isa_cap);
/* y[i] = lut[x[i]], n bytes (a uint8 requantization's table); the
 * unsuffixed kernel uses AVX-512 VBMI where the CPU and isa_cap allow. */
void onnxcc_u8_lut_ref(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y);
void onnxcc_u8_lut(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y, int isa_cap);

/* ---- gemm / matmul ---------------------------------------------------- */

/* ONNX Gemm: Y[M][N] = alpha * op(A) * op(B) + beta * C.
 * A is [M][K], or [K][M] if trans_a; B is [K][N], or [N][K] if trans_b.
 * C (may be NULL = none) is read at c[i*c_row_stride + j*c_col_stride]:
 * [M][N] -> (N, 1), [N] -> (0, 1), [M][1] -> (1, 0), scalar -> (0, 0).
 * y may equal c when c is a dense [M][N]. */
typedef struct OnnxccGemmParams {
    int M, N, K;
    int trans_a, trans_b;
    float alpha, beta;
    size_t c_row_stride, c_col_stride;
    int isa_cap; /* fast kernel: as OnnxccConv2dParams.isa_cap; 0 = no cap */
} OnnxccGemmParams;

void onnxcc_f32_gemm_ref(const OnnxccGemmParams *p, const float *a, const float *b,
                         const float *c, float *y);

/* ---- fast pooling and gemm -------------------------------------------- */

/* Portable kernels with float sums (written for the compiler's -O2
 * vectoriser, no ISA dispatch), each matching the _ref kernel above within
 * float rounding; max pools match it exactly.
 *
 * The pools read every tap through a per-channel pre-activation (a BN + ReLU
 * fused into the pool): pre(x)[c] = x*pre_scale[c] + pre_shift[c]
 * (pre_scale / pre_shift NULL = 1 / 0), then max(0, .) if p->pre_relu.
 * Taps outside the input are skipped as in the _ref kernels (pads are not
 * pre-activated), so an empty max window is still -FLT_MAX.  Only y's
 * elements are written, never the gaps between its images. */
void onnxcc_f32_maxpool2d(const OnnxccPool2dParams *p, const float *x, const float *pre_scale,
                          const float *pre_shift, float *y, int isa_cap);
void onnxcc_f32_avgpool2d(const OnnxccPool2dParams *p, const float *x, const float *pre_scale,
                          const float *pre_shift, float *y, int isa_cap);

/* y[n*C + c] = mean over i < hw of pre(x[n*x_img_stride + c*hw + i]), with
 * pre as above and max(0, .) if pre_relu; x_img_stride 0 = C*hw (dense), so
 * x can be a channel prefix of a larger buffer.  0 if hw is 0.  Plane sums
 * in vectors of the best ISA level the CPU and isa_cap (as
 * OnnxccConv2dParams.isa_cap) allow: the same bits for any thread count. */
void onnxcc_f32_globalavgpool(size_t N, size_t C, size_t hw, size_t x_img_stride,
                              const float *x, const float *pre_scale, const float *pre_shift,
                              int pre_relu, float *y, int isa_cap);

/* onnxcc_f32_gemm_ref's semantics (every trans_a / trans_b, alpha, beta and
 * C stride; y may equal a dense c), float sums. */
void onnxcc_f32_gemm(const OnnxccGemmParams *p, const float *a, const float *b, const float *c,
                     float *y);

/* Batched MatMul: for t < batch, Y_t[M][N] = A_t[M][K] * B_t[K][N] with
 * A_t = a + t*a_batch_stride, B_t = b + t*b_batch_stride, Y_t = y + t*M*N.
 * A stride of 0 broadcasts that operand over the batch (e.g. [B,M,K] x [K,N]).
 * Broadcasts of other patterns ([2,1,M,K] x [1,3,K,N]) are a loop of calls.
 * b_layout says how B_t is stored: */
enum {
    ONNXCC_MATMUL_B_KN = 0,    /* [K][N] */
    ONNXCC_MATMUL_B_NK = 1,    /* [N][K] (attention's Q x K^T as an Einsum writes it) */
    ONNXCC_MATMUL_B_PACKED = 2 /* onnxcc_f32_matmul_pack_b's blocks (weights, packed once) */
};
typedef struct OnnxccMatmulParams {
    int M, K, N;
    size_t batch;          /* output matrices, >= 1 */
    size_t a_batch_stride; /* elements; M*K when dense, 0 = broadcast */
    size_t b_batch_stride; /* elements; K*N when dense (packed: its size), 0 = broadcast */
    int b_layout;          /* ONNXCC_MATMUL_B_*; the reference takes KN and NK */
    int isa_cap;           /* fast kernel: as OnnxccConv2dParams.isa_cap; 0 = no cap */
} OnnxccMatmulParams;

void onnxcc_f32_matmul_ref(const OnnxccMatmulParams *p, const float *a, const float *b,
                           float *y);
/* The same on the fast GEMM kernels, float sums (bitwise the same for every
 * thread count); scratch: onnxcc_f32_matmul_scratch_size(p) floats, 64-byte
 * aligned, for A packed in panels and B's last N % 16 columns (or B_t
 * transposed), one set per batch task. */
size_t onnxcc_f32_matmul_scratch_size(const OnnxccMatmulParams *p);
/* B [K][N] ([N][K] if p->b_layout is ONNXCC_MATMUL_B_NK; dense) into
 * onnxcc_f32_matmul_packed_b_size(p)
 * floats laid out as onnxcc_f32_matmul takes a B_PACKED operand: column
 * blocks one after another, each [K][its width rounded up to 16], zero-
 * padded, so that each block streams from memory in one run. */
size_t onnxcc_f32_matmul_packed_b_size(const OnnxccMatmulParams *p);
void onnxcc_f32_matmul_pack_b(const OnnxccMatmulParams *p, const float *b, float *packed);
void onnxcc_f32_matmul(const OnnxccMatmulParams *p, const float *a, const float *b, float *y,
                       float *scratch);
/* The same plus bias[j] on every row's column j (a Linear layer: MatMul
 * then Add of an [N] vector), bias NULL: none; the same bits as the Add
 * after the product. */
void onnxcc_f32_matmul_bias(const OnnxccMatmulParams *p, const float *a, const float *b, const float *bias,
                            float *y, float *scratch);
/* The same, then act (NULL: none) on every output, as onnxcc_f32_act at
 * the same ISA cap computes it, over each block of Y right after the last
 * sums of k stored it, while it is in cache: the same bits as the
 * activation after the product. */
void onnxcc_f32_matmul_bias_act(const OnnxccMatmulParams *p, const float *a, const float *b, const float *bias,
                                const OnnxccAct *act, float *y, float *scratch);

/* ---- pad -------------------------------------------------------------- */

enum {
    ONNXCC_PAD_CONSTANT = 0,
    ONNXCC_PAD_REFLECT = 1, /* mirror without repeating the border (numpy 'reflect') */
    ONNXCC_PAD_EDGE = 2     /* repeat the border */
};

/* ONNX Pad.  Output dim d = in_dims[d] + begin[d] + end[d]; a negative pad
 * crops.  Output element o reads input o - begin when that lies in the kept
 * (uncropped) range [max(0, -begin), in - max(0, -end)); otherwise value
 * (constant) or the reflected / nearest index within the kept range. */
typedef struct OnnxccPadParams {
    int rank; /* 0 .. ONNXCC_RT_MAX_RANK */
    int mode; /* ONNXCC_PAD_* */
    float value;
    size_t in_dims[ONNXCC_RT_MAX_RANK];
    ptrdiff_t begin[ONNXCC_RT_MAX_RANK];
    ptrdiff_t end[ONNXCC_RT_MAX_RANK];
} OnnxccPadParams;

/* Return ONNXCC_RT_EPARAM for a bad rank or mode, a negative output dim, or,
 * for reflect / edge, an empty kept range under a non-empty output axis, or
 * reflect padding more than kept-1 on a side (onnxruntime rejects it). */
int onnxcc_f32_pad_ref(const OnnxccPadParams *p, const float *x, float *y);

/* ---- softmax ---------------------------------------------------------- */

/* Softmax of x viewed as [outer][len][inner] along the middle axis:
 * e = expf(x - max) in float, sum of e in double, y = e / sum rounded once.
 * y may equal x. */
void onnxcc_f32_softmax_ref(size_t outer, size_t len, size_t inner, const float *x, float *y);
/* LogSoftmax likewise: y = (x - max) - log(sum of exp(x - max)). */
void onnxcc_f32_logsoftmax_ref(size_t outer, size_t len, size_t inner, const float *x,
                               float *y);
/* The same two, fast: exp by SIMD polynomials (a few ulp; ONNXCC_ISA=scalar:
 * expf), the sum in float vectors flushed into a double every few vectors,
 * y = e * (1/sum) (LogSoftmax: (x - max) - log(sum)); within 1e-6 relative
 * of the _ref kernels, NaN and infinities as they give them.  Rows (blocks
 * of columns when inner > 1) are split over the runtime's threads (every
 * count gives the same bits).  y may equal x. */
void onnxcc_f32_softmax(size_t outer, size_t len, size_t inner, const float *x, float *y, int isa_cap);
void onnxcc_f32_logsoftmax(size_t outer, size_t len, size_t inner, const float *x, float *y, int isa_cap);

/* ---- layer normalization ---------------------------------------------- */

/* LayerNormalization over the last axis: for each of rows rows of len
 * floats, y = (x - mean) / sqrt(var + eps) * gamma[i] + beta[i] (population
 * variance; gamma NULL: 1, beta NULL: 0).  Mean and variance in two passes
 * over float vectors summed into doubles; within a few 1e-7 relative of a
 * double computation when |mean| is not much larger than the spread.  SIMD
 * where the CPU has it, rows split over the runtime's threads (every count
 * gives the same bits).  y may equal x. */
void onnxcc_f32_layernorm(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                          const float *beta, float *y, int isa_cap);

/* ---- strided copy (transpose, split, slice), gather, reduce ----------- */

/* y, dense over dims[0..rank-1], gets y[i_0]..[i_last] = x[sum i_d*x_strides[d]]
 * (strides in elements, may be negative): Transpose (x's strides permuted)
 * and Split or Slice (x offset to the first element read).  y must not
 * overlap x.  Returns ONNXCC_RT_EPARAM for a rank out of 0..ONNXCC_RT_MAX_RANK. */
typedef struct OnnxccStridedCopyParams {
    int rank;
    size_t dims[ONNXCC_RT_MAX_RANK];         /* of y */
    ptrdiff_t x_strides[ONNXCC_RT_MAX_RANK]; /* x elements per step along each axis of y */
} OnnxccStridedCopyParams;

int onnxcc_f32_strided_copy_ref(const OnnxccStridedCopyParams *p, const float *x, float *y);
/* The same, fast: an axis read along x under a strided last axis (a
 * transpose) goes in 16 x 16 tiles, over the runtime's threads. */
int onnxcc_f32_strided_copy(const OnnxccStridedCopyParams *p, const float *x, float *y, int isa_cap);

/* Gather: x viewed as [outer][len][inner], y as [outer][n][inner] with
 * y[o][j][:] = x[o][idx[j]][:]; every idx[j] < len (the compiler checked
 * and normalised them). */
void onnxcc_f32_gather_ref(size_t outer, size_t len, size_t inner, size_t n, const size_t *idx,
                           const float *x, float *y);

/* ReduceMean: x's axes split into kept and reduced ones, each with its
 * extent and stride in x.  y, dense over the kept axes in order, gets the
 * mean of x over the reduced index space (sum in double, one rounding; 0
 * if that space is empty).  nred = 0 copies.  Returns ONNXCC_RT_EPARAM
 * if nkeep or nred is out of 0..ONNXCC_RT_MAX_RANK. */
typedef struct OnnxccReduceParams {
    int nkeep, nred;
    size_t keep_dims[ONNXCC_RT_MAX_RANK];
    ptrdiff_t keep_strides[ONNXCC_RT_MAX_RANK];
    size_t red_dims[ONNXCC_RT_MAX_RANK];
    ptrdiff_t red_strides[ONNXCC_RT_MAX_RANK];
} OnnxccReduceParams;

int onnxcc_f32_reduce_mean_ref(const OnnxccReduceParams *p, const float *x, float *y);

/* ---- depthwise conv2d and fused elementwise (fast, portable) ---------- */

/* Whether p is a depthwise convolution onnxcc_f32_dwconv2d takes: group ==
 * C == M (one filter per channel). */
int onnxcc_f32_dwconv2d_fits(const OnnxccConv2dParams *p);
/* onnxcc_f32_conv2d_ref's semantics for such p (every kernel size, stride,
 * dilation, padding, pre-activation, epilogue and image stride) on the
 * unpacked weights w [C][1][kH][kW], float sums, no scratch; threads as the
 * fast conv (bitwise identical for every count). */
void onnxcc_f32_dwconv2d(const OnnxccConv2dParams *p, const float *x, const float *w,
                         const float *bias, const float *pre_scale, const float *pre_shift,
                         float *y);

/* Resize (linear or cubic) of planes dense H x W float planes to OH x OW,
 * separable, with per-axis tables of ty (at most 4) and tx taps: y[p][oh][ow]
 * = sum over i < ty of wy[oh*ty + i] * (sum over j < tx of wx[ow*tx + j] *
 * x[p][iy[oh*ty + i]][ix[ow*tx + j]]), float sums in that order; indices in
 * [0, H) and [0, W).  Threads as the fast conv (bitwise identical). */
void onnxcc_f32_resize2d(size_t planes, int H, int W, int OH, int OW, int ty, const int32_t *iy,
                         const float *wy, int tx, const int32_t *ix, const float *wx, const float *x,
                         float *y);

/* y = act(a + b) over n dense elements (the Add of a residual connection
 * with the activation after it); y may equal a or b. */
void onnxcc_f32_add_act(size_t n, const float *a, const float *b, OnnxccAct act, float *y, int isa_cap);

/* y = act(x) over n dense elements, any ONNXCC_ACT_* kind; y may equal x.
 * SIMD where the CPU has it (the transcendental kinds by polynomials within
 * a few ulp of the correctly rounded result; ONNXCC_ISA=scalar uses libm),
 * split over the runtime's threads (every count gives the same bits). */
void onnxcc_f32_act(size_t n, OnnxccAct act, const float *x, float *y, int isa_cap);

/* y[r*cols + j] = x[r*cols + j] * s[r] for r < rows, j < cols: a tensor
 * [N][C][H*W] scaled per channel (rows = N*C, cols = H*W; the Mul of a
 * squeeze-and-excitation block).  y may equal x. */
void onnxcc_f32_scale_rows(size_t rows, size_t cols, const float *x, const float *s, float *y,
                           int isa_cap);

#ifdef __cplusplus
}
#endif

#endif /* ONNXCC_RT_H */
