/* fuse_add.c — a residual Add of two tensors of one shape, and the
 * Relu / Clip / LeakyRelu after it, as one node (ResNet's `Add -> Relu`).
 *
 * Needs: shapes inferred.  Fires on an Add whose two inputs have the
 * output's shape (no broadcast); the activation, if it alone reads the sum
 * and the sum is not a graph output, becomes the Add's epilogue (Node.act)
 * and is removed.  Either way the emitter runs such an Add as one dense
 * pass (onnxcc_f32_add_act) instead of a broadcasting Add and an activation.
 * Counts the activations fused. */
#include "onnxcc.h"

#include <string.h>

static bool same_dims(const Value *a, const Value *b)
{
    return a->rank == b->rank && memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) == 0;
}

int fuse_add(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *add = &g->nodes[i];
        if (add->op != OP_ADD || add->act != ACT_NONE)
            continue;
        const Value *y = &g->values[add->out[0]];
        if (!same_dims(&g->values[add->in[0]], y) || !same_dims(&g->values[add->in[1]], y) || y->dtype != DT_F32)
            continue;
        if (y->nuses != 1 || (y->flags & V_OUTPUT))
            continue;
        const Node *act = &g->nodes[y->uses[0]];
        int kind;
        float a, b;
        if (!act_params(g, act, &kind, &a, &b))
            continue;
        add->act = kind;
        add->act_a = a;
        add->act_b = b;
        add->out[0] = act->out[0];
        g->nodes[y->uses[0]].dead = true;
        changed++;
    }
    return changed;
}
