/* inline_functions.c — ONNX local functions (ModelProto.functions, as newer
 * exporters emit for modules) expanded into the nodes they stand for.
 *
 * Runs inside load_model() before any node is read, so everything after
 * sees plain ONNX ops.  A node calls a function when its (domain, op_type)
 * is a function's (domain, name).  The call becomes copies of the
 * function's nodes in which formal inputs and outputs are the call's actual
 * tensors, every other tensor gets a name unique to the call
 * ("<function>#<call>/<name>"), attributes with ref_attr_name take the
 * call's attribute of that name (dropped if the call has none), and node
 * names are prefixed with the call's (unnamed nodes take the call's name).
 * Functions calling functions expand too, at most MAX_INLINE_DEPTH deep
 * (so recursion is an error); the expanded graph may not exceed MAX_NODES
 * nodes nor take more than MAX_NODES calls (functions without nodes calling
 * each other would otherwise cost time exponential in the depth and produce
 * nothing).  A function must import the model's version of the default
 * opset. */
#include "onnxcc.h"

#include <string.h>

#include "onnx.pb-c.h"

#define MAX_INLINE_DEPTH 16

typedef struct {
    Graph *g;
    const Onnx__ModelProto *m;
    const Onnx__NodeProto **nodes; /* the expanded list (arena) */
    size_t n, cap;
    int calls;
} Inliner;

static const char *str(const char *s)
{
    return s ? s : "";
}

static const Onnx__FunctionProto *find_function(const Onnx__ModelProto *m, const Onnx__NodeProto *np)
{
    for (size_t i = 0; i < m->n_functions; i++) {
        const Onnx__FunctionProto *f = m->functions[i];
        if (!strcmp(str(f->name), str(np->op_type)) && !strcmp(str(f->domain), str(np->domain)))
            return f;
    }
    return NULL;
}

static void push(Inliner *in, const Onnx__NodeProto *np)
{
    if (in->n >= MAX_NODES)
        fatal("more than %d nodes once local functions are expanded", MAX_NODES);
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 256;
        const Onnx__NodeProto **nodes = arena_alloc(&in->g->arena, sizeof *nodes * cap);
        if (in->n)
            memcpy(nodes, in->nodes, sizeof *nodes * in->n);
        in->nodes = nodes;
        in->cap = cap;
    }
    in->nodes[in->n++] = np;
}

/* The call's name for tensor `name` of function f's body. */
static char *call_name(Inliner *in, const Onnx__FunctionProto *f, const Onnx__NodeProto *call, int id,
                    const char *name)
{
    if (!name || !*name)
        return "";
    for (size_t k = 0; k < f->n_input; k++)
        if (!strcmp(str(f->input[k]), name))
            return k < call->n_input ? call->input[k] : "";
    for (size_t k = 0; k < f->n_output; k++)
        if (!strcmp(str(f->output[k]), name) && k < call->n_output && call->output[k] && *call->output[k])
            return call->output[k];
    return arena_printf(&in->g->arena, "%s#%d/%s", str(f->name), id, name);
}

static void expand(Inliner *in, const Onnx__NodeProto *np, int depth);

static void expand_call(Inliner *in, const Onnx__FunctionProto *f, const Onnx__NodeProto *call, int depth)
{
    Arena *a = &in->g->arena;
    if (depth >= MAX_INLINE_DEPTH)
        fatal("node '%s' (%s): local functions nest more than %d deep (recursive?)", printable(str(call->name)),
              printable(str(call->op_type)), MAX_INLINE_DEPTH);
    for (size_t i = 0; i < f->n_opset_import; i++) {
        const char *d = str(f->opset_import[i]->domain);
        if ((!*d || !strcmp(d, "ai.onnx")) && f->opset_import[i]->version != in->g->opset)
            fatal("local function '%s' imports opset %lld, the model %lld; not supported", printable(str(f->name)),
                  (long long)f->opset_import[i]->version, (long long)in->g->opset);
    }
    if (in->calls >= MAX_NODES)
        fatal("more than %d local function calls once functions are expanded", MAX_NODES);
    int id = in->calls++;
    for (size_t i = 0; i < f->n_node; i++) {
        const Onnx__NodeProto *src = f->node[i];
        Onnx__NodeProto *np = arena_alloc(a, sizeof *np);
        *np = *src;
        np->name = src->name && *src->name ? arena_printf(a, "%s/%s", str(call->name), src->name) : call->name;
        np->input = arena_alloc(a, sizeof(char *) * (src->n_input + 1));
        np->output = arena_alloc(a, sizeof(char *) * (src->n_output + 1));
        for (size_t k = 0; k < src->n_input; k++)
            np->input[k] = call_name(in, f, call, id, src->input[k]);
        for (size_t k = 0; k < src->n_output; k++)
            np->output[k] = call_name(in, f, call, id, src->output[k]);
        np->attribute = arena_alloc(a, sizeof(void *) * (src->n_attribute + 1));
        np->n_attribute = 0;
        for (size_t k = 0; k < src->n_attribute; k++) {
            Onnx__AttributeProto *at = src->attribute[k];
            if (at->ref_attr_name && *at->ref_attr_name) {
                const Onnx__AttributeProto *given = NULL;
                for (size_t c = 0; c < call->n_attribute; c++)
                    if (!strcmp(str(call->attribute[c]->name), at->ref_attr_name))
                        given = call->attribute[c];
                if (!given)
                    continue;
                Onnx__AttributeProto *copy = arena_alloc(a, sizeof *copy);
                *copy = *given;
                copy->name = at->name;
                copy->ref_attr_name = NULL;
                at = copy;
            }
            np->attribute[np->n_attribute++] = at;
        }
        expand(in, np, depth + 1);
    }
}

static void expand(Inliner *in, const Onnx__NodeProto *np, int depth)
{
    const Onnx__FunctionProto *f = find_function(in->m, np);
    if (f)
        expand_call(in, f, np, depth);
    else
        push(in, np);
}

const Onnx__NodeProto *const *inline_functions(Graph *g, const Onnx__ModelProto *m, size_t *n)
{
    const Onnx__GraphProto *gp = m->graph;
    if (m->n_functions == 0) {
        *n = gp->n_node;
        return (const Onnx__NodeProto *const *)gp->node;
    }
    Inliner in = {.g = g, .m = m};
    for (size_t i = 0; i < gp->n_node; i++)
        expand(&in, gp->node[i], 0);
    *n = in.n;
    return in.nodes;
}
