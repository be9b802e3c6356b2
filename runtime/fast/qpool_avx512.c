/* qpool_avx512.c — the quantized pools' row kernels with AVX-512BW/VL:
 * vpmaxub over 64 bytes, the even bytes of 64 by vpmovwb, byte sums by
 * vpsadbw, and the average pool's float steps 16 outputs at a time (taps
 * widened to int32, x_zp subtracted, converted, times x_scale, added in
 * window order, then the two divisions, + y_zp and vcvtps2dq).  Tails run
 * on masked loads, never reading past the row.  The scalar kernels' bytes
 * (fast/qpool.h). */
#include "qpool.h"

#include <immintrin.h>

static inline __mmask64 lowmask(size_t r) { return r >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << r) - 1); }

static void vmax(size_t n, const uint8_t *a, uint8_t *acc)
{
    size_t i = 0;
    for (; i + 64 <= n; i += 64)
        _mm512_storeu_si512(acc + i, _mm512_max_epu8(_mm512_loadu_si512(a + i), _mm512_loadu_si512(acc + i)));
    if (i < n) {
        const __mmask64 m = lowmask(n - i);
        __m512i v = _mm512_max_epu8(_mm512_maskz_loadu_epi8(m, a + i), _mm512_maskz_loadu_epi8(m, acc + i));
        _mm512_mask_storeu_epi8(acc + i, m, v);
    }
}

static void hmax(size_t n, int k, const uint8_t *v, uint8_t *out)
{
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 m = lowmask(n - i);
        __m512i r = _mm512_maskz_loadu_epi8(m, v + i);
        for (int j = 1; j < k; j++)
            r = _mm512_max_epu8(r, _mm512_maskz_loadu_epi8(m, v + i + j));
        _mm512_mask_storeu_epi8(out + i, m, r);
    }
}

static void even(size_t n, const uint8_t *in, uint8_t *out)
{
    for (size_t i = 0; i < n; i += 32) {
        const size_t r = n - i < 32 ? n - i : 32;
        __m512i w = _mm512_maskz_loadu_epi8(lowmask(2 * r - 1), in + 2 * i);
        _mm256_mask_storeu_epi8(out + i, (__mmask32)lowmask(r), _mm512_cvtepi16_epi8(w));
    }
}

static void avg(const QAvgRow *q)
{
    const __m512 xs = _mm512_set1_ps(q->x_scale), cnt = _mm512_set1_ps(q->cnt);
    const __m512 ys = _mm512_set1_ps(q->y_scale), yz = _mm512_set1_ps(q->y_zp);
    const __m512i xz = _mm512_set1_epi32(q->x_zp), lo8 = _mm512_set1_epi32(0xff);
    const int s = q->stride;
    for (size_t i = 0; i < q->n; i += 16) {
        const size_t r = q->n - i < 16 ? q->n - i : 16;
        const __mmask64 m = lowmask(s == 1 ? r : 2 * r - 1);
        __m512 acc = _mm512_setzero_ps();
        for (int k = 0; k < q->nrows; k++)
            for (int j = 0; j < q->kW; j++) {
                const uint8_t *p = q->rows[k] + i * (size_t)s + (size_t)j;
                __m512i v;
                if (s == 1)
                    v = _mm512_cvtepu8_epi32(_mm512_castsi512_si128(_mm512_maskz_loadu_epi8(m, p)));
                else
                    v = _mm512_and_si512(
                        _mm512_cvtepu16_epi32(_mm512_castsi512_si256(_mm512_maskz_loadu_epi8(m, p))), lo8);
                const __m512 t = _mm512_mul_ps(xs, _mm512_cvtepi32_ps(_mm512_sub_epi32(v, xz)));
                acc = _mm512_add_ps(acc, t);
            }
        __m512 y = _mm512_add_ps(_mm512_div_ps(_mm512_div_ps(acc, cnt), ys), yz);
        __m512i b = _mm512_max_epi32(_mm512_cvtps_epi32(y), _mm512_setzero_si512());
        _mm_mask_storeu_epi8(q->y + i, (__mmask16)lowmask(r), _mm512_cvtusepi32_epi8(b));
    }
}

static uint32_t sum(size_t n, const uint8_t *x)
{
    __m512i acc = _mm512_setzero_si512();
    for (size_t i = 0; i < n; i += 64)
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(lowmask(n - i), x + i),
                                                     _mm512_setzero_si512()));
    return (uint32_t)_mm512_reduce_add_epi64(acc);
}

const QPoolRows onnxcc_qpool_rows_avx512 = {vmax, hmax, even, avg, sum};
