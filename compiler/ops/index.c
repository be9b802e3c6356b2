/* ops/index.c — gathers and scatters by run-time indices.
 *
 * GatherElements, GatherND, Scatter (opsets 9-10) and ScatterElements,
 * ScatterND and OneHot, for data of every element type and int32/int64
 * indices (OneHot's: any numeric type) that arrive at run time.  A negative
 * index counts from the end of its axis.  An index still out of range at run
 * time never touches memory outside the tensors: a gather yields zeros for
 * it, a scatter skips its update, OneHot leaves the off value (as ONNX says
 * for OneHot; the other ops leave it undefined).  Each kernel is one loop
 * nest over compile-time shapes, typed through ops/cgen.c. */
#include "onnxcc.h"

#include <string.h>

/* ---- inference --------------------------------------------------------------- */

enum { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN };

static void need_opset(const Graph *g, const Node *n, int since)
{
    if (g->opset < since)
        fatal_node(g, n, "%s needs opset %d or later (model opset %lld)", op_info[n->op].name, since,
                   (long long)g->opset);
}

/* Input k as data: any element type the backend holds. */
static const Value *data_in(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    if (!ctype(v->dtype))
        fatal_node(g, n, "input '%s' has data type %s; not supported", vname(v), dtype_name(v->dtype));
    return v;
}

/* Input k as indices: int32 or int64. */
static const Value *index_in(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    if (v->dtype != DT_I32 && v->dtype != DT_I64)
        fatal_node(g, n, "indices '%s' have data type %s; must be int32 or int64", vname(v), dtype_name(v->dtype));
    return v;
}

/* ScatterElements' and ScatterND's 'reduction' (opset 16; max and min 18). */
static int reduction(const Graph *g, const Node *n)
{
    if (n->op == OP_SCATTER)
        return RED_NONE;
    const char *r = attr_str(g, n, "reduction", NULL);
    if (!r)
        return RED_NONE;
    if (g->opset < 16)
        fatal_node(g, n, "attribute 'reduction' needs opset 16 or later (model opset %lld)", (long long)g->opset);
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(r, names[i])) {
            if (i >= RED_MAX && g->opset < 18)
                fatal_node(g, n, "reduction '%s' needs opset 18 or later (model opset %lld)", r,
                           (long long)g->opset);
            return i;
        }
    fatal_node(g, n, "reduction '%s' is not none, add, mul, max or min", printable(r));
}

/* GatherElements / ScatterElements: indices of x's rank, no longer than x
 * on any axis but `axis`; returns the axis. */
static int elements_axis(const Graph *g, const Node *n, const Value *x, const Value *iv)
{
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; a tensor of rank 1 or more is needed", vname(x));
    if (iv->rank != x->rank)
        fatal_node(g, n, "indices '%s' have rank %d but data '%s' has rank %d", vname(iv), iv->rank, vname(x),
                   x->rank);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    for (int d = 0; d < x->rank; d++)
        if (d != axis && iv->dims[d] > x->dims[d])
            fatal_node(g, n, "indices '%s' %s are larger than data '%s' %s on axis %d", vname(iv),
                       dims_str(iv->dims, iv->rank), vname(x), dims_str(x->dims, x->rank), d);
    return axis;
}

static void infer_gather_elements(Graph *g, Node *n)
{
    need_opset(g, n, 11);
    const Value *x = data_in(g, n, 0), *iv = index_in(g, n, 1);
    elements_axis(g, n, x, iv);
    set_out(g, n, 0, x->dtype, iv->rank, iv->dims);
}

static void infer_scatter_elements(Graph *g, Node *n)
{
    need_opset(g, n, n->op == OP_SCATTER ? 9 : 11);
    const Value *x = data_in(g, n, 0), *iv = index_in(g, n, 1), *u = data_in(g, n, 2);
    elements_axis(g, n, x, iv);
    reduction(g, n);
    if (u->dtype != x->dtype)
        fatal_node(g, n, "updates '%s' (%s) and data '%s' (%s) differ in type", vname(u), dtype_name(u->dtype),
                   vname(x), dtype_name(x->dtype));
    if (u->rank != iv->rank || memcmp(u->dims, iv->dims, sizeof(int64_t) * (size_t)iv->rank))
        fatal_node(g, n, "updates '%s' %s and indices '%s' %s differ in shape", vname(u), dims_str(u->dims, u->rank),
                   vname(iv), dims_str(iv->dims, iv->rank));
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

/* GatherND's batch_dims (0 before opset 12) and index depth k, checked. */
static int gathernd_dims(const Graph *g, const Node *n, const Value *x, const Value *iv, int *k)
{
    int64_t b = attr_int(g, n, "batch_dims", 0);
    if (b && g->opset < 12)
        fatal_node(g, n, "attribute 'batch_dims' needs opset 12 or later (model opset %lld)", (long long)g->opset);
    if (x->rank < 1 || iv->rank < 1)
        fatal_node(g, n, "data '%s' and indices '%s' must have rank 1 or more", vname(x), vname(iv));
    if (b < 0 || b >= x->rank || b >= iv->rank)
        fatal_node(g, n, "batch_dims %lld must be 0 to %d (less than the ranks of data and indices)", (long long)b,
                   (x->rank < iv->rank ? x->rank : iv->rank) - 1);
    for (int d = 0; d < b; d++)
        if (x->dims[d] != iv->dims[d])
            fatal_node(g, n, "batch axis %d: data '%s' %s and indices '%s' %s differ", d, vname(x),
                       dims_str(x->dims, x->rank), vname(iv), dims_str(iv->dims, iv->rank));
    int64_t kk = iv->dims[iv->rank - 1];
    if (kk < 1 || kk > x->rank - b)
        fatal_node(g, n, "indices '%s' %s: the last axis (%lld) must be 1 to %lld (data rank %d - batch_dims %lld)",
                   vname(iv), dims_str(iv->dims, iv->rank), (long long)kk, (long long)(x->rank - b), x->rank,
                   (long long)b);
    *k = (int)kk;
    return (int)b;
}

static void infer_gathernd(Graph *g, Node *n)
{
    need_opset(g, n, 11);
    const Value *x = data_in(g, n, 0), *iv = index_in(g, n, 1);
    int k, b = gathernd_dims(g, n, x, iv, &k);
    int r = iv->rank - 1 + x->rank - b - k;
    if (r > MAX_RANK)
        fatal_node(g, n, "the output would have rank %d, more than %d", r, MAX_RANK);
    int64_t od[MAX_RANK];
    memcpy(od, iv->dims, sizeof(int64_t) * (size_t)(iv->rank - 1));
    memcpy(od + iv->rank - 1, x->dims + b + k, sizeof(int64_t) * (size_t)(x->rank - b - k));
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_scatternd(Graph *g, Node *n)
{
    need_opset(g, n, 11);
    const Value *x = data_in(g, n, 0), *iv = index_in(g, n, 1), *u = data_in(g, n, 2);
    reduction(g, n);
    if (x->rank < 1 || iv->rank < 1)
        fatal_node(g, n, "data '%s' and indices '%s' must have rank 1 or more", vname(x), vname(iv));
    int64_t k = iv->dims[iv->rank - 1];
    if (k < 1 || k > x->rank)
        fatal_node(g, n, "indices '%s' %s: the last axis (%lld) must be 1 to %d (the rank of data)", vname(iv),
                   dims_str(iv->dims, iv->rank), (long long)k, x->rank);
    if (u->dtype != x->dtype)
        fatal_node(g, n, "updates '%s' (%s) and data '%s' (%s) differ in type", vname(u), dtype_name(u->dtype),
                   vname(x), dtype_name(x->dtype));
    int64_t want[2 * MAX_RANK];
    int r = iv->rank - 1 + x->rank - (int)k;
    memcpy(want, iv->dims, sizeof(int64_t) * (size_t)(iv->rank - 1));
    memcpy(want + iv->rank - 1, x->dims + k, sizeof(int64_t) * (size_t)(x->rank - k));
    if (u->rank != r || memcmp(u->dims, want, sizeof(int64_t) * (size_t)r))
        fatal_node(g, n, "updates '%s' have shape %s, expected %s", vname(u), dims_str(u->dims, u->rank),
                   dims_str(want, r));
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

/* OneHot's depth: a constant scalar (or one-element tensor) of any numeric
 * type, truncated to an integer. */
static int64_t onehot_depth(const Graph *g, const Node *n)
{
    const Value *d = in_val(g, n, 1);
    if (!(d->flags & V_CONST))
        fatal_node(g, n, "depth '%s' must be a constant", vname(d));
    if (value_numel(d) != 1)
        fatal_node(g, n, "depth '%s' has shape %s; must be a scalar or have one element", vname(d),
                   dims_str(d->dims, d->rank));
    double v;
    switch (d->dtype) {
#define INT_CASE(DT, T) case DT: { T t; memcpy(&t, d->data, sizeof t); v = (double)t; break; }
        INT_CASE(DT_I8, int8_t) INT_CASE(DT_I16, int16_t) INT_CASE(DT_I32, int32_t) INT_CASE(DT_I64, int64_t)
        INT_CASE(DT_U8, uint8_t) INT_CASE(DT_U16, uint16_t) INT_CASE(DT_U32, uint32_t) INT_CASE(DT_U64, uint64_t)
        INT_CASE(DT_F32, float) INT_CASE(DT_F64, double)
#undef INT_CASE
    default:
        fatal_node(g, n, "depth '%s' has data type %s; an integer, float or double is needed", vname(d),
                   dtype_name(d->dtype));
    }
    if (!(v >= 1 && v < (double)MAX_ELEMS))
        fatal_node(g, n, "depth %g must be 1 or more (and at most %lld)", v, (long long)MAX_ELEMS);
    return (int64_t)v;
}

static void infer_onehot(Graph *g, Node *n)
{
    need_opset(g, n, 9);
    const Value *iv = in_val(g, n, 0), *vals = data_in(g, n, 2);
    if (!dtype_is_int(iv->dtype) && !dtype_is_float(iv->dtype))
        fatal_node(g, n, "indices '%s' have data type %s; a numeric type is needed", vname(iv), dtype_name(iv->dtype));
    if (value_numel(vals) != 2 || vals->rank != 1)
        fatal_node(g, n, "values '%s' have shape %s; must be [2] (off value, on value)", vname(vals),
                   dims_str(vals->dims, vals->rank));
    int64_t depth = onehot_depth(g, n);
    if (iv->rank + 1 > MAX_RANK)
        fatal_node(g, n, "the output would have rank %d, more than %d", iv->rank + 1, MAX_RANK);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", -1), iv->rank + 1, false);
    int64_t od[MAX_RANK];
    for (int d = 0, s = 0; d <= iv->rank; d++)
        od[d] = d == axis ? depth : iv->dims[s++];
    set_out(g, n, 0, vals->dtype, iv->rank + 1, od);
}

void infer_index(Graph *g, Node *n)
{
    switch (n->op) {
    case OP_GATHERELEMENTS: infer_gather_elements(g, n); break;
    case OP_GATHERND: infer_gathernd(g, n); break;
    case OP_SCATTER:
    case OP_SCATTERELEMENTS: infer_scatter_elements(g, n); break;
    case OP_SCATTERND: infer_scatternd(g, n); break;
    case OP_ONEHOT: infer_onehot(g, n); break;
    default: fatal_node(g, n, "unsupported operator");
    }
}

/* ---- lowering ------------------------------------------------------------------ */

/* "i0 * 12 + k * 4 + i2": the offset of an element of x whose coordinate on
 * `axis` is the variable k and on every other axis d the counter i<d>. */
static const char *elem_offset(Arena *a, const Value *x, int axis)
{
    int64_t st[MAX_RANK];
    dense_strides_of(x, st);
    const char *s = NULL;
    for (int d = 0; d < x->rank; d++) {
        const char *v = d == axis ? "k" : arena_printf(a, "i%d", d);
        const char *t = st[d] == 1 ? v : arena_printf(a, "%s * %lld", v, (long long)st[d]);
        s = s ? arena_printf(a, "%s + %s", s, t) : t;
    }
    return s;
}

/* One loop per axis of v over counters i0 .. i<rank-1> (declared with a
 * flat counter o by the caller); the body is at indent 8 + 4 * rank. */
static void open_loops(FILE *f, const Value *v)
{
    for (int d = 0; d < v->rank; d++)
        fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s\n", 8 + 4 * d, "", d, d, (long long)v->dims[d], d,
                d == v->rank - 1 ? " {" : "");
}

static void close_loops(FILE *f, const Value *v)
{
    fprintf(f, "%*s}\n", 4 + 4 * v->rank, "");
}

static void declare_counters(FILE *f, int rank)
{
    fprintf(f, "        int64_t o = 0");
    for (int d = 0; d < rank; d++)
        fprintf(f, ", i%d", d);
    fprintf(f, ";\n");
}

/* A C statement storing into dst (an element of type dt) its combination
 * with src by the reduction: integers wrap around, float max/min propagate
 * NaN (numpy's maximum/minimum, as the ONNX reference). */
static const char *reduce_stmt(Arena *a, int dt, int red, const char *dst, const char *src)
{
    if (red == RED_NONE)
        return arena_printf(a, "%s = %s;", dst, src);
    bool fl = dtype_is_float(dt);
    const char *x;
    switch (red) {
    case RED_ADD: x = fl ? "a + b" : "(uint64_t)a + (uint64_t)b"; break;
    case RED_MUL: x = fl ? "a * b" : "(uint64_t)a * (uint64_t)b"; break;
    case RED_MAX: x = fl ? "(b != b || a < b) ? b : a" : "a < b ? b : a"; break;
    default: x = fl ? "(b != b || b < a) ? b : a" : "b < a ? b : a"; break;
    }
    const char *T = calc_type(dt);
    return arena_printf(a, "{ const %s a = %s; const %s b = %s; %s = %s; }", T, load_expr(a, dt, dst), T,
                        load_expr(a, dt, src), dst, store_expr(a, dt, x));
}

static void lower_gather_elements(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *iv = &g->values[n->in[1]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    const char *T = ctype(x->dtype);
    long long d = (long long)x->dims[axis];
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *ind = %s;\n        %s *y = %s;\n", T,
            emit_ref(e, n, n->in[0]), ctype(iv->dtype), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->out[0]));
    declare_counters(f, iv->rank);
    open_loops(f, iv);
    int ind = 8 + 4 * iv->rank;
    fprintf(f, "%*sint64_t k = (int64_t)ind[o];\n", ind, "");
    fprintf(f, "%*sif (k < 0)\n%*sk += %lld;\n", ind, "", ind + 4, "", d);
    fprintf(f, "%*sy[o++] = k >= 0 && k < %lld ? x[%s] : (%s)0;\n", ind, "", d, elem_offset(a, x, axis), T);
    close_loops(f, iv);
    fprintf(f, "    }\n");
}

static void lower_scatter_elements(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *iv = &g->values[n->in[1]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    const char *T = ctype(x->dtype);
    long long d = (long long)x->dims[axis];
    emit_copy(e, n, f, n->in[0], n->out[0]);
    fprintf(f, "    {\n        const %s *ind = %s;\n        const %s *u = %s;\n        %s *y = %s;\n",
            ctype(iv->dtype), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->in[2]), T, emit_ref(e, n, n->out[0]));
    declare_counters(f, iv->rank);
    open_loops(f, iv);
    int ind = 8 + 4 * iv->rank;
    fprintf(f, "%*sint64_t k = (int64_t)ind[o];\n", ind, "");
    fprintf(f, "%*sif (k < 0)\n%*sk += %lld;\n", ind, "", ind + 4, "", d);
    fprintf(f, "%*sif (k >= 0 && k < %lld)\n%*s%s\n", ind, "", d, ind + 4, "",
            reduce_stmt(a, x->dtype, reduction(g, n), arena_printf(a, "y[%s]", elem_offset(a, x, axis)), "u[o]"));
    fprintf(f, "%*so++;\n", ind, "");
    close_loops(f, iv);
    fprintf(f, "    }\n");
}

/* The statements of GatherND and ScatterND that read the k-tuple of indices
 * at p and set off (elements into x, from the batch's start `base`) and ok
 * (every index in range after wrapping negatives). */
static void emit_tuple(FILE *f, const Value *x, int first, int k, const char *base, int ind)
{
    int64_t st[MAX_RANK];
    dense_strides_of(x, st);
    fprintf(f, "%*sint64_t off = %s, k;\n%*sint ok = 1;\n", ind, "", base, ind, "");
    for (int j = 0; j < k; j++) {
        long long d = (long long)x->dims[first + j];
        fprintf(f, "%*sk = (int64_t)p[%d];\n", ind, "", j);
        fprintf(f, "%*sif (k < 0)\n%*sk += %lld;\n", ind, "", ind + 4, "", d);
        fprintf(f, "%*sif (k < 0 || k >= %lld)\n%*sok = 0;\n%*selse\n%*soff += k * %lld;\n", ind, "", d, ind + 4, "",
                ind, "", ind + 4, "", (long long)st[first + j]);
    }
}

static void lower_gathernd(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *iv = &g->values[n->in[1]];
    int k, b = gathernd_dims(g, n, x, iv, &k);
    int64_t nb = 1, nt = 1, slice = 1, xbatch = 1;
    for (int d = 0; d < iv->rank - 1; d++)
        *(d < b ? &nb : &nt) *= iv->dims[d];
    for (int d = b; d < x->rank; d++)
        xbatch *= x->dims[d];
    for (int d = b + k; d < x->rank; d++)
        slice *= x->dims[d];
    const char *T = ctype(x->dtype);
    long long bytes = (long long)(slice * (int64_t)dtype_size(x->dtype));
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *ind = %s;\n        %s *y = %s;\n", T,
            emit_ref(e, n, n->in[0]), ctype(iv->dtype), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t b, t;\n");
    fprintf(f, "        for (b = 0; b < %lld; b++)\n", (long long)nb);
    fprintf(f, "            for (t = 0; t < %lld; t++) {\n", (long long)nt);
    fprintf(f, "                const %s *p = ind + (b * %lld + t) * %d;\n", ctype(iv->dtype), (long long)nt, k);
    emit_tuple(f, x, b, k, arena_printf((Arena *)&g->arena, "b * %lld", (long long)xbatch), 16);
    fprintf(f, "                if (ok)\n                    memcpy(y + (b * %lld + t) * %lld, x + off, %lld);\n",
            (long long)nt, (long long)slice, bytes);
    fprintf(f, "                else\n                    memset(y + (b * %lld + t) * %lld, 0, %lld);\n",
            (long long)nt, (long long)slice, bytes);
    fprintf(f, "            }\n    }\n");
}

static void lower_scatternd(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *iv = &g->values[n->in[1]];
    int k = (int)iv->dims[iv->rank - 1], red = reduction(g, n);
    int64_t nt = 1, slice = 1;
    for (int d = 0; d < iv->rank - 1; d++)
        nt *= iv->dims[d];
    for (int d = k; d < x->rank; d++)
        slice *= x->dims[d];
    const char *T = ctype(x->dtype);
    emit_copy(e, n, f, n->in[0], n->out[0]);
    fprintf(f, "    {\n        const %s *ind = %s;\n        const %s *u = %s;\n        %s *y = %s;\n",
            ctype(iv->dtype), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->in[2]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t t%s;\n", red == RED_NONE ? "" : ", s");
    fprintf(f, "        for (t = 0; t < %lld; t++) {\n", (long long)nt);
    fprintf(f, "            const %s *p = ind + t * %d;\n", ctype(iv->dtype), k);
    emit_tuple(f, x, 0, k, "0", 12);
    if (red == RED_NONE)
        fprintf(f, "            if (ok)\n                memcpy(y + off, u + t * %lld, %lld);\n", (long long)slice,
                (long long)(slice * (int64_t)dtype_size(x->dtype)));
    else
        fprintf(f, "            if (ok)\n                for (s = 0; s < %lld; s++)\n                    %s\n",
                (long long)slice,
                reduce_stmt(a, x->dtype, red, "y[off + s]", arena_printf(a, "u[t * %lld + s]", (long long)slice)));
    fprintf(f, "        }\n    }\n");
}

static void lower_onehot(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *iv = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t depth = onehot_depth(g, n), outer = 1, inner = 1;
    int axis = norm_axis(g, n, attr_int(g, n, "axis", -1), iv->rank + 1, false);
    for (int d = 0; d < iv->rank; d++)
        *(d < axis ? &outer : &inner) *= iv->dims[d];
    const char *T = ctype(y->dtype), *I = ctype(iv->dtype);
    long long dl = (long long)depth;
    fprintf(f, "    {\n        const %s *ind = %s;\n        const %s *vals = %s;\n        %s *y = %s;\n", I,
            emit_ref(e, n, n->in[0]), T, emit_ref(e, n, n->in[2]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t o, i, k;\n");
    fprintf(f, "        for (o = 0; o < %lld; o++)\n            y[o] = vals[0];\n", (long long)value_numel(y));
    fprintf(f, "        for (o = 0; o < %lld; o++)\n", (long long)outer);
    fprintf(f, "            for (i = 0; i < %lld; i++) {\n", (long long)inner);
    const char *v = arena_printf(a, "ind[o * %lld + i]", (long long)inner);
    /* Negative indices count from the end since opset 11; before, they
     * are out of range. */
    bool wrap = g->opset >= 11;
    if (dtype_is_float(iv->dtype)) { /* truncated, as onnxruntime casts them */
        fprintf(f, "                const %s v = %s;\n", calc_type(iv->dtype), load_expr(a, iv->dtype, v));
        fprintf(f, "                k = v > -%lld.0 && v < %lld.0 ? (int64_t)v : -%lld;\n", dl + 1, dl + 1, dl + 1);
        if (!wrap)
            fprintf(f, "                k = v > -1.0 ? k : -1;\n");
    } else if (!dtype_is_signed(iv->dtype)) {
        fprintf(f, "                k = (uint64_t)%s < (uint64_t)%lld ? (int64_t)%s : -1;\n", v, dl, v);
        wrap = false;
    } else {
        fprintf(f, "                k = (int64_t)%s;\n", v);
    }
    if (wrap)
        fprintf(f, "                if (k < 0)\n                    k += %lld;\n", dl);
    fprintf(f, "                if (k >= 0 && k < %lld)\n", dl);
    fprintf(f, "                    y[(o * %lld + k) * %lld + i] = vals[1];\n", dl, (long long)inner);
    fprintf(f, "            }\n    }\n");
}

void lower_index(Emitter *e, const Node *n, FILE *f)
{
    switch (n->op) {
    case OP_GATHERELEMENTS: lower_gather_elements(e, n, f); break;
    case OP_GATHERND: lower_gathernd(e, n, f); break;
    case OP_SCATTER:
    case OP_SCATTERELEMENTS: lower_scatter_elements(e, n, f); break;
    case OP_SCATTERND: lower_scatternd(e, n, f); break;
    case OP_ONEHOT: lower_onehot(e, n, f); break;
    default: fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
    }
}
