/* qpool.h — what the quantized pools' reference loops (ref/u8_pool_ref.c),
 * their drivers (qpool.c) and their per-ISA row kernels share.
 *
 * The arithmetic is onnxruntime's (1.30, x86-64), established against it
 * on random models (tests/quant/make_qpool.py):
 *
 *  - MaxPool between a DequantizeLinear and a QuantizeLinear of one scale
 *    and zero point runs on the bytes: the max of the taps inside the
 *    input, exact.
 *  - QLinearAveragePool: every tap is dequantized to float,
 *    t = x_scale * (float)(x - x_zp) (one rounding), summed in float in
 *    window order (rows top to bottom, each left to right, starting from
 *    0), divided in float by the count (kH*kW with count_include_pad, else
 *    the taps inside the input), then y = sat_u8(rint(s / y_scale +
 *    (float)y_zp)), ties to even.  A window as large as the input with no
 *    pads runs as the global pool below (as onnxruntime does).
 *  - QLinearGlobalAveragePool: the bytes of a plane of n pixels summed in
 *    int32, acc = sum - x_zp * n, then y = sat_u8(rint((float)acc * m) +
 *    y_zp) with m = x_scale / (y_scale * (float)n).
 *
 * rint is the default rounding (nearest, ties to even; vcvtps2dq), and a
 * value beyond the int32 range saturates to 0 (vcvtps2dq's INT32_MIN). */
#ifndef ONNXCC_QPOOL_H
#define ONNXCC_QPOOL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* rint(v) saturated to a byte, INT32_MIN (0) out of range or NaN. */
static inline uint8_t qpool_sat(float v)
{
    long r = v >= -2147483648.0f && v < 2147483648.0f ? (long)nearbyintf(v) : -2147483647L - 1;
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

/* The average's last step: sum s of cnt taps to the output byte. */
static inline uint8_t qpool_avg_out(float s, float cnt, float y_scale, float y_zp)
{
    return qpool_sat(s / cnt / y_scale + y_zp);
}

/* The global average's last step. */
static inline uint8_t qpool_gap_out(int32_t acc, float m, int y_zp)
{
    float v = (float)acc * m;
    long r = v >= -2147483648.0f && v < 2147483648.0f ? (long)nearbyintf(v) : -2147483647L - 1;
    if (r == -2147483647L - 1)
        return 0;
    r += y_zp;
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

/* Interior columns of an average pool row: n outputs whose windows lie
 * inside the input horizontally.  rows[r] points at the first tap of the
 * first window in valid row r (nrows of them, top to bottom); output i
 * reads rows[r][i*stride + j], j < kW.  Constants as above. */
typedef struct {
    const uint8_t *const *rows;
    int nrows, kW, stride;
    size_t n;
    float x_scale, cnt, y_scale, y_zp;
    int x_zp;
    uint8_t *y;
} QAvgRow;

/* Row kernels of one ISA level. */
typedef struct {
    void (*vmax)(size_t n, const uint8_t *a, uint8_t *acc);             /* acc[i] = max(acc[i], a[i]) */
    void (*hmax)(size_t n, int k, const uint8_t *v, uint8_t *out);      /* out[i] = max_{j<k} v[i+j] */
    void (*even)(size_t n, const uint8_t *in, uint8_t *out);            /* out[i] = in[2i] */
    void (*avg)(const QAvgRow *r);                                       /* stride 1 or 2 */
    uint32_t (*sum)(size_t n, const uint8_t *x);                         /* sum of n bytes */
} QPoolRows;

extern const QPoolRows onnxcc_qpool_rows_scalar;
extern const QPoolRows onnxcc_qpool_rows_avx2;
extern const QPoolRows onnxcc_qpool_rows_avx512;

#endif
