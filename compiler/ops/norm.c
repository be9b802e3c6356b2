/* ops/norm.c — normalizations. */
#include "onnxcc.h"

void infer_norm(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_norm(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
