/* qpool.c — the quantized pools' drivers and their scalar row kernels
 * (arithmetic: fast/qpool.h).  Each call splits its planes (image,
 * channel) over threads; a plane is computed the same way whichever
 * thread takes it, so the bytes are the same for every thread count and,
 * the row kernels of every ISA level giving the scalar ones' bytes, for
 * every level.
 *
 * Max pool, per output row: the byte-wise max of the input rows the
 * window covers goes into a row buffer whose pad cells hold 0 (the
 * identity of a uint8 max, and a window without taps is 0 as in the
 * reference); then the max over kW columns at stride 1, and every
 * stride-th column of it.  Average pool, per output row: the columns whose
 * windows lie inside the input run on the row kernel (strides 1 and 2),
 * the edge columns one at a time, in the reference's float order.  Global
 * average: a byte sum per plane, then the requantization.  And the byte
 * table of a requantization (AVX-512 VBMI, else the reference loop).  Rows wider
 * than ROW_MAX bytes, dilations and other strides take the reference. */
#include "onnxcc/rt.h"
#include "fast.h"
#include "qpool.h"

#include <string.h>

#define ROW_MAX 4096

/* ---- scalar row kernels --------------------------------------------------- */

static void vmax_scalar(size_t n, const uint8_t *a, uint8_t *acc)
{
    for (size_t i = 0; i < n; i++)
        acc[i] = a[i] > acc[i] ? a[i] : acc[i];
}

static void hmax_scalar(size_t n, int k, const uint8_t *v, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t m = v[i];
        for (int j = 1; j < k; j++)
            m = v[i + j] > m ? v[i + j] : m;
        out[i] = m;
    }
}

static void even_scalar(size_t n, const uint8_t *in, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[2 * i];
}

static void avg_scalar(const QAvgRow *r)
{
    for (size_t i = 0; i < r->n; i++) {
        float s = 0.0f;
        for (int k = 0; k < r->nrows; k++)
            for (int j = 0; j < r->kW; j++) {
                const float t = r->x_scale * (float)(r->rows[k][i * r->stride + j] - r->x_zp);
                s += t;
            }
        r->y[i] = qpool_avg_out(s, r->cnt, r->y_scale, r->y_zp);
    }
}

static uint32_t sum_scalar(size_t n, const uint8_t *x)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

const QPoolRows onnxcc_qpool_rows_scalar = {vmax_scalar, hmax_scalar, even_scalar, avg_scalar, sum_scalar};

static const QPoolRows *rows_for(int isa_cap)
{
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(isa_cap);
    if (isa >= ONNXCC_ISA_AVX512 && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        return &onnxcc_qpool_rows_avx512;
    if (isa >= ONNXCC_ISA_AVX2)
        return &onnxcc_qpool_rows_avx2;
#else
    (void)isa_cap;
#endif
    return &onnxcc_qpool_rows_scalar;
}

/* ---- threads ---------------------------------------------------------------- */

typedef struct {
    const OnnxccPool2dParams *p;
    const QPoolRows *k;
    const uint8_t *x;
    uint8_t *y;
    float x_scale, y_scale;
    uint8_t x_zp, y_zp;
    size_t planes;
    int ntasks;
    void (*plane)(void *ctx, const uint8_t *x, uint8_t *y);
} Job;

static size_t img(size_t s, size_t dense) { return s ? s : dense; }

static void run_task(void *ctx, int t)
{
    const Job *j = ctx;
    const OnnxccPool2dParams *p = j->p;
    size_t lo, hi;
    fast_split(j->planes, 1, j->ntasks, t, &lo, &hi);
    const size_t xi = img(p->x_img_stride, (size_t)p->C * p->H * p->W);
    const size_t yi = img(p->y_img_stride, (size_t)p->C * p->OH * p->OW);
    for (size_t i = lo; i < hi; i++) {
        const size_t n = i / (size_t)p->C, c = i % (size_t)p->C;
        j->plane(ctx, j->x + n * xi + c * p->H * p->W, j->y + n * yi + c * p->OH * p->OW);
    }
}

static void run(Job *j)
{
    const OnnxccPool2dParams *p = j->p;
    j->planes = (size_t)p->N * p->C;
    const size_t work = j->planes * p->OH * p->OW * p->kH * p->kW;
    j->ntasks = fast_tasks(work, 1 << 16, j->planes);
    if (j->ntasks > 1)
        onnxcc_fast_parallel(j->ntasks, run_task, j);
    else
        run_task(j, 0);
}

/* ---- max pool ------------------------------------------------------------------ */

static void max_plane(void *ctx, const uint8_t *x, uint8_t *y)
{
    const Job *j = ctx;
    const OnnxccPool2dParams *p = j->p;
    const QPoolRows *k = j->k;
    uint8_t v[ROW_MAX], h[ROW_MAX];
    const int span = (p->OW - 1) * p->stride_w + p->kW; /* buffer columns the windows read */
    for (int oh = 0; oh < p->OH; oh++) {
        memset(v, 0, (size_t)span);
        const int h0 = oh * p->stride_h - p->pad_t;
        /* input columns [0, W) land at v[pad_l ..], clipped to the span */
        const int wn = p->W < span - p->pad_l ? p->W : span - p->pad_l;
        for (int i = 0; i < p->kH; i++) {
            const int r = h0 + i;
            if (r >= 0 && r < p->H && wn > 0)
                k->vmax((size_t)wn, x + (size_t)r * p->W, v + p->pad_l);
        }
        uint8_t *out = y + (size_t)oh * p->OW;
        if (p->stride_w == 1) {
            k->hmax((size_t)p->OW, p->kW, v, out);
        } else {
            k->hmax((size_t)(span - p->kW + 1), p->kW, v, h);
            if (p->stride_w == 2)
                k->even((size_t)p->OW, h, out);
            else
                for (int ow = 0; ow < p->OW; ow++)
                    out[ow] = h[ow * p->stride_w];
        }
    }
}

static int fits(const OnnxccPool2dParams *p)
{
    return p->dil_h == 1 && p->dil_w == 1 && p->pad_l >= 0 && p->pad_t >= 0 &&
           (p->OW - 1) * p->stride_w + p->kW + 64 <= ROW_MAX && p->pad_l + p->W + 64 <= ROW_MAX;
}

void onnxcc_u8_maxpool2d(const OnnxccPool2dParams *p, const uint8_t *x, uint8_t *y, int isa_cap)
{
    if (!fits(p) || p->OH <= 0 || p->OW <= 0) {
        onnxcc_u8_maxpool2d_ref(p, x, y);
        return;
    }
    Job j = {p, rows_for(isa_cap), x, y, 0, 0, 0, 0, 0, 0, max_plane};
    run(&j);
}

/* ---- average pool ---------------------------------------------------------------- */

/* One output column, the reference's way (the edges). */
static uint8_t avg_one(const Job *j, const uint8_t *x, int h0, int h1, int ow)
{
    const OnnxccPool2dParams *p = j->p;
    int w0 = ow * p->stride_w - p->pad_l, w1 = w0 + p->kW < p->W ? w0 + p->kW : p->W;
    w0 = w0 < 0 ? 0 : w0;
    float s = 0.0f;
    for (int r = h0; r < h1; r++)
        for (int w = w0; w < w1; w++) {
            const float t = j->x_scale * (float)(x[r * p->W + w] - j->x_zp);
            s += t;
        }
    const int cnt = p->count_include_pad ? p->kH * p->kW : (h1 - h0) * (w1 - w0);
    return qpool_avg_out(s, (float)cnt, j->y_scale, (float)j->y_zp);
}

static void avg_plane(void *ctx, const uint8_t *x, uint8_t *y)
{
    const Job *j = ctx;
    const OnnxccPool2dParams *p = j->p;
    const int s = p->stride_w;
    /* interior columns: w0 = ow*s - pad_l >= 0 and w0 + kW <= W */
    int oa = (p->pad_l + s - 1) / s, ob = p->W - p->kW + p->pad_l >= 0 ? (p->W - p->kW + p->pad_l) / s + 1 : 0;
    ob = ob < p->OW ? ob : p->OW;
    if (s > 2 || oa > ob)
        oa = ob = p->OW;
    const uint8_t *rows[64];
    for (int oh = 0; oh < p->OH; oh++) {
        int h0 = oh * p->stride_h - p->pad_t, h1 = h0 + p->kH < p->H ? h0 + p->kH : p->H;
        h0 = h0 < 0 ? 0 : h0;
        uint8_t *out = y + (size_t)oh * p->OW;
        for (int ow = 0; ow < oa; ow++)
            out[ow] = avg_one(j, x, h0, h1, ow);
        if (ob > oa) {
            for (int r = h0; r < h1; r++)
                rows[r - h0] = x + (size_t)r * p->W + (size_t)oa * s - p->pad_l;
            const int cnt = p->count_include_pad ? p->kH * p->kW : (h1 - h0 > 0 ? h1 - h0 : 0) * p->kW;
            QAvgRow q = {rows,    h1 - h0 > 0 ? h1 - h0 : 0, p->kW, s, (size_t)(ob - oa), j->x_scale, (float)cnt,
                         j->y_scale, (float)j->y_zp, j->x_zp, out + oa};
            j->k->avg(&q);
        }
        for (int ow = ob; ow < p->OW; ow++)
            out[ow] = avg_one(j, x, h0, h1, ow);
    }
}

void onnxcc_u8_avgpool2d(const OnnxccPool2dParams *p, const uint8_t *x, float x_scale, uint8_t x_zp,
                         float y_scale, uint8_t y_zp, uint8_t *y, int isa_cap)
{
    if (p->OH == 1 && p->OW == 1 && p->kH == p->H && p->kW == p->W && !p->pad_t && !p->pad_l && !p->pad_b &&
        !p->pad_r) { /* the global pool, image by image */
        for (int n = 0; n < p->N; n++)
            onnxcc_u8_globalavgpool((size_t)p->C, (size_t)p->H * p->W,
                                    x + n * img(p->x_img_stride, (size_t)p->C * p->H * p->W), x_scale, x_zp, y_scale,
                                    y_zp, y + n * img(p->y_img_stride, (size_t)p->C), isa_cap);
        return;
    }
    if (p->dil_h != 1 || p->dil_w != 1 || p->kH > 64 || p->OH <= 0 || p->OW <= 0) {
        onnxcc_u8_avgpool2d_ref(p, x, x_scale, x_zp, y_scale, y_zp, y);
        return;
    }
    Job j = {p, rows_for(isa_cap), x, y, x_scale, y_scale, x_zp, y_zp, 0, 0, avg_plane};
    run(&j);
}

/* ---- global average pool ------------------------------------------------------------ */

typedef struct {
    const QPoolRows *k;
    size_t planes, hw;
    const uint8_t *x;
    uint8_t *y;
    float m;
    int32_t bias;
    int y_zp, ntasks;
} GapJob;

static void gap_task(void *ctx, int t)
{
    const GapJob *j = ctx;
    size_t lo, hi;
    fast_split(j->planes, 1, j->ntasks, t, &lo, &hi);
    for (size_t i = lo; i < hi; i++)
        j->y[i] = qpool_gap_out(j->bias + (int32_t)j->k->sum(j->hw, j->x + i * j->hw), j->m, j->y_zp);
}

void onnxcc_u8_globalavgpool(size_t planes, size_t hw, const uint8_t *x, float x_scale, uint8_t x_zp,
                             float y_scale, uint8_t y_zp, uint8_t *y, int isa_cap)
{
    GapJob j = {rows_for(isa_cap), planes, hw, x, y, x_scale / (y_scale * (float)(int)hw),
                -(int32_t)x_zp * (int32_t)hw, y_zp, 1};
    j.ntasks = fast_tasks(planes * hw, 1 << 16, planes);
    if (j.ntasks > 1)
        onnxcc_fast_parallel(j.ntasks, gap_task, &j);
    else
        gap_task(&j, 0);
}

/* ---- byte table (fuse_qrequant) ---------------------------------------------- */

void onnxcc_u8_lut_avx512(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y);

void onnxcc_u8_lut(size_t n, const uint8_t *x, const uint8_t *lut, uint8_t *y, int isa_cap)
{
#ifdef ONNXCC_RT_X86_64
    if (onnxcc_rt_isa_capped(isa_cap) >= ONNXCC_ISA_AVX512 && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi")) {
        onnxcc_u8_lut_avx512(n, x, lut, y);
        return;
    }
#else
    (void)isa_cap;
#endif
    onnxcc_u8_lut_ref(n, x, lut, y);
}
