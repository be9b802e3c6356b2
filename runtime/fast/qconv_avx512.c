/* qconv_avx512.c — the quantized GEMM kernel of qconv.h for AVX-512 VNNI
 * (this file alone is compiled with -mavx512f -mavx512bw -mavx512vl
 * -mavx512vnni -mavx512vbmi), and the tile packing for it.
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
 * t[0 ..]; whole output-row segments at a time (the path for stride_w > 1). */
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

/* 16 bytes looked up in the 256-byte table lc: two vpermi2b over its
 * halves, picked by each index's top bit (AVX-512 VBMI). */
static inline __m128i lut16(const uint8_t *lc, __m128i v)
{
    const __m512i idx = _mm512_castsi128_si512(v);
    const __m512i lo = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)lc), idx,
                                                _mm512_loadu_si512((const void *)(lc + 64)));
    const __m512i hi = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)(lc + 128)), idx,
                                                _mm512_loadu_si512((const void *)(lc + 192)));
    return _mm512_castsi512_si128(_mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lo, hi));
}

/* The lanes [a, b) of 16-pixel vector v that lie in output row oy, from
 * column ox (at lane a) on. */
typedef struct { int v, a, b, oy, ox; } Piece;

static inline __m128i tap_vector(const OnnxccConv2dParams *p, const uint8_t *xc, uint8_t x_zp, const Piece *pc,
                                 int np, int ky, int kx, __mmask16 *loaded)
{
    __m128i r = _mm_set1_epi8((char)x_zp);
    *loaded = 0;
    for (int i = 0; i < np; i++) {
        const int iy = pc[i].oy * p->stride_h - p->pad_t + ky * p->dil_h;
        if (iy < 0 || iy >= p->H)
            continue;
        const int col = pc[i].ox - p->pad_l + kx * p->dil_w; /* column of lane a */
        int lo = pc[i].a, hi = pc[i].b;                     /* lanes inside the row */
        if (col < 0)
            lo = pc[i].a - col > lo ? pc[i].a - col : lo;
        if (col + (hi - pc[i].a) > p->W)
            hi = pc[i].a + p->W - col;
        if (hi <= lo)
            continue;
        const __mmask16 m = (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
        /* lane l reads row[col + l - a]; masked-off lanes are never touched */
        const uint8_t *base = xc + (size_t)iy * p->W;
        const uintptr_t at = (uintptr_t)base + (uintptr_t)(intptr_t)(col - pc[i].a);
        r = _mm_mask_loadu_epi8(r, m, (const void *)at);
        *loaded |= m;
    }
    return r;
}

void onnxcc_u8s8_pack_avx512(const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp, int K,
                             int PT, int p0, int npix, uint8_t *xp)
{
    const int NV = PT / 16, K4 = (K + 3) / 4;
    const size_t HW = (size_t)p->H * p->W;
    const int vbmi = __builtin_cpu_supports("avx512vbmi");
    int c = 0, ky = 0, kx = 0;
    if (p->stride_w != 1 || (lut && !vbmi)) {
        uint8_t rows[4][64];
        memset(rows, 0, sizeof rows);
        for (int k4 = 0; k4 < K4; k4++) {
            for (int j = 0; j < 4; j++) {
                if (4 * k4 + j >= K) {
                    memset(rows[j], 0, 64);
                    continue;
                }
                gather_tap(p, xg + (size_t)c * HW, lut ? lut + (size_t)c * 256 : NULL, x_zp, ky, kx, p0, npix,
                           rows[j]);
                if (++kx == p->kW) {
                    kx = 0;
                    if (++ky == p->kH)
                        ky = 0, c++;
                }
            }
            for (int v = 0; v < NV; v++) {
                const __m512i a = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(rows[0] + 16 * v)));
                const __m512i b = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(rows[1] + 16 * v)));
                const __m512i cc = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(rows[2] + 16 * v)));
                const __m512i d = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(rows[3] + 16 * v)));
                const __m512i w = _mm512_or_si512(_mm512_or_si512(a, _mm512_slli_epi32(b, 8)),
                                                  _mm512_or_si512(_mm512_slli_epi32(cc, 16), _mm512_slli_epi32(d, 24)));
                _mm512_store_si512((void *)(xp + (size_t)k4 * PT * 4 + 64 * v), w);
            }
        }
        return;
    }
    /* stride_w 1: each 16-pixel vector of a tap is one masked load per
     * output row it spans.  A 1x1 unpadded tap is the input row itself. */
    const int flat = p->kH == 1 && p->kW == 1 && p->stride_h == 1 && p->pad_t == 0 && p->pad_l == 0 &&
                     p->OH == p->H && p->OW == p->W;
    Piece pc[64];
    int np[4] = {0, 0, 0, 0}, first[4] = {0, 0, 0, 0}, n = 0;
    for (int v = 0; v < NV; v++) {
        first[v] = n;
        for (int l = 0; l < 16 && 16 * v + l < npix;) {
            const int q = p0 + 16 * v + l, oy = q / p->OW, ox = q % p->OW;
            int len = p->OW - ox;
            if (len > 16 - l)
                len = 16 - l;
            if (len > npix - 16 * v - l)
                len = npix - 16 * v - l;
            pc[n++] = (Piece){v, l, l + len, oy, ox};
            l += len;
        }
        np[v] = n - first[v];
    }
    /* Per tap (ky, kx) and vector: the loads are the same for every input
     * channel, so their offsets in the channel plane and lane masks are
     * worked out once per tile (for kernels of up to QC_TAPS taps). */
    enum { QC_TAPS = 9, QC_PIECES = 4 };
    const int taps = p->kH * p->kW;
    int32_t off[QC_TAPS][4][QC_PIECES];
    __mmask16 msk[QC_TAPS][4][QC_PIECES], all[QC_TAPS][4];
    int cnt[QC_TAPS][4];
    int pre = !flat && taps <= QC_TAPS;
    for (int v = 0; pre && v < NV; v++)
        pre = np[v] <= QC_PIECES;
    for (int tp = 0; pre && tp < taps; tp++) {
        const int ty = tp / p->kW, tx = tp % p->kW;
        for (int v = 0; v < NV; v++) {
            cnt[tp][v] = 0;
            all[tp][v] = 0;
            for (int i = first[v]; i < first[v] + np[v]; i++) {
                const int iy = pc[i].oy * p->stride_h - p->pad_t + ty * p->dil_h;
                if (iy < 0 || iy >= p->H)
                    continue;
                const int col = pc[i].ox - p->pad_l + tx * p->dil_w;
                int lo = pc[i].a, hi = pc[i].b;
                if (col < 0)
                    lo = pc[i].a - col > lo ? pc[i].a - col : lo;
                if (col + (hi - pc[i].a) > p->W)
                    hi = pc[i].a + p->W - col;
                if (hi <= lo)
                    continue;
                const int k = cnt[tp][v]++;
                msk[tp][v][k] = (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
                off[tp][v][k] = iy * p->W + col - pc[i].a;
                all[tp][v] |= msk[tp][v][k];
            }
        }
    }
    const __m128i zp16 = _mm_set1_epi8((char)x_zp);
    if (pre) { /* the taps of one group first, then each vector from them */
        int tp = 0;
        for (int k4 = 0; k4 < K4; k4++) {
            int cj[4], tj[4];
            for (int j = 0; j < 4; j++) {
                cj[j] = 4 * k4 + j < K ? c : -1;
                tj[j] = tp;
                if (cj[j] < 0)
                    continue;
                if (++tp == taps)
                    tp = 0, c++;
            }
            for (int v = 0; v < NV; v++) {
                __m128i r[4];
                for (int j = 0; j < 4; j++) {
                    if (cj[j] < 0) {
                        r[j] = _mm_setzero_si128();
                        continue;
                    }
                    const uint8_t *xc = xg + (size_t)cj[j] * HW;
                    const int t = tj[j];
                    __m128i a = zp16;
                    if (all[t][v] == 0xFFFF && cnt[t][v] == 1) /* inside the image: a plain load */
                        a = _mm_loadu_si128((const __m128i *)(const void *)(xc + off[t][v][0]));
                    else
                        for (int i = 0; i < cnt[t][v]; i++) /* lane l reads plane[off + l]; others untouched */
                            a = _mm_mask_loadu_epi8(a, msk[t][v][i],
                                                    (const void *)((uintptr_t)xc + (uintptr_t)(intptr_t)off[t][v][i]));
                    if (lut) /* the table maps input bytes, not the padding */
                        a = _mm_mask_mov_epi8(a, all[t][v], lut16(lut + (size_t)cj[j] * 256, a));
                    r[j] = a;
                }
                /* bytes a b c d of each pixel side by side: 8 in-lane unpacks */
                const __m128i ab0 = _mm_unpacklo_epi8(r[0], r[1]), ab1 = _mm_unpackhi_epi8(r[0], r[1]);
                const __m128i cd0 = _mm_unpacklo_epi8(r[2], r[3]), cd1 = _mm_unpackhi_epi8(r[2], r[3]);
                __m128i *dst = (__m128i *)(void *)(xp + (size_t)k4 * PT * 4 + 64 * v);
                _mm_store_si128(dst, _mm_unpacklo_epi16(ab0, cd0));
                _mm_store_si128(dst + 1, _mm_unpackhi_epi16(ab0, cd0));
                _mm_store_si128(dst + 2, _mm_unpacklo_epi16(ab1, cd1));
                _mm_store_si128(dst + 3, _mm_unpackhi_epi16(ab1, cd1));
            }
        }
        return;
    }
    int tp = 0;
    for (int k4 = 0; k4 < K4; k4++) {
        __m128i t[4][4]; /* [tap j][vector v] */
        for (int j = 0; j < 4; j++) {
            if (4 * k4 + j >= K) {
                for (int v = 0; v < NV; v++)
                    t[j][v] = _mm_setzero_si128();
                continue;
            }
            const uint8_t *xc = xg + (size_t)c * HW, *lc = lut ? lut + (size_t)c * 256 : NULL;
            for (int v = 0; v < NV; v++) {
                __mmask16 m;
                if (flat) {
                    const int left = npix - 16 * v;
                    m = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
                    t[j][v] = _mm_maskz_loadu_epi8(m, (const void *)(xc + p0 + 16 * v));
                } else if (pre) {
                    __m128i r = zp16;
                    for (int i = 0; i < cnt[tp][v]; i++) /* lane l reads plane[off + l]; masked lanes untouched */
                        r = _mm_mask_loadu_epi8(r, msk[tp][v][i],
                                                (const void *)((uintptr_t)xc + (uintptr_t)(intptr_t)off[tp][v][i]));
                    t[j][v] = r;
                    m = all[tp][v];
                } else {
                    t[j][v] = tap_vector(p, xc, x_zp, pc + first[v], np[v], ky, kx, &m);
                }
                if (lc) /* the table maps input bytes, not the padding */
                    t[j][v] = _mm_mask_mov_epi8(t[j][v], m, lut16(lc, t[j][v]));
            }
            if (++tp == taps)
                tp = 0;
            if (++kx == p->kW) {
                kx = 0;
                if (++ky == p->kH)
                    ky = 0, c++;
            }
        }
        for (int v = 0; v < NV; v++) {
            const __m512i a = _mm512_cvtepu8_epi32(t[0][v]), b = _mm512_cvtepu8_epi32(t[1][v]);
            const __m512i cc = _mm512_cvtepu8_epi32(t[2][v]), d = _mm512_cvtepu8_epi32(t[3][v]);
            const __m512i w = _mm512_or_si512(_mm512_or_si512(a, _mm512_slli_epi32(b, 8)),
                                              _mm512_or_si512(_mm512_slli_epi32(cc, 16), _mm512_slli_epi32(d, 24)));
            _mm512_store_si512((void *)(xp + (size_t)k4 * PT * 4 + 64 * v), w);
        }
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
