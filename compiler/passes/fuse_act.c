/* fuse_act.c — Conv or MatMul → activation (Relu, Clip, LeakyRelu,
 * Sigmoid, SiLU, HardSigmoid, HardSwish, Tanh, GELU, ...) as the Conv's or
 * MatMul's epilogue (a MatMul's after the bias fuse_matmul_bias gave it:
 * ConvNeXt's and ViT's Linear -> GELU).
 *
 * Needs: shapes inferred; fuse_gate first, so that x*sigmoid(x) is one
 * node, and fuse_matmul_bias.  Fires when the Conv's or MatMul's output is
 * read by that activation alone and is not a graph output, and Clip's
 * bounds are constants.  The producer records the activation and produces
 * its output; the activation node is removed. */
#include "onnxcc.h"

#include <math.h>

const char *act_name(int kind)
{
    static const char *const names[NUM_ACTS] = {
        "none", "relu", "clip", "leakyrelu", "sigmoid", "hardsigmoid", "hardswish", "silu",
        "tanh", "gelu", "exp", "erf"};
    return kind >= 0 && kind < NUM_ACTS ? names[kind] : "?";
}

bool act_params(const Graph *g, const Node *act, int *kind, float *a, float *b)
{
    *a = 0;
    *b = 0;
    if (act->nin < 1 || act->in[0] < 0 || g->values[act->in[0]].dtype != DT_F32)
        return false; /* typed forms (ops/eltwise.c) fuse nothing */
    if (act->op == OP_SIGMOID) {
        *kind = act->act == ACT_SILU ? ACT_SILU : ACT_SIGMOID;
    } else if (act->op == OP_HARDSIGMOID) {
        *kind = ACT_HARDSIGMOID;
        *a = attr_float(g, act, "alpha", 0.2f);
        *b = attr_float(g, act, "beta", 0.5f);
    } else if (act->op == OP_HARDSWISH) {
        *kind = ACT_HARDSWISH;
    } else if (act->op == OP_TANH) {
        *kind = ACT_TANH;
    } else if (act->op == OP_EXP) {
        *kind = ACT_EXP;
    } else if (act->op == OP_ERF) {
        *kind = act->act == ACT_GELU ? ACT_GELU : ACT_ERF;
    } else if (act->op == OP_RELU) {
        *kind = ACT_RELU;
    } else if (act->op == OP_LEAKYRELU) {
        *kind = ACT_LEAKYRELU;
        *a = attr_float(g, act, "alpha", 0.01f);
    } else if (act->op == OP_CLIP) {
        *kind = ACT_CLIP;
        *a = -HUGE_VALF;
        *b = HUGE_VALF;
        if (g->opset < 11) {
            *a = attr_float(g, act, "min", *a);
            *b = attr_float(g, act, "max", *b);
            return true;
        }
        for (int k = 1; k < act->nin && k < 3; k++)
            if (act->in[k] >= 0 && !(g->values[act->in[k]].flags & V_CONST))
                return false;
        if (act->nin > 1)
            const_float(g, act, act->in[1], a);
        if (act->nin > 2)
            const_float(g, act, act->in[2], b);
    } else {
        return false;
    }
    return true;
}

int fuse_act(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *act = &g->nodes[i];
        int kind;
        float a, b;
        if (act->dead || !act_params(g, act, &kind, &a, &b))
            continue;
        const Value *x = &g->values[act->in[0]];
        if (x->producer < 0 || x->nuses != 1 || (x->flags & V_OUTPUT))
            continue;
        Node *prod = &g->nodes[x->producer];
        if ((prod->op != OP_CONV && prod->op != OP_MATMUL) || prod->act != ACT_NONE)
            continue;
        prod->act = kind;
        prod->act_a = a;
        prod->act_b = b;
        prod->out[0] = act->out[0];
        act->dead = true;
        changed++;
    }
    return changed;
}
