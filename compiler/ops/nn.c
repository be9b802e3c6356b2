/* ops/nn.c — ConvTranspose, the other pools, Einsum. */
#include "onnxcc.h"

void infer_nn(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_nn(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
