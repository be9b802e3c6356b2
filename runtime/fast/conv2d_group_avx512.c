/* conv2d_group_avx512.c — conv2d_group.c's row kernel for AVX-512F: a tile
 * is Q pixels of one output row (Q = 14, or 7 on rows narrower than 14; a
 * row's last tile may overlap the one before, recomputing the same bits),
 * one zmm accumulator per pixel holding its 16 output channels.  Wider
 * tiles (28 pixels) ran out of registers and were 5-40% slower than 14.
 * Per (input channel, kernel row) inside the map, per kernel column: one
 * load of the tap's 16 weights and Q FMAs with the pixels' inputs broadcast
 * from x.  The first pixel of a row's first tile skips its tap left of the
 * map (padding 1) and the last pixel of a row's last tile the tap right of
 * it, each tile's shape a compile-time variant.  The accumulators are then
 * transposed 16 x 16 into output rows, where bias, residual and activation
 * apply as in the GEMM tiles. */
#include <immintrin.h>

#include "conv2d_group.h"
#include "vec_avx512.h"

#define INLINE static inline __attribute__((always_inline))
/* every loop over registers: whole */
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 32")
#endif

/* Pixels p0 .. p0+n-1 (n <= 16) of acc, channel-major into the output at
 * pixel q of each channel plane, with the epilogue. */
INLINE void store_block(const FastGroup *g, const __m512 *acc, int n, size_t q)
{
    __m512 r[16];
    UNROLL
    for (int i = 0; i < 16; i++)
        r[i] = i < n ? acc[i] : _mm512_setzero_ps();
    v16_transpose(r);
    const __mmask16 lanes = (__mmask16)((1u << n) - 1u);
    UNROLL
    for (int m = 0; m < GROUP_MG; m++) {
        __m512 v = r[m];
        if (g->res)
            v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, g->res + (size_t)m * g->ldy + q));
        _mm512_mask_storeu_ps(g->y + (size_t)m * g->ldy + q, lanes, act_ps(&g->act, v));
    }
}

/* Output row oh, pixels ow0 .. ow0+Q-1.  el: pixel 0's tap kw = 0 is left
 * of the map; er: pixel Q-1's tap kw = 2 is right of it. */
INLINE void tile(const FastGroup *g, int oh, int ow0, const int Q, const int el, const int er, const int s)
{
    __m512 acc[14];
    UNROLL
    for (int p = 0; p < Q; p++)
        acc[p] = _mm512_setzero_ps();
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
                const __m512 wv = _mm512_loadu_ps(w + kw * GROUP_MG);
                UNROLL
                for (int p = 0; p < Q; p++) {
                    if ((el && p == 0 && kw == 0) || (er && p == Q - 1 && kw == 2))
                        continue;
                    acc[p] = _mm512_fmadd_ps(wv, _mm512_set1_ps(xb[s * p + kw - 1]), acc[p]);
                }
            }
        }
    }
    const __m512 bias = g->bias ? _mm512_loadu_ps(g->bias) : _mm512_setzero_ps();
    UNROLL
    for (int p = 0; p < Q; p++)
        acc[p] = _mm512_add_ps(acc[p], bias);
    const size_t q = (size_t)oh * (size_t)g->OW + (size_t)ow0;
    UNROLL
    for (int p0 = 0; p0 < Q; p0 += 16)
        store_block(g, acc + p0, Q - p0 < 16 ? Q - p0 : 16, q + (size_t)p0);
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
TILE_VARIANTS(14)
TILE_VARIANTS(7)

void onnxcc_fast_group_rows_avx512(const FastGroup *g, int oh0, int oh1)
{
    const int OW = g->OW, Q = OW >= 14 ? 14 : 7;
    void (*fn)(const FastGroup *, int, int, int, int) = Q == 14 ? tile_14 : tile_7;
    /* Pixel 0 reads column -1; the last reads s*(OW-1) + 1.  Every other
     * pixel's taps are inside the map (conv2d_group.c checks). */
    const int right = g->s * (OW - 1) + 1 >= g->W;
    for (int oh = oh0; oh < oh1; oh++)
        for (int ow0 = 0; ow0 < OW; ow0 += Q) {
            const int at = ow0 + Q <= OW ? ow0 : OW - Q;
            fn(g, oh, at, at == 0, right && at + Q == OW);
        }
}
