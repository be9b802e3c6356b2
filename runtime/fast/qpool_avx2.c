/* qpool_avx2.c — the quantized pools' row kernels with AVX2: vpmaxub over
 * 32 bytes, even bytes by masking and vpackuswb, byte sums by vpsadbw, and
 * the average pool's float steps 8 outputs at a time (as the AVX-512
 * kernels).  Whole vectors only where they stay inside the row; tails are
 * scalar.  The scalar kernels' bytes (fast/qpool.h). */
#include "qpool.h"

#include <immintrin.h>

static void vmax(size_t n, const uint8_t *a, uint8_t *acc)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_max_epu8(_mm256_loadu_si256((const __m256i *)(a + i)),
                                                                  _mm256_loadu_si256((const __m256i *)(acc + i))));
    for (; i < n; i++)
        acc[i] = a[i] > acc[i] ? a[i] : acc[i];
}

static void hmax(size_t n, int k, const uint8_t *v, uint8_t *out)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i r = _mm256_loadu_si256((const __m256i *)(v + i));
        for (int j = 1; j < k; j++)
            r = _mm256_max_epu8(r, _mm256_loadu_si256((const __m256i *)(v + i + j)));
        _mm256_storeu_si256((__m256i *)(out + i), r);
    }
    for (; i < n; i++) {
        uint8_t m = v[i];
        for (int j = 1; j < k; j++)
            m = v[i + j] > m ? v[i + j] : m;
        out[i] = m;
    }
}

static void even(size_t n, const uint8_t *in, uint8_t *out)
{
    const __m256i lo = _mm256_set1_epi16(0xff);
    size_t i = 0;
    for (; i + 16 < n; i += 16) {
        __m256i w = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(in + 2 * i)), lo);
        _mm_storeu_si128((__m128i *)(out + i),
                         _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1)));
    }
    for (; i < n; i++)
        out[i] = in[2 * i];
}

static void avg(const QAvgRow *q)
{
    const __m256 xs = _mm256_set1_ps(q->x_scale), cnt = _mm256_set1_ps(q->cnt);
    const __m256 ys = _mm256_set1_ps(q->y_scale), yz = _mm256_set1_ps(q->y_zp);
    const __m256i xz = _mm256_set1_epi32(q->x_zp), lo8 = _mm256_set1_epi32(0xff);
    const __m256i zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(255);
    const int s = q->stride;
    size_t i = 0;
    /* a whole vector's loads stay inside the row: the last reads tap
     * (i+7)*s + kW-1 + (s == 2) */
    for (; i + 8 + (s == 2) <= q->n; i += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int k = 0; k < q->nrows; k++)
            for (int j = 0; j < q->kW; j++) {
                const uint8_t *p = q->rows[k] + i * (size_t)s + (size_t)j;
                __m256i v;
                if (s == 1)
                    v = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
                else
                    v = _mm256_and_si256(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), lo8);
                const __m256 t = _mm256_mul_ps(xs, _mm256_cvtepi32_ps(_mm256_sub_epi32(v, xz)));
                acc = _mm256_add_ps(acc, t);
            }
        __m256 y = _mm256_add_ps(_mm256_div_ps(_mm256_div_ps(acc, cnt), ys), yz);
        __m256i b = _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(y), zero), top);
        __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
        _mm_storel_epi64((__m128i *)(q->y + i), _mm_packus_epi16(w, w));
    }
    for (; i < q->n; i++) {
        float acc = 0.0f;
        for (int k = 0; k < q->nrows; k++)
            for (int j = 0; j < q->kW; j++) {
                const float t = q->x_scale * (float)(q->rows[k][i * (size_t)s + (size_t)j] - q->x_zp);
                acc += t;
            }
        q->y[i] = qpool_avg_out(acc, q->cnt, q->y_scale, q->y_zp);
    }
}

static uint32_t sum(size_t n, const uint8_t *x)
{
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_loadu_si256((const __m256i *)(x + i)),
                                                    _mm256_setzero_si256()));
    __m128i h = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    uint32_t s = (uint32_t)(_mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1));
    for (; i < n; i++)
        s += x[i];
    return s;
}

const QPoolRows onnxcc_qpool_rows_avx2 = {vmax, hmax, even, avg, sum};
