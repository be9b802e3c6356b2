/* fuse_qconcat.c — a Concat between DequantizeLinears and a QuantizeLinear
 * of one and the same scale and zero point runs on the bytes:
 *
 *   DequantizeLinear(a_i, s, z) ... → Concat → QuantizeLinear(s, z)
 *   ⇒ Concat(a_i ...)   (8-bit in, 8-bit out)
 *
 * Exact: round(((q - z) * s) / s) + z is q for every byte q (the two float
 * roundings move (q - z) by far less than half a unit), so DenseNet's
 * concatenations of a block, which tools/qdq.py gives one shared scale,
 * become byte copies of a quarter of the float traffic.
 *
 * Needs: shapes inferred.  Fires when every Concat input is made by a
 * DequantizeLinear of a uint8 or int8 tensor whose constant per-tensor
 * float32 scale and zero point equal (bitwise) the QuantizeLinear's, and
 * the Concat's output is read by that QuantizeLinear alone and is not a
 * graph output.  The Concat reads the bytes and produces the
 * QuantizeLinear's output; the QuantizeLinear goes, and so do the
 * DequantizeLinears nothing else reads. */
#include "onnxcc.h"
#include "qmatch.h"

#include <string.h>

/* Scale s and zero point z of a Q or DQ node: constant, per tensor,
 * float32 and 8-bit. */
static bool params(const Graph *g, const Node *n, float *s, int *zdt, int *z)
{
    if (n->nin < 3 || n->in[2] < 0)
        return false;
    const Value *S = val(g, n->in[1]), *Z = val(g, n->in[2]);
    if (!is_const(S) || !is_const(Z) || S->dtype != DT_F32 || !per_tensor(S) || !per_tensor(Z) ||
        (Z->dtype != DT_U8 && Z->dtype != DT_I8))
        return false;
    memcpy(s, S->data, 4);
    *zdt = Z->dtype;
    *z = Z->dtype == DT_U8 ? *(const uint8_t *)Z->data : *(const int8_t *)Z->data;
    return true;
}

int fuse_qconcat(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *q = &g->nodes[i];
        float s;
        int zdt, z;
        if (q->dead || q->op != OP_QUANTIZELINEAR || !params(g, q, &s, &zdt, &z))
            continue;
        const Value *cv = val(g, q->in[0]);
        if (cv->producer < 0 || cv->nuses != 1 || (cv->flags & V_OUTPUT))
            continue;
        Node *cat = &g->nodes[cv->producer];
        if (cat->dead || cat->op != OP_CONCAT || cat->nin < 1)
            continue;
        bool ok = true;
        for (int k = 0; k < cat->nin && ok; k++) {
            const Value *x = val(g, cat->in[k]);
            const Node *d = x && x->producer >= 0 ? &g->nodes[x->producer] : NULL;
            float ds;
            int ddt, dz;
            ok = d && !d->dead && d->op == OP_DEQUANTIZELINEAR && params(g, d, &ds, &ddt, &dz) &&
                 memcmp(&ds, &s, 4) == 0 && ddt == zdt && dz == z && g->values[d->in[0]].dtype == zdt;
        }
        if (!ok)
            continue;
        for (int k = 0; k < cat->nin; k++)
            cat->in[k] = g->nodes[g->values[cat->in[k]].producer].in[0];
        cat->out[0] = q->out[0];
        q->dead = true;
        changed++;
    }
    /* DequantizeLinears no longer read by anything go. */
    if (changed) {
        graph_link(g);
        for (int i = 0; i < g->nnodes; i++) {
            Node *d = &g->nodes[i];
            const Value *y = d->dead || d->op != OP_DEQUANTIZELINEAR ? NULL : val(g, d->out[0]);
            if (y && y->nuses == 0 && !(y->flags & V_OUTPUT))
                d->dead = true;
        }
    }
    return changed;
}
