/* verify.c — structural invariants of the IR, checked after loading and
 * after every pass in debug builds: value indices in range, one producer per
 * value, use lists that match the nodes, nodes in topological order, arity
 * within the op table, graph inputs/outputs flagged.  The loader has already
 * refused models that break these, so a failure here is a compiler bug and
 * asserts with a description. */
#include "onnxcc.h"

#include <stdlib.h>

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "onnxcc: internal error: IR invariant: ");     \
            fprintf(stderr, __VA_ARGS__);                                  \
            fprintf(stderr, "\n");                                         \
            abort();                                                       \
        }                                                                  \
    } while (0)

void verify_graph(const Graph *g)
{
    int nv = g->nvalues;
    int *producer = malloc(sizeof(int) * ((size_t)nv + 1));
    int *uses = calloc((size_t)nv + 1, sizeof(int));
    CHECK(producer && uses, "out of memory");
    for (int i = 0; i < nv; i++)
        producer[i] = -1;
    for (int ni = 0; ni < g->nnodes; ni++) {
        const Node *n = &g->nodes[ni];
        CHECK(n->op >= 0 && n->op < OP_COUNT, "node %d has op %d", ni, n->op);
        const OpInfo *oi = &op_info[n->op];
        CHECK(!n->res || (n->op == OP_CONV && n->nin == 4 + n->scale_in && n->in[3] >= 0),
              "node %d (%s) has a bad residual", ni, oi->name);
        CHECK(!n->colbias || (n->op == OP_MATMUL && n->nin == 3 && n->in[2] >= 0), "node %d (%s) has a bad bias",
              ni, oi->name);
        CHECK(!n->scale_in || (n->op == OP_CONV && n->nin == 5 && n->in[4] >= 0 && n->pre_scale == n->in[4] &&
                               (n->in[3] >= 0) == n->res),
              "node %d (%s) has a bad input scale", ni, oi->name);
        CHECK(n->nin >= oi->min_in && n->nin <= oi->max_in + (n->scale_in ? 2 : n->res + n->colbias),
              "node %d (%s) has %d inputs", ni, oi->name, n->nin);
        CHECK(n->nout >= oi->min_out && n->nout <= oi->max_out + n->slices, "node %d (%s) has %d outputs", ni, oi->name, n->nout);
        for (int k = 0; k < n->nin; k++) {
            int v = n->in[k];
            if (v < 0)
                continue;
            CHECK(v < nv, "node %d input %d out of range", ni, k);
            CHECK(producer[v] >= 0 || (g->values[v].flags & (V_INPUT | V_CONST)),
                  "node %d input %d (value %d) used before it is produced", ni, k, v);
            uses[v]++;
        }
        for (int k = 0; k < n->nout; k++) {
            int v = n->out[k];
            if (v < 0)
                continue;
            CHECK(v < nv, "node %d output %d out of range", ni, k);
            CHECK(producer[v] < 0, "value %d produced twice", v);
            CHECK(!(g->values[v].flags & (V_INPUT | V_CONST)), "value %d is an input/constant and produced", v);
            producer[v] = ni;
        }
    }
    for (int i = 0; i < nv; i++) {
        const Value *v = &g->values[i];
        CHECK(v->producer == producer[i], "value %d records producer %d, actual %d", i, v->producer, producer[i]);
        CHECK(v->nuses == uses[i], "value %d records %d uses, actual %d", i, v->nuses, uses[i]);
        for (int u = 0; u < v->nuses; u++)
            CHECK(v->uses[u] >= 0 && v->uses[u] < g->nnodes, "value %d use out of range", i);
        CHECK(v->rank <= MAX_RANK, "value %d rank %d", i, v->rank);
    }
    for (int i = 0; i < g->ninputs; i++)
        CHECK(g->inputs[i] >= 0 && g->inputs[i] < nv && (g->values[g->inputs[i]].flags & V_INPUT), "graph input %d", i);
    for (int i = 0; i < g->noutputs; i++)
        CHECK(g->outputs[i] >= 0 && g->outputs[i] < nv && (g->values[g->outputs[i]].flags & V_OUTPUT) &&
                  (producer[g->outputs[i]] >= 0 || (g->values[g->outputs[i]].flags & V_CONST)),
              "graph output %d", i); /* a constant one: the emitter copies it */
    free(producer);
    free(uses);
}
