/* conv2d_stem_avx512.c — conv2d_stem.c's row kernel for AVX-512F: tiles of
 * 4 output channels by 6 vectors of 16 pixels (24 accumulators). */
#include "conv2d_stem.h"
#include "vec_avx512.h"
#include "vmath.h"

#define STEM_NV 3
#define STEM_OCR 8 /* output channels per tile: STEM_OCB or a divisor */
#include "conv2d_stem_rows.h"

void onnxcc_fast_stem_rows_avx512(const FastStem *s, int oh0, int oh1)
{
    stem_rows(s, oh0, oh1);
}

void onnxcc_fast_stem_gather2_avx512(const float *x, size_t n, float *d, float sc, float sh, int on, int relu)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512 s = _mm512_set1_ps(sc), t = _mm512_set1_ps(sh), zero = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        /* x[2j .. 2j+30]: the second load stops at x[2j+30], the last read */
        const __m512 a = _mm512_loadu_ps(x + 2 * j);
        const __m512 b = _mm512_maskz_loadu_ps(0x7fff, x + 2 * j + 16);
        __m512 v = _mm512_permutex2var_ps(a, even, b);
        if (on)
            v = _mm512_add_ps(_mm512_mul_ps(v, s), t);
        if (relu)
            v = _mm512_max_ps(zero, v);
        _mm512_storeu_ps(d + j, v);
    }
    for (; j < n; j++) {
        float v = x[2 * j];
        if (on)
            v = v * sc + sh;
        d[j] = relu && v < 0.0f ? 0.0f : v;
    }
}
