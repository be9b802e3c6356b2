/* fuse_layernorm.c — LayerNorm over the last axis as torch exports it
 * before opset 17 (ViT, Swin, ConvNeXt, MaxViT), nine element-wise passes
 *
 *     m = ReduceMean(x, axes=[-1]);  d = Sub(x, m)
 *     v = ReduceMean(Pow(d, 2), axes=[-1])        (or Mul(d, d))
 *     y = Add(Mul(Div(d, Sqrt(Add(v, eps))), gamma), beta)
 *
 * as one LayerNormalization node (axis -1, that epsilon), which runs as
 * onnxcc_f32_layernorm: one read of x for each statistic, one write.
 *
 * Needs: shapes inferred.  Fires on float32 when both ReduceMeans reduce
 * the last axis alone with keepdims, eps is a scalar constant, the Adds
 * and the Mul take either operand order, gamma and beta (any float32
 * tensors, constant or not) hold one value per position of the last axis
 * (shape [len], [1, len], ...), and every intermediate is read only by the
 * pattern (d by the square and the Div alone) and is not a graph output.
 * The Mul and the final Add are optional (a missing gamma becomes a
 * constant of ones, a missing beta is left out).  The last node of the
 * pattern becomes the LayerNormalization (so every input exists before it
 * runs); the others are removed.  The node is the compiler's, whatever
 * the model's opset (ONNX has it from opset 17).  ConvNeXt's
 * channels-first LayerNorm2d is exported as Permute -> this pattern ->
 * Permute, so it fuses too; a normalization over several axes does not.
 * Counts the fused LayerNorms. */
#include "onnxcc.h"

#include <math.h>

/* Whether n is a ReduceMean over the last axis of its input alone, with
 * keepdims. */
static bool mean_of_last_axis(const Graph *g, const Node *n)
{
    if (n->op != OP_REDUCEMEAN || n->dead || attr_int(g, n, "keepdims", 1) == 0)
        return false;
    const int rank = g->values[n->in[0]].rank;
    bool reduced[MAX_RANK];
    reduce_axes(g, n, rank, reduced);
    for (int d = 0; d < rank; d++)
        if (reduced[d] != (d == rank - 1))
            return false;
    return true;
}

/* Whether v holds one value per position of x's last axis. */
static bool per_position(const Value *v, const Value *x)
{
    if (v->dtype != DT_F32 || v->rank < 1 || v->rank > x->rank || v->dims[v->rank - 1] != x->dims[x->rank - 1])
        return false;
    return value_numel(v) == x->dims[x->rank - 1];
}

/* The sole reader of value v if it is a binary op whose other operand is
 * an affine parameter of x, which it returns in *p; else NULL. */
static Node *affine_step(Graph *g, int v, Op op, const Value *x, int *p)
{
    Node *n = sole_reader(g, v);
    if (!n || n->op != op || n->nin != 2 || n->in[0] == n->in[1])
        return NULL;
    *p = n->in[0] == v ? n->in[1] : n->in[0];
    return per_position(&g->values[*p], x) ? n : NULL;
}

/* Fuses the LayerNorm starting at ReduceMean rm, if it is one. */
static bool fuse_one(Graph *g, Node *rm)
{
    const int x = rm->in[0];
    if (g->values[x].dtype != DT_F32 || g->values[x].rank < 1 || !mean_of_last_axis(g, rm))
        return false;
    Node *sub = sole_reader(g, rm->out[0]);
    if (!sub || sub->op != OP_SUB || sub->in[0] != x || sub->in[1] != rm->out[0])
        return false;
    /* d read by the square (Pow(d, 2), or Mul(d, d): two uses) and the Div */
    const int d = sub->out[0];
    const Value *dv = &g->values[d];
    if (dv->flags & V_OUTPUT)
        return false;
    Node *sq = NULL, *div = NULL;
    for (int u = 0; u < dv->nuses; u++) {
        Node *n = &g->nodes[dv->uses[u]];
        if (n->op == OP_DIV && n->in[0] == d && n->in[1] != d && !div)
            div = n;
        else if (n->op == OP_POW && n->in[0] == d && scalar_const_is(g, n->in[1], 2.0) && !sq)
            sq = n;
        else if (n->op == OP_MUL && n->in[0] == d && n->in[1] == d && (!sq || sq == n))
            sq = n;
        else
            return false;
    }
    if (!sq || !div || dv->nuses != (sq->op == OP_MUL ? 3 : 2))
        return false;
    Node *rm2 = sole_reader(g, sq->out[0]);
    if (!rm2 || !mean_of_last_axis(g, rm2))
        return false;
    Node *add = sole_reader(g, rm2->out[0]);
    float eps;
    if (!add || add->op != OP_ADD || add->nin != 2 ||
        !scalar_const(g, add->in[0] == rm2->out[0] ? add->in[1] : add->in[0], &eps) || !(eps >= 0.0f) ||
        isinf(eps))
        return false;
    Node *root = sole_reader(g, add->out[0]);
    if (!root || root->op != OP_SQRT || sole_reader(g, root->out[0]) != div || div->in[1] != root->out[0])
        return false;

    /* optional * gamma, + beta */
    const Value *xv = &g->values[x];
    int gamma = -1, beta = -1;
    Node *mul = affine_step(g, div->out[0], OP_MUL, xv, &gamma), *last = div;
    if (mul)
        last = mul;
    else
        gamma = -1;
    Node *bias = affine_step(g, last->out[0], OP_ADD, xv, &beta);
    if (bias)
        last = bias;
    else
        beta = -1;
    const Value *y = &g->values[last->out[0]];
    if (y->rank != xv->rank || value_numel(y) != value_numel(xv))
        return false;

    const int64_t len = xv->dims[xv->rank - 1];
    if (gamma < 0) {
        float *ones = arena_alloc(&g->arena, sizeof(float) * (size_t)len);
        for (int64_t i = 0; i < len; i++)
            ones[i] = 1.0f;
        const char *base = last->name[0] ? last->name : "layernorm"; /* graph_add_const may move values */
        gamma = graph_add_const(g, arena_printf(&g->arena, "%s#gamma", base), 1, &len, ones);
    }
    Node *nodes[] = {rm, sub, sq, rm2, add, root, div, mul, bias};
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
        if (nodes[i] && nodes[i] != last)
            nodes[i]->dead = true;
    last->op = OP_LAYERNORM;
    last->op_type = arena_strdup(&g->arena, "LayerNormalization");
    last->nin = beta >= 0 ? 3 : 2;
    last->in = arena_alloc(&g->arena, sizeof(int) * 3);
    last->in[0] = x;
    last->in[1] = gamma;
    last->in[2] = beta;
    Attr *at = arena_alloc(&g->arena, sizeof(Attr) * 2);
    at[0] = (Attr){.name = arena_strdup(&g->arena, "axis"), .kind = ATTR_INT, .i = -1, .tensor = -1};
    at[1] = (Attr){.name = arena_strdup(&g->arena, "epsilon"), .kind = ATTR_FLOAT, .f = eps, .tensor = -1};
    last->attrs = at;
    last->nattrs = 2;
    return true;
}

int fuse_layernorm(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++)
        if (g->nodes[i].op == OP_REDUCEMEAN && !g->nodes[i].dead)
            changed += fuse_one(g, &g->nodes[i]);
    return changed;
}
