/* pool2d.c — fast MaxPool / AveragePool over NCHW (float sums), each tap
 * read through an optional per-channel pre-activation (a BN + ReLU fused
 * into the pool).  Plain C written for the -O2 vectoriser: fixed blocks of
 * independent lanes plus scalar edges, because loops over taps with bounds
 * checks or strides do not vectorise.
 *
 * The window is separable, so an output row is built from whole-row
 * operations:
 *  1. vertical: the pre-activated input rows the window covers are reduced
 *     (max / sum) into a row buffer v that also spans the left/right
 *     padding, whose cells hold the identity (-FLT_MAX / 0), so no tap
 *     needs a bounds check;
 *  2. horizontal: h[i] = reduction over kw of v[i + kw*dil_w], every column;
 *  3. output ow is h[ow*stride_w] (average: times 1/count).
 * Windows of 2 or 3 columns at stride 2 (DenseNet's transition avgpool and
 * stem maxpool) do 2 and 3 in one loop.  Rows wider than ROW_MAX floats go
 * in chunks of whole windows; a window wider than that, tap by tap.
 *
 * Step 1, and steps 2 and 3 at stride 1 and at stride 2 for windows of 2 or
 * 3 columns, run on the row kernels of the CPU's ISA level (pool.h): the
 * loops below are their scalar level, which the SIMD levels match bit for
 * bit.  Other strides and wide windows stay scalar.  Windows of up to 3
 * columns at stride 1 or 2 (every CNN pool of the zoo) take all three
 * steps at once on the direct row kernel, which keeps step 1's values in
 * registers and runs many output rows per call: with a row buffer and
 * calls per output row, GoogLeNet's max pools took 1.7x as long.  3x3
 * pools at stride 1 with one padding on small planes go to the flat
 * kernel instead (the plane as one run of floats).  Where one call of
 * either takes a whole plane, a task hands them up to 64 planes of an
 * image at once (the windows found once): small maps (DenseNet's last
 * transition, Inception's 17x17 and 8x8 pools) spent up to a third of
 * their time on per-plane dispatch.
 *
 * Max keeps the reference's answer bit for bit: a NaN tap never wins, and a
 * window without taps gives -FLT_MAX even with ReLU. */
#include "pool.h"

#include <float.h>
#include <math.h>

#define ROW_MAX POOL_ROW_MAX /* floats of each row buffer (on the stack) */

typedef PoolAffine Affine; /* pre(v) = max(lo, v*a + b), see pool.h */

static inline float affine(Affine f, float v)
{
    const float t = v * f.a + f.b;
    return t < f.lo ? f.lo : t;
}

static Affine channel_affine(const OnnxccPool2dParams *p, const float *scale, const float *shift,
                             int c)
{
    Affine f;
    f.a = scale ? scale[c] : 1.0f;
    f.b = shift ? shift[c] : -0.0f;
    f.lo = p->pre_relu ? 0.0f : -INFINITY;
    return f;
}

static const Affine identity = {1.0f, -0.0f, -INFINITY};

/* max(m, t) for a running max m (never NaN): a NaN t is ignored. */
static inline float max2(float m, float t)
{
    return t > m ? t : m;
}

/* ---- window geometry ---------------------------------------------------- */

/* Taps i < k of a window starting at s (dilation d) that land in [0, len):
 * [*lo, *hi).  A loop, not a division: k is small and this runs per row. */
static void tap_range(int s, int k, int d, int len, int *lo, int *hi)
{
    int i = 0;
    while (i < k && s + i * d < 0)
        i++;
    *lo = i;
    while (i < k && s + i * d < len)
        i++;
    *hi = i;
}

/* 1/divisor of the average along one axis: the taps inside the input, or
 * with count_include_pad those inside the padded input; 0 for none. */
static float inv_count(int s, int k, int d, int len, int pad_lo, int pad_hi, int include_pad)
{
    int lo, hi;
    if (include_pad)
        tap_range(s + pad_lo, k, d, len + pad_lo + pad_hi, &lo, &hi);
    else
        tap_range(s, k, d, len, &lo, &hi);
    return hi > lo ? 1.0f / (float)(hi - lo) : 0.0f;
}

/* The rows of output row oh's windows: taps kh in [lo, hi) are inside the
 * input (row h0 + kh*dil_h); inv is the average's 1/row count. */
typedef struct Rows {
    int h0, lo, hi;
    float inv;
} Rows;

static inline Rows window_rows(const OnnxccPool2dParams *p, int oh)
{
    Rows r;
    r.h0 = oh * p->stride_h - p->pad_t;
    if (r.h0 >= 0 && r.h0 + (p->kH - 1) * p->dil_h < p->H) { /* inside: every count is kH */
        r.lo = 0, r.hi = p->kH;
        r.inv = 1.0f / (float)p->kH;
        return r;
    }
    tap_range(r.h0, p->kH, p->dil_h, p->H, &r.lo, &r.hi);
    r.inv = inv_count(r.h0, p->kH, p->dil_h, p->H, p->pad_t, p->pad_b, p->count_include_pad);
    return r;
}

/* One output, tap by tap (windows wider than ROW_MAX): window rows rw,
 * columns from w0, plane xc. */
static float window(const OnnxccPool2dParams *p, int is_max, Affine f, const float *xc,
                    const Rows *rw, int w0)
{
    int clo, chi;
    tap_range(w0, p->kW, p->dil_w, p->W, &clo, &chi);
    float acc = is_max ? -FLT_MAX : 0.0f;
    for (int kh = rw->lo; kh < rw->hi; kh++) {
        const float *xr = xc + (size_t)(rw->h0 + kh * p->dil_h) * (size_t)p->W;
        for (int kw = clo; kw < chi; kw++) {
            const float t = affine(f, xr[w0 + kw * p->dil_w]);
            acc = is_max ? max2(acc, t) : acc + t;
        }
    }
    if (is_max)
        return acc;
    return acc * (rw->inv * inv_count(w0, p->kW, p->dil_w, p->W, p->pad_l, p->pad_r,
                                      p->count_include_pad));
}

/* ---- separable rows ----------------------------------------------------- */

/* out[i] = max over r < nr of pre(x[r*stride + i]), i < n (-FLT_MAX when
 * nr = 0, NaN dropped).
 * The rows are reduced inside each block of 8 columns, so out is written
 * once; a last partial block is redone overlapping its predecessor (same
 * values) rather than as a slow scalar tail. */
static void reduce_max(float *restrict out, const float *restrict x, size_t stride, int nr,
                       size_t n, Affine f)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++) {
            float m = -FLT_MAX;
            for (int r = 0; r < nr; r++)
                m = max2(m, affine(f, x[(size_t)r * stride + i]));
            out[i] = m;
        }
        return;
    }
    for (size_t i0 = 0; i0 < n; i0 += 8) {
        const size_t i = i0 + 8 <= n ? i0 : n - 8;
        float m[8];
        for (int l = 0; l < 8; l++)
            m[l] = -FLT_MAX;
        for (int r = 0; r < nr; r++)
            for (int l = 0; l < 8; l++)
                m[l] = max2(m[l], affine(f, x[(size_t)r * stride + i + l]));
        for (int l = 0; l < 8; l++)
            out[i + l] = m[l];
    }
}

/* out[i] = sum over r < nr of pre(x[r*stride + i]), i < n; blocks as above. */
static void reduce_add(float *restrict out, const float *restrict x, size_t stride, int nr,
                       size_t n, Affine f)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++) {
            float s = 0.0f;
            for (int r = 0; r < nr; r++)
                s += affine(f, x[(size_t)r * stride + i]);
            out[i] = s;
        }
        return;
    }
    for (size_t i0 = 0; i0 < n; i0 += 8) {
        const size_t i = i0 + 8 <= n ? i0 : n - 8;
        float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        for (int r = 0; r < nr; r++)
            for (int l = 0; l < 8; l++)
                s[l] += affine(f, x[(size_t)r * stride + i + l]);
        for (int l = 0; l < 8; l++)
            out[i + l] = s[l];
    }
}

static void reduce(int is_max, float *restrict out, const float *restrict x, size_t stride,
                   int nr, size_t n, Affine f)
{
    if (is_max)
        reduce_max(out, x, stride, nr, n, f);
    else
        reduce_add(out, x, stride, nr, n, f);
}

static void fill(float *v, size_t n, float value)
{
    for (size_t i = 0; i < n; i++)
        v[i] = value;
}

/* Horizontal and pick at once for windows of k = 2 or 3 columns at stride
 * 2 without dilation (DenseNet's pools): y[i] = reduction of v[2i],
 * v[2i+1] (and v[2i+2]), times inv_h*inv_w[i] for the average.  Even and
 * odd columns are gathered into separate lane arrays first: the form gcc
 * vectorises (with shuffles). */
static void pick_s2_max(float *restrict y, const float *restrict v, int k, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float *w = v + 2 * i;
        float e[4], o[4], m[4];
        for (int l = 0; l < 4; l++) {
            e[l] = w[2 * l];
            o[l] = w[2 * l + 1];
        }
        for (int l = 0; l < 4; l++)
            m[l] = max2(e[l], o[l]);
        if (k == 3) {
            for (int l = 0; l < 4; l++)
                e[l] = w[2 * l + 2];
            for (int l = 0; l < 4; l++)
                m[l] = max2(m[l], e[l]);
        }
        for (int l = 0; l < 4; l++)
            y[i + l] = m[l];
    }
    for (; i < n; i++) {
        const float m = max2(v[2 * i], v[2 * i + 1]);
        y[i] = k == 3 ? max2(m, v[2 * i + 2]) : m;
    }
}

static void pick_s2_avg(float *restrict y, const float *restrict v, int k, size_t n,
                        float inv_h, const float *inv_w)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float *w = v + 2 * i;
        float e[4], o[4], s[4];
        for (int l = 0; l < 4; l++) {
            e[l] = w[2 * l];
            o[l] = w[2 * l + 1];
        }
        for (int l = 0; l < 4; l++)
            s[l] = e[l] + o[l];
        if (k == 3) {
            for (int l = 0; l < 4; l++)
                e[l] = w[2 * l + 2];
            for (int l = 0; l < 4; l++)
                s[l] += e[l];
        }
        for (int l = 0; l < 4; l++)
            y[i + l] = s[l] * (inv_h * inv_w[i + l]);
    }
    for (; i < n; i++) {
        const float s = v[2 * i] + v[2 * i + 1];
        y[i] = (k == 3 ? s + v[2 * i + 2] : s) * (inv_h * inv_w[i]);
    }
}

/* ---- the scalar row kernels ---------------------------------------------- */

static void scalar_vertical(int is_max, float *out, const float *x, size_t stride, int nr, size_t n,
                            Affine f)
{
    reduce(is_max, out, x, stride, nr, n, f);
}

static void scalar_stride1(int is_max, float *y, const float *v, int k, int dil, size_t n,
                           float inv_h, const float *inv_w)
{
    reduce(is_max, y, v, (size_t)dil, k, n, identity);
    if (inv_w)
        for (size_t i = 0; i < n; i++)
            y[i] = y[i] * (inv_h * inv_w[i]);
}

static void scalar_stride2(int is_max, float *y, const float *v, int k, size_t n, float inv_h,
                           const float *inv_w)
{
    if (is_max)
        pick_s2_max(y, v, k, n);
    else
        pick_s2_avg(y, v, k, n, inv_h, inv_w);
}

typedef void (*VerticalFn)(int is_max, float *out, const float *x, size_t stride, int nr,
                           size_t n, Affine f);

/* Step 1 for the columns j0 .. j0+span-1 of the nr rows from row (stride
 * apart; the plane's start when nr = 0): v[0 .. span), the identity for
 * columns outside [0, w). */
static void span_values(VerticalFn vert, int is_max, float *v, const float *row, size_t stride,
                        int nr, long j0, long span, long w, Affine f)
{
    const float ident = is_max ? -FLT_MAX : 0.0f;
    const long ca = j0 < 0 ? (-j0 < span ? -j0 : span) : 0; /* v[ca .. cb) are real columns */
    long cb = w - j0 < span ? w - j0 : span;
    if (cb < ca)
        cb = ca;
    fill(v, (size_t)ca, ident);
    if (cb > ca)
        vert(is_max, v + ca, row + (j0 + ca), stride, nr, (size_t)(cb - ca), f);
    fill(v + cb, (size_t)(span - cb), ident);
}

/* The three steps in blocks of DIRECT_BLOCK outputs through a row buffer,
 * which the SIMD levels keep in registers instead. */
#define DIRECT_BLOCK 256

static void scalar_direct_row(int is_max, float *y, const float *row, size_t stride, int nr, int k,
                              int s, long c0, long w, size_t n, Affine f, float inv_h,
                              const float *inv_w)
{
    float v[2 * DIRECT_BLOCK + 1];
    for (size_t i = 0; i < n; i += DIRECT_BLOCK) {
        const size_t m = n - i < DIRECT_BLOCK ? n - i : DIRECT_BLOCK;
        span_values(scalar_vertical, is_max, v, row, stride, nr, c0 + s * (long)i,
                    s * ((long)m - 1) + k, w, f);
        if (s == 1)
            scalar_stride1(is_max, y + i, v, k, 1, m, inv_h, inv_w ? inv_w + i : NULL);
        else
            scalar_stride2(is_max, y + i, v, k, m, inv_h, inv_w ? inv_w + i : NULL);
    }
}

static void scalar_direct(int is_max, float *y, size_t ldy, const float *x, long w,
                          const PoolRow *rows, int nrows, int step, int k, int s, long c0, size_t n,
                          const Affine *f, int pre, const float *inv_w, int nplanes, size_t xplane,
                          size_t yplane)
{
    for (int j = 0; j < nplanes; j++)
        for (int o = 0; o < nrows; o++) {
            const int nr = rows[o].nr;
            const float *row = x + (size_t)j * xplane + (nr ? (size_t)rows[o].first * (size_t)w : 0);
            scalar_direct_row(is_max, y + (size_t)j * yplane + (size_t)o * ldy, row,
                              (size_t)step * (size_t)w, nr, k, s, c0, w, n, pre ? f[j] : identity,
                              rows[o].inv, inv_w);
        }
}

static const PoolRowKernels pool_scalar = {scalar_vertical, scalar_stride1, scalar_stride2,
                                           scalar_direct, NULL};

static const PoolRowKernels *row_kernels(int isa_cap)
{
    switch (onnxcc_rt_isa_capped(isa_cap)) {
#ifdef ONNXCC_RT_X86_64
    case ONNXCC_ISA_AVX512:
        return &onnxcc_fast_pool_avx512;
    case ONNXCC_ISA_AVX2:
        return &onnxcc_fast_pool_avx2;
#endif
    default:
        return &pool_scalar;
    }
}

/* One chunk of output columns [ow0, ow0 + n) and the input columns its
 * windows cover: v[i] is input column j0 + i, i < span. */
typedef struct Chunk {
    int n;
    int j0, span;
    float inv_w[ROW_MAX]; /* average: 1/column count of each output */
} Chunk;

static void chunk_setup(const OnnxccPool2dParams *p, int is_max, int ow0, int n, Chunk *ch)
{
    ch->n = n;
    ch->j0 = ow0 * p->stride_w - p->pad_l;
    ch->span = (n - 1) * p->stride_w + (p->kW - 1) * p->dil_w + 1;
    if (is_max)
        return;
    for (int i = 0; i < n; i++)
        ch->inv_w[i] = inv_count((ow0 + i) * p->stride_w - p->pad_l, p->kW, p->dil_w, p->W,
                                 p->pad_l, p->pad_r, p->count_include_pad);
}

/* Step 1 for the windows of rows rw, chunk ch, plane xc: v[0 .. span). */
static void vertical(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max,
                     const Chunk *ch, Affine f, const float *xc, const Rows *rw, float *v)
{
    const int nr = rw->hi - rw->lo;
    const float *row = xc; /* the first tap's row, formed only when it is inside x */
    if (nr)
        row += (size_t)(rw->h0 + rw->lo * p->dil_h) * (size_t)p->W;
    span_values(kern->vertical, is_max, v, row, (size_t)p->dil_h * (size_t)p->W, nr, ch->j0,
                ch->span, p->W, f);
}

/* Steps 2 and 3: the chunk's outputs yr from v; inv_h = the rows' 1/count. */
static void horizontal(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max,
                       const Chunk *ch, float inv_h, const float *v, float *yr)
{
    const size_t n = (size_t)ch->n, s = (size_t)p->stride_w;
    const float *inv_w = is_max ? NULL : ch->inv_w;
    if (s == 1) {
        kern->stride1(is_max, yr, v, p->kW, p->dil_w, n, inv_h, inv_w);
        return;
    }
    if (s == 2 && p->dil_w == 1 && (p->kW == 2 || p->kW == 3)) {
        kern->stride2(is_max, yr, v, p->kW, n, inv_h, inv_w);
        return;
    }
    /* v holds no NaN (reduce dropped them): any max order will do */
    float h[ROW_MAX];
    const float *row = v;
    if (p->kW > 1) {
        reduce(is_max, h, v, (size_t)p->dil_w, p->kW, (n - 1) * s + 1, identity);
        row = h;
    }
    for (size_t i = 0; i < n; i++)
        yr[i] = is_max ? row[i * s] : row[i * s] * (inv_h * ch->inv_w[i]);
}

/* Chunk ch of plane xc into yc (the chunk's first output column). */
static void pool_plane(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max,
                       const Chunk *ch, Affine f, const float *xc, float *yc)
{
    float v[ROW_MAX];
    for (int oh = 0; oh < p->OH; oh++) {
        const Rows rw = window_rows(p, oh);
        vertical(p, kern, is_max, ch, f, xc, &rw, v);
        horizontal(p, kern, is_max, ch, rw.inv, v, yc + (size_t)oh * (size_t)p->OW);
    }
}

/* ---- driver ------------------------------------------------------------- */

/* Plane xc, separable, in chunks of as many whole windows as fit in
 * ROW_MAX. */
static void pool_chunks(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max,
                        Affine f, const float *xc, float *yc)
{
    const int reach = (p->kW - 1) * p->dil_w + 1;
    const int per_chunk = (ROW_MAX - reach) / p->stride_w + 1;
    Chunk ch;
    for (int ow0 = 0; ow0 < p->OW; ow0 += per_chunk) {
        chunk_setup(p, is_max, ow0, p->OW - ow0 < per_chunk ? p->OW - ow0 : per_chunk, &ch);
        pool_plane(p, kern, is_max, &ch, f, xc, yc + ow0);
    }
}

/* Planes the flat kernel takes (PoolRowKernels.same3). */
static int same3(const OnnxccPool2dParams *p)
{
    return p->kH == 3 && p->kW == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 &&
           p->dil_w == 1 && p->pad_t == 1 && p->pad_l == 1 && p->pad_b == 1 && p->pad_r == 1 &&
           p->OH == p->H && p->OW == p->W && (size_t)p->H * (size_t)p->W <= POOL_FLAT_MAX;
}

/* Windows the direct row kernel takes (PoolRowKernels.direct). */
static int direct_ok(const OnnxccPool2dParams *p)
{
    const int s = p->stride_w, k = p->kW;
    return p->dil_w == 1 && k <= 3 && (s == 1 || (s == 2 && k >= 2));
}

#define DIRECT_ROWS 64 /* output rows per call of the direct kernel */

/* The windows of output rows oh0 .. oh0+nrows-1. */
static void direct_rows(const OnnxccPool2dParams *p, int oh0, int nrows, PoolRow *rows)
{
    for (int o = 0; o < nrows; o++) {
        const Rows rw = window_rows(p, oh0 + o);
        rows[o].nr = rw.hi - rw.lo;
        rows[o].first = rw.h0 + rw.lo * p->dil_h;
        rows[o].inv = rw.inv;
    }
}

/* A plane's windows when one call of the direct kernel takes the whole
 * plane (OW <= ROW_MAX, OH <= DIRECT_ROWS): the same for every plane, so
 * a task finds them once. */
typedef struct Whole {
    Chunk ch;
    PoolRow rows[DIRECT_ROWS];
} Whole;

static int whole_plane(const OnnxccPool2dParams *p)
{
    return direct_ok(p) && p->OW <= ROW_MAX && p->OH <= DIRECT_ROWS;
}

/* Plane xc on the direct row kernel, in chunks of ROW_MAX outputs (the
 * average's column counts) by DIRECT_ROWS rows (whole planes go to it
 * from pool_task instead). */
static void pool_direct(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max,
                        Affine f, int pre, const float *xc, float *yc)
{
    Whole w;
    for (int ow0 = 0; ow0 < p->OW; ow0 += ROW_MAX) {
        chunk_setup(p, is_max, ow0, p->OW - ow0 < ROW_MAX ? p->OW - ow0 : ROW_MAX, &w.ch);
        for (int oh0 = 0; oh0 < p->OH; oh0 += DIRECT_ROWS) {
            const int nrows = p->OH - oh0 < DIRECT_ROWS ? p->OH - oh0 : DIRECT_ROWS;
            direct_rows(p, oh0, nrows, w.rows);
            kern->direct(is_max, yc + (size_t)oh0 * (size_t)p->OW + ow0, (size_t)p->OW, xc, p->W,
                         w.rows, nrows, p->dil_h, p->kW, p->stride_w, w.ch.j0, (size_t)w.ch.n, &f,
                         pre, is_max ? NULL : w.ch.inv_w, 1, 0, 0);
        }
    }
}

/* The flat kernel's scale of the average: output i's inv_h * inv_w, as
 * direct takes them (window_rows, chunk_setup). */
static void flat_scale(const OnnxccPool2dParams *p, float *scale)
{
    for (int oh = 0; oh < p->OH; oh++) {
        const Rows rw = window_rows(p, oh);
        for (int ow = 0; ow < p->OW; ow++)
            scale[oh * p->OW + ow] =
                rw.inv * inv_count(ow * p->stride_w - p->pad_l, p->kW, p->dil_w, p->W, p->pad_l,
                                   p->pad_r, p->count_include_pad);
    }
}

/* One plane the flat kernel and a single direct call do not take (see
 * pool_task): tap by tap for windows wider than a chunk, else separable:
 * on the direct row kernel where it takes the window, else in chunks
 * through a row buffer. */
static void pool_one(const OnnxccPool2dParams *p, const PoolRowKernels *kern, int is_max, Affine f,
                     int pre, const float *xc, float *yc)
{
    const int reach = (p->kW - 1) * p->dil_w + 1; /* columns one window spans */
    if (reach > ROW_MAX) {
        for (int oh = 0; oh < p->OH; oh++) {
            const Rows rw = window_rows(p, oh);
            for (int ow = 0; ow < p->OW; ow++)
                yc[(size_t)oh * (size_t)p->OW + (size_t)ow] =
                    window(p, is_max, f, xc, &rw, ow * p->stride_w - p->pad_l);
        }
        return;
    }
    if (direct_ok(p))
        pool_direct(p, kern, is_max, f, pre, xc, yc);
    else
        pool_chunks(p, kern, is_max, f, xc, yc);
}

#define PLANES_MAX 64 /* planes per call of the direct or flat kernel */

typedef struct PoolJob {
    const OnnxccPool2dParams *p;
    const PoolRowKernels *kern;
    int is_max;
    const float *x, *scale, *shift;
    float *y;
    int ntasks;
} PoolJob;

/* Task t: its share of the N*C planes. */
static void pool_task(void *ctx, int t)
{
    const PoolJob *j = ctx;
    const OnnxccPool2dParams *p = j->p;
    const size_t plane = (size_t)p->H * (size_t)p->W;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->C * oplane;
    const int pre = j->scale || j->shift || p->pre_relu;
    size_t lo, hi;
    fast_split((size_t)p->N * (size_t)p->C, 1, j->ntasks, t, &lo, &hi);
    /* Planes the flat kernel or one call of the direct kernel takes go to
     * them a run of an image's planes at a time, their windows found once. */
    const int flat = j->kern->same3 && same3(p), one_call = whole_plane(p);
    Whole whole;
    float scale[POOL_FLAT_MAX];
    if (flat && !j->is_max)
        flat_scale(p, scale);
    if (one_call) {
        chunk_setup(p, j->is_max, 0, p->OW, &whole.ch);
        direct_rows(p, 0, p->OH, whole.rows);
    }
    for (size_t i = lo; i < hi;) {
        const size_t n = i / (size_t)p->C, c = i % (size_t)p->C;
        if (flat || one_call) { /* the image's planes from c, up to PLANES_MAX */
            size_t m = hi - i < (size_t)p->C - c ? hi - i : (size_t)p->C - c;
            if (m > PLANES_MAX)
                m = PLANES_MAX;
            Affine f[PLANES_MAX];
            for (size_t q = 0; q < m; q++)
                f[q] = channel_affine(p, j->scale, j->shift, (int)(c + q));
            const float *x = j->x + n * xs + c * plane;
            float *y = j->y + n * ys + c * oplane;
            if (flat)
                j->kern->same3(j->is_max, y, x, p->H, p->W, f, pre, scale, (int)m, plane, oplane);
            else
                j->kern->direct(j->is_max, y, (size_t)p->OW, x, p->W, whole.rows, p->OH, p->dil_h,
                                p->kW, p->stride_w, whole.ch.j0, (size_t)whole.ch.n, f, pre,
                                j->is_max ? NULL : whole.ch.inv_w, (int)m, plane, oplane);
            i += m;
            continue;
        }
        pool_one(p, j->kern, j->is_max, channel_affine(p, j->scale, j->shift, (int)c), pre,
                 j->x + n * xs + c * plane, j->y + n * ys + c * oplane);
        i++;
    }
}

#define POOL_TASK_FLOATS 16384 /* input floats per task at least */

static void pool(const OnnxccPool2dParams *p, int is_max, const float *x, const float *scale,
                 const float *shift, float *y, int isa_cap)
{
    const size_t planes = (size_t)p->N * (size_t)p->C;
    const size_t plane = (size_t)p->H * (size_t)p->W + 1;
    const size_t per = (POOL_TASK_FLOATS + plane - 1) / plane; /* planes per task */
    const size_t tasks = (planes + per - 1) / per;
    const int cap = 4 * onnxcc_num_threads();
    PoolJob j = {p, row_kernels(isa_cap), is_max, x, scale, shift, y, tasks < (size_t)cap ? (int)tasks : cap};
    onnxcc_fast_parallel(j.ntasks, pool_task, &j);
}

void onnxcc_f32_maxpool2d(const OnnxccPool2dParams *p, const float *x, const float *pre_scale,
                          const float *pre_shift, float *y, int isa_cap)
{
    pool(p, 1, x, pre_scale, pre_shift, y, isa_cap);
}

void onnxcc_f32_avgpool2d(const OnnxccPool2dParams *p, const float *x, const float *pre_scale,
                          const float *pre_shift, float *y, int isa_cap)
{
    pool(p, 0, x, pre_scale, pre_shift, y, isa_cap);
}
