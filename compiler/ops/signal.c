/* ops/signal.c — window functions, DFT/STFT, MelWeightMatrix and Det. */
#include "onnxcc.h"

void infer_signal(Graph *g, Node *n)
{
    fatal_node(g, n, "unsupported operator");
}

void lower_signal(Emitter *e, const Node *n, FILE *f)
{
    (void)f;
    fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
}
