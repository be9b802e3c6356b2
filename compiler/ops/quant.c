/* ops/quant.c — quantization. */
#include "onnxcc.h"

void infer_quant(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_quant(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
