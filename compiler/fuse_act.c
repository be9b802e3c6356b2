/* fuse_act.c — Conv → Relu / Clip / LeakyRelu as the Conv's epilogue.
 *
 * Needs: shapes inferred.  Fires when the Conv's output is read by that
 * activation alone and is not a graph output, and Clip's bounds are
 * constants.  The Conv records the activation and produces its output; the
 * activation node is removed. */
#include "onnxcc.h"

#include <math.h>

int fuse_act(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *act = &g->nodes[i];
        if (act->op != OP_RELU && act->op != OP_CLIP && act->op != OP_LEAKYRELU)
            continue;
        const Value *x = &g->values[act->in[0]];
        if (x->producer < 0 || x->nuses != 1 || (x->flags & V_OUTPUT))
            continue;
        Node *conv = &g->nodes[x->producer];
        if (conv->op != OP_CONV || conv->act != ACT_NONE)
            continue;
        float a = 0, b = 0;
        int kind = ACT_RELU;
        if (act->op == OP_LEAKYRELU) {
            kind = ACT_LEAKYRELU;
            a = attr_float(g, act, "alpha", 0.01f);
        } else if (act->op == OP_CLIP) {
            kind = ACT_CLIP;
            a = -HUGE_VALF;
            b = HUGE_VALF;
            if (g->opset < 11) {
                a = attr_float(g, act, "min", a);
                b = attr_float(g, act, "max", b);
            } else {
                if (act->nin > 1 && act->in[1] >= 0 && !(g->values[act->in[1]].flags & V_CONST))
                    continue;
                if (act->nin > 2 && act->in[2] >= 0 && !(g->values[act->in[2]].flags & V_CONST))
                    continue;
                if (act->nin > 1)
                    const_float(g, act, act->in[1], &a);
                if (act->nin > 2)
                    const_float(g, act, act->in[2], &b);
            }
        }
        conv->act = kind;
        conv->act_a = a;
        conv->act_b = b;
        conv->out[0] = act->out[0];
        act->dead = true;
        changed++;
    }
    return changed;
}
