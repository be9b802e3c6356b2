/* f32_binary_ref.c — reference elementwise add/sub/mul/div with numpy
 * broadcasting.  The compiler supplies the output dims and, per input, the
 * element stride along each output axis (0 where the input broadcasts); the
 * kernel walks the dense output in order, advancing both input offsets like
 * an odometer. */
#include "onnxcc/rt.h"

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

static int binary(const OnnxccBroadcast *p, int op, const float *a, const float *b, float *y)
{
    if (p->rank < 0 || p->rank > ONNXCC_RT_MAX_RANK)
        return ONNXCC_RT_EPARAM;
    size_t total = 1;
    for (int d = 0; d < p->rank; d++)
        total *= p->dims[d];

    size_t idx[ONNXCC_RT_MAX_RANK] = {0};
    size_t ao = 0, bo = 0; /* offsets of the current output element in a and b */
    for (size_t i = 0; i < total; i++) {
        const float u = a[ao], v = b[bo];
        switch (op) {
        case OP_ADD: y[i] = u + v; break;
        case OP_SUB: y[i] = u - v; break;
        case OP_MUL: y[i] = u * v; break;
        default:     y[i] = u / v; break;
        }
        /* Next output index: bump the last axis, carry leftwards.  Unsigned
         * wrap-around in the rewinds is exact (modular). */
        for (int d = p->rank - 1; d >= 0; d--) {
            ao += p->a_strides[d];
            bo += p->b_strides[d];
            if (++idx[d] < p->dims[d])
                break;
            ao -= p->a_strides[d] * p->dims[d];
            bo -= p->b_strides[d] * p->dims[d];
            idx[d] = 0;
        }
    }
    return ONNXCC_RT_OK;
}

int onnxcc_f32_add_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y)
{
    return binary(p, OP_ADD, a, b, y);
}

int onnxcc_f32_sub_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y)
{
    return binary(p, OP_SUB, a, b, y);
}

int onnxcc_f32_mul_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y)
{
    return binary(p, OP_MUL, a, b, y);
}

int onnxcc_f32_div_ref(const OnnxccBroadcast *p, const float *a, const float *b, float *y)
{
    return binary(p, OP_DIV, a, b, y);
}
