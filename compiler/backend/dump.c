/* dump.c — `onnxcc --dump-ir[=STAGE]`: the whole IR as one YAML document,
 * values then nodes, in index order (so two dumps of the same graph are
 * byte-identical).  Constant data is left out; tensor attributes appear as
 * the index of their V_CONST value.
 *
 * Needs: any graph (shapes may be unknown).  Changes nothing. */
#include "yaml_out.h"

static void int_list(YamlOut *y, const int *v, int n)
{
    yo_seq(y, true);
    for (int i = 0; i < n; i++)
        yo_int(y, v[i]);
    yo_seq_end(y);
}

static void value_ref(YamlOut *y, const Graph *g, int vi)
{
    if (vi < 0 || vi >= g->nvalues) { /* an omitted optional input/output */
        yo_null(y);
        return;
    }
    yo_map(y, true);
    yo_key(y, "value");
    yo_int(y, vi);
    yo_key(y, "name");
    yo_str(y, g->values[vi].name);
    yo_map_end(y);
}

static void dump_value(YamlOut *y, const Graph *g, int i)
{
    const Value *v = &g->values[i];
    yo_map(y, false);
    yo_key(y, "index");
    yo_int(y, i);
    yo_key(y, "name");
    yo_str(y, v->name);
    yo_key(y, "dtype");
    yo_key(y, dtype_name(v->dtype));
    yo_key(y, "shape");
    yo_shape(y, v);
    yo_key(y, "flags");
    yo_seq(y, true);
    if (v->flags & V_INPUT) yo_key(y, "input");
    if (v->flags & V_OUTPUT) yo_key(y, "output");
    if (v->flags & V_CONST) yo_key(y, "const");
    yo_seq_end(y);
    if (v->flags & V_CONST) {
        yo_key(y, "bytes");
        yo_int(y, v->nbytes);
    }
    yo_key(y, "producer");
    if (v->producer >= 0) yo_int(y, v->producer); else yo_null(y);
    yo_key(y, "uses");
    int_list(y, v->uses, v->nuses);
    if (g->arena_bytes > 0 && v->offset >= 0) {
        yo_key(y, "offset"); /* after plan_memory */
        yo_int(y, v->offset);
    }
    if (v->base >= 0) { /* slice_concats: a channel range of another buffer */
        yo_key(y, "base");
        yo_int(y, v->base);
        yo_key(y, "base_chan");
        yo_int(y, v->base_chan);
    }
    yo_map_end(y);
}

static void dump_attr(YamlOut *y, const Graph *g, const Attr *a)
{
    switch (a->kind) {
    case ATTR_FLOAT:
        yo_float(y, a->f);
        break;
    case ATTR_INT:
        yo_int(y, a->i);
        break;
    case ATTR_STRING:
        yo_str(y, a->s);
        break;
    case ATTR_FLOATS:
        yo_seq(y, true);
        for (int k = 0; k < a->n; k++)
            yo_float(y, a->floats[k]);
        yo_seq_end(y);
        break;
    case ATTR_INTS:
        yo_seq(y, true);
        for (int k = 0; k < a->n; k++)
            yo_int(y, a->ints[k]);
        yo_seq_end(y);
        break;
    case ATTR_TENSOR:
        yo_map(y, true);
        yo_key(y, "tensor");
        if (a->tensor >= 0 && a->tensor < g->nvalues) yo_int(y, a->tensor); else yo_null(y);
        yo_map_end(y);
        break;
    default: { /* graphs, strings, tensors lists: kept as a kind only */
        static const char *const kinds[] = {
            [ATTR_GRAPH] = "graph", [ATTR_STRINGS] = "strings",
            [ATTR_TENSORS] = "tensors", [ATTR_GRAPHS] = "graphs"};
        const char *k = a->kind >= 0 && a->kind < (int)(sizeof kinds / sizeof *kinds) &&
                                kinds[a->kind] ? kinds[a->kind] : "unknown";
        yo_map(y, true);
        yo_key(y, "unsupported");
        yo_key(y, k);
        yo_map_end(y);
    }
    }
}

/* What passes fused into the node: the pre-activation it applies while
 * reading, its epilogue (the residual it adds, the activation), and whether
 * it is an elided Concat. */
static void dump_fused(YamlOut *y, const Graph *g, const Node *n)
{
    if (n->pre_scale < 0 && n->pre_shift < 0 && !n->pre_relu && n->act == ACT_NONE && !n->res && !n->elided)
        return;
    yo_key(y, "fused");
    yo_map(y, false);
    if (n->pre_scale >= 0 || n->pre_shift >= 0 || n->pre_relu) {
        yo_key(y, "pre_scale");
        value_ref(y, g, n->pre_scale);
        yo_key(y, "pre_shift");
        value_ref(y, g, n->pre_shift);
        yo_key(y, "pre_relu");
        yo_int(y, n->pre_relu);
    }
    if (n->scale_in) {
        yo_key(y, "scale_in");
        yo_int(y, 1);
    }
    if (n->res) {
        yo_key(y, "residual");
        value_ref(y, g, n->in[3]);
    }
    if (n->act != ACT_NONE) {
        yo_key(y, "act");
        yo_str(y, act_name(n->act));
        if (n->act == ACT_CLIP || n->act == ACT_LEAKYRELU || n->act == ACT_HARDSIGMOID) {
            yo_key(y, "act_a");
            yo_float(y, n->act_a);
        }
        if (n->act == ACT_CLIP || n->act == ACT_HARDSIGMOID) {
            yo_key(y, "act_b");
            yo_float(y, n->act_b);
        }
    }
    if (n->elided) {
        yo_key(y, "elided");
        yo_int(y, 1);
    }
    yo_map_end(y);
}

static void dump_node(YamlOut *y, const Graph *g, int ni)
{
    const Node *n = &g->nodes[ni];
    yo_map(y, false);
    yo_key(y, "index");
    yo_int(y, ni);
    yo_key(y, "name");
    yo_str(y, n->name);
    yo_key(y, "op");
    yo_str(y, n->op_type);
    yo_key(y, "inputs");
    yo_seq(y, false);
    for (int k = 0; k < n->nin; k++)
        value_ref(y, g, n->in[k]);
    yo_seq_end(y);
    yo_key(y, "outputs");
    yo_seq(y, false);
    for (int k = 0; k < n->nout; k++)
        value_ref(y, g, n->out[k]);
    yo_seq_end(y);
    dump_fused(y, g, n);
    if (n->nattrs) { /* attribute names are unique (the loader checks) */
        yo_key(y, "attributes");
        yo_map(y, false);
        for (int k = 0; k < n->nattrs; k++) {
            yo_str(y, n->attrs[k].name);
            dump_attr(y, g, &n->attrs[k]);
        }
        yo_map_end(y);
    }
    yo_map_end(y);
}

void dump_ir(const Graph *g, const char *stage, FILE *f)
{
    YamlOut y;
    yo_begin(&y, f);
    yo_map(&y, false);
    yo_key(&y, "stage");
    yo_str(&y, stage);
    yo_key(&y, "graph");
    yo_str(&y, g->name);
    yo_key(&y, "inputs");
    int_list(&y, g->inputs, g->ninputs);
    yo_key(&y, "outputs");
    int_list(&y, g->outputs, g->noutputs);
    yo_key(&y, "values");
    yo_seq(&y, false);
    for (int i = 0; i < g->nvalues; i++)
        dump_value(&y, g, i);
    yo_seq_end(&y);
    yo_key(&y, "nodes");
    yo_seq(&y, false);
    for (int ni = 0; ni < g->nnodes; ni++)
        dump_node(&y, g, ni);
    yo_seq_end(&y);
    yo_map_end(&y);
    yo_end(&y);
}
