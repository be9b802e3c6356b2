/* qconv_avx2.c — the quantized conv kernels of qconv.h for AVX2 (this file
 * alone is compiled with -mavx2 -mfma), for CPUs without AVX-512 VNNI or
 * runs capped at avx2: the tile packing, the GEMM kernel, the row-window
 * path, depthwise planes, weight sums and QuantizeLinear.
 *
 * Exactness: vpmaddubsw would saturate (255 * 127 * 2 > 32767), so the
 * kernels multiply in 16 bits and sum in 32 with vpmaddwd, which is exact
 * for u8 x s8 pairs.  The GEMM reads the packed tile of qconv.h (4 tap
 * bytes per pixel): masking and shifting each 16-bit half gives two vectors
 * of zero-extended tap pairs, (t0, t2) and (t1, t3) per pixel, and the
 * row's 4 weight bytes give the matching sign-extended pairs (widened
 * ahead into a block of rows, or shifted in registers); two vpmaddwd then
 * add all four products of a pixel.
 *
 * Output tile: QC2_MR rows x 2 vectors of 8 pixels (16-pixel sub-tiles),
 * accumulators in registers.  Epilogue as the AVX-512 kernel's: + corrected
 * bias, to float, times the multiplier, clamped to [-y_zp, 255 - y_zp],
 * rounded half to even (vcvtps2dq in the default MXCSR mode), + y_zp. */
#include "onnxcc/rt.h"
#include "qconv.h"

#include <immintrin.h>
#include <string.h>

/* 16 pixels' bytes of 4 taps side by side (64 bytes at dst). */
static inline void interleave16(__m128i a, __m128i b, __m128i c, __m128i d, uint8_t *dst)
{
    const __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
    const __m128i cd0 = _mm_unpacklo_epi8(c, d), cd1 = _mm_unpackhi_epi8(c, d);
    __m128i *q = (__m128i *)(void *)dst;
    _mm_storeu_si128(q, _mm_unpacklo_epi16(ab0, cd0));
    _mm_storeu_si128(q + 1, _mm_unpackhi_epi16(ab0, cd0));
    _mm_storeu_si128(q + 2, _mm_unpacklo_epi16(ab1, cd1));
    _mm_storeu_si128(q + 3, _mm_unpackhi_epi16(ab1, cd1));
}

/* n <= 16 bytes src[0], src[sw], ... through the table lc (when not
 * NULL) into lanes 0 .. n-1 of a vector, the rest 0 (measured: bytes
 * through memory beat assembling them in general registers). */
static inline __attribute__((always_inline)) __m128i gather16(const uint8_t *src, const uint8_t *lc, int n, int sw)
{
    uint8_t t[16] = {0};
    if (lc)
        for (int j = 0; j < n; j++)
            t[j] = lc[src[(size_t)j * sw]];
    else
        for (int j = 0; j < n; j++)
            t[j] = src[(size_t)j * sw];
    return _mm_loadu_si128((const __m128i *)(const void *)t);
}

/* y[0 .. n-1] = the 8 requantized int32 lanes of acc (n <= 8). */
static inline void requant8(__m256i acc, __m256i b, __m256 m, __m256 lo, __m256 hi, __m256i zp, uint8_t *y, int n)
{
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(acc, b)), m);
    f = _mm256_min_ps(_mm256_max_ps(f, lo), hi);
    const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(f), zp);
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    const __m128i by = _mm_packus_epi16(w, w);
    if (n >= 8) {
        _mm_storel_epi64((__m128i *)(void *)y, by);
    } else {
        uint8_t t[16];
        _mm_storeu_si128((__m128i *)(void *)t, by);
        memcpy(y, t, (size_t)n);
    }
}

/* ---- GEMM ------------------------------------------------------------------ */

/* One group of 4 taps: the 16 packed pixels at xk as 16-bit pairs (taps
 * 0, 2 and 1, 3), then ROW(r) for each of the 4 rows: its weights as the
 * matching sign-extended pairs (wa, wc), two vpmaddwd per 8 pixels. */
#define QC2_STEP(xk, ROW)                                                                                       \
    do {                                                                                                        \
        const __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)(xk));                             \
        const __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)((xk) + 32));                      \
        const __m256i a0 = _mm256_and_si256(x0, low), b0 = _mm256_srli_epi16(x0, 8);                           \
        const __m256i a1 = _mm256_and_si256(x1, low), b1 = _mm256_srli_epi16(x1, 8);                           \
        ROW(0); ROW(1); ROW(2); ROW(3);                                                                         \
    } while (0)
#define QC2_ACC(r, wa, wc)                                                                                      \
    do {                                                                                                        \
        c##r##0 = _mm256_add_epi32(c##r##0, _mm256_add_epi32(_mm256_madd_epi16(a0, wa), _mm256_madd_epi16(b0, wc))); \
        c##r##1 = _mm256_add_epi32(c##r##1, _mm256_add_epi32(_mm256_madd_epi16(a1, wa), _mm256_madd_epi16(b1, wc))); \
    } while (0)
/* Row r's 4 weight bytes as a word W(r), sign-extended in registers. */
#define QC2_ROW_BYTES(r)                                                                                        \
    do {                                                                                                        \
        const __m256i wb = _mm256_set1_epi32(W(r));                                                             \
        const __m256i wa = _mm256_srai_epi16(_mm256_slli_epi16(wb, 8), 8), wc = _mm256_srai_epi16(wb, 8);      \
        QC2_ACC(r, wa, wc);                                                                                     \
    } while (0)
/* Row r's pairs from onnxcc_s8_widen_avx2's block. */
#define QC2_ROW_WIDE(r)                                                                                         \
    do {                                                                                                        \
        const __m256i wa = _mm256_set1_epi32(wr##r[2 * k4]), wc = _mm256_set1_epi32(wr##r[2 * k4 + 1]);        \
        QC2_ACC(r, wa, wc);                                                                                     \
    } while (0)

/* The tile's rows r < mr from the accumulators, as qconv.h says. */
static inline void store_rows(const __m256i acc[QC2_MR][2], int npix, int mr, const int32_t *beff, const float *mult,
                              uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    const __m256 lo = _mm256_set1_ps(-(float)y_zp), hi = _mm256_set1_ps((float)(255 - y_zp));
    const __m256i zp = _mm256_set1_epi32(y_zp);
    for (int r = 0; r < mr; r++) {
        const __m256i b = _mm256_set1_epi32(beff[r]);
        const __m256 m = _mm256_set1_ps(mult[r]);
        requant8(acc[r][0], b, m, lo, hi, zp, y + (size_t)r * y_stride, npix < 8 ? npix : 8);
        if (npix > 8)
            requant8(acc[r][1], b, m, lo, hi, zp, y + (size_t)r * y_stride + 8, npix - 8);
    }
}

/* 4 bytes at p as a word (unaligned). */
static inline int32_t load4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

void onnxcc_u8s8_qgemm_avx2(const uint8_t *xp, int K, int npix, const int8_t *w, int mr, const int32_t *beff,
                            const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    const int K4 = K / 4, tail = K % 4;
    const __m256i low = _mm256_set1_epi16(0x00FF);
    /* the 4 rows (rows past mr repeat the last) */
    const int8_t *w0 = w, *w1 = w + (size_t)(mr > 1 ? 1 : 0) * K, *w2 = w + (size_t)(mr > 2 ? 2 : mr - 1) * K,
                 *w3 = w + (size_t)(mr > 3 ? 3 : mr - 1) * K;
    __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int k4 = 0; k4 < K4; k4++) {
        const size_t o = 4 * (size_t)k4;
#define W(r) load4(w##r + o)
        QC2_STEP(xp + (size_t)k4 * 64, QC2_ROW_BYTES);
#undef W
    }
    if (tail) { /* the last K % 4 taps: each row's remaining bytes, zero-filled */
        int32_t t[4] = {0, 0, 0, 0};
        const size_t o = 4 * (size_t)K4;
        memcpy(&t[0], w0 + o, (size_t)tail);
        memcpy(&t[1], w1 + o, (size_t)tail);
        memcpy(&t[2], w2 + o, (size_t)tail);
        memcpy(&t[3], w3 + o, (size_t)tail);
#define W(r) t[r]
        QC2_STEP(xp + (size_t)K4 * 64, QC2_ROW_BYTES);
#undef W
    }
    const __m256i acc[QC2_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    store_rows(acc, npix, mr, beff, mult, y_zp, y, y_stride);
}

int onnxcc_s8_widen_stride_avx2(int K)
{
    return ((K + 3) / 4 + 3) / 4 * 8;
}

void onnxcc_s8_widen_avx2(const int8_t *w, int K, int mr, int32_t *wb)
{
    const int ws = onnxcc_s8_widen_stride_avx2(K);
    for (int r = 0; r < QC2_MR; r++) {
        const int8_t *src = w + (size_t)(r < mr ? r : mr - 1) * K;
        int32_t *dst = wb + (size_t)r * ws;
        for (int k = 0; k < K; k += 16) { /* 4 groups: 16 bytes to 16 int16, words 0 2 1 3 of each 4 */
            __m128i v;
            if (K - k >= 16) {
                v = _mm_loadu_si128((const __m128i *)(const void *)(src + k));
            } else {
                int8_t t[16] = {0};
                memcpy(t, src + k, (size_t)(K - k));
                v = _mm_loadu_si128((const __m128i *)(const void *)t);
            }
            const __m256i x = _mm256_cvtepi8_epi16(v);
            _mm256_storeu_si256((__m256i *)(void *)(dst + k / 2),
                                _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(x, 0xD8), 0xD8));
        }
    }
}

/* The kernel on widened weights; tap group k4's 16 pixels at xp + off[k4]
 * (off NULL: xp + 64 k4). */
static inline __attribute__((always_inline)) void
qgemm_wide(const uint8_t *xp, const int32_t *off, int K4, int ws, int npix, const int32_t *wb, int mr,
           const int32_t *beff, const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    const __m256i low = _mm256_set1_epi16(0x00FF);
    const int32_t *wr0 = wb, *wr1 = wb + ws, *wr2 = wb + 2 * (size_t)ws, *wr3 = wb + 3 * (size_t)ws;
    __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int k4 = 0; k4 < K4; k4++)
        QC2_STEP(off ? xp + off[k4] : xp + (size_t)k4 * 64, QC2_ROW_WIDE);
    const __m256i acc[QC2_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    store_rows(acc, npix, mr, beff, mult, y_zp, y, y_stride);
}

void onnxcc_u8s8_qgemm_wide_avx2(const uint8_t *xp, int K, int npix, const int32_t *wb, int mr, const int32_t *beff,
                                 const float *mult, uint8_t y_zp, uint8_t *y, size_t y_stride)
{
    qgemm_wide(xp, NULL, (K + 3) / 4, onnxcc_s8_widen_stride_avx2(K), npix, wb, mr, beff, mult, y_zp, y, y_stride);
}

/* ---- stride-1 convolutions on a window of input rows ----------------------- */

/* As the AVX-512 row-window path (qconv_avx512.c): input row r of the
 * window slot holds, per group of 4 channels c4, the padded row's columns
 * with the 4 channels' bytes side by side (byte (c4 * Wp + pad_l + ix) * 4
 * + j is channel 4 c4 + j, column ix, through the table; padding columns
 * and rows outside the image x_zp); output pixel ox, tap (ky, kx) of group
 * c4 reads the 4 bytes at column ox + kx of row slot (oy - pad_t + ky) %
 * kH, so 16 output pixels are 64 contiguous bytes: no per-tap copies. */
typedef struct { int C4, taps, K4, Wp, W16, ws, chunk; size_t rowbytes; } Rows2;

static int rows2_geo(const OnnxccConv2dParams *p, Rows2 *g)
{
    if (p->group != 1 || p->stride_h != 1 || p->stride_w != 1 || p->dil_h != 1 || p->dil_w != 1 || p->kH > 7 ||
        p->kW > 7 || p->kH * p->kW == 1)
        return 0;
    const int OW16 = (p->OW + 15) / 16 * 16;
    if (4 * (OW16 - p->OW) > p->OW)
        return 0; /* narrow rows: most lanes idle */
    g->C4 = (p->C + 3) / 4, g->taps = p->kH * p->kW, g->K4 = g->C4 * g->taps;
    if (g->K4 > 4096)
        return 0;
    g->W16 = (p->W + 15) / 16 * 16;
    /* the kernel reads columns < OW16 + kW - 1; the row loads write < pad_l + W16 */
    g->Wp = OW16 + p->kW - 1 > p->pad_l + g->W16 ? OW16 + p->kW - 1 : p->pad_l + g->W16;
    g->rowbytes = (size_t)g->C4 * g->Wp * 4;
    g->ws = onnxcc_s8_widen_stride_avx2(4 * g->K4);
    /* output channels per chunk: whole blocks of QC2_MR widened rows in QC_BUF */
    g->chunk = (int)(QC_BUF / ((size_t)g->ws * 4)) / QC2_MR * QC2_MR;
    if (g->chunk > p->M)
        g->chunk = p->M;
    return g->chunk > 0 && g->rowbytes * p->kH + sizeof(int32_t) * g->K4 <= QC_BUF;
}

int onnxcc_u8s8_rows_chunk_avx2(const OnnxccConv2dParams *p)
{
    Rows2 g;
    return rows2_geo(p, &g) ? g.chunk : 0;
}

void onnxcc_u8s8_rows_prepare_avx2(const OnnxccConv2dParams *p, const int8_t *w, int m0, int mc, uint8_t *buf)
{
    Rows2 g;
    rows2_geo(p, &g);
    const int CK = p->C * g.taps;
    int32_t *wb = (int32_t *)(void *)buf;
    for (int m = 0; m < (mc + QC2_MR - 1) / QC2_MR * QC2_MR; m++) { /* rows past mc repeat the last */
        const int8_t *wm = w + (size_t)(m0 + (m < mc ? m : mc - 1)) * CK;
        int32_t *dst = wb + (size_t)m * g.ws;
        memset(dst, 0, sizeof(int32_t) * (size_t)g.ws);
        for (int c4 = 0, k4 = 0; c4 < g.C4; c4++)
            for (int t = 0; t < g.taps; t++, k4++) { /* tap group (c4, t): channels 4 c4 .. 4 c4 + 3 */
                int16_t b[4];
                for (int j = 0; j < 4; j++)
                    b[j] = 4 * c4 + j < p->C ? wm[(size_t)(4 * c4 + j) * g.taps + t] : 0;
                dst[2 * k4] = (int32_t)((uint32_t)(uint16_t)b[0] | (uint32_t)(uint16_t)b[2] << 16);
                dst[2 * k4 + 1] = (int32_t)((uint32_t)(uint16_t)b[1] | (uint32_t)(uint16_t)b[3] << 16);
            }
    }
}

/* Window row r of image plane set xn into win (as above). */
static void window_row(const OnnxccConv2dParams *p, const Rows2 *g, const uint8_t *xn, const uint8_t *xend,
                       const uint8_t *lut, uint8_t x_zp, int r, uint8_t *win)
{
    memset(win, x_zp, g->rowbytes);
    if (r < 0 || r >= p->H)
        return;
    const size_t HW = (size_t)p->H * p->W;
    for (int c4 = 0; c4 < g->C4; c4++) {
        const uint8_t *src[4], *lc[4];
        for (int j = 0; j < 4; j++) {
            const int ch = 4 * c4 + j;
            src[j] = ch < p->C ? xn + (size_t)ch * HW + (size_t)r * p->W : NULL;
            lc[j] = ch < p->C && lut ? lut + (size_t)ch * 256 : NULL;
        }
        uint8_t *dst = win + ((size_t)c4 * g->Wp + p->pad_l) * 4;
        for (int c0 = 0; c0 < p->W; c0 += 16) { /* 16 columns; those past W are reset below */
            const int n = p->W - c0 < 16 ? p->W - c0 : 16;
            __m128i v[4];
            for (int j = 0; j < 4; j++) {
                const uint8_t *at = src[j] ? src[j] + c0 : NULL;
                v[j] = !at ? _mm_setzero_si128()
                       : lc[j] || xend - at < 16 ? gather16(at, lc[j], n, 1)
                                                 : _mm_loadu_si128((const __m128i *)(const void *)at);
            }
            interleave16(v[0], v[1], v[2], v[3], dst + (size_t)c0 * 4);
        }
        memset(dst + (size_t)p->W * 4, x_zp, (size_t)(g->W16 - p->W) * 4);
    }
}

void onnxcc_u8s8_rows_run_avx2(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *xend, const uint8_t *lut,
                               uint8_t x_zp, const uint8_t *wtb, int m0, int mc, const int32_t *beff,
                               const float *mult, uint8_t y_zp, int n, int oy0, int oy1, uint8_t *buf, uint8_t *y)
{
    Rows2 g;
    rows2_geo(p, &g);
    const int32_t *wb = (const int32_t *)(const void *)wtb;
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
                window_row(p, &g, xn, xend, lut, x_zp, r, win + g.rowbytes * (size_t)(((r % p->kH) + p->kH) % p->kH));
        }
        for (int c4 = 0, k4 = 0; c4 < g.C4; c4++)
            for (int ky = 0; ky < p->kH; ky++) {
                const int slot = (((oy - p->pad_t + ky) % p->kH) + p->kH) % p->kH;
                for (int kx = 0; kx < p->kW; kx++, k4++)
                    off[k4] = (int32_t)(g.rowbytes * (size_t)slot + ((size_t)c4 * g.Wp + (size_t)kx) * 4);
            }
        for (int ox0 = 0; ox0 < p->OW; ox0 += 16) {
            const int npix = p->OW - ox0 < 16 ? p->OW - ox0 : 16;
            uint8_t *yt = y + n * ys + (size_t)oy * p->OW + ox0;
            for (int r0 = 0; r0 < mc; r0 += QC2_MR) {
                const int mr = mc - r0 < QC2_MR ? mc - r0 : QC2_MR;
                qgemm_wide(win + (size_t)ox0 * 4, off, g.K4, g.ws, npix, wb + (size_t)r0 * g.ws, mr, beff + m0 + r0,
                           mult + m0 + r0, y_zp, yt + (size_t)(m0 + r0) * P, P);
            }
        }
    }
}

/* ---- packing --------------------------------------------------------------- */

enum { QC2_TAPS = 49 };

/* The npix bytes tap (ky, kx) of channel plane xc (table lc unless NULL)
 * gives output pixels p0 .. p0+npix-1, into t: per output-row segment, the
 * columns inside the image copied (or looked up), the rest x_zp. */
static void gather_tap(const OnnxccConv2dParams *p, const uint8_t *xc, const uint8_t *lc, uint8_t x_zp, int ky,
                       int kx, int p0, int npix, uint8_t *t)
{
    const int sw = p->stride_w;
    int i = 0, q = p0;
    while (i < npix) {
        const int oy = q / p->OW, ox0 = q % p->OW;
        int len = p->OW - ox0;
        if (len > npix - i)
            len = npix - i;
        const int iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
        const int c0 = ox0 * sw - p->pad_l + kx * p->dil_w; /* input column of segment pixel 0 */
        /* segment pixels j in [jlo, jhi) read 0 <= c0 + sw*j < W */
        int jlo = c0 < 0 ? (-c0 + sw - 1) / sw : 0, jhi = c0 > p->W - 1 ? 0 : (p->W - 1 - c0) / sw + 1;
        if (iy < 0 || iy >= p->H)
            jlo = jhi = 0;
        jlo = jlo < len ? jlo : len;
        jhi = jhi < len ? jhi : len;
        jhi = jhi > jlo ? jhi : jlo;
        memset(t + i, x_zp, (size_t)jlo);
        memset(t + i + jhi, x_zp, (size_t)(len - jhi));
        if (jhi > jlo) {
            const uint8_t *src = xc + (size_t)iy * p->W + (c0 + sw * jlo);
            uint8_t *dst = t + i + jlo;
            const int n = jhi - jlo;
            if (lc)
                for (int j = 0; j < n; j++)
                    dst[j] = lc[src[(size_t)j * sw]];
            else if (sw != 1)
                for (int j = 0; j < n; j++)
                    dst[j] = src[(size_t)j * sw];
            else if (n == 16)
                _mm_storeu_si128((__m128i *)(void *)dst, _mm_loadu_si128((const __m128i *)(const void *)src));
            else
                memcpy(dst, src, (size_t)n);
        }
        i += len;
        q += len;
    }
}

/* One output-row segment of the tile for one tap: its tile pixels
 * [lo, hi) read plane bytes off, off + sw, ... (n = hi - lo > 0 of them);
 * ctrl moves byte j of those to lane lo + j (vpshufb), mask marks the
 * lanes.  Segments with no byte inside the image are left out: their
 * lanes keep x_zp. */
typedef struct {
    __m128i ctrl, mask;
    int32_t off;
    int n;
} Seg;

enum { QC2_SEGS = 256 }; /* the per-tile table's reach: taps x segments */

/* The segment's bytes in lanes 0 .. n-1: plain 16- or 32-byte loads where
 * the whole load lies before xend, the end of the layer's input. */
static inline __m128i seg_bytes(const Seg *s, const uint8_t *xc, const uint8_t *lc, int sw, const uint8_t *xend)
{
    const uint8_t *src = xc + s->off;
    if (lc)
        return gather16(src, lc, s->n, sw);
    if (sw == 1 && xend - src >= 16)
        return _mm_loadu_si128((const __m128i *)(const void *)src);
    if (sw == 2 && xend - src >= 32) { /* the even bytes of 32 */
        const __m128i low = _mm_set1_epi16(0x00FF);
        const __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)src), low);
        const __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(src + 16)), low);
        return _mm_packus_epi16(a, b);
    }
    return gather16(src, NULL, s->n, sw);
}

void onnxcc_u8s8_pack_avx2(const OnnxccConv2dParams *p, const uint8_t *xg, const uint8_t *xend, const uint8_t *lut,
                           uint8_t x_zp, int K, int p0, int npix, uint8_t *xp)
{
    const int K4 = (K + 3) / 4, taps = p->kH * p->kW, sw = p->stride_w;
    const size_t HW = (size_t)p->H * p->W;
    const __m128i zp16 = _mm_set1_epi8((char)x_zp);
    /* A 1x1 unpadded stride-1 tap is the input plane's bytes themselves. */
    const int flat = taps == 1 && sw == 1 && p->stride_h == 1 && p->pad_t == 0 && p->pad_l == 0 &&
                     p->OH == p->H && p->OW == p->W;
    /* The tile's output-row pieces, then per tap their segments (the same
     * for every input channel). */
    int pd[16], plen[16], poy[16], pox[16], np = 0;
    for (int i = 0; i < npix;) {
        const int q = p0 + i, oy = q / p->OW, ox = q % p->OW;
        const int len = p->OW - ox < npix - i ? p->OW - ox : npix - i;
        pd[np] = i, plen[np] = len, poy[np] = oy, pox[np] = ox, np++;
        i += len;
    }
    Seg seg[QC2_SEGS];
    int first[QC2_TAPS + 1]; /* tap tp's segments: seg[first[tp] .. first[tp + 1]) */
    const int tabled = !flat && taps <= QC2_TAPS && taps * np <= QC2_SEGS;
    for (int tp = 0, ns = 0; tabled && tp < taps; tp++) {
        const int ky = tp / p->kW, kx = tp % p->kW;
        first[tp] = ns;
        for (int k = 0; k < np; k++) {
            const int iy = poy[k] * p->stride_h - p->pad_t + ky * p->dil_h;
            const int c0 = pox[k] * sw - p->pad_l + kx * p->dil_w; /* input column of the piece's pixel 0 */
            /* piece pixels j in [lo, hi) read 0 <= c0 + sw*j < W */
            int lo = c0 < 0 ? (-c0 + sw - 1) / sw : 0, hi = c0 > p->W - 1 ? 0 : (p->W - 1 - c0) / sw + 1;
            hi = hi < plen[k] ? hi : plen[k];
            if (iy < 0 || iy >= p->H || hi <= lo)
                continue;
            int8_t ctrl[16], mask[16];
            for (int l = 0; l < 16; l++) {
                const int in = l >= pd[k] + lo && l < pd[k] + hi;
                ctrl[l] = (int8_t)(in ? l - pd[k] - lo : -128), mask[l] = (int8_t)(in ? -1 : 0);
            }
            seg[ns].ctrl = _mm_loadu_si128((const __m128i *)(const void *)ctrl);
            seg[ns].mask = _mm_loadu_si128((const __m128i *)(const void *)mask);
            seg[ns].off = iy * p->W + c0 + sw * lo;
            seg[ns].n = hi - lo;
            ns++;
        }
        first[tp + 1] = ns;
    }
    uint8_t rows[4][16];
    int c = 0, ky = 0, kx = 0, tp = 0;
    for (int k4 = 0; k4 < K4; k4++) {
        __m128i r[4];
        for (int j = 0; j < 4; j++) {
            if (4 * k4 + j >= K) {
                r[j] = _mm_setzero_si128();
                continue;
            }
            const uint8_t *xc = xg + (size_t)c * HW, *lc = lut ? lut + (size_t)c * 256 : NULL;
            if (tabled) {
                __m128i v = zp16;
                for (int k = first[tp]; k < first[tp + 1]; k++) {
                    const __m128i b = seg_bytes(&seg[k], xc, lc, sw, xend);
                    v = _mm_blendv_epi8(v, _mm_shuffle_epi8(b, seg[k].ctrl), seg[k].mask);
                }
                r[j] = v;
            } else if (flat) { /* pixels past npix: 0 (their outputs are not stored) */
                r[j] = npix < 16 ? gather16(xc + p0, lc, npix, 1)
                       : lc      ? gather16(xc + p0, lc, 16, 1) /* unrolled */
                                 : _mm_loadu_si128((const __m128i *)(const void *)(xc + p0));
            } else {
                memset(rows[j], 0, 16);
                gather_tap(p, xc, lc, x_zp, ky, kx, p0, npix, rows[j]);
                r[j] = _mm_loadu_si128((const __m128i *)(const void *)rows[j]);
            }
            if (++tp == taps)
                tp = 0;
            if (++kx == p->kW) {
                kx = 0;
                if (++ky == p->kH)
                    ky = 0, c++;
            }
        }
        interleave16(r[0], r[1], r[2], r[3], xp + (size_t)k4 * 64);
    }
}

/* ---- depthwise ------------------------------------------------------------- */

/* Bytes of one padded input row of the depthwise path: output vector v of
 * 8 pixels, tap kx reads from byte 8 v sw + kx dil_w, 16 bytes (stride 2)
 * or 8; 0 if the kH rows do not fit QC_BUF. */
static size_t dw_row_bytes(const OnnxccConv2dParams *p)
{
    const size_t nv = ((size_t)p->OW + 7) / 8;
    const size_t b = (nv * 8 * (size_t)p->stride_w + (size_t)(p->kW - 1) * p->dil_w + 16 + 31) / 32 * 32;
    return b * (size_t)p->kH <= QC_BUF ? b : 0;
}

int onnxcc_u8s8_dw_fits_avx2(const OnnxccConv2dParams *p)
{
    return p->stride_w <= 2 && p->kH <= 7 && p->kW <= 7 && dw_row_bytes(p) != 0;
}

/* Input row iy of plane x as the depthwise path reads it: byte j is column
 * j - pad_l through lut (x_zp outside the image or for rows outside it). */
static void dw_row(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, uint8_t x_zp, int iy,
                   size_t rb, uint8_t *row)
{
    memset(row, x_zp, rb);
    if (iy < 0 || iy >= p->H || (size_t)p->pad_l >= rb)
        return;
    const uint8_t *src = x + (size_t)iy * p->W;
    const size_t n = (size_t)p->W < rb - (size_t)p->pad_l ? (size_t)p->W : rb - (size_t)p->pad_l;
    if (lut)
        for (size_t j = 0; j < n; j++)
            row[p->pad_l + j] = lut[src[j]];
    else
        memcpy(row + p->pad_l, src, n);
}

void onnxcc_u8s8_dwplane_avx2(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, uint8_t x_zp,
                              const int8_t *w, int32_t beff, float mult, uint8_t y_zp, uint8_t *y)
{
    unsigned char mem[QC_BUF + 32];
    uint8_t *rows = (uint8_t *)(mem + ((32 - (uintptr_t)mem % 32) % 32));
    const size_t rb = dw_row_bytes(p);
    const int sw = p->stride_w, taps = p->kH * p->kW;
    const __m256 lo = _mm256_set1_ps(-(float)y_zp), hi = _mm256_set1_ps((float)(255 - y_zp)), m = _mm256_set1_ps(mult);
    const __m256i zp = _mm256_set1_epi32(y_zp), b = _mm256_set1_epi32(beff), low = _mm256_set1_epi32(0xFF);
    __m256i wv[49]; /* tap k's weight in the low 16 bits of each lane, 0 above: vpmaddwd gives x * w */
    for (int k = 0; k < taps; k++)
        wv[k] = _mm256_set1_epi32((int32_t)(uint16_t)(int16_t)w[k]);
    /* Slot iy % kH caches row iy across output rows (distinct slots for
     * one output row's rows when dil_h is 1; otherwise slot ky, rebuilt). */
    int tag[7] = {-2, -2, -2, -2, -2, -2, -2}; /* the input row a slot holds; -1 padding, -2 none */
    const uint8_t *r[7];
    for (int oy = 0; oy < p->OH; oy++) {
        for (int ky = 0; ky < p->kH; ky++) {
            const int iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
            const int in = iy >= 0 && iy < p->H, key = in ? iy : -1;
            const int s = p->dil_h == 1 ? ((iy % p->kH) + p->kH) % p->kH : ky;
            uint8_t *row = rows + rb * (size_t)s;
            if (p->dil_h != 1 || tag[s] != key || key < 0) {
                dw_row(p, x, lut, x_zp, iy, rb, row);
                tag[s] = key;
            }
            r[ky] = row;
        }
        for (int ox0 = 0; ox0 < p->OW; ox0 += 8) {
            __m256i acc = _mm256_setzero_si256();
            for (int ky = 0; ky < p->kH; ky++) {
                const uint8_t *rk = r[ky] + (size_t)ox0 * sw;
                for (int kx = 0; kx < p->kW; kx++) {
                    const uint8_t *at = rk + (size_t)kx * p->dil_w;
                    __m256i t;
                    if (sw == 1)
                        t = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)at));
                    else /* the even bytes of 16 */
                        t = _mm256_and_si256(
                            _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)at)), low);
                    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(t, wv[ky * p->kW + kx]));
                }
            }
            requant8(acc, b, m, lo, hi, zp, y + (size_t)oy * p->OW + ox0, p->OW - ox0 < 8 ? p->OW - ox0 : 8);
        }
    }
}

/* ---- weight sums ----------------------------------------------------------- */

int32_t onnxcc_s8_sum_avx2(const int8_t *w, size_t n)
{
    /* sum(w) = sum(w ^ 0x80 as unsigned) - 128 n; vpsadbw sums 8 bytes a lane */
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i v = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(w + i)), flip);
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(v, _mm256_setzero_si256()));
    }
    long long s = 0;
    for (; i < n; i++)
        s += w[i];
    const __m128i h = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s += _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1) - 128 * (long long)(n - n % 32);
    return (int32_t)s;
}

/* ---- QuantizeLinear --------------------------------------------------------- */

size_t onnxcc_f32_quantize_u8_avx2(size_t n, const float *x, float scale, uint8_t zp, uint8_t *y)
{
    const __m256 s = _mm256_set1_ps(scale), z = _mm256_set1_ps((float)zp), top = _mm256_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + i), s);
        v = _mm256_add_ps(_mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), top); /* max(NaN, 0) = 0 */
        const __m256i q = _mm256_cvtps_epi32(v);
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64((__m128i *)(void *)(y + i), _mm_packus_epi16(w, w));
    }
    return i;
}
