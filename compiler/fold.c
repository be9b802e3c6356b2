/* fold.c — shape computations evaluated at compile time.
 *
 * Needs: the inputs of node n inferred (infer_shapes calls fold_node on
 * every node, in topological order, before the node's family infers it).
 * Changes: a node it folds gets its output made a constant (V_CONST, the
 * ONNX result type and shape, data in the graph's arena) and is marked dead;
 * infer_shapes compacts the graph afterwards.  A node it does not fold is
 * left untouched, for its family.
 *
 * Exporters compute shapes at run time (Shape -> Gather -> Concat ->
 * Reshape; ConstantOfShape of a Sub of a Size; Range for axes); shapes are
 * static here, so such a computation is evaluated once by a small
 * interpreter.  A node folds when its op is one of the table at the bottom,
 * every input is a constant (Shape and Size: any input, its shape is known),
 * and its output has at most MAX_FOLD_ELEMS elements, or no more than its
 * largest input (a weight sliced, transposed or scaled once here instead of
 * at every run; nothing grows), and is no graph output:
 * the generated code computes graph outputs, except Shape's and Size's, which
 * are static by nature.  Integer and bool elements are worked on as int64,
 * float and double ones as double (exact: one float operation rounded from
 * double is the float operation), converted at the edges; an integer result
 * that does not fit its type is a user error naming the node.  Ops that only
 * move elements (Gather, Concat, Slice, Reshape, Expand, Tile, Where, ...)
 * copy their bytes, for any element type.  The dispatch is on op_type, so
 * ops that belong to any family fold before their family sees them. */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

/* ---- elements ----------------------------------------------------------------- */

/* Element types the arithmetic works on: those that fit int64 or double. */
static bool num_dtype(int dt)
{
    switch (dt) {
    case DT_I8: case DT_I16: case DT_I32: case DT_I64:
    case DT_U8: case DT_U16: case DT_U32: case DT_BOOL:
    case DT_F32: case DT_F64:
        return true;
    default:
        return false;
    }
}

/* Element i of constant v (an integer or bool num_dtype) as int64. */
static int64_t get_i(const Value *v, int64_t i)
{
    const char *p = (const char *)v->data;
    switch (v->dtype) {
#define GET(DT, T) case DT: { T x; memcpy(&x, p + i * (int64_t)sizeof x, sizeof x); return (int64_t)x; }
    GET(DT_I8, int8_t) GET(DT_I16, int16_t) GET(DT_I32, int32_t) GET(DT_I64, int64_t)
    GET(DT_U8, uint8_t) GET(DT_U16, uint16_t) GET(DT_U32, uint32_t)
#undef GET
    case DT_BOOL:
        return p[i] != 0;
    default:
        assert(!"get_i of a float type");
        return 0;
    }
}

/* Element i of constant v (a num_dtype) as double. */
static double get_f(const Value *v, int64_t i)
{
    if (v->dtype == DT_F32) {
        float x;
        memcpy(&x, (const char *)v->data + 4 * i, 4);
        return x;
    }
    if (v->dtype == DT_F64) {
        double x;
        memcpy(&x, (const char *)v->data + 8 * i, 8);
        return x;
    }
    return (double)get_i(v, i);
}

/* Stores x as element i of d, of type dt: an integer type (fatal if x does
 * not fit), bool (x != 0), or float / double (x rounded once). */
static void put_i(const Graph *g, const Node *n, char *d, int dt, int64_t i, int64_t x)
{
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    switch (dt) {
    case DT_BOOL: d[i] = x != 0; return;
    case DT_F32: { float f = (float)x; memcpy(d + 4 * i, &f, 4); return; }
    case DT_F64: { double f = (double)x; memcpy(d + 8 * i, &f, 8); return; }
    case DT_I8: lo = INT8_MIN, hi = INT8_MAX; break;
    case DT_I16: lo = INT16_MIN, hi = INT16_MAX; break;
    case DT_I32: lo = INT32_MIN, hi = INT32_MAX; break;
    case DT_U8: lo = 0, hi = UINT8_MAX; break;
    case DT_U16: lo = 0, hi = UINT16_MAX; break;
    case DT_U32: lo = 0, hi = UINT32_MAX; break;
    default: break;
    }
    if (x < lo || x > hi)
        fatal_node(g, n, "the result %lld does not fit %s", (long long)x, dtype_name(dt));
    switch (dt) {
#define PUT(DT, T) case DT: { T y = (T)x; memcpy(d + i * (int64_t)sizeof y, &y, sizeof y); return; }
    PUT(DT_I8, int8_t) PUT(DT_I16, int16_t) PUT(DT_I32, int32_t) PUT(DT_I64, int64_t)
    PUT(DT_U8, uint8_t) PUT(DT_U16, uint16_t) PUT(DT_U32, uint32_t)
#undef PUT
    default: assert(!"put_i: not a num_dtype");
    }
}

static void put_f(char *d, int dt, int64_t i, double x)
{
    if (dt == DT_F32) {
        float f = (float)x;
        memcpy(d + 4 * i, &f, 4);
    } else {
        assert(dt == DT_F64);
        memcpy(d + 8 * i, &x, 8);
    }
}

static void copy_elem(char *d, int64_t t, const Value *x, int64_t s)
{
    size_t es = dtype_size(x->dtype);
    memcpy(d + (size_t)t * es, (const char *)x->data + (size_t)s * es, es);
}

/* Makes output 0 of n a constant of type dt and the given shape (empty
 * allowed: shape computations pass them around) and n dead; returns its
 * elements, zeroed.  NULL, changing nothing, if it would have more than
 * MAX_FOLD_ELEMS elements and more than n's largest input. */
static char *fold_out(Graph *g, Node *n, int dt, int rank, const int64_t *dims)
{
    assert(rank >= 0 && rank <= MAX_RANK);
    int64_t limit = MAX_FOLD_ELEMS;
    for (int k = 0; k < n->nin; k++)
        if (has_in(n, k) && (g->values[n->in[k]].flags & V_CONST) && value_numel(&g->values[n->in[k]]) > limit)
            limit = value_numel(&g->values[n->in[k]]);
    int64_t numel = 1;
    for (int i = 0; i < rank; i++)
        if (dims[i] == 0)
            numel = 0;
    for (int i = 0; i < rank && numel; i++) {
        assert(dims[i] > 0);
        numel = mul_ck(numel, dims[i]);
        if (numel < 0 || numel > limit)
            return NULL;
    }
    Value *v = &g->values[n->out[0]];
    size_t es = dtype_size(dt);
    char *d = arena_alloc(&g->arena, es * (size_t)numel + 1);
    v->dtype = dt;
    v->rank = rank;
    for (int i = 0; i < MAX_RANK; i++) {
        v->dims[i] = i < rank ? dims[i] : 0;
        v->dim_param[i] = NULL;
    }
    v->data = d;
    v->nbytes = (int64_t)es * numel;
    v->flags |= V_CONST;
    n->dead = true;
    return d;
}

/* Output element t's coordinates in dims, into c. */
static void coords(int rank, const int64_t *dims, int64_t t, int64_t *c)
{
    for (int i = rank - 1; i >= 0; i--) {
        c[i] = t % dims[i];
        t /= dims[i];
    }
}

/* numpy broadcasting of the shapes of v[0..nv-1] into od; the rank. */
static int bcast_dims(const Graph *g, const Node *n, int nv, const Value *const *v, int64_t *od)
{
    int r = 0;
    for (int k = 0; k < nv; k++)
        r = v[k]->rank > r ? v[k]->rank : r;
    for (int i = 0; i < r; i++)
        od[i] = 1;
    for (int k = 0; k < nv; k++)
        for (int i = r - v[k]->rank; i < r; i++) {
            int64_t d = v[k]->dims[i - (r - v[k]->rank)];
            if (d == od[i] || d == 1)
                continue;
            if (od[i] != 1)
                fatal_node(g, n, "input '%s' %s cannot be broadcast with the other inputs (axis %d: %lld vs %lld)",
                           vname(v[k]), dims_str(v[k]->dims, v[k]->rank), i, (long long)d, (long long)od[i]);
            od[i] = d;
        }
    return r;
}

/* The element of v that element t of its broadcast to od (rank r) reads. */
static int64_t bcast_src(const Value *v, int r, const int64_t *od, int64_t t)
{
    int64_t s = 0, stride = 1;
    for (int i = r - 1, vi = v->rank - 1; i >= 0 && vi >= 0; i--, vi--) {
        int64_t c = t % od[i];
        t /= od[i];
        if (v->dims[vi] != 1)
            s += c * stride;
        stride *= v->dims[vi];
    }
    return s;
}

/* The int list that is attribute `name` before opset `since` and the
 * optional constant input 1 from then on (Unsqueeze's, Squeeze's and the
 * reductions' axes); -1 if absent. */
static int axes_arg(const Graph *g, const Node *n, const char *name, int since, int64_t *out)
{
    if (g->opset < since) {
        const int64_t *p;
        if (has_in(n, 1))
            fatal_node(g, n, "an '%s' input needs opset %d or later (model opset %lld)", name, since,
                       (long long)g->opset);
        int k = attr_ints(g, n, name, &p);
        if (k > MAX_RANK)
            fatal_node(g, n, "%s has %d values, more than %d", name, k, MAX_RANK);
        if (k > 0)
            memcpy(out, p, sizeof(int64_t) * (size_t)k);
        return k;
    }
    if (node_attr(g, n, name))
        fatal_node(g, n, "the '%s' attribute was replaced by an input in opset %d (model opset %lld)", name, since,
                   (long long)g->opset);
    return has_in(n, 1) ? const_ints(g, n, n->in[1], out, MAX_RANK) : -1;
}

/* ---- shape ops ------------------------------------------------------------------- */

typedef bool FoldFn(Graph *g, Node *n, int op);

static bool fold_shape(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t r = x->rank, b = attr_int(g, n, "start", 0), e = attr_int(g, n, "end", r);
    if (g->opset < 15 && (node_attr(g, n, "start") || node_attr(g, n, "end")))
        fatal_node(g, n, "attributes 'start' and 'end' need opset 15 or later (model opset %lld)",
                   (long long)g->opset);
    b = b < 0 ? b + r : b;
    e = e < 0 ? e + r : e;
    b = b < 0 ? 0 : b > r ? r : b;
    e = e < 0 ? 0 : e > r ? r : e;
    int64_t len = e > b ? e - b : 0;
    char *d = fold_out(g, n, DT_I64, 1, &len);
    for (int64_t i = 0; i < len; i++)
        put_i(g, n, d, DT_I64, i, x->dims[b + i]);
    return true;
}

static bool fold_size(Graph *g, Node *n, int op)
{
    (void)op;
    char *d = fold_out(g, n, DT_I64, 0, NULL);
    put_i(g, n, d, DT_I64, 0, value_numel(in_val(g, n, 0)));
    return true;
}

static bool fold_gather(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0), *iv = in_val(g, n, 1);
    if ((iv->dtype != DT_I64 && iv->dtype != DT_I32) || x->rank < 1 || x->rank - 1 + iv->rank > MAX_RANK)
        return false; /* the family says what is wrong */
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    int64_t od[MAX_RANK], outer = 1, inner = 1, ni = value_numel(iv), dx = x->dims[axis];
    int r = gather_dims(g, n, x, iv, axis, od);
    for (int i = 0; i < x->rank; i++)
        if (i != axis)
            *(i < axis ? &outer : &inner) *= x->dims[i];
    char *d = fold_out(g, n, x->dtype, r, od);
    if (!d)
        return false;
    int64_t t = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < ni; j++) {
            int64_t k = gather_index(g, n, j);
            for (int64_t i = 0; i < inner; i++)
                copy_elem(d, t++, x, (o * dx + k) * inner + i);
        }
    return true;
}

static bool fold_concat(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x0 = in_val(g, n, 0);
    for (int k = 1; k < n->nin; k++)
        if (!has_in(n, k) || g->values[n->in[k]].dtype != x0->dtype)
            return false;
    if (x0->rank < 1)
        return false;
    if (!node_attr(g, n, "axis"))
        fatal_node(g, n, "attribute 'axis' is required");
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x0->rank, false);
    int64_t od[MAX_RANK], outer = 1, inner = 1;
    concat_dims(g, n, x0, axis, od);
    for (int i = 0; i < x0->rank; i++)
        if (i != axis)
            *(i < axis ? &outer : &inner) *= x0->dims[i];
    char *d = fold_out(g, n, x0->dtype, x0->rank, od);
    if (!d)
        return false;
    int64_t t = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int k = 0; k < n->nin; k++) {
            const Value *x = &g->values[n->in[k]];
            int64_t block = x->dims[axis] * inner;
            for (int64_t i = 0; i < block; i++)
                copy_elem(d, t++, x, o * block + i);
        }
    return true;
}

/* Element t of n's output (as fold_out made it: its dims) is x's element
 * base + sum of coordinate i times xs[i]: a view of x (a slice, a
 * transpose) copied into d. */
static void copy_view(const Graph *g, const Node *n, char *d, const Value *x, int64_t base, const int64_t *xs)
{
    const Value *y = &g->values[n->out[0]];
    int64_t c[MAX_RANK];
    for (int64_t t = 0, numel = value_numel(y); t < numel; t++) {
        coords(y->rank, y->dims, t, c);
        int64_t s = base;
        for (int i = 0; i < y->rank; i++)
            s += c[i] * xs[i];
        copy_elem(d, t, x, s);
    }
}

static bool fold_slice(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    if (x->rank < 1)
        return false;
    int64_t start[MAX_RANK], step[MAX_RANK], count[MAX_RANK], st[MAX_RANK], xs[MAX_RANK], base = 0;
    slice_params(g, n, start, step, count);
    char *d = fold_out(g, n, x->dtype, x->rank, count);
    if (!d)
        return false;
    dense_strides_of(x, st);
    for (int i = 0; i < x->rank; i++) {
        base += start[i] * st[i];
        xs[i] = step[i] * st[i];
    }
    copy_view(g, n, d, x, base, xs);
    return true;
}

/* The elements of x unchanged under a new shape (Reshape, Flatten,
 * Squeeze, Unsqueeze, Identity). */
static bool same_elems(Graph *g, Node *n, const Value *x, int rank, const int64_t *dims)
{
    char *d = fold_out(g, n, x->dtype, rank, dims);
    if (!d)
        return false;
    memcpy(d, x->data, (size_t)value_numel(x) * dtype_size(x->dtype));
    return true;
}

static bool fold_unsqueeze(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t axes[MAX_RANK], od[MAX_RANK];
    int na = axes_arg(g, n, "axes", 13, axes);
    int r = unsqueeze_dims(g, n, x, axes, na, od);
    return same_elems(g, n, x, r, od);
}

static bool fold_squeeze(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t axes[MAX_RANK], od[MAX_RANK];
    int na = axes_arg(g, n, "axes", 13, axes), r = 0;
    bool sq[MAX_RANK];
    mark_axes(g, n, axes, na > 0 ? na : 0, x->rank, sq);
    for (int i = 0; i < x->rank; i++) {
        if (na <= 0) /* no axes: every axis of size 1 */
            sq[i] = x->dims[i] == 1;
        if (sq[i] && x->dims[i] != 1)
            fatal_node(g, n, "axis %d of input '%s' %s has size %lld, not 1; it cannot be squeezed", i, vname(x),
                       dims_str(x->dims, x->rank), (long long)x->dims[i]);
        if (!sq[i])
            od[r++] = x->dims[i];
    }
    return same_elems(g, n, x, r, od);
}

static bool fold_reshape(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t od[MAX_RANK];
    int r = reshape_dims(g, n, x, od);
    return same_elems(g, n, x, r, od);
}

static bool fold_flatten(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 1), x->rank, true);
    int64_t od[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        od[i >= axis] *= x->dims[i];
    return same_elems(g, n, x, 2, od);
}

static bool fold_identity(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    return same_elems(g, n, x, x->rank, x->dims);
}

static bool fold_expand(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t sh[MAX_RANK], od[MAX_RANK];
    if (!has_in(n, 1))
        fatal_node(g, n, "the shape input is required");
    int ns = const_ints(g, n, n->in[1], sh, MAX_RANK), r = ns > x->rank ? ns : x->rank;
    for (int i = 0; i < r; i++) {
        int xi = i - (r - x->rank), si = i - (r - ns);
        int64_t a = xi >= 0 ? x->dims[xi] : 1, b = si >= 0 ? sh[si] : 1;
        if (b < 0 || (a != b && a != 1 && b != 1))
            fatal_node(g, n, "input '%s' %s cannot be expanded to shape %s", vname(x), dims_str(x->dims, x->rank),
                       dims_str(sh, ns));
        od[i] = a == 1 ? b : a;
    }
    char *d = fold_out(g, n, x->dtype, r, od);
    if (!d)
        return false;
    for (int64_t t = 0, numel = value_numel(&g->values[n->out[0]]); t < numel; t++)
        copy_elem(d, t, x, bcast_src(x, r, od, t));
    return true;
}

static bool fold_tile(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t rep[MAX_RANK], od[MAX_RANK], st[MAX_RANK], c[MAX_RANK];
    int nr = const_ints(g, n, n->in[1], rep, MAX_RANK);
    if (nr != x->rank)
        fatal_node(g, n, "repeats has %d values but input '%s' has rank %d", nr, vname(x), x->rank);
    for (int i = 0; i < x->rank; i++) {
        od[i] = mul_ck(x->dims[i], rep[i]);
        if (od[i] < 0)
            fatal_node(g, n, "repeats %s: a repeat is negative or too large", dims_str(rep, nr));
    }
    char *d = fold_out(g, n, x->dtype, x->rank, od);
    if (!d)
        return false;
    dense_strides_of(x, st);
    for (int64_t t = 0, numel = value_numel(&g->values[n->out[0]]); t < numel; t++) {
        coords(x->rank, od, t, c);
        int64_t s = 0;
        for (int i = 0; i < x->rank; i++)
            s += c[i] % x->dims[i] * st[i];
        copy_elem(d, t, x, s);
    }
    return true;
}

static bool fold_transpose(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    int64_t perm[MAX_RANK], od[MAX_RANK], st[MAX_RANK], xs[MAX_RANK];
    transpose_perm(g, n, x->rank, perm); /* checks perm */
    for (int i = 0; i < x->rank; i++)
        od[i] = x->dims[perm[i]];
    char *d = fold_out(g, n, x->dtype, x->rank, od);
    if (!d)
        return false;
    dense_strides_of(x, st);
    for (int i = 0; i < x->rank; i++)
        xs[i] = st[perm[i]];
    copy_view(g, n, d, x, 0, xs);
    return true;
}

static bool fold_where(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *v[3] = {in_val(g, n, 0), in_val(g, n, 1), in_val(g, n, 2)};
    if (v[0]->dtype != DT_BOOL || v[1]->dtype != v[2]->dtype)
        return false;
    int64_t od[MAX_RANK];
    int r = bcast_dims(g, n, 3, v, od);
    char *d = fold_out(g, n, v[1]->dtype, r, od);
    if (!d)
        return false;
    for (int64_t t = 0, numel = value_numel(&g->values[n->out[0]]); t < numel; t++) {
        const Value *x = get_i(v[0], bcast_src(v[0], r, od, t)) ? v[1] : v[2];
        copy_elem(d, t, x, bcast_src(x, r, od, t));
    }
    return true;
}

static bool fold_constantofshape(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *s = in_val(g, n, 0);
    if ((s->dtype != DT_I64 && s->dtype != DT_I32) || s->rank != 1)
        return false;
    int64_t od[MAX_RANK];
    int r = const_ints(g, n, n->in[0], od, MAX_RANK);
    for (int i = 0; i < r; i++)
        if (od[i] < 0)
            fatal_node(g, n, "shape %s has a negative dim", dims_str(od, r));
    static const float zero;
    const void *val = &zero;
    int dt = DT_F32;
    const Attr *a = node_attr(g, n, "value");
    if (a) {
        const Value *tv = a->kind == ATTR_TENSOR ? &g->values[a->tensor] : NULL;
        if (!tv || !(tv->flags & V_CONST) || value_numel(tv) != 1)
            fatal_node(g, n, "attribute 'value' must be a tensor of one element");
        if (!ctype(tv->dtype))
            return false;
        val = tv->data;
        dt = tv->dtype;
    }
    char *d = fold_out(g, n, dt, r, od);
    if (!d)
        return false;
    size_t es = dtype_size(dt);
    for (int64_t t = 0, numel = value_numel(&g->values[n->out[0]]); t < numel; t++)
        memcpy(d + (size_t)t * es, val, es);
    return true;
}

/* ---- arithmetic ------------------------------------------------------------------- */

enum { F_ADD, F_SUB, F_MUL, F_DIV, F_MOD, F_MAX, F_MIN, F_EQUAL, F_LESS, F_GREATER, F_NEG, F_ABS, F_NOT };
static const char *const fop_sign[] = {"+", "-", "*", "/", "%"};

/* a op b on int64; fatal on overflow or a division by zero. */
static int64_t int_op(const Graph *g, const Node *n, int op, int64_t a, int64_t b)
{
    int64_t y = 0;
    bool bad = false;
    switch (op) {
    case F_ADD: bad = __builtin_add_overflow(a, b, &y); break;
    case F_SUB: bad = __builtin_sub_overflow(a, b, &y); break;
    case F_MUL: bad = __builtin_mul_overflow(a, b, &y); break;
    case F_DIV:
        if (b == 0)
            fatal_node(g, n, "integer division by zero: %lld / 0", (long long)a);
        bad = a == INT64_MIN && b == -1;
        y = bad ? 0 : a / b; /* truncates, as C and onnxruntime do */
        break;
    case F_MOD: /* fmod = 0: the sign of the divisor (Python's %); 1: C's */
        if (b == 0)
            fatal_node(g, n, "integer division by zero: %lld mod 0", (long long)a);
        y = b == -1 ? 0 : a % b;
        if (!attr_int(g, n, "fmod", 0) && y != 0 && (y < 0) != (b < 0))
            y += b;
        break;
    case F_MAX: y = a > b ? a : b; break;
    case F_MIN: y = a < b ? a : b; break;
    case F_EQUAL: y = a == b; break;
    case F_LESS: y = a < b; break;
    case F_GREATER: y = a > b; break;
    default: assert(!"int_op");
    }
    if (bad)
        fatal_node(g, n, "int64 overflow in %lld %s %lld", (long long)a, fop_sign[op], (long long)b);
    return y;
}

/* a op b on doubles; Max and Min propagate NaN (numpy, the ONNX reference). */
static double float_op(int op, double a, double b)
{
    switch (op) {
    case F_ADD: return a + b;
    case F_SUB: return a - b;
    case F_MUL: return a * b;
    case F_DIV: return a / b;
    case F_MOD: return fmod(a, b); /* Mod on floats needs fmod = 1 */
    case F_MAX: return isnan(a) || a > b ? a : b;
    case F_MIN: return isnan(a) || a < b ? a : b;
    case F_EQUAL: return a == b;
    case F_LESS: return a < b;
    case F_GREATER: return a > b;
    default: assert(!"float_op"); return 0;
    }
}

/* Add, Sub, Mul, Div, Max, Min (any number of inputs), Equal, Less,
 * Greater: numpy broadcasting, inputs of one type. */
static bool fold_nary(Graph *g, Node *n, int op)
{
    const Value *v[16];
    if (n->nin < 1 || n->nin > 16)
        return false;
    for (int k = 0; k < n->nin; k++) {
        if (!has_in(n, k))
            return false;
        v[k] = in_val(g, n, k);
        if (v[k]->dtype != v[0]->dtype)
            return false;
    }
    int dt = v[0]->dtype;
    if (!num_dtype(dt) || (dt == DT_BOOL && op != F_EQUAL))
        return false;
    bool fl = dtype_is_float(dt);
    if (op == F_MOD && fl && !attr_int(g, n, "fmod", 0))
        return false; /* refused by the eltwise family */
    int ydt = op >= F_EQUAL ? DT_BOOL : dt;
    int64_t od[MAX_RANK];
    int r = bcast_dims(g, n, n->nin, v, od);
    char *d = fold_out(g, n, ydt, r, od);
    if (!d)
        return false;
    for (int64_t t = 0, numel = value_numel(&g->values[n->out[0]]); t < numel; t++) {
        if (fl) {
            double a = get_f(v[0], bcast_src(v[0], r, od, t));
            for (int k = 1; k < n->nin; k++)
                a = float_op(op, a, get_f(v[k], bcast_src(v[k], r, od, t)));
            if (ydt == DT_BOOL)
                put_i(g, n, d, ydt, t, a != 0);
            else
                put_f(d, ydt, t, a);
        } else {
            int64_t a = get_i(v[0], bcast_src(v[0], r, od, t));
            for (int k = 1; k < n->nin; k++)
                a = int_op(g, n, op, a, get_i(v[k], bcast_src(v[k], r, od, t)));
            put_i(g, n, d, ydt, t, a);
        }
    }
    return true;
}

static bool fold_unary(Graph *g, Node *n, int op)
{
    const Value *x = in_val(g, n, 0);
    int dt = x->dtype;
    if (!num_dtype(dt) || (op == F_NOT) != (dt == DT_BOOL))
        return false;
    if (op == F_NEG && !dtype_is_signed(dt))
        return false; /* ONNX has Neg for signed types only */
    char *d = fold_out(g, n, dt, x->rank, x->dims);
    if (!d)
        return false;
    for (int64_t t = 0, numel = value_numel(x); t < numel; t++) {
        if (dtype_is_float(dt)) {
            double a = get_f(x, t);
            put_f(d, dt, t, op == F_NEG ? -a : fabs(a));
            continue;
        }
        int64_t a = get_i(x, t);
        if (op == F_NOT)
            a = !a;
        else if (a == INT64_MIN)
            fatal_node(g, n, "int64 overflow in %s(%lld)", op == F_NEG ? "-" : "abs", (long long)a);
        else if (op == F_NEG || a < 0)
            a = -a;
        put_i(g, n, d, dt, t, a);
    }
    return true;
}

static bool fold_cast(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *x = in_val(g, n, 0);
    if (!node_attr(g, n, "to"))
        fatal_node(g, n, "attribute 'to' is required");
    int64_t to = attr_int(g, n, "to", 0);
    if (!num_dtype(x->dtype) || to < 0 || to > DT_BF16 || !num_dtype((int)to))
        return false;
    int dt = (int)to;
    char *d = fold_out(g, n, dt, x->rank, x->dims);
    if (!d)
        return false;
    for (int64_t t = 0, numel = value_numel(x); t < numel; t++) {
        if (!dtype_is_float(x->dtype)) {
            put_i(g, n, d, dt, t, get_i(x, t)); /* one rounding to float, if to float */
            continue;
        }
        double a = get_f(x, t);
        if (dtype_is_float(dt))
            put_f(d, dt, t, a);
        else if (dt == DT_BOOL)
            d[t] = a != 0;
        else if (a >= -9223372036854775808.0 && a < 9223372036854775808.0)
            put_i(g, n, d, dt, t, (int64_t)a); /* truncates */
        else
            fatal_node(g, n, "%g cannot be converted to %s", a, dtype_name(dt));
    }
    return true;
}

/* Range: start, start + delta, ... while before limit; floats accumulate
 * in their type as onnxruntime (and the ONNX function body) do. */
static bool fold_range(Graph *g, Node *n, int op)
{
    (void)op;
    const Value *v[3] = {in_val(g, n, 0), in_val(g, n, 1), in_val(g, n, 2)};
    int dt = v[0]->dtype;
    for (int k = 0; k < 3; k++)
        if (v[k]->dtype != dt || value_numel(v[k]) != 1 || v[k]->rank > 1)
            return false;
    if (!num_dtype(dt) || dt == DT_BOOL)
        return false;
    int64_t cnt;
    if (dtype_is_float(dt)) {
        double s = get_f(v[0], 0), lim = get_f(v[1], 0), de = get_f(v[2], 0);
        double span = lim - s;
        if (dt == DT_F32)
            span = (float)span;
        double q = ceil(span / de);
        if (de == 0 || !(q < 1e15))
            fatal_node(g, n, "range from %g to %g by %g has no finite length", s, lim, de);
        cnt = q > 0 ? (int64_t)q : 0;
        char *d = fold_out(g, n, dt, 1, &cnt);
        if (!d)
            return false;
        for (int64_t i = 0; i < cnt; i++) {
            put_f(d, dt, i, s);
            s = dt == DT_F32 ? (float)(s + de) : s + de;
        }
        return true;
    }
    int64_t s = get_i(v[0], 0), lim = get_i(v[1], 0), de = get_i(v[2], 0), span;
    if (de == 0)
        fatal_node(g, n, "delta is 0");
    if (__builtin_sub_overflow(lim, s, &span))
        fatal_node(g, n, "int64 overflow in %lld - %lld", (long long)lim, (long long)s);
    cnt = span / de + (span % de != 0 && (span < 0) == (de < 0)); /* ceil */
    cnt = cnt > 0 ? cnt : 0;
    char *d = fold_out(g, n, dt, 1, &cnt);
    if (!d)
        return false;
    for (int64_t i = 0; i < cnt; i++, s += i < cnt ? de : 0) /* stays within [start, limit) */
        put_i(g, n, d, dt, i, s);
    return true;
}

/* ReduceSum, ReduceProd: axes an attribute before opset `since` (13 for
 * ReduceSum, 18 for ReduceProd) and an optional input from then on. */
static bool fold_reduce(Graph *g, Node *n, int op)
{
    const Value *x = in_val(g, n, 0);
    int dt = x->dtype, since = op == F_ADD ? 13 : 18;
    if (!num_dtype(dt) || dt == DT_BOOL)
        return false;
    if (g->opset < since && node_attr(g, n, "noop_with_empty_axes"))
        fatal_node(g, n, "attribute 'noop_with_empty_axes' needs opset %d or later (model opset %lld)", since,
                   (long long)g->opset);
    int64_t axes[MAX_RANK], od[MAX_RANK], ost[MAX_RANK], c[MAX_RANK];
    int na = axes_arg(g, n, "axes", since, axes);
    bool noop = g->opset >= since && attr_int(g, n, "noop_with_empty_axes", 0) != 0;
    bool red[MAX_RANK];
    mark_axes(g, n, axes, na > 0 ? na : 0, x->rank, red);
    for (int i = 0; i < x->rank; i++)
        if (na <= 0)
            red[i] = !noop;
    int r = reduced_dims(g, n, x, red, od);
    char *d = fold_out(g, n, dt, r, od);
    if (!d)
        return false;
    /* Output strides along x's axes (0 on reduced ones). */
    int64_t s = 1, numel = value_numel(x), ynumel = value_numel(&g->values[n->out[0]]);
    for (int i = x->rank - 1; i >= 0; i--) {
        ost[i] = red[i] ? 0 : s;
        s *= red[i] ? 1 : x->dims[i];
    }
    bool fl = dtype_is_float(dt);
    int64_t *acc = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)(ynumel + 1));
    double *facc = arena_alloc(&g->arena, sizeof(double) * (size_t)(ynumel + 1));
    for (int64_t j = 0; j < ynumel; j++) {
        acc[j] = op == F_MUL;
        facc[j] = op == F_MUL ? 1.0 : 0.0;
    }
    for (int64_t t = 0; t < numel; t++) {
        coords(x->rank, x->dims, t, c);
        int64_t j = 0;
        for (int i = 0; i < x->rank; i++)
            j += c[i] * ost[i];
        if (fl)
            facc[j] = op == F_ADD ? facc[j] + get_f(x, t) : facc[j] * get_f(x, t);
        else
            acc[j] = int_op(g, n, op, acc[j], get_i(x, t));
    }
    for (int64_t j = 0; j < ynumel; j++) {
        if (fl)
            put_f(d, dt, j, facc[j]);
        else
            put_i(g, n, d, dt, j, acc[j]);
    }
    return true;
}

/* ---- dispatch ------------------------------------------------------------------ */

static const struct {
    const char *op_type;
    FoldFn *fn;
    int op;    /* fn's own selector */
    int since; /* the first opset with the op */
} folders[] = {
    {"Shape", fold_shape, 0, 1},
    {"Size", fold_size, 0, 1},
    {"Gather", fold_gather, 0, 1},
    {"Concat", fold_concat, 0, 1},
    {"Slice", fold_slice, 0, 1},
    {"Unsqueeze", fold_unsqueeze, 0, 1},
    {"Squeeze", fold_squeeze, 0, 1},
    {"Reshape", fold_reshape, 0, 5},
    {"Flatten", fold_flatten, 0, 1},
    {"Identity", fold_identity, 0, 1},
    {"Expand", fold_expand, 0, 8},
    {"Tile", fold_tile, 0, 6},
    {"Transpose", fold_transpose, 0, 1},
    {"Where", fold_where, 0, 9},
    {"ConstantOfShape", fold_constantofshape, 0, 9},
    {"Cast", fold_cast, 0, 6},
    {"Range", fold_range, 0, 11},
    {"Add", fold_nary, F_ADD, 7},
    {"Sub", fold_nary, F_SUB, 7},
    {"Mul", fold_nary, F_MUL, 7},
    {"Div", fold_nary, F_DIV, 7},
    {"Mod", fold_nary, F_MOD, 10},
    {"Max", fold_nary, F_MAX, 1},
    {"Min", fold_nary, F_MIN, 1},
    {"Equal", fold_nary, F_EQUAL, 7},
    {"Less", fold_nary, F_LESS, 7},
    {"Greater", fold_nary, F_GREATER, 7},
    {"Neg", fold_unary, F_NEG, 6},
    {"Abs", fold_unary, F_ABS, 6},
    {"Not", fold_unary, F_NOT, 1},
    {"ReduceSum", fold_reduce, F_ADD, 1},
    {"ReduceProd", fold_reduce, F_MUL, 1},
};

bool fold_node(Graph *g, Node *n)
{
    int f = 0, nf = (int)(sizeof folders / sizeof folders[0]);
    while (f < nf && strcmp(folders[f].op_type, n->op_type))
        f++;
    if (f == nf || n->nout != 1 || n->out[0] < 0 || n->nin < 1)
        return false;
    /* Shape and Size read only their input's static shape; they fold even
     * into a graph output.  Every other op folds only constants, and never
     * into a graph output (the generated code computes those). */
    bool shape_only = folders[f].fn == fold_shape || folders[f].fn == fold_size;
    if (!shape_only) {
        if (g->values[n->out[0]].flags & V_OUTPUT)
            return false;
        for (int k = 0; k < n->nin; k++)
            if (has_in(n, k) && (!(g->values[n->in[k]].flags & V_CONST) || !ctype(g->values[n->in[k]].dtype)))
                return false;
    }
    if (g->opset < folders[f].since)
        fatal_node(g, n, "%s needs opset %d or later (model opset %lld)", folders[f].op_type, folders[f].since,
                   (long long)g->opset);
    return folders[f].fn(g, n, folders[f].op);
}
