/* qmatch.h — small matchers the quantization passes share (fuse_qconv,
 * fuse_qpreact, fuse_qconcat, fold_dq, fuse_qpool): values by index,
 * constants with data, per-tensor parameters, a value's live producer of
 * one op, values only one node reads, a Q / DQ node's uint8 parameters,
 * the QuantizeLinear a fusion ends at, turning a node into the fused op,
 * and the sweep of DequantizeLinears nothing reads any more. */
#ifndef ONNXCC_QMATCH_H
#define ONNXCC_QMATCH_H

#include "onnxcc.h"

#include <string.h>

static inline const Value *val(const Graph *g, int vi) { return vi >= 0 ? &g->values[vi] : NULL; }

static inline bool is_const(const Value *v) { return v && (v->flags & V_CONST) && v->data; }

static inline bool per_tensor(const Value *v) { return v->rank <= 1 && value_numel(v) == 1; }

/* The producer of value vi if it is a live node of op `op`, else NULL. */
static inline Node *made_by(Graph *g, int vi, Op op)
{
    const Value *v = val(g, vi);
    if (!v || v->producer < 0)
        return NULL;
    Node *n = &g->nodes[v->producer];
    return !n->dead && n->op == op ? n : NULL;
}

/* A value read by one node alone and not a graph output. */
static inline bool private_value(const Graph *g, int vi)
{
    const Value *v = val(g, vi);
    return v && v->nuses == 1 && !(v->flags & V_OUTPUT);
}

/* Scale *s and zero point *z of QuantizeLinear / DequantizeLinear n when
 * they are constant, per tensor, float32 and uint8. */
static inline bool q_u8_params(const Graph *g, const Node *n, float *s, uint8_t *z)
{
    if (n->nin < 3 || n->in[2] < 0)
        return false;
    const Value *S = val(g, n->in[1]), *Z = val(g, n->in[2]);
    if (!is_const(S) || !is_const(Z) || S->dtype != DT_F32 || Z->dtype != DT_U8 || !per_tensor(S) || !per_tensor(Z))
        return false;
    memcpy(s, S->data, sizeof *s);
    *z = *(const uint8_t *)Z->data;
    return true;
}

/* A live QuantizeLinear q with uint8 per-tensor parameters (*s, *z) whose
 * input only q reads: the output end of every quantized fusion. */
static inline bool q_u8_sole_reader(const Graph *g, const Node *q, float *s, uint8_t *z)
{
    return !q->dead && q->op == OP_QUANTIZELINEAR && q_u8_params(g, q, s, z) && private_value(g, q->in[0]);
}

/* Node n becomes the fused op `op` (op_type `name`) reading the nin values
 * src (copied into the graph's arena). */
static inline void become(Graph *g, Node *n, Op op, const char *name, const int *src, int nin)
{
    int *in = arena_alloc(&g->arena, sizeof(int) * (size_t)nin);
    memcpy(in, src, sizeof(int) * (size_t)nin);
    n->op = op;
    n->op_type = arena_strdup(&g->arena, name);
    n->in = in;
    n->nin = nin;
}

/* Relinks g and marks dead the DequantizeLinears whose output nothing
 * reads (and is not a graph output). */
static inline void drop_unread_dq(Graph *g)
{
    graph_link(g);
    for (int i = 0; i < g->nnodes; i++) {
        Node *d = &g->nodes[i];
        const Value *y = d->dead || d->op != OP_DEQUANTIZELINEAR ? NULL : val(g, d->out[0]);
        if (y && y->nuses == 0 && !(y->flags & V_OUTPUT))
            d->dead = true;
    }
}

#endif
