/* ops/rnn.c — recurrent networks. */
#include "onnxcc.h"

void infer_rnn(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_rnn(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
