/* fuse_gate.c — x * f(x) as one activation: Mul(x, Sigmoid(x)) is SiLU
 * (EfficientNet's, RegNetY's, ...), Mul(x, HardSigmoid(x)) with alpha 1/6
 * and beta 1/2 is HardSwish (MobileNetV3 exported before opset 14).
 *
 * Needs: shapes inferred.  Fires on float32 when the gate's output is read
 * by that Mul alone and is not a graph output, and the Mul's other operand
 * is the gate's own input (same shape, so no broadcasting).  The gate node
 * takes the Mul's output: a Sigmoid is marked act = ACT_SILU, a
 * HardSigmoid becomes a HardSwish; the Mul is removed.  fuse_act can then
 * move the result into the Conv before it. */
#include "onnxcc.h"

#include <math.h>

/* The Mul that is the only reader of gate's output and multiplies it by
 * gate's input, or NULL. */
static Node *gate_mul(Graph *g, const Node *gate)
{
    const Value *s = &g->values[gate->out[0]];
    if (s->nuses != 1 || (s->flags & V_OUTPUT) || s->dtype != DT_F32)
        return NULL;
    Node *mul = &g->nodes[s->uses[0]];
    if (mul->op != OP_MUL || mul->dead || mul->nin != 2)
        return NULL;
    const int x = gate->in[0], so = gate->out[0];
    if (!((mul->in[0] == x && mul->in[1] == so) || (mul->in[0] == so && mul->in[1] == x)))
        return NULL;
    return mul;
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
