/* fuse_pad.c — a zero Pad of the spatial axes moves into the Conv or
 * AveragePool that reads it, as that node's own padding.
 *
 * Needs: shapes inferred.  Fires on a float32 Pad in constant mode with
 * value 0 (the default), non-negative pads on the spatial axes only, whose
 * output is read by one Conv (pads added to the Conv's, auto_pad unset) or
 * one AveragePool without pads of its own (torch's avg_pool2d with
 * count_include_pad, as Inception-v3 exports it: the pool gets the pads and
 * count_include_pad = 1, each pad below the kernel size), and is not a graph
 * output.  The consumer reads the Pad's input; the Pad is removed, so the
 * padded copy is never written. */
#include "onnxcc.h"

#include <string.h>

/* The Pad's pads [begin..., end...] over all axes if it is a zero pad of
 * the spatial axes (2 ..) only; false otherwise. */
static bool zero_spatial_pad(const Graph *g, const Node *pad, int rank, int64_t *pads)
{
    if (strcmp(attr_str(g, pad, "mode", "constant"), "constant"))
        return false;
    int np;
    if (g->opset < 11) {
        const int64_t *p;
        np = attr_ints(g, pad, "pads", &p);
        if (np != 2 * rank || attr_float(g, pad, "value", 0.0f) != 0.0f)
            return false;
        memcpy(pads, p, sizeof(int64_t) * (size_t)np);
    } else {
        if (pad->nin > 3 && pad->in[3] >= 0)
            return false; /* axes (opset 18) */
        if (!(g->values[pad->in[1]].flags & V_CONST))
            return false;
        np = const_ints(g, pad, pad->in[1], pads, 2 * MAX_RANK);
        float value = 0.0f;
        if (pad->nin > 2 && pad->in[2] >= 0) {
            if (!(g->values[pad->in[2]].flags & V_CONST) || !const_float(g, pad, pad->in[2], &value))
                return false;
        }
        if (np != 2 * rank || value != 0.0f)
            return false;
    }
    for (int i = 0; i < 2 * rank; i++)
        if (pads[i] < 0 || ((i % rank) < 2 && pads[i] != 0))
            return false;
    return true;
}

/* The consumer's own pads (begin..., end...) over its ns spatial axes; false
 * if it has auto_pad or a pads attribute of another length. */
static bool own_pads(const Graph *g, const Node *n, int ns, int64_t *own)
{
    const char *ap = attr_str(g, n, "auto_pad", "NOTSET");
    if (strcmp(ap, "NOTSET"))
        return false;
    memset(own, 0, sizeof(int64_t) * (size_t)(2 * ns));
    const int64_t *p;
    int np = attr_ints(g, n, "pads", &p);
    if (np < 0)
        return true;
    if (np != 2 * ns)
        return false;
    memcpy(own, p, sizeof(int64_t) * (size_t)np);
    return true;
}

int fuse_pad(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *pad = &g->nodes[i];
        if (pad->dead || pad->op != OP_PAD)
            continue;
        const Value *x = &g->values[pad->in[0]], *y = &g->values[pad->out[0]];
        if (x->dtype != DT_F32 || x->rank < 3 || y->nuses != 1 || (y->flags & V_OUTPUT))
            continue;
        const int rank = x->rank, ns = rank - 2;
        int64_t pads[2 * MAX_RANK], own[2 * MAX_RANK];
        if (!zero_spatial_pad(g, pad, rank, pads))
            continue;
        Node *c = &g->nodes[y->uses[0]];
        if (c->dead || c->in[0] != pad->out[0] || !own_pads(g, c, ns, own))
            continue;
        if (c->op == OP_AVGPOOL) {
            const int64_t *k;
            bool ok = attr_ints(g, c, "kernel_shape", &k) == ns;
            for (int d = 0; d < 2 * ns && ok; d++)
                ok = own[d] == 0 && pads[(d / ns) * rank + 2 + d % ns] < k[d % ns];
            if (!ok)
                continue;
            const int64_t one = 1;
            node_set_ints(g, c, "count_include_pad", &one, -1);
        } else if (c->op != OP_CONV) {
            continue;
        }
        for (int d = 0; d < 2 * ns; d++)
            own[d] += pads[(d / ns) * rank + 2 + d % ns];
        node_set_ints(g, c, "pads", own, 2 * ns);
        c->in[0] = pad->in[0];
        pad->dead = true;
        changed++;
    }
    return changed;
}
