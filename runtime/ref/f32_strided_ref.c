/* f32_strided_ref.c — reference kernels that walk x through strides or an
 * index list: a strided copy (Transpose, Slice, the parts of Split), Gather,
 * and ReduceMean over any set of axes.  Both step an odometer over an index space whose axes
 * each move the read position by a stride; the compiler has merged axes
 * and dropped size-1 ones, so the innermost loop is usually long. */
#include "onnxcc/rt.h"

#include <string.h>

/* Advances idx (last axis fastest) over dims[0..rank-1], keeping *off =
 * sum idx[d]*strides[d].  Returns 0 when the index wrapped around (the space is exhausted). */
static int step(int rank, const size_t *dims, const ptrdiff_t *strides, size_t *idx, ptrdiff_t *off)
{
    for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < dims[d]) {
            *off += strides[d];
            return 1;
        }
        *off -= (ptrdiff_t)(dims[d] - 1) * strides[d];
        idx[d] = 0;
    }
    return 0;
}

int onnxcc_f32_strided_copy_ref(const OnnxccStridedCopyParams *p, const float *x, float *y)
{
    const int rank = p->rank;
    if (rank < 0 || rank > ONNXCC_RT_MAX_RANK)
        return ONNXCC_RT_EPARAM;
    for (int d = 0; d < rank; d++)
        if (p->dims[d] == 0)
            return ONNXCC_RT_OK;
    if (rank == 0) {
        y[0] = x[0];
        return ONNXCC_RT_OK;
    }
    /* The last axis is the inner loop: a memcpy when x is contiguous there. */
    const size_t len = p->dims[rank - 1];
    const ptrdiff_t s = p->x_strides[rank - 1];
    size_t idx[ONNXCC_RT_MAX_RANK] = {0};
    ptrdiff_t off = 0;
    do {
        const float *src = x + off;
        if (s == 1) {
            memcpy(y, src, len * sizeof *y);
        } else {
            for (size_t i = 0; i < len; i++)
                y[i] = src[(ptrdiff_t)i * s];
        }
        y += len;
    } while (step(rank - 1, p->dims, p->x_strides, idx, &off));
    return ONNXCC_RT_OK;
}

void onnxcc_f32_gather_ref(size_t outer, size_t len, size_t inner, size_t n, const size_t *idx,
                           const float *x, float *y)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t j = 0; j < n; j++, y += inner)
            memcpy(y, x + (o * len + idx[j]) * inner, inner * sizeof *y);
}

int onnxcc_f32_reduce_mean_ref(const OnnxccReduceParams *p, const float *x, float *y)
{
    if (p->nkeep < 0 || p->nkeep > ONNXCC_RT_MAX_RANK || p->nred < 0 || p->nred > ONNXCC_RT_MAX_RANK)
        return ONNXCC_RT_EPARAM;
    size_t count = 1; /* elements averaged into each output */
    for (int d = 0; d < p->nred; d++)
        count *= p->red_dims[d];
    for (int d = 0; d < p->nkeep; d++)
        if (p->keep_dims[d] == 0)
            return ONNXCC_RT_OK;
    size_t kidx[ONNXCC_RT_MAX_RANK] = {0};
    ptrdiff_t koff = 0;
    do {
        double sum = 0.0;
        if (count) {
            size_t ridx[ONNXCC_RT_MAX_RANK] = {0};
            ptrdiff_t roff = 0;
            do
                sum += (double)x[koff + roff];
            while (step(p->nred, p->red_dims, p->red_strides, ridx, &roff));
        }
        *y++ = count ? (float)(sum / (double)count) : 0.0f;
    } while (step(p->nkeep, p->keep_dims, p->keep_strides, kidx, &koff));
    return ONNXCC_RT_OK;
}
