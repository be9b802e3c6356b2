/* fuse_scale.c — the channel-broadcast Mul of squeeze-and-excitation read
 * by the Conv after it: EfficientNet's, MobileNetV3's and RegNetY's
 *
 *     x [1,C,H,W] -> GlobalAveragePool -> ... -> Sigmoid -> s [1,C,1,1]
 *     Mul(x, s) -> Conv
 *
 * becomes a Conv that reads x and multiplies each input channel c by s[c]
 * as it reads it (its pre-activation, with a scale made at run time), so
 * the scaled copy of x is never written nor read back.
 *
 * Needs: shapes inferred, fuse_add first (it rebuilds a Conv's inputs).
 * Fires on a float32 Mul of a rank-4 tensor x of batch 1 and a tensor s of
 * shape [1,C,1,1] (either operand order; s need not be a constant) whose
 * output has x's shape, is read by one Conv alone as its data input and is
 * not a graph output, when that Conv has group 1 and no pre-activation yet.
 * The Conv then reads x, takes s as in[4] (Node.scale_in; in[3] is its
 * residual or -1) and as its pre_scale, and the Mul is removed.  The Conv's
 * pre-activation computes x*s[c] + 0, the Mul's product (x*s = -0 becomes
 * +0, which no sum can tell apart).  Batch 1 only: the pre-activation's
 * scale is one value per channel, the same for every image.  Counts the
 * Muls removed. */
#include "onnxcc.h"

/* Whether v has shape [1,C,1,1]. */
static bool channel_vector(const Value *v, int64_t C)
{
    return v->rank == 4 && v->dims[0] == 1 && v->dims[1] == C && v->dims[2] == 1 && v->dims[3] == 1;
}

/* The operand of mul that is the scaled tensor (the other being the
 * scale), or -1. */
static int scaled_operand(const Graph *g, const Node *mul)
{
    const Value *y = &g->values[mul->out[0]];
    if (mul->nin != 2 || mul->in[0] == mul->in[1] || y->dtype != DT_F32 || y->rank != 4 || y->dims[0] != 1)
        return -1;
    for (int k = 0; k < 2; k++) {
        const Value *x = &g->values[mul->in[k]], *s = &g->values[mul->in[1 - k]];
        if (x->dtype == DT_F32 && s->dtype == DT_F32 && x->rank == 4 && x->dims[0] == 1 &&
            x->dims[1] == y->dims[1] && x->dims[2] == y->dims[2] && x->dims[3] == y->dims[3] &&
            channel_vector(s, y->dims[1]) && !(y->dims[2] == 1 && y->dims[3] == 1))
            return k;
    }
    return -1;
}

int fuse_scale(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *mul = &g->nodes[i];
        if (mul->op != OP_MUL || mul->dead)
            continue;
        const int k = scaled_operand(g, mul);
        if (k < 0)
            continue;
        /* one use: a Conv reading it as its weights or bias too has two */
        Node *conv = sole_reader(g, mul->out[0]);
        if (!conv || conv->op != OP_CONV || conv->in[0] != mul->out[0] || conv->pre_scale >= 0 ||
            conv->pre_shift >= 0 || conv->pre_relu || conv->scale_in || attr_int(g, conv, "group", 1) != 1)
            continue;
        int *in = arena_alloc(&g->arena, sizeof(int) * 5);
        for (int j = 0; j < 4; j++)
            in[j] = j < conv->nin ? conv->in[j] : -1;
        in[0] = mul->in[k];
        in[4] = mul->in[1 - k];
        conv->in = in;
        conv->nin = 5;
        conv->scale_in = true;
        conv->pre_scale = in[4];
        mul->dead = true;
        changed++;
    }
    return changed;
}
