/* fuse_qpool.c — the QDQ form of a pool runs on the bytes, as onnxruntime
 * runs it:
 *
 *   DequantizeLinear(x u8, s, z) → MaxPool → QuantizeLinear(s, z)
 *   ⇒ MaxPool(x)                                   (uint8 in and out)
 *   DequantizeLinear(x u8, xs, xz) → AveragePool → QuantizeLinear(ys, yz)
 *   ⇒ QLinearAveragePool(x, xs, xz, ys, yz)
 *   DequantizeLinear(x u8, xs, xz) → GlobalAveragePool → QuantizeLinear(ys, yz)
 *   ⇒ QLinearGlobalAveragePool(x, xs, xz, ys, yz)
 *
 * so the pool's input and output stay bytes in the arena (DenseNet-121's
 * stem pool read a 64x112x112 float tensor).  The MaxPool is exact (max
 * commutes with the monotonic (de)quantization, and Q(DQ(q)) is q for one
 * scale and zero point); the average pools compute onnxruntime's
 * com.microsoft kernels' arithmetic (its QDQ optimizer makes the same
 * fusions; see the runtime's fast/qpool.h).
 *
 * Needs: shapes inferred.  Fires when the DequantizeLinear reads a uint8
 * tensor with a constant per-tensor float32 scale and uint8 zero point,
 * the QuantizeLinear writes uint8 with such parameters (for MaxPool the
 * same bits), the pool's output is read by the QuantizeLinear alone and
 * is not a graph output, and, for the average pools (which onnxruntime
 * fuses only then), the DequantizeLinear's output is read by the pool
 * alone; average pools take 4-D inputs without dilations, and the global
 * average's multiplier x_scale / (y_scale * pixels) must lie in
 * [2^-32, 256) (onnxruntime refuses others).  The pool node takes the
 * bytes and produces the QuantizeLinear's output; the QuantizeLinear goes,
 * and so do the DequantizeLinears nothing else reads. */
#include "onnxcc.h"
#include "qmatch.h"

#include <math.h>

static bool no_dilation(const Graph *g, const Node *n)
{
    const int64_t *d;
    int nd = attr_ints(g, n, "dilations", &d);
    for (int i = 0; i < nd; i++)
        if (d[i] != 1)
            return false;
    return true;
}

/* onnxruntime's range for the global average's float multiplier. */
static bool gap_in_range(float xs, float ys, int64_t pixels)
{
    if (pixels <= 0 || pixels >= 0x1000000)
        return false;
    const float m = xs / (ys * (float)pixels);
    return m >= 0x1.0p-32f && m < 256.0f;
}

int fuse_qpool(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *q = &g->nodes[i];
        float ys, xs;
        uint8_t yz, xz;
        if (!q_u8_sole_reader(g, q, &ys, &yz))
            continue;
        Node *p = made_by(g, q->in[0], OP_MAXPOOL);
        if (!p)
            p = made_by(g, q->in[0], OP_AVGPOOL);
        if (!p)
            p = made_by(g, q->in[0], OP_GLOBALAVGPOOL);
        if (!p || p->act != ACT_NONE || p->pre_scale >= 0 || p->pre_shift >= 0 || p->pre_relu || p->out[0] != q->in[0])
            continue;
        Node *d = made_by(g, p->in[0], OP_DEQUANTIZELINEAR);
        if (!d || !q_u8_params(g, d, &xs, &xz))
            continue;
        const Value *x = val(g, d->in[0]);
        if (x->dtype != DT_U8)
            continue;
        if (p->op == OP_MAXPOOL) {
            if (memcmp(&xs, &ys, sizeof xs) != 0 || xz != yz ||
                (p->nout > 1 && p->out[1] >= 0 && (val(g, p->out[1])->nuses || (val(g, p->out[1])->flags & V_OUTPUT))))
                continue;
            p->in[0] = d->in[0];
        } else {
            if (x->rank != 4 || !private_value(g, p->in[0]) || !no_dilation(g, p))
                continue;
            const int64_t *ks;
            bool global = p->op == OP_GLOBALAVGPOOL ||
                          (attr_ints(g, p, "kernel_shape", &ks) == 2 && ks[0] == x->dims[2] && ks[1] == x->dims[3]);
            if (global && !gap_in_range(xs, ys, x->dims[2] * x->dims[3]))
                continue;
            const int src[5] = {d->in[0], d->in[1], d->in[2], q->in[1], q->in[2]};
            if (p->op == OP_GLOBALAVGPOOL)
                become(g, p, OP_QLINEARGLOBALAVGPOOL, "QLinearGlobalAveragePool", src, 5);
            else
                become(g, p, OP_QLINEARAVGPOOL, "QLinearAveragePool", src, 5);
        }
        p->out[0] = q->out[0];
        q->dead = true;
        changed++;
    }
    if (changed)
        drop_unread_dq(g);
    return changed;
}
