/* strided.c — the fast strided copy (Transpose, Slice, Split): the
 * reference's odometer, except where y's last axis reads x with a stride
 * and another axis reads it along (x stride 1): then each plane of those
 * two axes is a matrix transpose, done in tiles of 16 x 16 (AVX-512: in
 * registers, matmul_pack.h; else a scalar loop over the tile), every tile
 * read along x's lines and written along y's.  ConvNeXt's NCHW <-> NHWC
 * permutes and attention's K^T are such planes; the reference walked x
 * one element per line.  Large copies are split over the threads by tile
 * rows.  Values are only moved, so every split gives the same bits. */
#include "fast.h"
#include "matmul_pack.h"

#define SC_TILE 16
#define SC_MIN_TASK 32768 /* elements per thread at least */

typedef struct {
    const OnnxccStridedCopyParams *p;
    const float *x;
    float *y;
    int d;            /* the axis read along x (stride 1) */
    size_t ys_d;      /* y's stride along it */
    size_t atiles;    /* tiles along axis d */
    size_t outer;     /* planes: every index of the other axes */
    FastTransposeFn tr;
    int ntasks;
} StridedJob;

/* dst[k*ldd + i] = src[i*lds + k], i < rows, k < cols. */
static void transpose_scalar(const float *src, size_t lds, size_t rows, size_t cols, float *dst, size_t ldd)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t k = 0; k < cols; k++)
            dst[k * ldd + i] = src[i * lds + k];
}

/* Plane o's first element in x and in y: o in mixed radix over the axes
 * other than d and the last. */
static void plane_at(const StridedJob *j, size_t o, ptrdiff_t *xo, size_t *yo)
{
    const OnnxccStridedCopyParams *p = j->p;
    size_t ys = 1; /* y's stride along axis a, from the last axis up */
    ptrdiff_t xoff = 0;
    size_t yoff = 0;
    for (int a = p->rank - 1; a >= 0; a--) {
        if (a != j->d && a != p->rank - 1) {
            const size_t i = o % p->dims[a];
            o /= p->dims[a];
            xoff += (ptrdiff_t)i * p->x_strides[a];
            yoff += i * ys;
        }
        ys *= p->dims[a];
    }
    *xo = xoff;
    *yo = yoff;
}

/* Units u0 .. u1-1: unit u is plane u / atiles, its tile row u % atiles
 * (16 indices of axis d), across the whole last axis. */
static void copy_units(const StridedJob *j, size_t u0, size_t u1)
{
    const OnnxccStridedCopyParams *p = j->p;
    const size_t A = p->dims[j->d], B = p->dims[p->rank - 1];
    const ptrdiff_t s = p->x_strides[p->rank - 1];
    for (size_t u = u0; u < u1; u++) {
        ptrdiff_t xo;
        size_t yo;
        plane_at(j, u / j->atiles, &xo, &yo);
        const size_t a0 = u % j->atiles * SC_TILE, an = A - a0 < SC_TILE ? A - a0 : SC_TILE;
        for (size_t b0 = 0; b0 < B; b0 += SC_TILE) {
            const size_t bn = B - b0 < SC_TILE ? B - b0 : SC_TILE;
            /* x rows are b (s apart), read along a; y rows are a, along b */
            j->tr(j->x + xo + (ptrdiff_t)a0 + (ptrdiff_t)b0 * s, (size_t)s, bn, an,
                  j->y + yo + a0 * j->ys_d + b0, j->ys_d);
        }
    }
}

static void strided_task(void *ctx, int t)
{
    const StridedJob *j = ctx;
    size_t lo, hi;
    fast_split(j->outer * j->atiles, 1, j->ntasks, t, &lo, &hi);
    copy_units(j, lo, hi);
}

int onnxcc_f32_strided_copy(const OnnxccStridedCopyParams *p, const float *x, float *y, int isa_cap)
{
    const int rank = p->rank;
    if (rank < 2 || rank > ONNXCC_RT_MAX_RANK || p->x_strides[rank - 1] <= 1)
        return onnxcc_f32_strided_copy_ref(p, x, y);
    int d = -1;
    for (int a = 0; a < rank - 1; a++)
        if (p->x_strides[a] == 1 && p->dims[a] > 1)
            d = a;
    size_t total = 1;
    for (int a = 0; a < rank; a++)
        total *= p->dims[a];
    if (d < 0 || total == 0)
        return onnxcc_f32_strided_copy_ref(p, x, y);
    StridedJob j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.x = x;
    j.y = y;
    j.d = d;
    j.ys_d = 1;
    for (int a = d + 1; a < rank; a++)
        j.ys_d *= p->dims[a];
    j.atiles = (p->dims[d] + SC_TILE - 1) / SC_TILE;
    j.outer = total / p->dims[d] / p->dims[rank - 1];
    j.tr = transpose_scalar;
#ifdef ONNXCC_RT_X86_64
    if (onnxcc_rt_isa_capped(isa_cap) >= ONNXCC_ISA_AVX512)
        j.tr = onnxcc_f32_transpose16_avx512;
#else
    (void)isa_cap;
#endif
    const size_t units = j.outer * j.atiles;
    j.ntasks = fast_tasks(total, SC_MIN_TASK, units);
    if (j.ntasks > 1)
        onnxcc_fast_parallel(j.ntasks, strided_task, &j);
    else
        copy_units(&j, 0, units);
    return ONNXCC_RT_OK;
}
