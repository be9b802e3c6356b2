/* matmul_avx512.c — the GEMM of matmul.c for AVX-512F: FastGemm (fast.h)
 * reduced to what a MatMul asks (one tap at offset 0, every column stored,
 * no activation, an optional residual that may be y itself, then an
 * optional bias per column where the conv kernel's is per row), so
 * that the k loop is one plain loop: the convolution kernel's loop over
 * channels and taps cost about a dozen instructions per k beside the 24
 * fused multiply-adds of its tile.
 *
 * A is packed panels, or (onnxcc_f32_mm_gemm_rows_avx512) rows lda apart
 * read in place: each k's 8 values broadcast from 8 rows.
 *
 * Tile: 8 rows (half a packed panel) x up to 48 columns (3 zmm), 24
 * accumulators; per k, up to 3 loads of B and 8 broadcasts of A; a last
 * tile of up to 4 rows computes 4.  Columns
 * past ncols are computed (B is readable up to ncols rounded up to 16) and
 * not stored.  Every output is one float sum over k in order, as in the
 * convolution kernel, so the two give the same bits. */
#include <immintrin.h>

#include "fast.h"
#include "matmul_pack.h"

#define MR 8
#define NV 3
#define MM_PF_ROWS 32 /* how far ahead the first row tile prefetches B */
#define INLINE static inline __attribute__((always_inline))

INLINE void mm_tile(const FastGemm *g, const float *a, int r0, int rows, int j0, int n, int nv, int mr, size_t lda,
                    int clamp)
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
    const float *cb = g->cbias ? g->cbias + g->q0 + (size_t)j0 : NULL;
    if (g->nc >= 64 && nv == NV) /* the output lines, in flight during the k loop */
        for (int r = 0; r < rows; r++)
            for (int v = 0; v < NV; v++)
                _mm_prefetch((const char *)(y + (size_t)r * g->ldy + 16 * v), _MM_HINT_T0);
    /* The first row tile of a call brings B's block in, often from memory
     * (weights, cold): it asks for B's rows MM_PF_ROWS ahead (the others
     * find them in L2).  49 x 3072 x 768 with B cold: 148 -> 188 GFLOP/s;
     * 197 x 768 x 2304: 227 -> 235. */
    const size_t pfd = MM_PF_ROWS * ldb;
    /* A row r at a + r * ars, stepping aks per k; in place, a tile of
     * fewer rows than mr (clamp) reads its last row for the rows past
     * them (computed, not stored), not past the end of A */
    const size_t ars = lda ? lda : 1, aks = lda ? 1 : FAST_PANEL;
    size_t off[MR];
    FAST_UNROLL
    for (int r = 0; r < MR; r++)
        off[r] = (size_t)(clamp && r >= rows ? rows - 1 : r) * ars;
    for (int k = 0; k < g->nc; k++, a += aks, b += ldb) {
        if (r0 == 0) {
            FAST_UNROLL
            for (int v = 0; v < NV; v++)
                if (v < nv)
                    _mm_prefetch((const char *)(b + pfd + 16 * v), _MM_HINT_T0);
        }
        __m512 bv[NV];
        FAST_UNROLL
        for (int v = 0; v < NV; v++)
            if (v < nv)
                bv[v] = _mm512_loadu_ps(b + 16 * v);
        FAST_UNROLL
        for (int r = 0; r < MR; r++) {
            if (r >= mr)
                continue;
            const __m512 ar = _mm512_set1_ps(clamp ? a[off[r]] : a[(size_t)r * ars]);
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
            if (cb)
                s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(mk, cb + 16 * v));
            _mm512_mask_storeu_ps(yr + 16 * v, mk, s);
        }
    }
}

/* One instance per column and row count (8, or 4 for a last tile of up
 * to 4 rows: M = 49 is 6 tiles of 8 and one row), so that every loop has
 * constant bounds and the accumulators stay in registers. */
#define MM_TILE(nv, mr)                                                                  \
    static void mm_tile_##nv##_##mr(const FastGemm *g, const float *a, int r0, int rows, \
                                    int j0, int n)                                       \
    {                                                                                    \
        mm_tile(g, a, r0, rows, j0, n, nv, mr, 0, 0);                                    \
    }                                                                                    \
    static void mm_tile_rows_##nv##_##mr(const FastGemm *g, const float *a, int r0,      \
                                         int rows, int j0, int n, size_t lda)            \
    {                                                                                    \
        if (rows < mr)                                                                   \
            mm_tile(g, a, r0, rows, j0, n, nv, mr, lda, 1);                              \
        else                                                                             \
            mm_tile(g, a, r0, rows, j0, n, nv, mr, lda, 0);                              \
    }
MM_TILE(3, 8)
MM_TILE(2, 8)
MM_TILE(1, 8)
MM_TILE(3, 4)
MM_TILE(2, 4)
MM_TILE(1, 4)

void onnxcc_f32_mm_gemm_avx512(const FastGemm *g)
{
    const size_t psize = (size_t)g->nc * FAST_PANEL;
    for (int r0 = 0; r0 < g->m; r0 += MR) {
        const float *a = g->a + (size_t)(r0 / FAST_PANEL) * psize + r0 % FAST_PANEL;
        const int rows = g->m - r0 < MR ? g->m - r0 : MR;
        for (int j0 = 0; j0 < g->ncols; j0 += 16 * NV) {
            const int n = g->ncols - j0 < 16 * NV ? g->ncols - j0 : 16 * NV;
            if (rows > 4)
                (n > 32 ? mm_tile_3_8 : n > 16 ? mm_tile_2_8 : mm_tile_1_8)(g, a, r0, rows, j0, n);
            else
                (n > 32 ? mm_tile_3_4 : n > 16 ? mm_tile_2_4 : mm_tile_1_4)(g, a, r0, rows, j0, n);
        }
    }
}

void onnxcc_f32_mm_gemm_rows_avx512(const FastGemm *g, size_t lda)
{
    for (int r0 = 0; r0 < g->m; r0 += MR) {
        const float *a = g->a + (size_t)r0 * lda;
        const int rows = g->m - r0 < MR ? g->m - r0 : MR;
        for (int j0 = 0; j0 < g->ncols; j0 += 16 * NV) {
            const int n = g->ncols - j0 < 16 * NV ? g->ncols - j0 : 16 * NV;
            if (rows > 4)
                (n > 32 ? mm_tile_rows_3_8 : n > 16 ? mm_tile_rows_2_8 : mm_tile_rows_1_8)(g, a, r0, rows, j0, n, lda);
            else
                (n > 32 ? mm_tile_rows_3_4 : n > 16 ? mm_tile_rows_2_4 : mm_tile_rows_1_4)(g, a, r0, rows, j0, n, lda);
        }
    }
}
