/* conv2d_group_avx2.c — conv2d_group.c's row kernel for AVX2 + FMA: as
 * conv2d_group_avx512.c with two ymm accumulators per pixel (output
 * channels 0-7 and 8-15), so a tile holds Q = 4 or 6 pixels of one output
 * row (2Q accumulators, two weight vectors and a broadcast in 16
 * registers), whichever covers the row with fewer pixels computed; a row's
 * last tile may overlap the one before.  The accumulators are transposed
 * 8 x 8 into output rows.  The same sums in the same order as the GEMM
 * tiles and the AVX-512 kernel, so all give the same bits. */
#include <immintrin.h>

#include "conv2d_group.h"
#include "vec_avx2.h"

#define INLINE static inline __attribute__((always_inline))
/* every loop over registers: whole */
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 32")
#endif

/* r[i] <- column i of the 8 x 8 matrix whose row j was r[j]. */
INLINE void transpose8(__m256 r[8])
{
    __m256 t[8];
    UNROLL
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    UNROLL
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    UNROLL
    for (int i = 0; i < 4; i++) {
        t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
        t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
    }
    UNROLL
    for (int i = 0; i < 8; i++)
        r[i] = t[i];
}

/* Output channels m0 .. m0+7 of pixels 0 .. n-1 (n <= 8) of acc into the
 * output at pixel q of each channel plane, with the epilogue. */
INLINE void store_half(const FastGroup *g, const __m256 *acc, int n, int m0, size_t q)
{
    __m256 r[8];
    UNROLL
    for (int i = 0; i < 8; i++)
        r[i] = i < n ? acc[i] : _mm256_setzero_ps();
    transpose8(r);
    const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    UNROLL
    for (int m = 0; m < 8; m++) {
        __m256 v = r[m];
        const size_t at = (size_t)(m0 + m) * g->ldy + q;
        if (g->res)
            v = _mm256_add_ps(v, _mm256_maskload_ps(g->res + at, lanes));
        _mm256_maskstore_ps(g->y + at, lanes, act_ps(&g->act, v));
    }
}

/* Output row oh, pixels ow0 .. ow0+Q-1; el, er, s as in the AVX-512 tile. */
INLINE void tile(const FastGroup *g, int oh, int ow0, const int Q, const int el, const int er, const int s)
{
    __m256 lo[6], hi[6];
    UNROLL
    for (int p = 0; p < Q; p++)
        lo[p] = hi[p] = _mm256_setzero_ps();
    const float *w = g->w;
    for (int c = 0; c < g->cg; c++) {
        const float *xc = g->x + (size_t)c * g->xplane;
        for (int kh = 0; kh < 3; kh++, w += 3 * GROUP_MG) {
            const int ih = s * oh + kh - g->pad_t;
            if (ih < 0 || ih >= g->H)
                continue;
            /* pixel p's tap kw at xb[s*p + kw - 1] (padding 1 on the left) */
            const float *xb = xc + (size_t)ih * (size_t)g->W + (size_t)(s * ow0);
            UNROLL
            for (int kw = 0; kw < 3; kw++) {
                const __m256 w0 = _mm256_loadu_ps(w + kw * GROUP_MG);
                const __m256 w1 = _mm256_loadu_ps(w + kw * GROUP_MG + 8);
                UNROLL
                for (int p = 0; p < Q; p++) {
                    if ((el && p == 0 && kw == 0) || (er && p == Q - 1 && kw == 2))
                        continue;
                    const __m256 xv = _mm256_broadcast_ss(xb + s * p + kw - 1);
                    lo[p] = _mm256_fmadd_ps(w0, xv, lo[p]);
                    hi[p] = _mm256_fmadd_ps(w1, xv, hi[p]);
                }
            }
        }
    }
    const __m256 b0 = g->bias ? _mm256_loadu_ps(g->bias) : _mm256_setzero_ps();
    const __m256 b1 = g->bias ? _mm256_loadu_ps(g->bias + 8) : _mm256_setzero_ps();
    UNROLL
    for (int p = 0; p < Q; p++) {
        lo[p] = _mm256_add_ps(lo[p], b0);
        hi[p] = _mm256_add_ps(hi[p], b1);
    }
    const size_t q = (size_t)oh * (size_t)g->OW + (size_t)ow0;
    store_half(g, lo, Q, 0, q);
    store_half(g, hi, Q, 8, q);
}

/* The stride and the edges compile-time constants in each copy. */
#define TILE_VARIANTS(Q)                                                                           \
    static void tile_##Q(const FastGroup *g, int oh, int ow0, int el, int er)                      \
    {                                                                                              \
        const int v = (g->s == 2) * 4 + el * 2 + er;                                               \
        switch (v) {                                                                               \
        case 0: tile(g, oh, ow0, Q, 0, 0, 1); break;                                               \
        case 1: tile(g, oh, ow0, Q, 0, 1, 1); break;                                               \
        case 2: tile(g, oh, ow0, Q, 1, 0, 1); break;                                               \
        case 3: tile(g, oh, ow0, Q, 1, 1, 1); break;                                               \
        case 4: tile(g, oh, ow0, Q, 0, 0, 2); break;                                               \
        case 5: tile(g, oh, ow0, Q, 0, 1, 2); break;                                               \
        case 6: tile(g, oh, ow0, Q, 1, 0, 2); break;                                               \
        default: tile(g, oh, ow0, Q, 1, 1, 2); break;                                              \
        }                                                                                          \
    }
TILE_VARIANTS(6)
TILE_VARIANTS(4)

void onnxcc_fast_group_rows_avx2(const FastGroup *g, int oh0, int oh1)
{
    const int OW = g->OW, Q = (OW + 5) / 6 * 6 <= (OW + 3) / 4 * 4 ? 6 : 4;
    void (*fn)(const FastGroup *, int, int, int, int) = Q == 6 ? tile_6 : tile_4;
    /* Pixel 0 reads column -1; the last reads s*(OW-1) + 1.  Every other
     * pixel's taps are inside the map (conv2d_group.c checks). */
    const int right = g->s * (OW - 1) + 1 >= g->W;
    for (int oh = oh0; oh < oh1; oh++)
        for (int ow0 = 0; ow0 < OW; ow0 += Q) {
            const int at = ow0 + Q <= OW ? ow0 : OW - Q;
            fn(g, oh, at, at == 0, right && at + Q == OW);
        }
}
