/* slice_concats.c — Concat chains become channel slices of one buffer.
 *
 * Needs: shapes inferred, the other passes done (so every dense layer's
 * Concat reads the raw features).  A DenseNet block has Concats
 * (x0, f1), (x0, f1, f2), ... (x0, f1, ..., fL) over the same tensors.  The
 * largest Concat of such a family owns the buffer: each of its inputs is
 * written by its producer straight into its channel range of the Concat's
 * output (Value.base / base_chan), and the Concat is elided.  A smaller
 * Concat whose inputs already sit contiguously in one buffer becomes a view
 * of a channel range of it and is elided too.
 *
 * Quantized models the same way: fuse_qconcat's byte Concats, whose inputs
 * a QLinearConv (fuse_qconv's integer conv) or a QuantizeLinear makes, get
 * one uint8 buffer per dense block, written in place.
 *
 * Fires only on Concats along axis 1 of rank-4 tensors whose inputs are
 * intermediates produced by a Conv, QLinearConv, MaxPool, AveragePool,
 * QLinearAveragePool (fuse_qpool's), QRequantize (fuse_qrequant's),
 * QuantizeLinear or DequantizeLinear (lowerings that write with an image
 * stride; DequantizeLinear: the float Concats of a QDQ graph fuse_qconcat
 * left), read nowhere as a graph output, and not already placed
 * elsewhere.  With batch > 1 a
 * slice is strided, so then every reader of a slice must read it with an
 * image stride: a Conv, QLinearConv, pool (GlobalAveragePool included),
 * QuantizeLinear or DequantizeLinear reading it as input 0, or a Concat.
 * Anything else keeps its copying Concat. */
#include "onnxcc.h"

#include <stdlib.h>

static bool strided_writer(const Graph *g, const Value *v)
{
    if (v->producer < 0 || (v->flags & (V_INPUT | V_OUTPUT | V_CONST)))
        return false;
    Op op = g->nodes[v->producer].op;
    return op == OP_CONV || op == OP_QLINEARCONV || op == OP_MAXPOOL || op == OP_AVGPOOL ||
           op == OP_QLINEARAVGPOOL || op == OP_QREQUANT || op == OP_QUANTIZELINEAR || op == OP_DEQUANTIZELINEAR;
}

bool slice_readers_ok(const Graph *g, const Value *v)
{
    if (v->dims[0] == 1)
        return true; /* one image: a channel range is dense */
    for (int u = 0; u < v->nuses; u++) {
        const Node *r = &g->nodes[v->uses[u]];
        if (r->op != OP_CONV && r->op != OP_QLINEARCONV && r->op != OP_MAXPOOL && r->op != OP_AVGPOOL &&
            r->op != OP_QLINEARAVGPOOL && r->op != OP_QREQUANT && r->op != OP_GLOBALAVGPOOL && r->op != OP_QUANTIZELINEAR && r->op != OP_DEQUANTIZELINEAR &&
            r->op != OP_CONCAT)
            return false;
        if (r->in[0] != (int)(v - g->values) && r->op != OP_CONCAT)
            return false;
    }
    return true;
}

static bool candidate(const Graph *g, const Node *n)
{
    if (n->op != OP_CONCAT || n->elided)
        return false;
    const Value *y = &g->values[n->out[0]];
    int64_t axis = attr_int(g, n, "axis", 0);
    if (y->rank != 4 || (axis != 1 && axis != -3) || (y->flags & V_OUTPUT))
        return false;
    for (int k = 0; k < n->nin; k++)
        for (int j = 0; j < k; j++)
            if (n->in[j] == n->in[k])
                return false; /* one tensor cannot live in two places */
    return true;
}

/* Concats by output channels, largest first (stable: ties by index). */
static void sort_by_channels(const Graph *g, int *order, int n)
{
    for (int i = 1; i < n; i++) {
        int x = order[i], j = i;
        int64_t cx = g->values[g->nodes[x].out[0]].dims[1];
        while (j > 0 && g->values[g->nodes[order[j - 1]].out[0]].dims[1] < cx) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
}

int slice_concats(Graph *g)
{
    int *order = malloc(sizeof(int) * ((size_t)g->nnodes + 1));
    if (!order)
        fatal("out of memory");
    int nc = 0;
    for (int i = 0; i < g->nnodes; i++)
        if (candidate(g, &g->nodes[i]))
            order[nc++] = i;
    sort_by_channels(g, order, nc);
    int changed = 0;
    for (int oi = 0; oi < nc; oi++) {
        Node *n = &g->nodes[order[oi]];
        Value *y = &g->values[n->out[0]];
        /* A view: inputs contiguous in one buffer already. */
        const Value *first = &g->values[n->in[0]];
        if (first->base >= 0) {
            int base = first->base;
            int64_t ch = first->base_chan;
            bool ok = slice_readers_ok(g, y);
            for (int k = 0; k < n->nin && ok; k++) {
                const Value *v = &g->values[n->in[k]];
                ok = v->base == base && v->base_chan == ch;
                ch += v->dims[1];
            }
            if (ok) {
                y->base = base;
                y->base_chan = first->base_chan;
                n->elided = true;
                changed++;
            }
            continue;
        }
        /* The owner: every input unplaced and written with a stride. */
        bool ok = slice_readers_ok(g, y);
        for (int k = 0; k < n->nin && ok; k++) {
            const Value *v = &g->values[n->in[k]];
            ok = v->base < 0 && strided_writer(g, v) && slice_readers_ok(g, v);
        }
        if (!ok)
            continue;
        int64_t ch = 0;
        for (int k = 0; k < n->nin; k++) {
            Value *v = &g->values[n->in[k]];
            v->base = n->out[0];
            v->base_chan = ch;
            ch += v->dims[1];
        }
        n->elided = true;
        changed++;
    }
    free(order);
    return changed;
}

int64_t concat_copy_bytes(const Graph *g)
{
    int64_t total = 0;
    for (int i = 0; i < g->nnodes; i++) {
        const Node *n = &g->nodes[i];
        if (n->op == OP_CONCAT && !n->elided)
            total += (int64_t)dtype_size(g->values[n->out[0]].dtype) * value_numel(&g->values[n->out[0]]);
    }
    return total;
}
