/* fuse_qadd.c — the QDQ form of a quantized (residual) Add as one integer
 * QLinearAdd:
 *
 *   DequantizeLinear(a u8, per tensor), DequantizeLinear(b u8, per tensor)
 *     → Add → [Relu] → QuantizeLinear(u8, per tensor)
 *   ⇒ QLinearAdd(a, a_scale, a_zp, b, b_scale, b_zp, c_scale, c_zp)
 *
 * so a, b and c stay bytes in the arena (a quarter of the float traffic)
 * and the requantization is onnxruntime's: it fuses the same pattern into
 * its com.microsoft QLinearAdd, whose arithmetic (the runtime's
 * onnxcc_u8_qadd) rounds a few near-ties differently from the float
 * reading of the QDQ graph.
 *
 * Needs: shapes inferred.  Fires when a and b are uint8 tensors of the
 * Add's output shape (no broadcasting), every scale is a constant float32
 * and every zero point a constant uint8, one per tensor, the Add and Relu
 * outputs are read by the next node alone and are not graph outputs, and a
 * Relu has c_zp 0 (then the saturation at 0 is the Relu).  The Add node
 * becomes the QLinearAdd and produces the QuantizeLinear's output; the
 * QuantizeLinear and Relu go, and so do the DequantizeLinears nothing else
 * reads. */
#include "onnxcc.h"
#include "qmatch.h"


/* Scale and zero point of Q or DQ node n: constant, per tensor, float32
 * and uint8. */
static bool u8_params(const Graph *g, const Node *n)
{
    if (n->nin < 3 || n->in[2] < 0)
        return false;
    const Value *s = val(g, n->in[1]), *z = val(g, n->in[2]);
    return is_const(s) && is_const(z) && s->dtype == DT_F32 && z->dtype == DT_U8 && per_tensor(s) &&
           per_tensor(z);
}

/* The DequantizeLinear of a uint8 tensor of y's shape that makes vi. */
static Node *dq_u8(Graph *g, int vi, const Value *y)
{
    Node *d = made_by(g, vi, OP_DEQUANTIZELINEAR);
    if (!d || !u8_params(g, d))
        return NULL;
    const Value *x = val(g, d->in[0]);
    if (x->dtype != DT_U8 || x->rank != y->rank || memcmp(x->dims, y->dims, sizeof(int64_t) * (size_t)y->rank))
        return NULL;
    return d;
}

int fuse_qadd(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *q = &g->nodes[i];
        if (q->dead || q->op != OP_QUANTIZELINEAR || !u8_params(g, q) || !private_value(g, q->in[0]))
            continue;
        int yf = q->in[0];
        Node *relu = made_by(g, yf, OP_RELU);
        if (relu) {
            if (*(const uint8_t *)val(g, q->in[2])->data != 0 || !private_value(g, relu->in[0]))
                continue;
            yf = relu->in[0];
        }
        Node *add = made_by(g, yf, OP_ADD);
        if (!add || add->nin != 2 || add->act != ACT_NONE)
            continue;
        const Value *y = val(g, add->out[0]);
        Node *da = dq_u8(g, add->in[0], y), *db = dq_u8(g, add->in[1], y);
        if (!da || !db)
            continue;
        const int src[8] = {da->in[0], da->in[1], da->in[2], db->in[0], db->in[1], db->in[2], q->in[1], q->in[2]};
        become(g, add, OP_QLINEARADD, "QLinearAdd", src, 8);
        add->out[0] = q->out[0];
        q->dead = true;
        if (relu)
            relu->dead = true;
        changed++;
    }
    if (changed) /* DequantizeLinears no longer read by anything go */
        drop_unread_dq(g);
    return changed;
}
