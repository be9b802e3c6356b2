/* ops/loss.c — the loss functions. */
#include "onnxcc.h"

void infer_loss(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_loss(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
