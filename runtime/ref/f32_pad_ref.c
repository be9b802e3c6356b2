/* f32_pad_ref.c — reference ONNX Pad (constant / reflect / edge), rank <= 8.
 *
 * Negative pads crop first; the remaining "kept" input range along an axis
 * is [lo, hi) = [max(0, -begin), in - max(0, -end)), and output index o maps
 * to input index i = o - begin.  Inside the kept range the element is copied;
 * outside it gets the constant, the mirror image about the range's border
 * element (reflect, one reflection: pads are at most kept-1), or the border
 * element itself (edge).  This is what onnxruntime does. */
#include "onnxcc/rt.h"

typedef struct Axis {
    ptrdiff_t in, out;  /* input and output extents */
    ptrdiff_t lo, hi;   /* kept input range */
    ptrdiff_t begin;
    size_t in_stride;   /* elements between input neighbours along the axis */
} Axis;

/* Input index along one axis for output index o, or -1 for the constant. */
static ptrdiff_t source(const Axis *ax, int mode, ptrdiff_t o)
{
    ptrdiff_t i = o - ax->begin;
    if (i >= ax->lo && i < ax->hi)
        return i;
    switch (mode) {
    case ONNXCC_PAD_REFLECT:
        return i < ax->lo ? 2 * ax->lo - i : 2 * (ax->hi - 1) - i;
    case ONNXCC_PAD_EDGE:
        return i < ax->lo ? ax->lo : ax->hi - 1;
    default:
        return -1;
    }
}

int onnxcc_f32_pad_ref(const OnnxccPadParams *p, const float *x, float *y)
{
    const int rank = p->rank;
    if (rank < 0 || rank > ONNXCC_RT_MAX_RANK)
        return ONNXCC_RT_EPARAM;
    if (p->mode != ONNXCC_PAD_CONSTANT && p->mode != ONNXCC_PAD_REFLECT &&
        p->mode != ONNXCC_PAD_EDGE)
        return ONNXCC_RT_EPARAM;

    Axis ax[ONNXCC_RT_MAX_RANK];
    size_t total = 1;
    for (int d = rank - 1; d >= 0; d--) {
        Axis *a = &ax[d];
        a->in = (ptrdiff_t)p->in_dims[d];
        a->begin = p->begin[d];
        a->out = a->in + p->begin[d] + p->end[d];
        a->lo = p->begin[d] < 0 ? -p->begin[d] : 0;
        a->hi = a->in - (p->end[d] < 0 ? -p->end[d] : 0);
        a->in_stride = d == rank - 1 ? 1 : ax[d + 1].in_stride * p->in_dims[d + 1];
        if (a->out < 0)
            return ONNXCC_RT_EPARAM;
        const ptrdiff_t kept = a->hi - a->lo;
        const int grows = p->begin[d] > 0 || p->end[d] > 0;
        if (a->out > 0 && p->mode == ONNXCC_PAD_EDGE && kept < 1)
            return ONNXCC_RT_EPARAM;
        if (a->out > 0 && p->mode == ONNXCC_PAD_REFLECT && grows &&
            (kept < 2 || p->begin[d] > kept - 1 || p->end[d] > kept - 1))
            return ONNXCC_RT_EPARAM;
        total *= (size_t)a->out;
    }

    ptrdiff_t idx[ONNXCC_RT_MAX_RANK] = {0}; /* current output index */
    for (size_t k = 0; k < total; k++) {
        size_t off = 0;
        int inside = 1;
        for (int d = 0; d < rank; d++) {
            const ptrdiff_t i = source(&ax[d], p->mode, idx[d]);
            if (i < 0) {
                inside = 0;
                break;
            }
            off += (size_t)i * ax[d].in_stride;
        }
        y[k] = inside ? x[off] : p->value;
        for (int d = rank - 1; d >= 0; d--) {
            if (++idx[d] < ax[d].out)
                break;
            idx[d] = 0;
        }
    }
    return ONNXCC_RT_OK;
}
