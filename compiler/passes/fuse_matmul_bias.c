/* fuse_matmul_bias.c — MatMul → Add of a constant vector along the last
 * axis (a Linear layer on an input of rank 3 or more, which torch exports as
 * MatMul then Add: ViT, Swin, ConvNeXt, MaxViT) as one MatMul that adds the
 * bias in its epilogue instead of in a pass over its output.
 *
 * Needs: shapes inferred.  Fires when the MatMul's B is a float constant of
 * rank 2 [K][N], its output is read by one Add alone and is not a graph
 * output, the Add's other operand is a float constant of N elements whose
 * dims are all 1 but the last, and the Add's output has the MatMul's
 * output shape.  The MatMul takes the bias as in[2] (Node.colbias) and
 * writes the Add's output; the Add is removed.  The kernels add the bias
 * after the product's last rounding, so the result has the same bits as
 * the Add after it.  Counts the Adds removed. */
#include "onnxcc.h"

#include <string.h>

/* Whether v is a float constant of n elements along its last axis only. */
static bool is_row_vector(const Value *v, int64_t n)
{
    if (!(v->flags & V_CONST) || !v->data || v->dtype != DT_F32 || v->rank < 1 || v->dims[v->rank - 1] != n)
        return false;
    for (int d = 0; d + 1 < v->rank; d++)
        if (v->dims[d] != 1)
            return false;
    return true;
}

int fuse_matmul_bias(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *mm = &g->nodes[i];
        if (mm->dead || mm->op != OP_MATMUL || mm->colbias || mm->nin != 2 || mm->act != ACT_NONE)
            continue;
        const Value *b = &g->values[mm->in[1]], *y = &g->values[mm->out[0]];
        if (!(b->flags & V_CONST) || !b->data || b->dtype != DT_F32 || b->rank != 2 || y->dtype != DT_F32 ||
            y->nuses != 1 || (y->flags & V_OUTPUT))
            continue;
        Node *add = &g->nodes[y->uses[0]];
        if (add->dead || add->op != OP_ADD || add->nin != 2 || add->act != ACT_NONE)
            continue;
        const int other = add->in[0] == mm->out[0] ? add->in[1] : add->in[0];
        if (other == mm->out[0] || !is_row_vector(&g->values[other], b->dims[1]))
            continue;
        const Value *sum = &g->values[add->out[0]];
        if (sum->rank != y->rank || memcmp(sum->dims, y->dims, sizeof(int64_t) * (size_t)y->rank) != 0)
            continue;
        int *in = arena_alloc(&g->arena, sizeof(int) * 3);
        in[0] = mm->in[0];
        in[1] = mm->in[1];
        in[2] = other;
        mm->in = in;
        mm->nin = 3;
        mm->colbias = true;
        mm->out[0] = add->out[0];
        add->dead = true;
        changed++;
    }
    return changed;
}
