/* ops/reduce.c — reductions, arg-reductions, cumulative sums, TopK and the
 * softmax family, for every element type ONNX allows them (opsets 7-18).
 *
 * The float32 forms the core already lowers (ReduceMean, Softmax) go to
 * infer_core / lower_core unchanged; everything else is a reference loop
 * written into the generated code with compile-time shapes and strides,
 * once per op and instantiated per element type through ops/cgen.c.
 *
 * Reductions walk x's kept axes (the output, densely) and, per output
 * element, its reduced axes; float sums, products and norms accumulate in
 * double and round once.  The ops along one axis (ArgMax, CumSum, TopK,
 * Softmax, ...) view x as [outer][len][inner].  NaN: Max/Min propagate it,
 * ArgMax/ArgMin/Hardmax/TopK rank it above every number (numpy's order). */
#include "onnxcc.h"

#include <string.h>

static bool is_reduction(Op op)
{
    switch (op) {
    case OP_REDUCEMEAN: case OP_REDUCESUM: case OP_REDUCEMAX: case OP_REDUCEMIN: case OP_REDUCEPROD:
    case OP_REDUCEL1: case OP_REDUCEL2: case OP_REDUCELOGSUM: case OP_REDUCELOGSUMEXP:
    case OP_REDUCESUMSQUARE:
        return true;
    default:
        return false;
    }
}

/* Whether ONNX allows element type dt for n's data input at the model's opset. */
static bool type_allowed(const Graph *g, const Node *n, int dt)
{
    int64_t v = g->opset;
    bool fl = dt == DT_F16 || dt == DT_F32 || dt == DT_F64, bf = dt == DT_BF16;
    bool i32 = dt == DT_I32 || dt == DT_I64 || dt == DT_U32 || dt == DT_U64;
    bool i8 = dt == DT_I8 || dt == DT_U8, i16 = dt == DT_I16 || dt == DT_U16;
    switch (n->op) {
    case OP_REDUCEMAX: case OP_REDUCEMIN:
        return fl || i32 || (bf && v >= 13) || (i8 && v >= 12);
    case OP_ARGMAX: case OP_ARGMIN:
        return fl || i32 || i8 || i16 || (bf && v >= 13);
    case OP_CUMSUM:
        return dt == DT_F32 || dt == DT_F64 || i32 || ((dt == DT_F16 || bf) && v >= 14);
    case OP_TOPK:
        return fl || (v >= 11 && (i32 || i8 || i16));
    case OP_SOFTMAX: case OP_LOGSOFTMAX: case OP_HARDMAX:
        return fl || (bf && v >= 13);
    default: /* the other reductions */
        return fl || i32 || (bf && v >= 13);
    }
}

/* Input 0, checked against the op's element types. */
static const Value *data_in(const Graph *g, const Node *n)
{
    const Value *x = in_val(g, n, 0);
    if (!type_allowed(g, n, x->dtype))
        fatal_node(g, n, "input '%s' has data type %s, which %s does not take at opset %lld", vname(x),
                   dtype_name(x->dtype), op_info[n->op].name, (long long)g->opset);
    if (value_numel(x) == 0)
        fatal_node(g, n, "input '%s' %s is empty; empty tensors are not supported", vname(x),
                   dims_str(x->dims, x->rank));
    return x;
}

/* An attribute that only exists from opset `since` on. */
static void attr_since(const Graph *g, const Node *n, const char *name, int since)
{
    if (g->opset < since && node_attr(g, n, name))
        fatal_node(g, n, "attribute '%s' needs opset %d or later (model opset %lld)", name, since,
                   (long long)g->opset);
}

/* ---- reductions: axes and output shape ------------------------------------ */

/* From this opset on, the reduction takes its axes as input 1 (and has
 * noop_with_empty_axes). */
static int axes_input_since(const Node *n)
{
    return n->op == OP_REDUCESUM ? 13 : 18;
}

/* reduced[a] for every axis a of x: the 'axes' attribute (before the op's
 * input opset) or constant input 1; none means all, or none at all with
 * noop_with_empty_axes. */
static void reduced_axes(const Graph *g, const Node *n, int rank, bool *reduced)
{
    int since = axes_input_since(n), na = -1;
    int64_t axes[MAX_RANK];
    if (g->opset < since) {
        if (has_in(n, 1))
            fatal_node(g, n, "an 'axes' input needs opset %d or later; this model has opset %lld (use the "
                       "'axes' attribute)", since, (long long)g->opset);
        attr_since(g, n, "noop_with_empty_axes", since);
        const int64_t *p;
        na = attr_ints(g, n, "axes", &p);
        if (na > rank)
            fatal_node(g, n, "axes has %d values, more than the input's rank %d", na, rank);
        if (na > 0)
            memcpy(axes, p, sizeof(int64_t) * (size_t)na);
    } else {
        if (node_attr(g, n, "axes"))
            fatal_node(g, n, "the 'axes' attribute was replaced by an input in opset %d (model opset %lld)",
                       since, (long long)g->opset);
        if (has_in(n, 1)) {
            const Value *v = in_val(g, n, 1);
            if (v->rank != 1 || v->dtype != DT_I64)
                fatal_node(g, n, "axes '%s' must be a 1-D int64 tensor, not %s %s", vname(v),
                           dtype_name(v->dtype), dims_str(v->dims, v->rank));
            na = const_ints(g, n, n->in[1], axes, rank);
        }
    }
    bool noop = g->opset >= since && attr_int(g, n, "noop_with_empty_axes", 0) != 0;
    mark_axes(g, n, axes, na > 0 ? na : 0, rank, reduced);
    for (int i = 0; i < rank; i++)
        reduced[i] = reduced[i] || (na <= 0 && !noop);
}

static void infer_reduction(Graph *g, Node *n)
{
    const Value *x = data_in(g, n);
    bool reduced[MAX_RANK];
    reduced_axes(g, n, x->rank, reduced);
    int64_t od[MAX_RANK];
    int r = reduced_dims(g, n, x, reduced, od);
    set_out(g, n, 0, x->dtype, r, od);
}

/* ---- ops along one axis: attributes and shapes ------------------------------ */

/* x as [outer][len][inner] around `axis`; `flatten` (Softmax & co. before
 * opset 13) takes every axis from `axis` on as the row. */
typedef struct {
    int axis;
    int64_t outer, len, inner;
} AxisView;

static AxisView axis_view(const Value *x, int axis, bool flatten)
{
    AxisView v = {axis, 1, 1, 1};
    for (int i = 0; i < x->rank; i++) {
        if (i < axis)
            v.outer *= x->dims[i];
        else if (i == axis || flatten)
            v.len *= x->dims[i];
        else
            v.inner *= x->dims[i];
    }
    return v;
}

static AxisView softmax_view(const Graph *g, const Node *n, const Value *x)
{
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; %s needs at least one axis", vname(x), op_info[n->op].name);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", g->opset < 13 ? 1 : -1), x->rank, false);
    return axis_view(x, axis, g->opset < 13);
}

static AxisView arg_view(const Graph *g, const Node *n, const Value *x)
{
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; %s needs at least one axis", vname(x), op_info[n->op].name);
    return axis_view(x, norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false), false);
}

/* CumSum's axis: a constant int32/int64 scalar (or one-element 1-D) input. */
static AxisView cumsum_view(const Graph *g, const Node *n, const Value *x)
{
    const Value *a = in_val(g, n, 1);
    if (a->rank > 1 || (a->dtype != DT_I32 && a->dtype != DT_I64) || value_numel(a) != 1)
        fatal_node(g, n, "axis '%s' must be an int32 or int64 scalar, not %s %s", vname(a),
                   dtype_name(a->dtype), dims_str(a->dims, a->rank));
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; CumSum needs at least one axis", vname(x));
    int64_t axis;
    const_ints(g, n, n->in[1], &axis, 1);
    return axis_view(x, norm_axis(g, n, axis, x->rank, false), false);
}

/* TopK's k: attribute before opset 10, constant int64 input from then on;
 * 1 to the axis' size. */
static int64_t topk_k(const Graph *g, const Node *n, const Value *x, int axis)
{
    int64_t k;
    if (g->opset < 10) {
        if (has_in(n, 1))
            fatal_node(g, n, "a 'K' input needs opset 10 or later (model opset %lld; use the 'k' attribute)",
                       (long long)g->opset);
        if (!node_attr(g, n, "k"))
            fatal_node(g, n, "attribute 'k' is required");
        k = attr_int(g, n, "k", 0);
    } else {
        if (node_attr(g, n, "k"))
            fatal_node(g, n, "the 'k' attribute was replaced by the K input in opset 10 (model opset %lld)",
                       (long long)g->opset);
        const Value *kv = in_val(g, n, 1);
        if (kv->rank > 1 || kv->dtype != DT_I64 || value_numel(kv) != 1)
            fatal_node(g, n, "K '%s' must be an int64 tensor of one element, not %s %s", vname(kv),
                       dtype_name(kv->dtype), dims_str(kv->dims, kv->rank));
        const_ints(g, n, n->in[1], &k, 1);
    }
    if (k < 1 || k > x->dims[axis])
        fatal_node(g, n, "k is %lld; it must be 1 to the size of axis %d of '%s' %s", (long long)k, axis,
                   vname(x), dims_str(x->dims, x->rank));
    return k;
}

static void infer_along_axis(Graph *g, Node *n)
{
    const Value *x = data_in(g, n);
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof od);
    switch (n->op) {
    case OP_ARGMAX: case OP_ARGMIN: {
        attr_since(g, n, "select_last_index", 12);
        AxisView v = arg_view(g, n, x);
        int r = x->rank;
        if (attr_int(g, n, "keepdims", 1))
            od[v.axis] = 1;
        else
            memmove(od + v.axis, od + v.axis + 1, sizeof(int64_t) * (size_t)(--r - v.axis));
        set_out(g, n, 0, DT_I64, r, od);
        return;
    }
    case OP_CUMSUM:
        if (g->opset < 11)
            fatal_node(g, n, "CumSum needs opset 11 or later (model opset %lld)", (long long)g->opset);
        cumsum_view(g, n, x);
        set_out(g, n, 0, x->dtype, x->rank, x->dims);
        return;
    case OP_TOPK: {
        attr_since(g, n, "largest", 11);
        attr_since(g, n, "sorted", 11);
        AxisView v = arg_view(g, n, x);
        if (!node_attr(g, n, "axis"))
            v = axis_view(x, x->rank - 1, false);
        od[v.axis] = topk_k(g, n, x, v.axis);
        set_out(g, n, 0, x->dtype, x->rank, od);
        set_out(g, n, 1, DT_I64, x->rank, od);
        return;
    }
    default: /* Softmax, LogSoftmax, Hardmax */
        softmax_view(g, n, x);
        set_out(g, n, 0, x->dtype, x->rank, x->dims);
        return;
    }
}

void infer_reduce(Graph *g, Node *n)
{
    if ((n->op == OP_REDUCEMEAN || n->op == OP_SOFTMAX) && has_in(n, 0) && g->values[n->in[0]].dtype == DT_F32)
        return infer_core(g, n);
    if (is_reduction(n->op))
        return infer_reduction(g, n);
    infer_along_axis(g, n);
}

/* ---- lowering helpers ---------------------------------------------------- */

/* A loop nest over axes of extent d and stride s (in elements of x), axes
 * of extent 1 dropped and an axis merged into the one before it when x
 * walks the two as one. */
typedef struct {
    int n;
    int64_t d[MAX_RANK], s[MAX_RANK];
} Loops;

static void push_loop(Loops *l, int64_t d, int64_t s)
{
    if (d == 1)
        return;
    if (l->n > 0 && l->s[l->n - 1] == s * d) {
        l->d[l->n - 1] *= d;
        l->s[l->n - 1] = s;
        return;
    }
    l->d[l->n] = d;
    l->s[l->n++] = s;
}

/* Opens the loops of l over variables NAME0, NAME1, ... at indentation
 * *ind (each one braced); returns the offset expression sum(NAMEi * s). */
static const char *open_loops(Arena *a, FILE *f, const Loops *l, const char *name, int *ind)
{
    const char *off = NULL;
    for (int i = 0; i < l->n; i++) {
        fprintf(f, "%*sfor (%s%d = 0; %s%d < %lld; %s%d++) {\n", *ind, "", name, i, name, i, (long long)l->d[i],
                name, i);
        *ind += 4;
        const char *t = l->s[i] == 1 ? arena_printf(a, "%s%d", name, i)
                                     : arena_printf(a, "%s%d * %lld", name, i, (long long)l->s[i]);
        off = off ? arena_printf(a, "%s + %s", off, t) : t;
    }
    return off ? off : "0";
}

static void close_loops(FILE *f, const Loops *l, int *ind)
{
    for (int i = 0; i < l->n; i++) {
        *ind -= 4;
        fprintf(f, "%*s}\n", *ind, "");
    }
}

static void declare_loop_vars(FILE *f, const Loops *l, const char *name, int ind)
{
    for (int i = 0; i < l->n; i++)
        fprintf(f, "%*sint64_t %s%d;\n", ind, "", name, i);
}

/* INT32_MIN / INT32_MAX / UINT8_MAX ... of an integer type. */
static const char *int_limit(Arena *a, int dt, bool max)
{
    const char *s = ctype(dt); /* "int32_t", "uint8_t" */
    if (!dtype_is_signed(dt) && !max)
        return "0";
    size_t len = strlen(s) - 2; /* without "_t" */
    char *u = arena_alloc(a, len + 5);
    for (size_t i = 0; i < len; i++)
        u[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
    strcpy(u + len, max ? "_MAX" : "_MIN");
    return u;
}

/* A double expression d stored into an element of dt: rounded to the type
 * (float16/bfloat16 through float), or truncated toward zero and saturated
 * (integer types, where NaN gives 0). */
static const char *store_double(Arena *a, int dt, const char *d)
{
    if (dt == DT_F64)
        return arena_printf(a, "(%s)", d);
    if (dtype_is_float(dt))
        return store_expr(a, dt, arena_printf(a, "(float)(%s)", d));
    const char *lo = int_limit(a, dt, false), *hi = int_limit(a, dt, true);
    d = arena_printf(a, "(%s)", d);
    return arena_printf(a, "(%s)(%s != %s ? 0 : %s <= (double)%s ? %s : %s >= (double)%s ? %s : (%s)%s)",
                        ctype(dt), d, d, d, lo, lo, d, hi, hi, ctype(dt), d);
}

/* ---- reductions: lowering -------------------------------------------------- */

/* What one reduction does per output element: declares its accumulator,
 * optionally a first pass (pre) over the elements v, the update per
 * element, and the result.  dres: the result is a double expression (else
 * it is the accumulator in a type store_expr takes). */
typedef struct {
    const char *pre_decl, *pre;
    const char *decl, *update, *result;
    bool dres;
} Reducer;

static Reducer reducer(Emitter *e, const Node *n, int dt, int64_t count)
{
    Arena *a = (Arena *)&emit_graph(e)->arena;
    Reducer r = {NULL, NULL, NULL, NULL, "acc", false};
    bool fl = dtype_is_float(dt), sg = dtype_is_signed(dt);
    const char *C = calc_type(dt);
    switch (n->op) {
    case OP_REDUCEMAX: case OP_REDUCEMIN: {
        bool mx = n->op == OP_REDUCEMAX;
        const char *cmp = mx ? ">" : "<";
        if (fl) {
            r.decl = arena_printf(a, "%s acc = (%s)%sHUGE_VAL;", C, C, mx ? "-" : "");
            r.update = arena_printf(a, "if (v %s acc || v != v) acc = v;", cmp);
        } else {
            r.decl = arena_printf(a, "%s acc = %s;", C, int_limit(a, dt, !mx));
            r.update = arena_printf(a, "if (v %s acc) acc = v;", cmp);
        }
        return r;
    }
    case OP_REDUCELOGSUMEXP:
        r.pre_decl = "double m = -HUGE_VAL;";
        r.pre = fl ? "if ((double)v > m || v != v) m = (double)v;" : "if ((double)v > m) m = (double)v;";
        r.decl = "double acc = 0.0;";
        r.update = "acc += exp((double)v - m);";
        r.result = "m == HUGE_VAL || m == -HUGE_VAL ? m : m + log(acc)";
        r.dres = true;
        return r;
    default:
        break;
    }
    /* sums, products, norms: double for floats, wrapping uint64_t for integers */
    bool prod = n->op == OP_REDUCEPROD;
    const char *acc_t = fl ? "double" : "uint64_t";
    r.decl = arena_printf(a, "%s acc = %s;", acc_t, prod ? (fl ? "1.0" : "1") : (fl ? "0.0" : "0"));
    const char *w = arena_printf(a, "(%s)v", acc_t); /* v widened */
    switch (n->op) {
    case OP_REDUCEPROD:
        r.update = arena_printf(a, "acc *= %s;", w);
        break;
    case OP_REDUCEL1:
        r.update = fl ? "acc += fabs((double)v);"
                 : sg ? "acc += v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;"
                      : "acc += (uint64_t)v;";
        break;
    case OP_REDUCEL2: case OP_REDUCESUMSQUARE:
        r.update = arena_printf(a, "acc += %s * %s;", w, w);
        break;
    default: /* Sum, Mean, LogSum */
        r.update = arena_printf(a, "acc += %s;", w);
    }
    /* the integer sum as a signed or unsigned 64-bit value */
    const char *isum = sg ? "(int64_t)acc" : "acc";
    switch (n->op) {
    case OP_REDUCEMEAN:
        if (fl) {
            r.result = arena_printf(a, "acc / %s", emit_dlit(e, (double)count));
            r.dres = true;
        } else {
            r.result = arena_printf(a, "%s / %lld", isum, (long long)count);
        }
        break;
    case OP_REDUCEL2:
        r.result = fl ? "sqrt(acc)" : "sqrt((double)acc)";
        r.dres = true;
        break;
    case OP_REDUCELOGSUM:
        r.result = fl ? "log(acc)" : arena_printf(a, "log((double)%s)", isum);
        r.dres = true;
        break;
    default:
        r.dres = fl;
    }
    return r;
}

static void lower_reduction(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    bool red[MAX_RANK];
    reduced_axes(g, n, x->rank, red);
    int64_t xs[MAX_RANK], count = 1;
    dense_strides_of(x, xs);
    Loops kept = {0}, rl = {0};
    for (int i = 0; i < x->rank; i++) {
        push_loop(red[i] ? &rl : &kept, x->dims[i], xs[i]);
        if (red[i])
            count *= x->dims[i];
    }
    Reducer r = reducer(e, n, dt, count);
    const char *T = ctype(dt), *C = calc_type(dt);
    int ind = 8;
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->out[0]));
    if (kept.n)
        fprintf(f, "        int64_t o = 0;\n");
    declare_loop_vars(f, &kept, "k", ind);
    declare_loop_vars(f, &rl, "r", ind);
    const char *koff = open_loops(a, f, &kept, "k", &ind);
    if (!kept.n) {
        fprintf(f, "%*s{\n", ind, "");
        ind += 4;
    }
    fprintf(f, "%*sconst %s *xb = x + %s;\n", ind, "", T, koff);
    for (int pass = r.pre ? 0 : 1; pass < 2; pass++) {
        fprintf(f, "%*s%s\n", ind, "", pass ? r.decl : r.pre_decl);
        const char *roff = open_loops(a, f, &rl, "r", &ind);
        if (!rl.n) {
            fprintf(f, "%*s{\n", ind, "");
            ind += 4;
        }
        fprintf(f, "%*sconst %s v = %s;\n", ind, "", C, load_expr(a, dt, arena_printf(a, "xb[%s]", roff)));
        fprintf(f, "%*s%s\n", ind, "", pass ? r.update : r.pre);
        if (!rl.n) {
            ind -= 4;
            fprintf(f, "%*s}\n", ind, "");
        }
        close_loops(f, &rl, &ind);
    }
    if (r.dres)
        fprintf(f, "%*sconst double res = %s;\n", ind, "", r.result);
    fprintf(f, "%*sy[%s] = %s;\n", ind, "", kept.n ? "o++" : "0",
            r.dres ? store_double(a, dt, "res") : store_expr(a, dt, r.result));
    if (!kept.n) {
        ind -= 4;
        fprintf(f, "%*s}\n", ind, "");
    }
    close_loops(f, &kept, &ind);
    fprintf(f, "    }\n");
}

/* ---- ops along one axis: lowering -------------------------------------------- */

/* Opens the [outer][inner] loops of v at indentation 8 (the caller has
 * opened a block declaring x); declares xr, the row of x (stride
 * v->inner), and for each of the n outputs outs[i] its row ys[i] with
 * ylen[i] elements along the axis.  Returns the indentation inside. */
static int open_rows(Emitter *e, const Node *n, FILE *f, const AxisView *v, int nouts, const int *outs,
                     const int64_t *ylen)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    fprintf(f, "    {\n        const %s *x = %s;\n", ctype(x->dtype), emit_ref(e, n, n->in[0]));
    for (int i = 0; i < nouts; i++)
        if (outs[i] >= 0)
            fprintf(f, "        %s *y%d = %s;\n", ctype(g->values[outs[i]].dtype), i, emit_ref(e, n, outs[i]));
    fprintf(f, "        int64_t o, i, k;\n");
    fprintf(f, "        for (o = 0; o < %lld; o++) {\n", (long long)v->outer);
    fprintf(f, "            for (i = 0; i < %lld; i++) {\n", (long long)v->inner);
    fprintf(f, "                const %s *xr = x + o * %lld + i;\n", ctype(x->dtype), (long long)(v->len * v->inner));
    for (int j = 0; j < nouts; j++)
        if (outs[j] >= 0)
            fprintf(f, "                %s *yr%d = y%d + o * %lld + i;\n", ctype(g->values[outs[j]].dtype), j, j,
                    (long long)(ylen[j] * v->inner));
    return 16;
}

static void close_rows(FILE *f)
{
    fprintf(f, "            }\n        }\n    }\n");
}

/* The condition under which v (at k) replaces best (at bi) in an arg scan
 * for the maximum (or minimum), the first (or last) of equal values; NaN
 * ranks above every number: the first (last) NaN wins. */
static const char *arg_better(int dt, bool mx, bool last)
{
    bool fl = dtype_is_float(dt);
    if (mx && !last)
        return fl ? "v > best || (v != v && best == best)" : "v > best";
    if (mx)
        return fl ? "v >= best || v != v" : "v >= best";
    if (!last)
        return fl ? "v < best || (v != v && best == best)" : "v < best";
    return fl ? "v <= best || v != v" : "v <= best";
}

/* Writes the scan that leaves in bi the index along the row of the arg
 * max/min of xr. */
static void emit_arg_scan(Arena *a, FILE *f, int ind, int dt, const AxisView *v, bool mx, bool last)
{
    fprintf(f, "%*s%s best = %s;\n", ind, "", calc_type(dt), load_expr(a, dt, "xr[0]"));
    fprintf(f, "%*sint64_t bi = 0;\n", ind, "");
    fprintf(f, "%*sfor (k = 1; k < %lld; k++) {\n", ind, "", (long long)v->len);
    fprintf(f, "%*sconst %s v = %s;\n", ind + 4, "", calc_type(dt),
            load_expr(a, dt, arena_printf(a, "xr[k * %lld]", (long long)v->inner)));
    fprintf(f, "%*sif (%s) {\n%*sbest = v;\n%*sbi = k;\n%*s}\n", ind + 4, "", arg_better(dt, mx, last), ind + 8,
            "", ind + 8, "", ind + 4, "");
    fprintf(f, "%*s}\n", ind, "");
}

static void lower_arg(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    AxisView v = arg_view(g, n, x);
    int64_t one = 1;
    int ind = open_rows(e, n, f, &v, 1, n->out, &one);
    emit_arg_scan(a, f, ind, x->dtype, &v, n->op == OP_ARGMAX, attr_int(g, n, "select_last_index", 0) != 0);
    fprintf(f, "%*syr0[0] = bi;\n", ind, "");
    close_rows(f);
}

static void lower_hardmax(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    AxisView v = softmax_view(g, n, x);
    int ind = open_rows(e, n, f, &v, 1, n->out, &v.len);
    emit_arg_scan(a, f, ind, x->dtype, &v, true, false);
    fprintf(f, "%*sfor (k = 0; k < %lld; k++)\n", ind, "", (long long)v.len);
    fprintf(f, "%*syr0[k * %lld] = %s;\n", ind + 4, "", (long long)v.inner,
            store_expr(a, x->dtype, x->dtype == DT_F64 ? "k == bi ? 1.0 : 0.0" : "k == bi ? 1.0f : 0.0f"));
    close_rows(f);
}

/* Softmax (not float32: the core has it) and LogSoftmax: computed in
 * double and rounded to the type; float32 LogSoftmax is the runtime's
 * fast kernel. */
static void lower_softmax(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    AxisView v = softmax_view(g, n, x);
    bool lg = n->op == OP_LOGSOFTMAX;
    if (dt == DT_F32) {
        fprintf(f, "    onnxcc_f32_logsoftmax(%lld, %lld, %lld, %s, %s, %d);\n", (long long)v.outer, (long long)v.len,
                (long long)v.inner, emit_ref(e, n, n->in[0]), emit_ref(e, n, n->out[0]), isa_cap_of(g));
        return;
    }
    int ind = open_rows(e, n, f, &v, 1, n->out, &v.len);
    const char *xk = load_expr(a, dt, arena_printf(a, "xr[k * %lld]", (long long)v.inner));
    fprintf(f, "%*sdouble m = (double)%s, s = 0.0;\n", ind, "", load_expr(a, dt, "xr[0]"));
    fprintf(f, "%*sfor (k = 1; k < %lld; k++)\n%*sif ((double)%s > m)\n%*sm = (double)%s;\n", ind, "",
            (long long)v.len, ind + 4, "", xk, ind + 8, "", xk);
    fprintf(f, "%*sfor (k = 0; k < %lld; k++)\n%*ss += exp((double)%s - m);\n", ind, "", (long long)v.len, ind + 4,
            "", xk);
    if (lg)
        fprintf(f, "%*ss = log(s);\n", ind, "");
    fprintf(f, "%*sfor (k = 0; k < %lld; k++)\n%*syr0[k * %lld] = %s;\n", ind, "", (long long)v.len, ind + 4, "",
            (long long)v.inner,
            store_double(a, dt, arena_printf(a, lg ? "(double)%s - m - s" : "exp((double)%s - m) / s", xk)));
    close_rows(f);
}

/* CumSum accumulates in the element type, as the sequential sum ONNX
 * (numpy, onnxruntime) defines: each output is the previous one plus the
 * next element, rounded to the type; integers wrap around. */
static void lower_cumsum(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    AxisView v = cumsum_view(g, n, x);
    bool excl = attr_int(g, n, "exclusive", 0) != 0, rev = attr_int(g, n, "reverse", 0) != 0;
    int ind = open_rows(e, n, f, &v, 1, n->out, &v.len);
    const char *T = ctype(dt);
    bool narrow = dt == DT_F16 || dt == DT_BF16;
    bool sg = dtype_is_signed(dt) && !dtype_is_float(dt);
    /* signed integers add as unsigned (wrap-around without overflow) */
    const char *acc_t = narrow ? T : sg ? "uint64_t" : T;
    fprintf(f, "%*s%s acc = 0;\n", ind, "", acc_t);
    fprintf(f, "%*sfor (k = 0; k < %lld; k++) {\n", ind, "", (long long)v.len);
    ind += 4;
    fprintf(f, "%*sconst int64_t j = %s;\n", ind, "",
            rev ? arena_printf(a, "(%lld - k) * %lld", (long long)(v.len - 1), (long long)v.inner)
                : arena_printf(a, "k * %lld", (long long)v.inner));
    const char *add = narrow ? store_expr(a, dt, arena_printf(a, "%s + %s", load_expr(a, dt, "acc"),
                                                              load_expr(a, dt, "xr[j]")))
                    : sg ? "acc + (uint64_t)xr[j]"
                         : arena_printf(a, "(%s)(acc + xr[j])", T);
    const char *out = sg ? arena_printf(a, "(%s)acc", T) : "acc";
    if (excl)
        fprintf(f, "%*syr0[j] = %s;\n%*sacc = %s;\n", ind, "", out, ind, "", add);
    else
        fprintf(f, "%*sacc = %s;\n%*syr0[j] = %s;\n", ind, "", add, ind, "", out);
    ind -= 4;
    fprintf(f, "%*s}\n", ind, "");
    close_rows(f);
}

/* "(value a, index ai) comes before (b, bi)" in TopK's order: larger (or
 * smaller) values first, equal values by lower index; NaN ranks above
 * every number. */
static const char *topk_before(Arena *a, int dt, bool largest, const char *av, const char *ai, const char *bv,
                               const char *bi)
{
    if (!dtype_is_float(dt))
        return arena_printf(a, "(%s %s %s || (%s == %s && %s < %s))", av, largest ? ">" : "<", bv, av, bv, ai, bi);
    if (largest)
        return arena_printf(a, "(%s != %s ? (%s == %s || %s < %s) : %s != %s ? 0 : (%s > %s || (%s == %s && %s < %s)))",
                            av, av, bv, bv, ai, bi, bv, bv, av, bv, av, bv, ai, bi);
    return arena_printf(a, "(%s != %s ? (%s != %s && %s < %s) : %s != %s ? 1 : (%s < %s || (%s == %s && %s < %s)))",
                        av, av, bv, bv, ai, bi, bv, bv, av, bv, av, bv, ai, bi);
}

/* TopK: the j-th pick of a row is the first element, in TopK's order,
 * after the (j-1)-th; always sorted, which 'sorted = 0' allows. */
static void lower_topk(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    AxisView v = arg_view(g, n, x);
    if (!node_attr(g, n, "axis"))
        v = axis_view(x, x->rank - 1, false);
    int64_t k = topk_k(g, n, x, v.axis), ylen[2] = {k, k};
    bool largest = attr_int(g, n, "largest", 1) != 0;
    const char *C = calc_type(dt);
    int ind = open_rows(e, n, f, &v, 2, n->out, ylen);
    fprintf(f, "%*sint64_t pi = -1, j;\n%*s%s pv = 0;\n", ind, "", ind, "", C);
    fprintf(f, "%*sfor (j = 0; j < %lld; j++) {\n", ind, "", (long long)k);
    ind += 4;
    fprintf(f, "%*sint64_t bi = -1;\n%*s%s bv = 0;\n", ind, "", ind, "", C);
    fprintf(f, "%*sfor (k = 0; k < %lld; k++) {\n", ind, "", (long long)v.len);
    fprintf(f, "%*sconst %s v = %s;\n", ind + 4, "", C,
            load_expr(a, dt, arena_printf(a, "xr[k * %lld]", (long long)v.inner)));
    fprintf(f, "%*sif (pi >= 0 && !%s)\n%*scontinue;\n", ind + 4, "", topk_before(a, dt, largest, "pv", "pi", "v", "k"),
            ind + 8, "");
    fprintf(f, "%*sif (bi < 0 || %s) {\n%*sbv = v;\n%*sbi = k;\n%*s}\n", ind + 4, "",
            topk_before(a, dt, largest, "v", "k", "bv", "bi"), ind + 8, "", ind + 8, "", ind + 4, "");
    fprintf(f, "%*s}\n", ind, "");
    if (n->out[0] >= 0)
        fprintf(f, "%*syr0[j * %lld] = xr[bi * %lld];\n", ind, "", (long long)v.inner, (long long)v.inner);
    if (n->out[1] >= 0)
        fprintf(f, "%*syr1[j * %lld] = bi;\n", ind, "", (long long)v.inner);
    fprintf(f, "%*spv = bv;\n%*spi = bi;\n", ind, "", ind, "");
    ind -= 4;
    fprintf(f, "%*s}\n", ind, "");
    close_rows(f);
}

void lower_reduce(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if ((n->op == OP_REDUCEMEAN || n->op == OP_SOFTMAX) && g->values[n->in[0]].dtype == DT_F32)
        return lower_core(e, n, f);
    if (is_reduction(n->op))
        return lower_reduction(e, n, f);
    switch (n->op) {
    case OP_ARGMAX: case OP_ARGMIN:
        return lower_arg(e, n, f);
    case OP_CUMSUM:
        return lower_cumsum(e, n, f);
    case OP_TOPK:
        return lower_topk(e, n, f);
    case OP_HARDMAX:
        return lower_hardmax(e, n, f);
    default: /* Softmax, LogSoftmax */
        return lower_softmax(e, n, f);
    }
}
