/* matmul_avx512.c — the GEMM of matmul.c for AVX-512F: FastGemm (fast.h)
 * reduced to what a MatMul asks (one tap at offset 0, every column stored,
 * no bias, no activation, an optional residual that may be y itself), so
 * that the k loop is one plain loop: the convolution kernel's loop over
 * channels and taps cost about a dozen instructions per k beside the 24
 * fused multiply-adds of its tile.
 *
 * Tile: 8 rows (half a packed panel) x up to 48 columns (3 zmm), 24
 * accumulators; per k, up to 3 loads of B and 8 broadcasts of A.  Columns
 * past ncols are computed (B is readable up to ncols rounded up to 16) and
 * not stored.  Every output is one float sum over k in order, as in the
 * convolution kernel, so the two give the same bits. */
#include <immintrin.h>

#include "fast.h"
#include "matmul_pack.h"

#define MR 8
#define NV 3
#define INLINE static inline __attribute__((always_inline))

INLINE void mm_tile(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int nv)
{
    __m512 acc[MR][NV];
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        FAST_UNROLL
        for (int v = 0; v < NV; v++)
            acc[r][v] = _mm512_setzero_ps();
    }
    const size_t ldb = g->cstride;
    const float *b = g->b + j0;
    float *y = g->y + (size_t)r0 * g->ldy + g->q0 + (size_t)j0;
    const float *res = g->res ? g->res + (size_t)r0 * g->ldy + g->q0 + (size_t)j0 : NULL;
    if (g->nc >= 64 && nv == NV) /* the output lines, in flight during the k loop */
        for (int r = 0; r < rows; r++)
            for (int v = 0; v < NV; v++)
                _mm_prefetch((const char *)(y + (size_t)r * g->ldy + 16 * v), _MM_HINT_T0);
    for (int k = 0; k < g->nc; k++, a += FAST_PANEL, b += ldb) {
        __m512 bv[NV];
        FAST_UNROLL
        for (int v = 0; v < NV; v++)
            if (v < nv)
                bv[v] = _mm512_loadu_ps(b + 16 * v);
        FAST_UNROLL
        for (int r = 0; r < MR; r++) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            FAST_UNROLL
            for (int v = 0; v < NV; v++)
                if (v < nv)
                    acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
        }
    }
    const __mmask16 last = n - 16 * (nv - 1) >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - 16 * (nv - 1))) - 1u);
    FAST_UNROLL
    for (int r = 0; r < MR; r++) {
        if (r >= rows)
            continue;
        float *yr = y + (size_t)r * g->ldy;
        FAST_UNROLL
        for (int v = 0; v < NV; v++) {
            if (v >= nv)
                continue;
            const __mmask16 mk = v + 1 < nv ? (__mmask16)0xffff : last;
            __m512 s = _mm512_add_ps(acc[r][v], _mm512_setzero_ps()); /* + bias 0, as the conv kernel */
            if (res)
                s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(mk, res + (size_t)r * g->ldy + 16 * v));
            _mm512_mask_storeu_ps(yr + 16 * v, mk, s);
        }
    }
}

static void mm_tile3(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    mm_tile(g, a, r0, rows, j0, n, 3);
}
static void mm_tile2(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    mm_tile(g, a, r0, rows, j0, n, 2);
}
static void mm_tile1(const FastGemm *g, const float *a, int r0, int rows, int j0, int n)
{
    mm_tile(g, a, r0, rows, j0, n, 1);
}

void onnxcc_f32_mm_gemm_avx512(const FastGemm *g)
{
    const size_t psize = (size_t)g->nc * FAST_PANEL;
    for (int r0 = 0; r0 < g->m; r0 += MR) {
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + r0 % FAST_PANEL;
        const int rows = g->m - r0 < MR ? g->m - r0 : MR;
        for (int j0 = 0; j0 < g->ncols; j0 += 16 * NV) {
            const int n = g->ncols - j0 < 16 * NV ? g->ncols - j0 : 16 * NV;
            if (n > 32)
                mm_tile3(g, a, r0, rows, j0, n);
            else if (n > 16)
                mm_tile2(g, a, r0, rows, j0, n);
            else
                mm_tile1(g, a, r0, rows, j0, n);
        }
    }
}
