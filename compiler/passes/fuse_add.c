/* fuse_add.c — a residual Add of two tensors of one shape, the Relu / Clip /
 * LeakyRelu after it, and where it can be, the Conv that makes one of its
 * operands, as one node (ResNet's `Conv -> Add -> Relu`, MobileNetV2's
 * projection `Conv -> Add`).
 *
 * Needs: shapes inferred, nodes in topological order.  Fires on an Add whose
 * two inputs have the output's shape (no broadcast).  First, the activation,
 * if it alone reads the sum and the sum is not a graph output, becomes the
 * Add's epilogue (Node.act) and is removed.  Then, if one operand is made by
 * a Conv with no epilogue yet, read by this Add alone and not a graph output,
 * and the other operand (the skip connection) exists before that Conv runs,
 * the Add goes into the Conv: the skip connection becomes the Conv's
 * residual input in[3] (Node.res), added to each output before the
 * activation, and the Conv writes the Add's output.  Depthwise Convs keep
 * their Add (their kernel takes no residual).  An Add left over runs as one
 * dense pass (onnxcc_f32_add_act) instead of a broadcasting Add and an
 * activation.  Counts the nodes removed. */
#include "onnxcc.h"

#include <string.h>

static bool same_dims(const Value *a, const Value *b)
{
    return a->rank == b->rank && memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) == 0;
}

/* Moves add's activation, if any, into it; returns whether it did. */
static bool take_act(Graph *g, Node *add)
{
    const Value *y = &g->values[add->out[0]];
    if (add->act != ACT_NONE || y->nuses != 1 || (y->flags & V_OUTPUT))
        return false;
    Node *act = &g->nodes[y->uses[0]];
    int kind;
    float a, b;
    if (!act_params(g, act, &kind, &a, &b))
        return false;
    add->act = kind;
    add->act_a = a;
    add->act_b = b;
    add->out[0] = act->out[0];
    act->dead = true;
    return true;
}

/* The Conv that can take add with operand k as its output and the other as
 * its residual, or NULL. */
static Node *residual_conv(Graph *g, const Node *add, int k)
{
    const Value *c = &g->values[add->in[k]], *r = &g->values[add->in[1 - k]];
    if (c->producer < 0 || c->nuses != 1 || (c->flags & V_OUTPUT) || add->in[0] == add->in[1])
        return NULL;
    Node *conv = &g->nodes[c->producer];
    if (conv->op != OP_CONV || conv->act != ACT_NONE || conv->res || conv->dead)
        return NULL;
    if (r->producer >= c->producer) /* the skip connection is not ready yet */
        return NULL;
    const int64_t group = attr_int(g, conv, "group", 1);
    if (group > 1 && group == g->values[conv->in[0]].dims[1] && group == c->dims[1])
        return NULL; /* depthwise */
    return conv;
}

/* Makes conv compute add, reading the other operand as its residual. */
static void into_conv(Graph *g, Node *add, Node *conv, int k)
{
    int *in = arena_alloc(&g->arena, sizeof(int) * 4);
    for (int i = 0; i < 3; i++)
        in[i] = i < conv->nin ? conv->in[i] : -1;
    in[3] = add->in[1 - k];
    conv->in = in;
    conv->nin = 4;
    conv->res = true;
    conv->act = add->act;
    conv->act_a = add->act_a;
    conv->act_b = add->act_b;
    conv->out[0] = add->out[0];
    add->dead = true;
}

int fuse_add(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *add = &g->nodes[i];
        if (add->op != OP_ADD || add->dead)
            continue;
        const Value *y = &g->values[add->out[0]];
        if (!same_dims(&g->values[add->in[0]], y) || !same_dims(&g->values[add->in[1]], y) || y->dtype != DT_F32)
            continue;
        changed += take_act(g, add);
        for (int k = 0; k < 2; k++) {
            Node *conv = residual_conv(g, add, k);
            if (conv) {
                into_conv(g, add, conv, k);
                changed++;
                break;
            }
        }
    }
    return changed;
}
