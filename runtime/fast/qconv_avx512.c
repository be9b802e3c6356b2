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

/* 16 pixels' bytes of 4 taps side by side (64 bytes at dst, 64-aligned):
 * in-lane unpacks. */
static inline void interleave16(__m128i a, __m128i b, __m128i c, __m128i d, uint8_t *dst)
{
    const __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
    const __m128i cd0 = _mm_unpacklo_epi8(c, d), cd1 = _mm_unpackhi_epi8(c, d);
    __m128i *q = (__m128i *)(void *)dst;
    _mm_store_si128(q, _mm_unpacklo_epi16(ab0, cd0));
    _mm_store_si128(q + 1, _mm_unpackhi_epi16(ab0, cd0));
    _mm_store_si128(q + 2, _mm_unpacklo_epi16(ab1, cd1));
    _mm_store_si128(q + 3, _mm_unpackhi_epi16(ab1, cd1));
}

static inline __attribute__((always_inline)) void
qgemm(const uint8_t *xp, const int32_t *off, int K, int NV, int MR, int npix, const int8_t *w, int mr,
      const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    const int PT = NV * 16, K4 = K / 4, tail = K % 4;
    size_t ro[24]; /* row r's offset in w (rows past mr repeat the last) */
    __m512i acc[24][4];
#pragma GCC unroll 24
    for (int r = 0; r < MR; r++) {
        ro[r] = (size_t)(r < mr ? r : mr - 1) * K;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[r][v] = _mm512_setzero_si512();
    }
    for (int k4 = 0; k4 < K4; k4++) {
        __m512i xv[4];
        const uint8_t *xk = off ? xp + off[k4] : xp + (size_t)k4 * PT * 4;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            xv[v] = _mm512_loadu_si512((const void *)(xk + v * 64));
        const int8_t *wk = w + 4 * k4;
#pragma GCC unroll 24
        for (int r = 0; r < MR; r++) {
            /* a broadcast straight from memory (vpbroadcastd zmm, m32) */
            const __m512i wb = _mm512_broadcastd_epi32(_mm_loadu_si32((const void *)(wk + ro[r])));
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], xv[v], wb);
        }
    }
    if (tail) { /* the last K % 4 taps: each row's remaining bytes, zero-filled */
        __m512i xv[4];
        const uint8_t *xk = off ? xp + off[K4] : xp + (size_t)K4 * PT * 4;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            xv[v] = _mm512_loadu_si512((const void *)(xk + v * 64));
#pragma GCC unroll 24
        for (int r = 0; r < MR; r++) {
            int32_t word = 0;
            memcpy(&word, w + ro[r] + 4 * K4, (size_t)tail);
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

/* One instantiation per (NV, MR) of qc_mr. */
static void qgemm_any(const uint8_t *xp, const int32_t *off, int K, int NV, int MR, int npix, const int8_t *w,
                      int mr, const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    if (NV == 4 && MR == 6)
        qgemm(xp, off, K, 4, 6, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else if (NV == 4)
        qgemm(xp, off, K, 4, 4, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else if (NV == 2 && MR == 12)
        qgemm(xp, off, K, 2, 12, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else if (NV == 2)
        qgemm(xp, off, K, 2, 8, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else if (MR == 24)
        qgemm(xp, off, K, 1, 24, npix, w, mr, beff, mult, y_zp, y, y_stride);
    else
        qgemm(xp, off, K, 1, 16, npix, w, mr, beff, mult, y_zp, y, y_stride);
}

void onnxcc_u8s8_qgemm_avx512vnni(const uint8_t *xp, int K, int PT, int MR, int npix, const int8_t *w, int mr,
                                  const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y,
                                  size_t y_stride)
{
    qgemm_any(xp, NULL, K, PT / 16, MR, npix, w, mr, beff, mult, y_zp, y, y_stride);
}

/* ---- stride-1 convolutions on a window of input rows ----------------------- */

/* Input row r of the window slot: for each group of 4 channels c4, the
 * padded row's columns with the 4 channels' bytes side by side
 * (win[(c4 * Wp + pad_l + ix) * 4 + j] = x[4 c4 + j][r][ix]; padding
 * columns and rows outside the image x_zp, channels past C 0). */
static void window_row(const OnnxccConv2dParams *p, const uint8_t *x, uint8_t x_zp, int r, int C4, int Wp,
                       uint8_t *win)
{
    memset(win, x_zp, (size_t)C4 * Wp * 4);
    if (r < 0 || r >= p->H)
        return;
    const size_t HW = (size_t)p->H * p->W;
    for (int c4 = 0; c4 < C4; c4++) {
        const uint8_t *src[4];
        for (int j = 0; j < 4; j++)
            src[j] = 4 * c4 + j < p->C ? x + (size_t)(4 * c4 + j) * HW + (size_t)r * p->W : NULL;
        uint8_t *dst = win + ((size_t)c4 * Wp + p->pad_l) * 4;
        for (int c0 = 0; c0 < p->W; c0 += 16) {
            const int n = p->W - c0 < 16 ? p->W - c0 : 16;
            const __mmask16 m = (__mmask16)(n == 16 ? 0xFFFF : (1u << n) - 1);
            __m128i v[4];
            for (int j = 0; j < 4; j++)
                v[j] = src[j] ? _mm_maskz_loadu_epi8(m, (const void *)(src[j] + c0)) : _mm_setzero_si128();
            uint8_t tmp[64] __attribute__((aligned(64)));
            interleave16(v[0], v[1], v[2], v[3], tmp);
            _mm512_mask_storeu_epi32(dst + (size_t)c0 * 4, m, _mm512_load_si512((const void *)tmp));
        }
    }
}

/* The window geometry of p for onnxcc_u8s8_rows_*: 0 if p does not fit. */
typedef struct { int C4, taps, K4, Kw, PT, NV, MR, Wp, chunk; size_t rowbytes; } RowsGeo;

static int rows_geo(const OnnxccConv2dParams *p, RowsGeo *r)
{
    if (p->group != 1 || p->stride_h != 1 || p->stride_w != 1 || p->dil_h != 1 || p->dil_w != 1 || p->kH > 7 ||
        p->kW > 7 || p->kH * p->kW == 1 || !__builtin_cpu_supports("avx512vbmi"))
        return 0;
    r->C4 = (p->C + 3) / 4, r->taps = p->kH * p->kW, r->K4 = r->C4 * r->taps, r->Kw = r->K4 * 4;
    /* Tiles of PT output columns; the last tile's lanes read up to column
     * ceil(OW / PT) * PT + kW - 2 of the window. */
    const int OW16 = (p->OW + 15) / 16 * 16;
    if (4 * (OW16 - p->OW) > p->OW)
        return 0; /* narrow rows (7 of 16 lanes) run better as flat tiles */
    r->PT = OW16 >= 64 ? 64 : OW16, r->NV = r->PT / 16, r->MR = qc_mr(r->PT, p->M);
    if (r->NV == 1 && p->M > 64)
        return 0; /* 16-pixel rows: packed tiles of 32 win once the packing is shared by many channels */
    const int span = (p->OW + r->PT - 1) / r->PT * r->PT + p->kW - 1;
    r->Wp = span > p->pad_l + p->W ? span : p->pad_l + p->W;
    r->rowbytes = (size_t)r->C4 * r->Wp * 4;
    /* output channels per chunk: as many whole row blocks as QC_BUF holds */
    r->chunk = (int)(QC_BUF / (size_t)r->Kw) / r->MR * r->MR;
    if (r->chunk > p->M)
        r->chunk = p->M;
    return r->chunk > 0 && r->rowbytes * p->kH + sizeof(int32_t) * r->K4 <= QC_BUF && r->K4 <= 4096;
}

int onnxcc_u8s8_rows_chunk_avx512(const OnnxccConv2dParams *p)
{
    RowsGeo g;
    return rows_geo(p, &g) ? g.chunk : 0;
}

void onnxcc_u8s8_rows_prepare_avx512(const OnnxccConv2dParams *p, const int8_t *w, int m0, int mc, uint8_t *buf)
{
    RowsGeo g;
    rows_geo(p, &g);
    /* Weights in the window's order: group (c4, ky, kx), then the 4 channels. */
    const int CK = p->C * g.taps;
    for (int m = 0; m < mc; m++)
        for (int c4 = 0; c4 < g.C4; c4++) {
            const int8_t *src[4];
            for (int j = 0; j < 4; j++)
                src[j] = 4 * c4 + j < p->C ? w + (size_t)(m0 + m) * CK + (size_t)(4 * c4 + j) * g.taps : NULL;
            uint8_t *dst = buf + (size_t)m * g.Kw + (size_t)c4 * g.taps * 4;
            for (int t0 = 0; t0 < g.taps; t0 += 16) { /* 16 taps of 4 channels at a time */
                const int n = g.taps - t0 < 16 ? g.taps - t0 : 16;
                const __mmask16 k = (__mmask16)(n == 16 ? 0xFFFF : (1u << n) - 1);
                __m128i v[4];
                for (int j = 0; j < 4; j++)
                    v[j] = src[j] ? _mm_maskz_loadu_epi8(k, (const void *)(src[j] + t0)) : _mm_setzero_si128();
                uint8_t tmp[64] __attribute__((aligned(64)));
                interleave16(v[0], v[1], v[2], v[3], tmp);
                _mm512_mask_storeu_epi32(dst + (size_t)t0 * 4, k, _mm512_load_si512((const void *)tmp));
            }
        }
}

void onnxcc_u8s8_rows_run_avx512(const OnnxccConv2dParams *p, const uint8_t *x, uint8_t x_zp, const uint8_t *wtb,
                                 int m0, int mc, const int32_t *beff, const float *mult, uint8_t y_zp, int n, int oy0,
                                 int oy1, uint8_t *buf, uint8_t *y)
{
    RowsGeo g;
    rows_geo(p, &g);
    const int8_t *wt = (const int8_t *)wtb;
    uint8_t *win = buf;
    int32_t *off = (int32_t *)(void *)(win + g.rowbytes * p->kH);
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * p->OH * p->OW;
    const size_t P = (size_t)p->OH * p->OW;
    const uint8_t *xn = x + n * xs;
    for (int oy = oy0; oy < oy1; oy++) {
        /* the kH input rows of this output row, each in slot row % kH */
        for (int ky = 0; ky < p->kH; ky++) {
            const int r = oy - p->pad_t + ky;
            if (oy == oy0 || ky == p->kH - 1)
                window_row(p, xn, x_zp, r, g.C4, g.Wp, win + g.rowbytes * (size_t)(((r % p->kH) + p->kH) % p->kH));
        }
        for (int c4 = 0, k4 = 0; c4 < g.C4; c4++)
            for (int ky = 0; ky < p->kH; ky++) {
                const int slot = (((oy - p->pad_t + ky) % p->kH) + p->kH) % p->kH;
                for (int kx = 0; kx < p->kW; kx++, k4++)
                    off[k4] = (int32_t)(g.rowbytes * (size_t)slot + ((size_t)c4 * g.Wp + (size_t)kx) * 4);
            }
        for (int ox0 = 0; ox0 < p->OW; ox0 += g.PT) {
            const int npix = p->OW - ox0 < g.PT ? p->OW - ox0 : g.PT;
            /* output column ox reads window column ox + kx (the pad_l shift is in the window) */
            const uint8_t *base = win + (size_t)ox0 * 4;
            uint8_t *yt = y + n * ys + (size_t)oy * p->OW + ox0;
            for (int r0 = 0; r0 < mc; r0 += g.MR) {
                const int mr = mc - r0 < g.MR ? mc - r0 : g.MR;
                qgemm_any(base, off, g.Kw, g.NV, g.MR, npix, wt + (size_t)r0 * g.Kw, mr, beff + m0 + r0, mult + m0 + r0,
                          y_zp, yt + (size_t)(m0 + r0) * P, P);
            }
        }
    }
}

/* ---- packing ------------------------------------------------------------ */

/* Row j < 4 of the tile's tap group: the npix bytes tap k reads, in
 * t[0 ..]; whole output-row segments at a time (the path for strides > 2
 * and CPUs without VBMI). */
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

enum { QC_TAPS = 49, QC_PIECES = 4 }; /* the per-tile tables' reach */

/* 64 bytes looked up in lc, as lut16. */
static inline __m512i lut64(const uint8_t *lc, __m512i idx)
{
    const __m512i lo = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)lc), idx,
                                                _mm512_loadu_si512((const void *)(lc + 64)));
    const __m512i hi = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)(lc + 128)), idx,
                                                _mm512_loadu_si512((const void *)(lc + 192)));
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lo, hi);
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

/* The tile through gather_tap, 4 taps at a time (any stride). */
static void pack_gather(const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp, int K,
                        int PT, int p0, int npix, uint8_t *xp)
{
    const int NV = PT / 16, K4 = (K + 3) / 4;
    const size_t HW = (size_t)p->H * p->W;
    uint8_t rows[4][64];
    memset(rows, 0, sizeof rows);
    int c = 0, ky = 0, kx = 0;
    for (int k4 = 0; k4 < K4; k4++) {
        for (int j = 0; j < 4; j++) {
            if (4 * k4 + j >= K) {
                memset(rows[j], 0, 64);
                continue;
            }
            gather_tap(p, xg + (size_t)c * HW, lut ? lut + (size_t)c * 256 : NULL, x_zp, ky, kx, p0, npix, rows[j]);
            if (++kx == p->kW) {
                kx = 0;
                if (++ky == p->kH)
                    ky = 0, c++;
            }
        }
        for (int v = 0; v < NV; v++)
            interleave16(_mm_loadu_si128((const __m128i *)(rows[0] + 16 * v)),
                         _mm_loadu_si128((const __m128i *)(rows[1] + 16 * v)),
                         _mm_loadu_si128((const __m128i *)(rows[2] + 16 * v)),
                         _mm_loadu_si128((const __m128i *)(rows[3] + 16 * v)), xp + (size_t)k4 * PT * 4 + 64 * v);
    }
}

/* What onnxcc_u8s8_pack_avx512 works out per tile for pack_loop. */
typedef struct {
    const int32_t (*off)[4][QC_PIECES];
    const __mmask32 (*msk)[4][QC_PIECES];
    const __mmask16 (*lanes)[4];
    const int (*cnt)[4];
    const Piece *pc;
    const int *first, *np;
} PackTables;

/* The tile's tap groups, each vector by `mode` (a constant where inlined,
 * so each mode is its own loop): 0 the input row itself (flat 1x1), 1 the
 * tables' stride-1 loads, 2 their stride-2 windows, 3 tap_vector. */
static inline __attribute__((always_inline)) void
pack_loop(int mode, const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp, int K, int PT,
          int p0, int npix, const PackTables *tb, uint8_t *xp)
{
    const int NV = PT / 16, K4 = (K + 3) / 4, taps = p->kH * p->kW;
    const size_t HW = (size_t)p->H * p->W;
    const __m128i zp16 = _mm_set1_epi8((char)x_zp);
    const __m256i zp32 = _mm256_set1_epi8((char)x_zp);
    const __m256i even = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    if (mode == 0) { /* a 1x1 tap: the tile's bytes of one input row, 64 at a time */
        const __mmask64 m = npix >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << npix) - 1);
        /* Each row permuted so that 128-bit lane L holds pixels 4L..4L+3,
         * 16+4L.., 32+4L.., 48+4L..: then the in-lane byte and word unpacks
         * of the 4 rows leave pixels 16v..16v+15 in vector v, in order. */
        uint8_t perm[64] __attribute__((aligned(64)));
        for (int d = 0; d < 64; d++)
            perm[d] = (uint8_t)(16 * ((d % 16) / 4) + 4 * (d / 16) + d % 4);
        const __m512i idx = _mm512_load_si512((const void *)perm);
        for (int k4 = 0; k4 < K4; k4++) {
            __m512i r[4];
            for (int j = 0; j < 4; j++) {
                const int k = 4 * k4 + j;
                __m512i a = _mm512_setzero_si512();
                if (k < K) {
                    a = _mm512_maskz_loadu_epi8(m, (const void *)(xg + (size_t)k * HW + p0));
                    if (lut)
                        a = lut64(lut + (size_t)k * 256, a);
                }
                r[j] = _mm512_permutexvar_epi8(idx, a);
            }
            const __m512i ab0 = _mm512_unpacklo_epi8(r[0], r[1]), ab1 = _mm512_unpackhi_epi8(r[0], r[1]);
            const __m512i cd0 = _mm512_unpacklo_epi8(r[2], r[3]), cd1 = _mm512_unpackhi_epi8(r[2], r[3]);
            __m512i *dst = (__m512i *)(void *)(xp + (size_t)k4 * PT * 4);
            _mm512_store_si512((void *)dst, _mm512_unpacklo_epi16(ab0, cd0));
            if (NV > 1)
                _mm512_store_si512((void *)(dst + 1), _mm512_unpackhi_epi16(ab0, cd0));
            if (NV > 2) {
                _mm512_store_si512((void *)(dst + 2), _mm512_unpacklo_epi16(ab1, cd1));
                _mm512_store_si512((void *)(dst + 3), _mm512_unpackhi_epi16(ab1, cd1));
            }
        }
        return;
    }
    int c = 0, ky = 0, kx = 0, tp = 0;
    for (int k4 = 0; k4 < K4; k4++) {
        int cj[4], tj[4], yj[4], xj[4];
        for (int j = 0; j < 4; j++) { /* the group's taps first, then each vector from them */
            cj[j] = 4 * k4 + j < K ? c : -1;
            tj[j] = tp, yj[j] = ky, xj[j] = kx;
            if (cj[j] < 0)
                continue;
            if (++tp == taps)
                tp = 0;
            if (++kx == p->kW) {
                kx = 0;
                if (++ky == p->kH)
                    ky = 0, c++;
            }
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
                __m128i a;
                __mmask16 m;
                if (mode == 0) {
                    const int left = npix - 16 * v;
                    m = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
                    a = _mm_maskz_loadu_epi8(m, (const void *)(xc + p0 + 16 * v));
                } else if (mode == 3) {
                    a = tap_vector(p, xc, x_zp, tb->pc + tb->first[v], tb->np[v], yj[j], xj[j], &m);
                } else if (mode == 1) {
                    m = tb->lanes[t][v];
                    if (m == 0xFFFF && tb->cnt[t][v] == 1) { /* inside the image: a plain load */
                        a = _mm_loadu_si128((const __m128i *)(const void *)(xc + tb->off[t][v][0]));
                    } else {
                        a = zp16;
                        for (int i = 0; i < tb->cnt[t][v]; i++) /* masked lanes are never touched */
                            a = _mm_mask_loadu_epi8(a, (__mmask16)tb->msk[t][v][i],
                                                    (const void *)((uintptr_t)xc + (uintptr_t)(intptr_t)tb->off[t][v][i]));
                    }
                } else {
                    m = tb->lanes[t][v];
                    __m256i w = zp32;
                    for (int i = 0; i < tb->cnt[t][v]; i++)
                        w = _mm256_mask_loadu_epi8(w, tb->msk[t][v][i],
                                                   (const void *)((uintptr_t)xc + (uintptr_t)(intptr_t)tb->off[t][v][i]));
                    a = _mm256_castsi256_si128(_mm256_permutexvar_epi8(even, w));
                }
                if (lut) /* the table maps input bytes, not the padding */
                    a = _mm_mask_mov_epi8(a, m, lut16(lut + (size_t)cj[j] * 256, a));
                r[j] = a;
            }
            interleave16(r[0], r[1], r[2], r[3], xp + (size_t)k4 * PT * 4 + 64 * v);
        }
    }
}

void onnxcc_u8s8_pack_avx512(const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *lut, uint8_t x_zp, int K,
                             int PT, int p0, int npix, uint8_t *xp)
{
    const int NV = PT / 16, sw = p->stride_w, taps = p->kH * p->kW;
    const int vbmi = __builtin_cpu_supports("avx512vbmi");
    /* Output pixels by row: each 16-pixel vector is one or more pieces. */
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
    /* A 1x1 unpadded stride-1 tap is the input row itself. */
    const int flat = taps == 1 && sw == 1 && p->stride_h == 1 && p->pad_t == 0 && p->pad_l == 0 &&
                     p->OH == p->H && p->OW == p->W;
    /* Per tap (ky, kx) and vector, the loads are the same for every input
     * channel: their offsets in the channel plane and byte masks are worked
     * out once per tile.  Stride 2 loads a 32-byte window and keeps its
     * even bytes (AVX-512 VBMI). */
    int pre = !flat && taps <= QC_TAPS && (sw == 1 || (sw == 2 && vbmi));
    for (int v = 0; pre && v < NV; v++)
        pre = np[v] <= QC_PIECES;
    if (!flat && !pre && (sw != 1 || (lut && !vbmi))) {
        pack_gather(p, xg, lut, x_zp, K, PT, p0, npix, xp);
        return;
    }
    int32_t off[QC_TAPS][4][QC_PIECES];
    __mmask32 msk[QC_TAPS][4][QC_PIECES];
    __mmask16 lanes[QC_TAPS][4];
    int cnt[QC_TAPS][4];
    for (int tp = 0; pre && tp < taps; tp++) {
        const int ty = tp / p->kW, tx = tp % p->kW;
        for (int v = 0; v < NV; v++) {
            cnt[tp][v] = 0;
            lanes[tp][v] = 0;
            for (int i = first[v]; i < first[v] + np[v]; i++) {
                const int iy = pc[i].oy * p->stride_h - p->pad_t + ty * p->dil_h;
                if (iy < 0 || iy >= p->H)
                    continue;
                const int col = pc[i].ox * sw - p->pad_l + tx * p->dil_w; /* column of lane a */
                /* lanes l in [a, b) with 0 <= col + sw*(l - a) < W */
                int lo = pc[i].a, hi = pc[i].b;
                if (col < 0 && pc[i].a + (-col + sw - 1) / sw > lo)
                    lo = pc[i].a + (-col + sw - 1) / sw;
                if (col > p->W - 1)
                    hi = lo;
                else if (pc[i].a + (p->W - 1 - col) / sw + 1 < hi)
                    hi = pc[i].a + (p->W - 1 - col) / sw + 1;
                if (hi <= lo)
                    continue;
                const uint32_t lm = ((1u << hi) - 1) & ~((1u << lo) - 1);
                uint32_t m = lm;
                if (sw == 2) { /* lane l is byte 2l */
                    m = (m | (m << 8)) & 0x00FF00FFu;
                    m = (m | (m << 4)) & 0x0F0F0F0Fu;
                    m = (m | (m << 2)) & 0x33333333u;
                    m = (m | (m << 1)) & 0x55555555u;
                }
                const int k = cnt[tp][v]++;
                msk[tp][v][k] = (__mmask32)m;
                off[tp][v][k] = iy * p->W + col - sw * pc[i].a; /* lane l reads plane[off + sw*l] */
                lanes[tp][v] |= (__mmask16)lm;
            }
        }
    }
    PackTables tb = {off, msk, lanes, cnt, pc, first, np};
    if (flat)
        pack_loop(0, p, xg, lut, x_zp, K, PT, p0, npix, &tb, xp);
    else if (!pre)
        pack_loop(3, p, xg, lut, x_zp, K, PT, p0, npix, &tb, xp);
    else if (sw == 1)
        pack_loop(1, p, xg, lut, x_zp, K, PT, p0, npix, &tb, xp);
    else
        pack_loop(2, p, xg, lut, x_zp, K, PT, p0, npix, &tb, xp);
}

/* ---- depthwise ------------------------------------------------------------- */

void onnxcc_u8s8_dwplane_avx512(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, uint8_t x_zp,
                                const int8_t *w, int32_t beff, float mult, uint8_t y_zp, uint8_t *y)
{
    enum { VEC = 32 }; /* 16-pixel vectors per chunk of output columns */
    const int sw = p->stride_w, nv = (p->OW + 15) / 16;
    const __m256i even = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512 lo = _mm512_set1_ps(-(float)y_zp), hi = _mm512_set1_ps((float)(255 - y_zp)), m = _mm512_set1_ps(mult);
    const __m512i zp = _mm512_set1_epi32(y_zp), b = _mm512_set1_epi32(beff);
    const __m128i zp16 = _mm_set1_epi8((char)x_zp);
    const __m256i zp32 = _mm256_set1_epi8((char)x_zp);
    __m512i wv[49]; /* tap k's weight in byte 0 of each lane: vpdpbusd then adds x * w */
    for (int k = 0; k < p->kH * p->kW; k++)
        wv[k] = _mm512_set1_epi32((int32_t)(uint8_t)w[k]);
    /* Per vector and kernel column (the same on every row): the column of
     * lane 0 and which lanes fall inside the image (lane l reads byte sw*l). */
    int col[VEC][7];
    uint32_t lanes[VEC][7], bytes[VEC][7];
    for (int v0 = 0; v0 < nv; v0 += VEC) {
        const int vn = nv - v0 < VEC ? nv - v0 : VEC;
        for (int v = 0; v < vn; v++) {
            const int ox0 = 16 * (v0 + v), npix = p->OW - ox0 < 16 ? p->OW - ox0 : 16;
            for (int kx = 0; kx < p->kW; kx++) {
                const int c = ox0 * sw - p->pad_l + kx * p->dil_w;
                int l0 = c < 0 ? (-c + sw - 1) / sw : 0, l1 = c > p->W - 1 ? 0 : (p->W - 1 - c) / sw + 1;
                l1 = l1 < npix ? l1 : npix;
                uint32_t lm = l1 > l0 ? ((1u << l1) - 1) & ~((1u << l0) - 1) : 0, bm = lm;
                if (sw == 2) {
                    bm = (bm | (bm << 8)) & 0x00FF00FFu;
                    bm = (bm | (bm << 4)) & 0x0F0F0F0Fu;
                    bm = (bm | (bm << 2)) & 0x33333333u;
                    bm = (bm | (bm << 1)) & 0x55555555u;
                }
                col[v][kx] = c, lanes[v][kx] = lm, bytes[v][kx] = bm;
            }
        }
        for (int oy = 0; oy < p->OH; oy++)
            for (int v = 0; v < vn; v++) {
                const int ox0 = 16 * (v0 + v), npix = p->OW - ox0 < 16 ? p->OW - ox0 : 16;
                __m512i acc = _mm512_setzero_si512();
                for (int ky = 0; ky < p->kH; ky++) {
                    const int iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
                    const int in = iy >= 0 && iy < p->H;
                    const uintptr_t row = (uintptr_t)(x + (size_t)(in ? iy : 0) * p->W);
                    for (int kx = 0; kx < p->kW; kx++) {
                        __m128i t = zp16; /* padding taps read the zero point */
                        const uint32_t lm = in ? lanes[v][kx] : 0;
                        if (lm) {
                            const uintptr_t at = row + (uintptr_t)(intptr_t)col[v][kx];
                            if (sw == 1)
                                t = lm == 0xFFFF ? _mm_loadu_si128((const __m128i *)at)
                                                 : _mm_mask_loadu_epi8(zp16, (__mmask16)lm, (const void *)at);
                            else
                                t = _mm256_castsi256_si128(_mm256_permutexvar_epi8(
                                    even, _mm256_mask_loadu_epi8(zp32, (__mmask32)bytes[v][kx], (const void *)at)));
                            if (lut)
                                t = _mm_mask_mov_epi8(t, (__mmask16)lm, lut16(lut, t));
                        }
                        acc = _mm512_dpbusd_epi32(acc, _mm512_cvtepu8_epi32(t), wv[ky * p->kW + kx]);
                    }
                }
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc, b)), m);
                f = _mm512_min_ps(_mm512_max_ps(f, lo), hi);
                const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(f), zp);
                _mm512_mask_cvtepi32_storeu_epi8(y + (size_t)oy * p->OW + ox0, (__mmask16)((1u << npix) - 1), q);
            }
    }
}

/* ---- weight sums ----------------------------------------------------------- */

int32_t onnxcc_s8_sum_avx512(const int8_t *w, size_t n)
{
    /* sum(w) = sum(w ^ 0x80 as unsigned) - 128 n; vpsadbw sums 8 bytes a lane */
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i acc = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 64 <= n; i += 64)
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_xor_si512(_mm512_loadu_si512((const void *)(w + i)), flip),
                                                    _mm512_setzero_si512()));
    if (i < n) {
        const __mmask64 m = ((__mmask64)1 << (n - i)) - 1;
        const __m512i v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, (const void *)(w + i)), flip);
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_mov_epi8(m, v), _mm512_setzero_si512()));
    }
    return (int32_t)(_mm512_reduce_add_epi64(acc) - 128 * (long long)n);
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
