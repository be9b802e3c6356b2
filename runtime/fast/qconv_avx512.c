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
