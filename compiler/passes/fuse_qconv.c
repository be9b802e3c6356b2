/* fuse_qconv.c — the QDQ form of a quantized convolution as one integer
 * QLinearConv:
 *
 *   DequantizeLinear(x u8/s8, per tensor)
 *     → Conv(·, DequantizeLinear(w const 8-bit, per tensor or per output
 *            channel, axis 0), [DequantizeLinear(b const int32, scale
 *            x_scale * w_scale[oc], zero point 0)])
 *     → [Relu] → QuantizeLinear(per tensor)
 *   ⇒ QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, [b])
 *
 * so x and y stay bytes in the arena and the sum is exact in integers, the
 * requantization (acc * x_scale*w_scale[oc]/y_scale, rounded half to even,
 * plus y_zp, saturated) in the conv's epilogue, as onnxruntime runs the
 * same pattern.  The result differs from the float reading of the QDQ
 * graph only where the float sum lands next to a rounding tie.
 *
 * Needs: shapes inferred; runs after fold_bn, before the epilogue fusions (a fused Conv is
 * left alone).  Fires when every scale and zero point is a constant of the
 * shapes above, the Conv and Relu outputs are read by the next node alone
 * and are not graph outputs, a Relu has y_zp at the type's low end (0 for
 * uint8: the saturation is the Relu), and the bias's scale is bitwise the
 * float product x_scale * w_scale[oc] with zero points 0.  The Conv node
 * becomes the QLinearConv (attributes kept) and produces the
 * QuantizeLinear's output; the QuantizeLinear and Relu go, and so do the
 * DequantizeLinears nothing else reads. */
#include "onnxcc.h"
#include "qmatch.h"

#include <string.h>

/* DequantizeLinear d with constant float32 scale and 8-bit zero point of
 * d's input type, per tensor (m < 0) or per axis 0 of m values. */
static bool dq_params_ok(const Graph *g, const Node *d, int64_t m)
{
    const Value *x = val(g, d->in[0]), *s = val(g, d->in[1]);
    const Value *z = d->nin > 2 ? val(g, d->in[2]) : NULL;
    if (!z || !is_const(s) || !is_const(z) || s->dtype != DT_F32 || z->dtype != x->dtype)
        return false;
    if (per_tensor(s) && per_tensor(z))
        return true;
    if (m < 0 || x->rank < 1 || attr_int(g, d, "block_size", 0) != 0)
        return false;
    int64_t axis = attr_int(g, d, "axis", 1);
    if (axis < 0)
        axis += x->rank;
    return axis == 0 && s->rank == 1 && s->dims[0] == m && z->rank == 1 && z->dims[0] == m;
}

static float f32_at(const Value *v, int64_t i)
{
    float f;
    memcpy(&f, (const char *)v->data + 4 * (per_tensor(v) ? 0 : i), 4);
    return f;
}

/* The bias DequantizeLinear: int32 [M] constant, scale bitwise
 * x_scale * w_scale[oc] (as float), zero point absent or all 0. */
static bool bias_ok(const Graph *g, const Node *db, const Value *xs, const Value *ws, int64_t m)
{
    const Value *b = val(g, db->in[0]), *s = val(g, db->in[1]);
    const Value *z = db->nin > 2 ? val(g, db->in[2]) : NULL;
    if (!is_const(b) || b->dtype != DT_I32 || b->rank != 1 || b->dims[0] != m || !is_const(s) ||
        s->dtype != DT_F32 || !(per_tensor(s) || (s->rank == 1 && s->dims[0] == m)))
        return false;
    if (!per_tensor(s)) {
        int64_t axis = attr_int(g, db, "axis", 1);
        if (axis != 0 && axis != -1)
            return false;
    }
    if (z) {
        if (!is_const(z) || z->dtype != DT_I32 || value_numel(z) != (per_tensor(z) ? 1 : m))
            return false;
        for (int64_t i = 0; i < value_numel(z); i++) {
            int32_t zi;
            memcpy(&zi, (const char *)z->data + 4 * i, 4);
            if (zi != 0)
                return false;
        }
    }
    for (int64_t oc = 0; oc < m; oc++) {
        float want = f32_at(xs, 0) * f32_at(ws, oc), got = f32_at(s, oc);
        if (memcmp(&want, &got, 4) != 0)
            return false;
    }
    return true;
}

/* Drops DequantizeLinear d if `reads` is the number of its output's uses
 * the fused conv made. */
static void drop_if_unread(Graph *g, Node *d, int reads)
{
    if (d && g->values[d->out[0]].nuses == reads && !(g->values[d->out[0]].flags & V_OUTPUT))
        d->dead = true;
}

int fuse_qconv(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *q = &g->nodes[i];
        if (q->dead || q->op != OP_QUANTIZELINEAR || q->nin < 3 || q->in[2] < 0)
            continue;
        const Value *ys = val(g, q->in[1]), *yz = val(g, q->in[2]);
        if (!is_const(ys) || !is_const(yz) || ys->dtype != DT_F32 || !per_tensor(ys) || !per_tensor(yz) ||
            (yz->dtype != DT_U8 && yz->dtype != DT_I8))
            continue;
        int yf = q->in[0];
        if (!private_value(g, yf))
            continue;
        Node *relu = made_by(g, yf, OP_RELU);
        if (relu) {
            /* Relu then saturation = saturation alone when y_zp is the low end. */
            int8_t low = yz->dtype == DT_U8 ? 0 : -128;
            if (*(const int8_t *)yz->data != low || !private_value(g, relu->in[0]))
                continue;
            yf = relu->in[0];
        }
        Node *conv = made_by(g, yf, OP_CONV);
        if (!conv || conv->act != ACT_NONE || conv->res || conv->pre_scale >= 0 || conv->pre_relu ||
            conv->nin < 2)
            continue;
        Node *dx = made_by(g, conv->in[0], OP_DEQUANTIZELINEAR);
        Node *dw = made_by(g, conv->in[1], OP_DEQUANTIZELINEAR);
        Node *db = conv->nin > 2 && conv->in[2] >= 0 ? made_by(g, conv->in[2], OP_DEQUANTIZELINEAR) : NULL;
        if (!dx || !dw || (conv->nin > 2 && conv->in[2] >= 0 && !db))
            continue;
        const Value *x = val(g, dx->in[0]), *w = val(g, dw->in[0]);
        if ((x->dtype != DT_U8 && x->dtype != DT_I8) || (w->dtype != DT_U8 && w->dtype != DT_I8) ||
            !is_const(w) || w->rank != x->rank || w->rank < 3)
            continue;
        const int64_t m = w->dims[0];
        if (!dq_params_ok(g, dx, -1) || !dq_params_ok(g, dw, m))
            continue;
        if (db && !bias_ok(g, db, val(g, dx->in[1]), val(g, dw->in[1]), m))
            continue;
        int nin = db ? 9 : 8;
        const int src[9] = {dx->in[0], dx->in[1], dx->in[2], dw->in[0], dw->in[1], dw->in[2], q->in[1], q->in[2],
                            db ? db->in[0] : -1};
        int reads_x = 0, reads_w = 0, reads_b = 0;
        for (int k = 0; k < conv->nin; k++) {
            reads_x += conv->in[k] == conv->in[0];
            reads_w += conv->in[k] == conv->in[1];
            reads_b += db && conv->in[k] == conv->in[2];
        }
        drop_if_unread(g, dx, reads_x);
        drop_if_unread(g, dw, reads_w);
        drop_if_unread(g, db, reads_b);
        become(g, conv, OP_QLINEARCONV, "QLinearConv", src, nin);
        conv->out[0] = q->out[0];
        q->dead = true;
        if (relu)
            relu->dead = true;
        changed++;
    }
    /* DequantizeLinears several fused convs read: gone once none is left. */
    if (changed) {
        graph_link(g);
        for (int i = 0; i < g->nnodes; i++) {
            Node *d = &g->nodes[i];
            if (!d->dead && d->op == OP_DEQUANTIZELINEAR)
                drop_if_unread(g, d, 0);
        }
    }
    return changed;
}
