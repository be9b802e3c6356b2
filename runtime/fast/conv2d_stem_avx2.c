/* conv2d_stem_avx2.c — conv2d_stem.c's row kernel for AVX2 + FMA, tiles of
 * 4 output channels (half a packed block) by 3 vectors of 8 pixels (12
 * accumulators), and its frame fill for strides 2 and 4. */
#include "conv2d_stem.h"
#include "vec_avx2.h"
#include "vmath.h"

#define STEM_NV 3
#define STEM_OCR 4 /* output channels per tile: STEM_OCB or a divisor */
#include "conv2d_stem_rows.h"

void onnxcc_fast_stem_rows_avx2(const FastStem *s, int oh0, int oh1)
{
    stem_rows(s, oh0, oh1);
}

void onnxcc_fast_stem_gather_avx2(const float *x, int step, size_t n, float *d, float sc, float sh, int on,
                                  int relu)
{
    const __m256 s = _mm256_set1_ps(sc), t = _mm256_set1_ps(sh), zero = _mm256_setzero_ps();
    const __m256i last7 = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, -1, 0);
    size_t j = 0;
    for (; step == 2 && j + 8 <= n; j += 8) {
        /* x[2j .. 2j+14]: the second load stops at x[2j+14], the last read */
        const __m256 a = _mm256_loadu_ps(x + 2 * j);
        const __m256 b = _mm256_maskload_ps(x + 2 * j + 8, last7);
        __m256 v = _mm256_shuffle_ps(a, b, 0x88); /* a0 a2 b0 b2 a4 a6 b4 b6 */
        v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xd8));
        if (on)
            v = _mm256_add_ps(_mm256_mul_ps(v, s), t);
        if (relu)
            v = _mm256_max_ps(zero, v);
        _mm256_storeu_ps(d + j, v);
    }
    if (step == 4) {
        const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        const __m256i first5 = _mm256_setr_epi32(-1, -1, -1, -1, -1, 0, 0, 0);
        for (; j + 8 <= n; j += 8) {
            /* x[4j .. 4j+28]: the fourth load stops at the last read */
            const float *xj = x + 4 * j;
            const __m256 ab = _mm256_shuffle_ps(_mm256_loadu_ps(xj), _mm256_loadu_ps(xj + 8), 0);
            const __m256 cd = _mm256_shuffle_ps(_mm256_loadu_ps(xj + 16), _mm256_maskload_ps(xj + 24, first5), 0);
            /* a0 b0 c0 d0 | a4 b4 c4 d4, then in order */
            __m256 v = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(ab, cd, 0x88), order);
            if (on)
                v = _mm256_add_ps(_mm256_mul_ps(v, s), t);
            if (relu)
                v = _mm256_max_ps(zero, v);
            _mm256_storeu_ps(d + j, v);
        }
    }
    for (; j < n; j++) {
        float v = x[(size_t)step * j];
        if (on)
            v = v * sc + sh;
        d[j] = relu && v < 0.0f ? 0.0f : v;
    }
}
