/* ops/movement.c — data movement: copies, views and shape ops.
 *
 * The float32 forms of the ops the core already lowered (see ops/movement.h)
 * go to infer_core / lower_core unchanged. */
#include "onnxcc.h"

void infer_movement(Graph *g, Node *n)
{
    infer_core(g, n);
}

void lower_movement(Emitter *e, const Node *n, FILE *f)
{
    lower_core(e, n, f);
}
