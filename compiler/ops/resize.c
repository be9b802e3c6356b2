/* ops/resize.c — Resize and Upsample. */
#include "onnxcc.h"

void infer_resize(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_resize(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
