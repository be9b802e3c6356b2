/* qmatch.h — small matchers the quantization passes share (fuse_qconv,
 * fuse_qpreact, fuse_qconcat, fold_dq): values by index, constants with
 * data, per-tensor parameters, a value's live producer of one op, and
 * values only one node reads. */
#ifndef ONNXCC_QMATCH_H
#define ONNXCC_QMATCH_H

#include "onnxcc.h"

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

#endif
