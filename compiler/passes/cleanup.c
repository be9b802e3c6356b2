/* cleanup.c — removes nodes that compute nothing.
 *
 * Needs: shapes inferred.  Changes: Identity, Dropout (inference: output 0 is
 * its input), Pad whose pads are all zero, Concat of one input, and Flatten /
 * Reshape whose output shape equals the input shape are removed, their
 * consumers reading the input instead; then nodes whose outputs nobody uses
 * (and are not graph outputs) are removed.  A node whose output is a graph
 * output is kept (the output must be produced by a node), as is any node
 * whose second output (Dropout mask) is used. */
#include "onnxcc.h"

#include <string.h>

static bool same_shape(const Value *a, const Value *b)
{
    return a->rank == b->rank && memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) == 0;
}

static bool pads_all_zero(const Graph *g, const Node *n)
{
    int64_t pads[2 * MAX_RANK];
    int np;
    if (g->opset < 11) {
        const int64_t *p;
        np = attr_ints(g, n, "pads", &p);
        for (int i = 0; i < np; i++)
            pads[i] = p[i];
    } else {
        np = const_ints(g, n, n->in[1], pads, 2 * MAX_RANK);
    }
    for (int i = 0; i < np; i++)
        if (pads[i])
            return false;
    return true;
}

static bool is_noop(const Graph *g, const Node *n)
{
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    for (int k = 1; k < n->nout; k++)
        if (n->out[k] >= 0 && (g->values[n->out[k]].nuses || (g->values[n->out[k]].flags & V_OUTPUT)))
            return false;
    switch (n->op) {
    case OP_IDENTITY:
    case OP_DROPOUT:
        return true;
    case OP_CONCAT:
        return n->nin == 1;
    case OP_FLATTEN:
    case OP_RESHAPE:
        return same_shape(x, y); /* same dims, same layout: a rename */
    case OP_PAD:
        return pads_all_zero(g, n);
    default:
        return false;
    }
}

int cleanup(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *n = &g->nodes[i];
        if (!is_noop(g, n) || (g->values[n->out[0]].flags & V_OUTPUT))
            continue;
        graph_replace_uses(g, n->out[0], n->in[0]);
        n->dead = true;
        changed++;
    }
    graph_compact(g);
    /* Dead code, last to first so chains go in one sweep. */
    for (int i = g->nnodes - 1; i >= 0; i--) {
        Node *n = &g->nodes[i];
        bool used = false;
        for (int k = 0; k < n->nout; k++) {
            const Value *v = n->out[k] >= 0 ? &g->values[n->out[k]] : NULL;
            if (v && (v->flags & V_OUTPUT))
                used = true;
            for (int u = 0; v && u < v->nuses; u++)
                if (!g->nodes[v->uses[u]].dead)
                    used = true;
        }
        if (!used) {
            n->dead = true;
            changed++;
        }
    }
    return changed;
}
