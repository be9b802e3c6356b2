/* merge_convs.c — sibling 1x1 Convs that read one tensor run as one Conv.
 *
 * An Inception block opens with several 1x1 Convs of the same input (the
 * heads of its branches: Inception-v3's 64 + 48 + 64 at 35x35, 192 + 3 x
 * 160 at 17x17; GoogLeNet's reductions).  Run one by one, each builds its
 * own copy of the input as the GEMM's B and, with threads, splits a small
 * GEMM.  Merged, the weights are stacked along the output channels and one
 * GEMM of the summed height reads the input once; each former output is a
 * channel slice of the merged output (Value.base / base_chan), where its
 * readers find it as they find a Concat's inputs (slice_concats).  Each
 * output channel is the same sum over the same inputs as before.
 *
 * Needs: shapes inferred, the other passes done (fuse_act, fuse_preact and
 * slice_concats placed epilogues, pre-activations and Concat inputs).
 * Fires on two or more Convs that read the same tensor as input 0, each
 * 2-D, 1x1, stride 1, unpadded, undilated, one group, with float32
 * constant weights (and bias), the same pre-activation and epilogue
 * activation, no residual, and an output that is not a graph output and
 * is read only by kernels that take an image stride (batch > 1: a slice
 * is strided), or is placed in a Concat's buffer with batch 1 (below).
 * Only maps of more than MIN_PLANE pixels: on smaller ones each Conv is
 * one band whose input channels the kernels split instead (a small map's
 * K split), which a merged Conv with more outputs than inputs would lose.  One layer,
 * weights cold, Intel Xeon, 1 / 2 threads, separate -> merged:
 * Inception-v3's 288 -> 64 + 48 + 64 at 35x35 0.78 -> 0.66 ms / 0.62 ->
 * 0.44, 192 -> 64 + 48 + 64 0.46 -> 0.44 / 0.33 -> 0.27, 768 -> 192 + 160
 * + 160 at 17x17 1.15 -> 1.16 / 0.87 -> 0.68; at 8x8, 1280 -> 320 + 384 +
 * 448 was 8% slower on one thread.
 *
 * A sibling whose output slice_concats already placed in a Concat's
 * buffer (the block's 1x1 branch) joins with batch 1: the merged Conv
 * writes it to a slice of its own output, and an Identity right after
 * copies that into the Concat's buffer (313 KB at 35x35, a few percent of
 * the merged layer's time).  Whole model, interleaved runs, Intel Xeon:
 * Inception-v3 (8 merges, 3 + 4 with such a copy) 0.954 on two threads,
 * 0.99 on one; GoogLeNet (2, at 28x28) unchanged.
 *
 * The first of the siblings in the schedule becomes the merged Conv, named
 * after all of them joined by '+', and the others go.  Its outputs: out[0] the merged tensor, then each
 * sibling's own (or the copy's source), whose buffers are slices of
 * out[0] (Node.slices); so they keep a producer, and the memory plan keeps
 * out[0] alive until the last reader of any slice. */
#include "onnxcc.h"

#include <stdlib.h>
#include <string.h>

#define MIN_PLANE 256 /* output pixels; the runtime's SMALL_COLS */

static const float *f32_const(const Graph *g, int vi)
{
    const Value *v = &g->values[vi];
    return vi >= 0 && (v->flags & V_CONST) && v->dtype == DT_F32 ? v->data : NULL;
}

static bool has_bias(const Node *n)
{
    return n->nin > 2 && n->in[2] >= 0;
}

/* A Conv this pass can merge, on its own. */
static bool mergeable(const Graph *g, const Node *n)
{
    if (n->op != OP_CONV || n->dead || n->res || n->colbias || n->nout != 1 || n->nin > 3)
        return false;
    const Value *x = &g->values[n->in[0]], *w = &g->values[n->in[1]], *y = &g->values[n->out[0]];
    return x->rank == 4 && x->dtype == DT_F32 && w->rank == 4 && w->dims[2] == 1 && w->dims[3] == 1 &&
           f32_const(g, n->in[1]) && (!has_bias(n) || f32_const(g, n->in[2])) &&
           attr_int(g, n, "group", 1) == 1 && attr_ints_all(g, n, "strides", 1) && attr_unpadded(g, n) &&
           attr_ints_all(g, n, "dilations", 1) &&
           y->rank == 4 && y->dims[2] * y->dims[3] > MIN_PLANE && !(y->flags & V_OUTPUT) &&
           (y->base < 0 ? slice_readers_ok(g, y) : y->dims[0] == 1);
}

/* Whether b runs exactly as a does apart from its weights. */
static bool same_kind(const Node *a, const Node *b)
{
    return a->in[0] == b->in[0] && a->pre_scale == b->pre_scale && a->pre_shift == b->pre_shift &&
           a->pre_relu == b->pre_relu && a->act == b->act && a->act_a == b->act_a && a->act_b == b->act_b;
}

/* Merges nodes sib[0 .. k) (schedule order) into sib[0]; returns how many
 * copies it placed after it. */
static int merge(Graph *g, const int *sib, int k)
{
    const Value *x = &g->values[g->nodes[sib[0]].in[0]];
    const int64_t cin = x->dims[1];
    int64_t mtot = 0;
    for (int s = 0; s < k; s++)
        mtot += g->values[g->nodes[sib[s]].in[1]].dims[0];
    float *w = malloc(sizeof(float) * (size_t)(mtot * cin)), *bias = calloc((size_t)mtot, sizeof(float));
    if (!w || !bias)
        fatal("out of memory");
    int64_t m0 = 0;
    for (int s = 0; s < k; s++) {
        const Node *n = &g->nodes[sib[s]];
        const int64_t m = g->values[n->in[1]].dims[0];
        memcpy(w + m0 * cin, f32_const(g, n->in[1]), sizeof(float) * (size_t)(m * cin));
        if (has_bias(n))
            memcpy(bias + m0, f32_const(g, n->in[2]), sizeof(float) * (size_t)m);
        m0 += m;
    }
    const Value *y0 = &g->values[g->nodes[sib[0]].out[0]];
    int64_t wdims[4] = {mtot, cin, 1, 1}, bdims[1] = {mtot};
    int64_t ydims[4] = {y0->dims[0], mtot, y0->dims[2], y0->dims[3]};
    const char *stem = arena_printf(&g->arena, "%s#merged", y0->name);
    while (graph_find_value(g, stem) >= 0)
        stem = arena_printf(&g->arena, "%s'", stem);
    /* graph_add_* may move the values: indices only from here */
    const int wi = graph_add_const(g, arena_printf(&g->arena, "%s_weight", stem), 4, wdims, w);
    const int bi = graph_add_const(g, arena_printf(&g->arena, "%s_bias", stem), 1, bdims, bias);
    free(w);
    free(bias);
    const int yi = graph_add_value(g, stem);
    Value *Y = &g->values[yi];
    Y->dtype = DT_F32;
    Y->rank = 4;
    memcpy(Y->dims, ydims, sizeof ydims);
    Y->offset = -1;

    int *in = arena_alloc(&g->arena, sizeof(int) * 3), *out = arena_alloc(&g->arena, sizeof(int) * (size_t)(k + 1));
    in[0] = g->nodes[sib[0]].in[0];
    in[1] = wi;
    in[2] = bi;
    out[0] = yi;
    int64_t ch = 0;
    int ncopies = 0, *copy = arena_alloc(&g->arena, sizeof(int) * 2 * (size_t)k);
    for (int s = 0; s < k; s++) {
        const int vi = g->nodes[sib[s]].out[0];
        int si = vi;
        if (g->values[vi].base >= 0) { /* placed: a slice of F, then copied */
            si = graph_add_value(g, arena_printf(&g->arena, "%s#%lld", g->values[yi].name, (long long)ch));
            Value *t = &g->values[si];
            const Value *v = &g->values[vi];
            t->dtype = DT_F32;
            t->rank = 4;
            memcpy(t->dims, v->dims, sizeof t->dims);
            t->offset = -1;
            copy[2 * ncopies] = si;
            copy[2 * ncopies + 1] = vi;
            ncopies++;
        }
        Value *t = &g->values[si];
        out[1 + s] = si;
        t->base = yi;
        t->base_chan = ch;
        ch += t->dims[1];
        if (s)
            g->nodes[sib[s]].dead = true;
    }
    Node *n0 = &g->nodes[sib[0]];
    n0->in = in;
    n0->nin = 3;
    n0->out = out;
    n0->nout = k + 1;
    n0->slices = k;
    const char *name = n0->name; /* the copies': the first sibling's */
    /* named after all the siblings (bench/layers.py splits its time) */
    for (int s = 1; s < k; s++)
        n0->name = arena_printf(&g->arena, "%s+%s", n0->name, g->nodes[sib[s]].name);
    /* The copies run right after the merged Conv. */
    for (int c = 0; c < ncopies; c++) {
        const int ni = graph_add_node(g, OP_IDENTITY, "Identity", arena_printf(&g->arena, "%s#copy%d", name, c), 1, 1);
        g->nodes[ni].in[0] = copy[2 * c];
        g->nodes[ni].out[0] = copy[2 * c + 1];
        const Node moved = g->nodes[ni];
        const int at = sib[0] + 1 + c;
        memmove(&g->nodes[at + 1], &g->nodes[at], sizeof(Node) * (size_t)(ni - at));
        g->nodes[at] = moved;
    }
    graph_link(g);
    return ncopies;
}

int merge_convs(Graph *g)
{
    int *sib = malloc(sizeof(int) * ((size_t)g->nnodes + 1));
    if (!sib)
        fatal("out of memory");
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        if (!mergeable(g, &g->nodes[i]))
            continue;
        int k = 0;
        sib[k++] = i;
        for (int j = i + 1; j < g->nnodes; j++)
            if (mergeable(g, &g->nodes[j]) && same_kind(&g->nodes[i], &g->nodes[j]))
                sib[k++] = j;
        if (k < 2)
            continue;
        i += merge(g, sib, k);
        changed++;
    }
    free(sib);
    return changed;
}
