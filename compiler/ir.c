/* ir.c — the Graph: values and nodes by index, the op table, attribute
 * accessors and the use lists.  Passes change the graph through these. */
#include "onnxcc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const OpInfo op_info[OP_COUNT] = {
#define X(e, s, a, b, c, d, fam) [e] = {s, a, b, c, d},
    OPS(X)
#undef X
};

Op op_lookup(const char *op_type)
{
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(op_info[i].name, op_type) == 0)
            return (Op)i;
    return OP_UNKNOWN;
}

bool op_internal(Op op)
{
#define X(e) if (op == e) return true;
    QUANT_INTERNAL_OPS(X)
#undef X
    return false;
}

const char *dtype_name(int dt)
{
    static const char *names[] = {
        "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32",
        "int64", "string", "bool", "float16", "float64", "uint32", "uint64",
        "complex64", "complex128", "bfloat16",
    };
    if (dt >= 0 && dt < (int)(sizeof names / sizeof *names))
        return names[dt];
    return "unknown";
}

size_t dtype_size(int dt)
{
    switch (dt) {
    case DT_F32: case DT_I32: case DT_U32: return 4;
    case DT_U8: case DT_I8: case DT_BOOL: return 1;
    case DT_U16: case DT_I16: case DT_F16: case DT_BF16: return 2;
    case DT_I64: case DT_U64: case DT_F64: return 8;
    default: return 0;
    }
}

Graph *graph_live;

Graph *graph_new(const char *path)
{
    Arena a = {0};
    Graph *g = arena_alloc(&a, sizeof *g);
    g->arena = a;
    g->path = arena_strdup(&g->arena, path);
    g->name = "";
    graph_live = g;
    return g;
}

void graph_free(Graph *g)
{
    if (graph_live == g)
        graph_live = NULL;
    load_release(g);
    Arena a = g->arena; /* g lives in its own arena */
    arena_free_all(&a);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void vhash_insert(Graph *g, int idx)
{
    size_t mask = (size_t)g->vhash_cap - 1;
    size_t h = (size_t)hash_str(g->values[idx].name) & mask;
    while (g->vhash[h] >= 0)
        h = (h + 1) & mask;
    g->vhash[h] = idx;
}

static void vhash_grow(Graph *g)
{
    int cap = g->vhash_cap ? g->vhash_cap * 2 : 1024;
    g->vhash = arena_alloc(&g->arena, sizeof(int) * (size_t)cap);
    g->vhash_cap = cap;
    for (int i = 0; i < cap; i++)
        g->vhash[i] = -1;
    for (int i = 0; i < g->nvalues; i++)
        vhash_insert(g, i);
}

int graph_find_value(const Graph *g, const char *name)
{
    if (!g->vhash_cap)
        return -1;
    size_t mask = (size_t)g->vhash_cap - 1;
    for (size_t h = (size_t)hash_str(name) & mask; g->vhash[h] >= 0; h = (h + 1) & mask)
        if (strcmp(g->values[g->vhash[h]].name, name) == 0)
            return g->vhash[h];
    return -1;
}

/* Grow an arena array to hold at least `need` elements. */
static void *grow(Arena *a, void *old, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return old;
    int ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *p = arena_alloc(a, elem * (size_t)ncap);
    if (old)
        memcpy(p, old, elem * (size_t)*cap);
    *cap = ncap;
    return p;
}

int graph_add_value(Graph *g, const char *name)
{
    if (g->nvalues >= MAX_VALUES)
        fatal("model has more than %d tensors", MAX_VALUES);
    g->values = grow(&g->arena, g->values, &g->cap_values, g->nvalues + 1, sizeof(Value));
    int idx = g->nvalues++;
    Value *v = &g->values[idx];
    memset(v, 0, sizeof *v);
    v->name = arena_strdup(&g->arena, name);
    v->rank = -1;
    v->producer = -1;
    v->base = -1;
    if ((g->nvalues + 1) * 2 > g->vhash_cap)
        vhash_grow(g);
    else
        vhash_insert(g, idx);
    return idx;
}

int graph_add_node(Graph *g, Op op, const char *op_type, const char *name, int nin, int nout)
{
    if (g->nnodes >= MAX_NODES)
        fatal("model has more than %d nodes", MAX_NODES);
    g->nodes = grow(&g->arena, g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof(Node));
    Node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->op_type = arena_strdup(&g->arena, op_type);
    n->name = arena_strdup(&g->arena, name ? name : "");
    n->nin = nin;
    n->nout = nout;
    n->in = arena_alloc(&g->arena, sizeof(int) * (size_t)(nin ? nin : 1));
    n->out = arena_alloc(&g->arena, sizeof(int) * (size_t)(nout ? nout : 1));
    for (int i = 0; i < nin; i++)
        n->in[i] = -1;
    for (int i = 0; i < nout; i++)
        n->out[i] = -1;
    n->pre_scale = n->pre_shift = -1;
    return g->nnodes++;
}

void graph_compact(Graph *g)
{
    int kept = 0;
    for (int i = 0; i < g->nnodes; i++)
        if (!g->nodes[i].dead)
            g->nodes[kept++] = g->nodes[i];
    g->nnodes = kept;
    graph_link(g);
}

void graph_replace_uses(Graph *g, int from, int to)
{
    for (int i = 0; i < g->nnodes; i++) {
        Node *n = &g->nodes[i];
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] == from)
                n->in[k] = to;
    }
}

int graph_add_const(Graph *g, const char *name, int rank, const int64_t *dims, const float *data)
{
    char *vn = arena_strdup(&g->arena, name);
    while (graph_find_value(g, vn) >= 0)
        vn = arena_printf(&g->arena, "%s'", vn);
    int vi = graph_add_value(g, vn);
    Value *v = &g->values[vi];
    v->dtype = DT_F32;
    v->rank = rank;
    int64_t n = 1;
    for (int i = 0; i < rank; i++) {
        v->dims[i] = dims[i];
        n *= dims[i];
    }
    float *copy = arena_alloc(&g->arena, sizeof(float) * (size_t)(n ? n : 1));
    memcpy(copy, data, sizeof(float) * (size_t)n);
    v->data = copy;
    v->nbytes = 4 * n;
    v->flags = V_CONST;
    return vi;
}

void graph_link(Graph *g)
{
    int *count = calloc((size_t)g->nvalues + 1, sizeof(int));
    if (!count)
        fatal("out of memory");
    for (int i = 0; i < g->nvalues; i++) {
        g->values[i].producer = -1;
        g->values[i].nuses = 0;
    }
    for (int ni = 0; ni < g->nnodes; ni++) {
        Node *n = &g->nodes[ni];
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] >= 0)
                count[n->in[k]]++;
        for (int k = 0; k < n->nout; k++)
            if (n->out[k] >= 0)
                g->values[n->out[k]].producer = ni;
    }
    for (int i = 0; i < g->nvalues; i++)
        g->values[i].uses = count[i] ? arena_alloc(&g->arena, sizeof(int) * (size_t)count[i]) : NULL;
    for (int ni = 0; ni < g->nnodes; ni++) {
        Node *n = &g->nodes[ni];
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) {
                Value *v = &g->values[n->in[k]];
                v->uses[v->nuses++] = ni;
            }
    }
    free(count);
}

int64_t value_numel(const Value *v)
{
    if (v->rank < 0)
        return -1;
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++) {
        if (v->dims[i] < 0)
            return -1;
        n = mul_ck(n, v->dims[i]);
        if (n < 0)
            return -1;
    }
    return n;
}

_Noreturn void fatal_node(const Graph *g, const Node *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)g;
    fatal("node '%s' (%s): %s", printable(n->name), printable(n->op_type), msg);
}

const Attr *node_attr(const Graph *g, const Node *n, const char *name)
{
    (void)g;
    for (int i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

void node_set_ints(Graph *g, Node *n, const char *name, const int64_t *v, int cnt)
{
    Attr *a = (Attr *)node_attr(g, n, name);
    if (!a) {
        Attr *attrs = arena_alloc(&g->arena, sizeof(Attr) * (size_t)(n->nattrs + 1));
        if (n->nattrs)
            memcpy(attrs, n->attrs, sizeof(Attr) * (size_t)n->nattrs);
        n->attrs = attrs;
        a = &attrs[n->nattrs++];
        memset(a, 0, sizeof *a);
        a->name = arena_strdup(&g->arena, name);
        a->tensor = -1;
    }
    a->kind = cnt < 0 ? ATTR_INT : ATTR_INTS;
    if (cnt < 0) {
        a->i = v[0];
        return;
    }
    a->ints = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)(cnt ? cnt : 1));
    memcpy(a->ints, v, sizeof(int64_t) * (size_t)cnt);
    a->n = cnt;
}

static const Attr *attr_of_kind(const Graph *g, const Node *n, const char *name, int kind)
{
    const Attr *a = node_attr(g, n, name);
    if (a && a->kind != kind)
        fatal_node(g, n, "attribute '%s' has the wrong type", name);
    return a;
}

int64_t attr_int(const Graph *g, const Node *n, const char *name, int64_t def)
{
    const Attr *a = attr_of_kind(g, n, name, ATTR_INT);
    return a ? a->i : def;
}

float attr_float(const Graph *g, const Node *n, const char *name, float def)
{
    const Attr *a = attr_of_kind(g, n, name, ATTR_FLOAT);
    return a ? a->f : def;
}

const char *attr_str(const Graph *g, const Node *n, const char *name, const char *def)
{
    const Attr *a = attr_of_kind(g, n, name, ATTR_STRING);
    return a ? a->s : def;
}

int attr_ints(const Graph *g, const Node *n, const char *name, const int64_t **v)
{
    const Attr *a = attr_of_kind(g, n, name, ATTR_INTS);
    if (!a) {
        *v = NULL;
        return -1;
    }
    *v = a->ints;
    return a->n;
}

bool attr_ints_all(const Graph *g, const Node *n, const char *name, int64_t want)
{
    const int64_t *v;
    int c = attr_ints(g, n, name, &v);
    for (int i = 0; i < c; i++)
        if (v[i] != want)
            return false;
    return true;
}

bool attr_unpadded(const Graph *g, const Node *n)
{
    const char *ap = attr_str(g, n, "auto_pad", "NOTSET");
    return attr_ints_all(g, n, "pads", 0) && (!strcmp(ap, "NOTSET") || !strcmp(ap, "VALID"));
}

int attr_strs(const Graph *g, const Node *n, const char *name, char *const **v)
{
    const Attr *a = attr_of_kind(g, n, name, ATTR_STRINGS);
    *v = a ? a->strs : NULL;
    return a ? a->n : -1;
}

int const_ints(const Graph *g, const Node *n, int value, int64_t *out, int cap)
{
    const Value *v = &g->values[value];
    if (!(v->flags & V_CONST))
        fatal_node(g, n, "input '%s' must be a constant", printable(v->name));
    int64_t cnt = value_numel(v);
    if (cnt < 0 || cnt > cap)
        fatal_node(g, n, "input '%s' has %lld elements, at most %d supported",
                   printable(v->name), (long long)cnt, cap);
    for (int64_t i = 0; i < cnt; i++) {
        if (v->dtype == DT_I64) {
            int64_t x;
            memcpy(&x, (const char *)v->data + 8 * i, 8);
            out[i] = x;
        } else if (v->dtype == DT_I32) {
            int32_t x;
            memcpy(&x, (const char *)v->data + 4 * i, 4);
            out[i] = x;
        } else {
            fatal_node(g, n, "input '%s' must be int64, not %s", printable(v->name),
                       dtype_name(v->dtype));
        }
    }
    return (int)cnt;
}

bool scalar_const(const Graph *g, int value, float *out)
{
    if (value < 0)
        return false;
    const Value *v = &g->values[value];
    if (!(v->flags & V_CONST) || v->dtype != DT_F32 || value_numel(v) != 1 || !v->data)
        return false;
    memcpy(out, v->data, 4);
    return true;
}

bool scalar_const_is(const Graph *g, int value, double want)
{
    float f;
    return scalar_const(g, value, &f) && fabs((double)f - want) <= 0x1p-22 * fabs(want);
}

Node *sole_reader(Graph *g, int value)
{
    const Value *v = &g->values[value];
    if (v->nuses != 1 || (v->flags & V_OUTPUT))
        return NULL;
    Node *n = &g->nodes[v->uses[0]];
    return n->dead ? NULL : n;
}

bool const_float(const Graph *g, const Node *n, int value, float *out)
{
    if (value < 0)
        return false;
    const Value *v = &g->values[value];
    if (v->name[0] == 0 && !(v->flags & V_CONST))
        return false;
    if (!(v->flags & V_CONST))
        fatal_node(g, n, "input '%s' must be a constant", printable(v->name));
    if (value_numel(v) != 1)
        fatal_node(g, n, "input '%s' must be a scalar", printable(v->name));
    if (v->dtype == DT_F32)
        memcpy(out, v->data, 4);
    else if (v->dtype == DT_F64) {
        double d;
        memcpy(&d, v->data, 8);
        *out = (float)d;
    } else
        fatal_node(g, n, "input '%s' must be float, not %s", printable(v->name),
                   dtype_name(v->dtype));
    return true;
}
