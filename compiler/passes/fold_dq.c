/* fold_dq.c — a DequantizeLinear of constant weights that no integer
 * kernel took over (a depthwise or grouped conv's weights, a Gemm or
 * MatMul fuse_qgemm left: float32 input, a bias of another form, ...) becomes a float32 constant, computed once
 * here as the reference loop computes it at run time:
 * (float)(q - zero_point) * scale, per tensor or per axis.
 *
 * Needs: shapes inferred; runs after the integer fusions (fuse_qconv,
 * fuse_qpreact, fuse_qconcat, fuse_qadd, fuse_qgemm), which read such DequantizeLinears as they
 * are.  Fires when input, scale and zero point (if any) are constants, the
 * scale float32, the input 8-bit or int32, no block_size, and the output
 * is not a graph output.  Readers read the new constant; the node goes.
 * The weights then take 4 bytes an element instead of 1 in the program. */
#include "onnxcc.h"
#include "qmatch.h"

#include <string.h>

static int64_t elem(const Value *v, int64_t i)
{
    switch (v->dtype) {
    case DT_U8: return ((const uint8_t *)v->data)[i];
    case DT_I8: return ((const int8_t *)v->data)[i];
    default: {
        int32_t x;
        memcpy(&x, (const char *)v->data + 4 * i, 4);
        return x;
    }
    }
}

int fold_dq(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *d = &g->nodes[i];
        if (d->dead || d->op != OP_DEQUANTIZELINEAR || d->nin < 2)
            continue;
        const Value *x = &g->values[d->in[0]], *s = &g->values[d->in[1]];
        const Value *z = d->nin > 2 && d->in[2] >= 0 ? &g->values[d->in[2]] : NULL;
        const Value *y = &g->values[d->out[0]];
        if (!is_const(x) || !is_const(s) || (z && !is_const(z)) || s->dtype != DT_F32 ||
            (x->dtype != DT_U8 && x->dtype != DT_I8 && x->dtype != DT_I32) || (z && z->dtype != x->dtype) ||
            (y->flags & V_OUTPUT) || attr_int(g, d, "block_size", 0) != 0 || x->rank < 0)
            continue;
        const int64_t n = value_numel(x), ns = value_numel(s);
        int64_t inner = 1, A = 1;
        if (ns != 1) { /* per axis: one scale per index of the axis */
            int64_t axis = attr_int(g, d, "axis", 1);
            if (axis < 0)
                axis += x->rank;
            if (axis < 0 || axis >= x->rank || x->dims[axis] != ns || (z && value_numel(z) != ns))
                continue;
            A = ns;
            for (int k = (int)axis + 1; k < x->rank; k++)
                inner *= x->dims[k];
        } else if (z && value_numel(z) != 1) {
            continue;
        }
        float *f = arena_alloc(&g->arena, sizeof(float) * (size_t)(n ? n : 1));
        for (int64_t e = 0; e < n; e++) {
            const int64_t q = A == 1 ? 0 : e / inner % A;
            float sc;
            memcpy(&sc, (const char *)s->data + 4 * q, 4);
            f[e] = (float)(elem(x, e) - (z ? elem(z, q) : 0)) * sc;
        }
        int64_t dims[MAX_RANK]; /* graph_add_const may move g->values */
        const int rank = x->rank;
        memcpy(dims, x->dims, sizeof(int64_t) * (size_t)rank);
        const int c = graph_add_const(g, arena_printf(&g->arena, "%s_folded", y->name), rank, dims, f);
        d = &g->nodes[i];
        graph_replace_uses(g, d->out[0], c);
        d->dead = true;
        changed++;
    }
    return changed;
}
