/* ops/index.c — gathers and scatters by run-time indices. */
#include "onnxcc.h"

void infer_index(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_index(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
