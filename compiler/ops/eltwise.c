/* ops/eltwise.c — element-wise math, logic, activations and casts.
 *
 * The float32 forms of the ops the core already lowered (see ops/eltwise.h)
 * go to infer_core / lower_core unchanged. */
#include "onnxcc.h"

static bool all_f32(const Graph *g, const Node *n)
{
    for (int k = 0; k < n->nin; k++)
        if (has_in(n, k) && g->values[n->in[k]].dtype != DT_F32)
            return false;
    return true;
}

void infer_eltwise(Graph *g, Node *n)
{
    if (all_f32(g, n))
        return infer_core(g, n);
    switch (n->op) {
    case OP_ADD: case OP_MUL: case OP_DIV: {
        const Value *a = in_val(g, n, 0), *b = in_val(g, n, 1);
        if (a->dtype != b->dtype)
            fatal_node(g, n, "inputs '%s' (%s) and '%s' (%s) differ in type", vname(a), dtype_name(a->dtype),
                       vname(b), dtype_name(b->dtype));
        int64_t od[MAX_RANK];
        int r = broadcast_dims(g, n, a, b, od);
        set_out(g, n, 0, a->dtype, r, od);
        return;
    }
    default:
        infer_core(g, n);
    }
}

void lower_eltwise(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if (all_f32(g, n))
        return lower_core(e, n, f);
    switch (n->op) {
    case OP_ADD:
        emit_map(e, n, f, 2, n->in, n->out[0], "$0 + $1");
        return;
    case OP_MUL:
        emit_map(e, n, f, 2, n->in, n->out[0], "$0 * $1");
        return;
    default:
        lower_core(e, n, f);
    }
}
