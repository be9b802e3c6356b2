/* ops/reduce.c — reductions, arg-reductions and the softmax family.
 *
 * The float32 forms of the ops the core already lowered (see ops/reduce.h)
 * go to infer_core / lower_core unchanged. */
#include "onnxcc.h"

void infer_reduce(Graph *g, Node *n)
{
    infer_core(g, n);
}

void lower_reduce(Emitter *e, const Node *n, FILE *f)
{
    lower_core(e, n, f);
}
