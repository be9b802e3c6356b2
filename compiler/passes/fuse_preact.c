/* fuse_preact.c — pre-activation BatchNormalization (+ Relu) applied by the
 * consuming Convs and pools while they read their input.
 *
 * Needs: shapes inferred.  Fires on BN → Relu → reader(s) (DenseNet's dense
 * layers, transitions and the final norm5 → relu → GlobalAveragePool) and
 * on a lone BN → reader(s), when the BN's parameters are constants, the
 * BN's output is read by the Relu alone (or, lone, by the readers alone),
 * every reader of the activated tensor is a Conv, MaxPool, AveragePool or
 * GlobalAveragePool reading it as its data input, and no tensor on the way
 * is a graph output.  Each reader then reads the BN's input with a
 * per-channel affine a*x + b (and max(0, .)) applied to real pixels only:
 * padding stays zero after the activation for a Conv, as in the original
 * graph, and pools never read padding as a value.  The BN and Relu are
 * removed: the normalised copy is never stored. */
#include "onnxcc.h"

#include <stdlib.h>

bool bn_affine(const Graph *g, const Node *bn, int channels, double *a, double *b); /* fold_bn.c */

static bool reads_with_preact(Op op)
{
    return op == OP_CONV || op == OP_MAXPOOL || op == OP_AVGPOOL || op == OP_GLOBALAVGPOOL;
}

/* True if every reader of v is a not-yet-fused Conv or pool reading it as input 0. */
static bool read_by_preact_readers(const Graph *g, const Value *v)
{
    if (v->nuses == 0 || (v->flags & V_OUTPUT))
        return false;
    for (int u = 0; u < v->nuses; u++) {
        const Node *c = &g->nodes[v->uses[u]];
        if (!reads_with_preact(c->op) || c->pre_scale >= 0 || c->in[0] != (int)(v - g->values))
            return false;
        for (int k = 1; k < c->nin; k++)
            if (c->in[k] == c->in[0])
                return false;
        int r = g->values[c->in[0]].rank;
        if (r != 3 && r != 4)
            return false;
    }
    return true;
}

int fuse_preact(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *bn = &g->nodes[i];
        if (bn->op != OP_BATCHNORM || bn->dead)
            continue;
        const Value *y = &g->values[bn->out[0]];
        const Value *x = &g->values[bn->in[0]];
        if (x->rank < 2 || (y->flags & V_OUTPUT))
            continue;
        Node *relu = NULL;
        const Value *act = y;
        if (y->nuses == 1 && g->nodes[y->uses[0]].op == OP_RELU) {
            relu = &g->nodes[y->uses[0]];
            act = &g->values[relu->out[0]];
        }
        if (!read_by_preact_readers(g, act))
            continue;
        int C = (int)x->dims[1];
        /* From the arena: bn_affine may stop with a user error. */
        double *a = arena_alloc(&g->arena, sizeof(double) * 2 * (size_t)C);
        float *fa = arena_alloc(&g->arena, sizeof(float) * 2 * (size_t)C);
        double *b = a + C;
        if (!bn_affine(g, bn, C, a, b))
            continue;
        for (int c = 0; c < C; c++) {
            fa[c] = (float)a[c];
            fa[C + c] = (float)b[c];
        }
        int64_t dims[1] = {C};
        int ai = graph_add_const(g, arena_printf(&g->arena, "%s#scale", bn->name), 1, dims, fa);
        int bi = graph_add_const(g, arena_printf(&g->arena, "%s#shift", bn->name), 1, dims, fa + C);
        act = relu ? &g->values[relu->out[0]] : &g->values[bn->out[0]]; /* values may have moved */
        int src = bn->in[0];
        for (int u = 0; u < act->nuses; u++) {
            Node *c = &g->nodes[act->uses[u]];
            c->in[0] = src;
            c->pre_scale = ai;
            c->pre_shift = bi;
            c->pre_relu = relu != NULL;
        }
        bn->dead = true;
        if (relu)
            relu->dead = true;
        changed++;
    }
    return changed;
}
