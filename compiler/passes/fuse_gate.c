/* fuse_gate.c — x * f(x) as one activation: Mul(x, Sigmoid(x)) is SiLU
 * (EfficientNet's, RegNetY's, ...), Mul(x, HardSigmoid(x)) with alpha 1/6
 * and beta 1/2 is HardSwish (MobileNetV3 exported before opset 14), and
 * the exact GELU as torch exports it (ViT, Swin, ConvNeXt, MaxViT):
 *
 *     Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5)
 *
 * also with Mul(x, 1/sqrt 2) for the Div, any operand order of the Adds
 * and Muls, and the 0.5 applied to x first: Mul(Mul(x, 0.5), Add(...)).
 *
 * Needs: shapes inferred.  Fires on float32 when every intermediate is
 * read by the next node of the pattern alone and is not a graph output,
 * and the constants are scalars within float rounding of sqrt 2 (1/sqrt 2),
 * 1 and 0.5.  SiLU / HardSwish: the gate's other operand is the gate's own
 * input (same shape, so no broadcasting); the gate node takes the Mul's
 * output: a Sigmoid is marked act = ACT_SILU, a HardSigmoid becomes a
 * HardSwish; the Mul is removed.  GELU: the Erf node reads x, is marked act
 * = ACT_GELU and takes the last Mul's output (which must have x's shape);
 * the other four nodes are removed.  fuse_act can then move the result
 * into the Conv before it.  Counts the fused activations. */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

/* The Mul that is the only reader of gate's output and multiplies it by
 * gate's input, or NULL. */
static Node *gate_mul(Graph *g, const Node *gate)
{
    if (g->values[gate->out[0]].dtype != DT_F32)
        return NULL;
    Node *mul = sole_reader(g, gate->out[0]);
    if (!mul || mul->op != OP_MUL || mul->nin != 2)
        return NULL;
    const int x = gate->in[0], so = gate->out[0];
    if (!((mul->in[0] == x && mul->in[1] == so) || (mul->in[0] == so && mul->in[1] == x)))
        return NULL;
    return mul;
}

/* The operand of binary node n other than value v (v must be one), or -1. */
static int other_in(const Node *n, int v)
{
    if (n->nin != 2)
        return -1;
    return n->in[0] == v ? n->in[1] : n->in[1] == v ? n->in[0] : -1;
}

/* The sole reader of v if it is an op node whose other operand is the
 * scalar constant want, or NULL. */
static Node *times_const(Graph *g, int v, Op op, double want)
{
    Node *n = sole_reader(g, v);
    if (!n || n->op != op)
        return NULL;
    const int c = other_in(n, v);
    return c >= 0 && c != v && scalar_const_is(g, c, want) ? n : NULL;
}

static bool same_dims(const Value *a, const Value *b)
{
    return a->rank == b->rank && memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) == 0;
}

/* Fuses the GELU around erf, if it is one; returns whether it did. */
static bool fuse_gelu(Graph *g, Node *erf)
{
    if (erf->act != ACT_NONE || erf->nin != 1)
        return false;
    /* x / sqrt 2 or x * (1 / sqrt 2) */
    const Value *t = &g->values[erf->in[0]];
    if (t->producer < 0 || sole_reader(g, erf->in[0]) != erf)
        return false;
    Node *scale = &g->nodes[t->producer];
    if (scale->dead || scale->nin != 2 || scale->in[0] == scale->in[1])
        return false;
    int x = -1;
    if (scale->op == OP_DIV && scalar_const_is(g, scale->in[1], 1.4142135623730951))
        x = scale->in[0];
    else if (scale->op == OP_MUL && scalar_const_is(g, scale->in[1], 0.7071067811865476))
        x = scale->in[0];
    else if (scale->op == OP_MUL && scalar_const_is(g, scale->in[0], 0.7071067811865476))
        x = scale->in[1];
    if (x < 0 || g->values[x].dtype != DT_F32)
        return false;
    /* 1 + erf */
    Node *add = times_const(g, erf->out[0], OP_ADD, 1.0);
    if (!add)
        return false;
    /* x * (1 + erf) * 0.5, or (x * 0.5) * (1 + erf) */
    Node *mul = sole_reader(g, add->out[0]);
    if (!mul || mul->op != OP_MUL)
        return false;
    const int other = other_in(mul, add->out[0]);
    Node *half = NULL, *last = NULL;
    if (other == x) {
        half = last = times_const(g, mul->out[0], OP_MUL, 0.5);
    } else if (other >= 0 && g->values[other].producer >= 0) {
        half = &g->nodes[g->values[other].producer];
        if (half->dead || half->op != OP_MUL || sole_reader(g, other) != mul || other_in(half, x) < 0 ||
            !scalar_const_is(g, other_in(half, x), 0.5))
            half = NULL;
        last = mul;
    }
    if (!half || !same_dims(&g->values[x], &g->values[last->out[0]]))
        return false;
    erf->in[0] = x;
    erf->out[0] = last->out[0];
    erf->act = ACT_GELU;
    scale->dead = add->dead = mul->dead = half->dead = true;
    return true;
}

int fuse_gate(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *gate = &g->nodes[i];
        int kind;
        float a, b;
        if (gate->dead || !act_params(g, gate, &kind, &a, &b))
            continue;
        if (kind == ACT_ERF) {
            changed += fuse_gelu(g, gate);
            continue;
        }
        if (kind == ACT_HARDSIGMOID && !(fabsf(a - 1.0f / 6.0f) <= 1e-7f && b == 0.5f))
            continue;
        if (kind != ACT_SIGMOID && kind != ACT_HARDSIGMOID)
            continue;
        Node *mul = gate_mul(g, gate);
        if (!mul)
            continue;
        if (kind == ACT_SIGMOID) {
            gate->act = ACT_SILU;
        } else {
            gate->op = OP_HARDSWISH;
            gate->op_type = arena_strdup(&g->arena, "HardSwish");
            gate->nattrs = 0; /* alpha and beta are HardSwish's own */
        }
        gate->out[0] = mul->out[0];
        mul->dead = true;
        changed++;
    }
    return changed;
}
