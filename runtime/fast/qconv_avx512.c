/* qconv_avx512.c — the quantized GEMM kernel of qconv.h for AVX-512 VNNI
 * (this file alone is compiled with -mavx512f -mavx512bw -mavx512vnni).
 *
 * Output tile: MR rows (output channels) x NV vectors of 16 pixels, MR * NV
 * = 24 int32 accumulators in registers.  Per group of 4 taps: NV loads of
 * packed input (16 pixels x 4 u8 each), and per row one vpdpbusd per
 * vector with the row's 4 weight bytes broadcast: each int32 lane adds the
 * four u8 x s8 products of its pixel (exact: |sum| < 2^17 per step, no
 * intermediate saturation, unlike vpmaddubsw).  K % 4 trailing taps are a
 * last group whose weight word is assembled from the remaining bytes, so no
 * row is read past its end.  Epilogue: + corrected bias, to float, times
 * the multiplier, clamped to [-y_zp, 255 - y_zp] (integers, so clamping
 * before rounding gives the same as after), rounded half to even by the
 * default MXCSR mode (as nearbyintf), + y_zp, stored as bytes (masked at
 * the tile's end).  Rows past mr repeat the last row and are not stored. */
#include "onnxcc/rt.h"
#include "qconv.h"

#include <immintrin.h>
#include <string.h>

static inline __attribute__((always_inline)) void
qgemm(const uint8_t *xp, int K, int NV, int MR, int npix, const int8_t *w, int mr, const int32_t *beff,
      const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    const int PT = NV * 16, K4 = K / 4, tail = K % 4;
    const int8_t *wr[24];
    __m512i acc[24][4];
#pragma GCC unroll 24
    for (int r = 0; r < MR; r++) {
        wr[r] = w + (size_t)(r < mr ? r : mr - 1) * K;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[r][v] = _mm512_setzero_si512();
    }
    for (int k4 = 0; k4 <= K4; k4++) {
        if (k4 == K4 && !tail)
            break;
        __m512i xv[4];
        const uint8_t *xk = xp + (size_t)k4 * PT * 4;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            xv[v] = _mm512_load_si512((const void *)(xk + v * 64));
#pragma GCC unroll 24
        for (int r = 0; r < MR; r++) {
            int32_t word = 0;
            if (k4 < K4)
                memcpy(&word, wr[r] + 4 * k4, 4);
            else
                memcpy(&word, wr[r] + 4 * k4, (size_t)tail);
            const __m512i wb = _mm512_set1_epi32(word);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], xv[v], wb);
        }
    }
    const __m512 lo = _mm512_set1_ps(-(float)y_zp), hi = _mm512_set1_ps((float)(255 - y_zp));
    const __m512i zp = _mm512_set1_epi32(y_zp);
#pragma GCC unroll 24
    for (int r = 0; r < MR; r++) {
        if (r >= mr)
            break;
        const __m512i b = _mm512_set1_epi32(beff[r]);
        const __m512 m = _mm512_set1_ps(mult[r]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            const int left = npix - v * 16;
            if (left <= 0)
                break;
            __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc[r][v], b)), m);
            f = _mm512_min_ps(_mm512_max_ps(f, lo), hi);
            const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(f), zp);
            const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            _mm512_mask_cvtepi32_storeu_epi8(y + (size_t)r * y_stride + v * 16, mask, q);
        }
    }
}

void onnxcc_u8s8_qgemm_avx512vnni(const uint8_t *xp, int K, int PT, int npix, const int8_t *w, int mr,
                                  const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y,
                                  size_t y_stride)
{
    if (PT == 64)
        qgemm(xp, K, 4, 6, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else if (PT == 32)
        qgemm(xp, K, 2, 12, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else
        qgemm(xp, K, 1, 24, npix, w, mr, beff, mult, y_zp, y, y_stride);
}

/* ---- packing ------------------------------------------------------------ */

/* Row j < 4 of the tile's tap group: the npix bytes tap k reads, in
 * tmp[j * 64 ..]; whole output-row segments at a time, so a stride-1
 * tap is a memcpy between two memsets of x_zp (the padding). */
static void gather_tap(const OnnxccConv2dParams *p, const uint8_t *xc, const uint8_t *lc, uint8_t x_zp, int ky,
                       int kx, int p0, int npix, uint8_t *t)
{
    int i = 0, q = p0;
    while (i < npix) {
        const int oy = q / p->OW, ox0 = q % p->OW;
        int len = p->OW - ox0;
        if (len > npix - i)
            len = npix - i;
        const int iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
        if (iy < 0 || iy >= p->H) {
            memset(t + i, x_zp, (size_t)len);
        } else if (p->stride_w == 1) {
            const uint8_t *row = xc + (size_t)iy * p->W;
            const int ix0 = ox0 - p->pad_l + kx * p->dil_w; /* ix of the segment's first pixel */
            int a = ix0 < 0 ? -ix0 : 0, b = p->W - ix0;     /* in-image pixels: a <= j < b */
            if (a > len)
                a = len;
            if (b > len)
                b = len;
            if (b < a)
                b = a;
            memset(t + i, x_zp, (size_t)a);
            if (lc)
                for (int j = a; j < b; j++)
                    t[i + j] = lc[row[ix0 + j]];
            else
                memcpy(t + i + a, row + ix0 + a, (size_t)(b - a));
            memset(t + i + b, x_zp, (size_t)(len - b));
        } else {
            const uint8_t *row = xc + (size_t)iy * p->W;
            for (int j = 0; j < len; j++) {
                const int ix = (ox0 + j) * p->stride_w - p->pad_l + kx * p->dil_w;
                t[i + j] = ix >= 0 && ix < p->W ? (lc ? lc[row[ix]] : row[ix]) : x_zp;
            }
        }
        i += len;
        q += len;
    }
}

/* xp's 4-byte groups from four rows of PT bytes: lane i of vector v gets
 * r0[16v+i] | r1[..] << 8 | r2[..] << 16 | r3[..] << 24. */
static inline void interleave4(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, const uint8_t *r3,
                               int NV, uint8_t *dst)
{
    for (int v = 0; v < NV; v++) {
        const __m512i a = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(r0 + 16 * v)));
        const __m512i b = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(r1 + 16 * v)));
        const __m512i c = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(r2 + 16 * v)));
        const __m512i d = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(r3 + 16 * v)));
        const __m512i w = _mm512_or_si512(_mm512_or_si512(a, _mm512_slli_epi32(b, 8)),
                                          _mm512_or_si512(_mm512_slli_epi32(c, 16), _mm512_slli_epi32(d, 24)));
        _mm512_store_si512((void *)(dst + 64 * v), w);
    }
}

void onnxcc_u8s8_pack_avx512(const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp, int K,
                             int PT, int p0, int npix, uint8_t *xp)
{
    const int NV = PT / 16, K4 = (K + 3) / 4, taps = p->kH * p->kW;
    const size_t HW = (size_t)p->H * p->W;
    uint8_t rows[4][64];
    const int direct = taps == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_t == 0 && p->pad_l == 0 &&
                       p->OH == p->H && p->OW == p->W && npix == PT && !lut;
    memset(rows, 0, sizeof rows);
    int c = 0, ky = 0, kx = 0;
    for (int k4 = 0; k4 < K4; k4++) {
        const uint8_t *r[4];
        for (int j = 0; j < 4; j++) {
            const int k = 4 * k4 + j;
            if (k >= K) {
                memset(rows[j], 0, 64);
                r[j] = rows[j];
                continue;
            }
            if (direct) {
                r[j] = xg + (size_t)k * HW + p0; /* a 1x1 tap is the input row itself */
            } else {
                gather_tap(p, xg + (size_t)c * HW, lut ? lut + (size_t)c * 256 : NULL, x_zp, ky, kx, p0, npix, rows[j]);
                r[j] = rows[j];
            }
            if (++kx == p->kW) {
                kx = 0;
                if (++ky == p->kH)
                    ky = 0, c++;
            }
        }
        interleave4(r[0], r[1], r[2], r[3], NV, xp + (size_t)k4 * PT * 4);
    }
}

/* ---- QuantizeLinear ------------------------------------------------------- */

size_t onnxcc_f32_quantize_u8_avx512(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y)
{
    const __m512 s = _mm512_set1_ps(scale), z = _mm512_set1_ps((float)zp), top = _mm512_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_div_ps(_mm512_loadu_ps(x + i), s);
        v = _mm512_add_ps(_mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
        v = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), top); /* max(NaN, 0) = 0 */
        _mm512_mask_cvtepi32_storeu_epi8(y + i, (__mmask16)0xFFFF, _mm512_cvtps_epi32(v));
    }
    return i;
}
