/* commute_pool.c — Conv1x1 → AveragePool computed as AveragePool → Conv1x1.
 *
 * DenseNet's transitions are BN → ReLU → Conv1x1 → AveragePool(2x2, /2).
 * A 1x1 convolution with stride 1 and no padding is the same linear map at
 * every pixel, and an unpadded average pool is, per window, a weighted sum
 * whose weights add up to 1 and do not depend on the channel, so the two
 * commute exactly in real arithmetic (the bias too: the average of a
 * constant is that constant).  Pooling first hands the Conv a quarter of
 * the pixels, so it does a quarter of the multiply-adds.  The Conv's
 * pre-activation (fuse_preact) moves to the pool, which applies it while
 * reading, as the Conv did.
 *
 * Needs: shapes inferred.  Fires when the Conv is 2-D, 1x1, stride 1, no
 * padding, has no epilogue activation (a nonlinearity does not commute),
 * its output is read by that AveragePool alone and is not a graph output,
 * and the pool has no padding, no ceil_mode and a smaller output than its
 * input.  The two nodes swap places in the schedule; a new tensor holds the
 * pooled input. */
#include "onnxcc.h"

static bool is_pointwise_conv(const Graph *g, const Node *c)
{
    const Value *x = &g->values[c->in[0]], *w = &g->values[c->in[1]];
    return c->op == OP_CONV && x->rank == 4 && w->rank == 4 && w->dims[2] == 1 && w->dims[3] == 1 &&
           c->act == ACT_NONE && !c->res && !c->scale_in && attr_ints_all(g, c, "strides", 1) && attr_unpadded(g, c);
}

static bool is_unpadded_avgpool(const Graph *g, const Node *p)
{
    const Value *x = &g->values[p->in[0]], *y = &g->values[p->out[0]];
    return p->op == OP_AVGPOOL && x->rank == 4 && p->pre_scale < 0 && !p->pre_relu &&
           attr_unpadded(g, p) && attr_int(g, p, "ceil_mode", 0) == 0 &&
           y->dims[2] * y->dims[3] < x->dims[2] * x->dims[3];
}

int commute_pool(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].op != OP_CONV || g->nodes[i].dead || !is_pointwise_conv(g, &g->nodes[i]))
            continue;
        const Value *y = &g->values[g->nodes[i].out[0]];
        if (y->nuses != 1 || (y->flags & V_OUTPUT))
            continue;
        int j = y->uses[0];
        if (!is_unpadded_avgpool(g, &g->nodes[j]) || g->nodes[j].in[0] != g->nodes[i].out[0])
            continue;

        /* The pooled input: [N, C_in, OH, OW]. */
        const char *name = arena_printf(&g->arena, "%s#pooled", g->values[g->nodes[i].in[0]].name);
        while (graph_find_value(g, name) >= 0)
            name = arena_printf(&g->arena, "%s'", name);
        int pv = graph_add_value(g, name);
        Value *P = &g->values[pv];
        const Value *X = &g->values[g->nodes[i].in[0]], *Z = &g->values[g->nodes[j].out[0]];
        P->dtype = X->dtype;
        P->rank = 4;
        P->dims[0] = X->dims[0];
        P->dims[1] = X->dims[1];
        P->dims[2] = Z->dims[2];
        P->dims[3] = Z->dims[3];
        P->offset = -1;

        /* Swap the two nodes in the schedule: the pool (now reading the
         * Conv's input, which is ready before the Conv ran) takes the Conv's
         * place, the Conv the pool's (every reader of its new output Z came
         * after the pool). */
        Node conv = g->nodes[i], pool = g->nodes[j];
        int z = pool.out[0]; /* the arrays are shared with the originals */
        pool.in[0] = conv.in[0];
        pool.out[0] = pv;
        pool.pre_scale = conv.pre_scale;
        pool.pre_shift = conv.pre_shift;
        pool.pre_relu = conv.pre_relu;
        conv.in[0] = pv;
        conv.out[0] = z;
        conv.pre_scale = conv.pre_shift = -1;
        conv.pre_relu = false;
        g->nodes[i] = pool;
        g->nodes[j] = conv;
        graph_link(g);
        changed++;
    }
    return changed;
}
