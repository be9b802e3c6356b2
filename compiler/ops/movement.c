/* ops/movement.c — data movement: copies, views and shape ops.
 *
 * The float32 forms of the ops the core already lowered (Identity, Flatten,
 * Reshape, Dropout, Transpose, Concat, Slice, Split, Pad, and Gather by
 * constant indices) go to infer_core / lower_core unchanged (core_takes);
 * this file does every other element type, the float32 forms the core
 * refuses, and the ops the core never had.  Shapes are static: every
 * operand that decides a shape (Reshape's shape, axes, repeats, Range's
 * bounds, ...) must be a constant.  Run-time operands that only move data
 * (Gather's indices, ReverseSequence's lengths, Trilu's k) are read by the
 * generated code.  Ops whose output shape depends on data values (NonZero,
 * Compress, Unique) are refused unless that data is a constant.  fold.c
 * evaluates the small all-constant shape computations before they get here
 * (and Shape, a core op, always).
 *
 * Most ops are one strided copy: the output written densely (or, for
 * Concat, a strided block of it) from the input read with per-axis strides
 * over a view of up to 2 x MAX_RANK axes (Tile and DepthToSpace split axes
 * in two).  emit_move writes that as a loop nest with compile-time extents,
 * axes of extent 1 dropped and axes walked contiguously merged, the
 * innermost contiguous run a memcpy.  Element types only change the C type
 * of the pointers (ops/cgen.c): data is moved as stored bits. */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

#define MAX_VIEW (2 * MAX_RANK)

/* ---- helpers ----------------------------------------------------------------- */

static bool is_used(const Graph *g, int v)
{
    return v >= 0 && (g->values[v].nuses || (g->values[v].flags & V_OUTPUT));
}

/* Input k, present, shaped and of a type the backend holds. */
static const Value *in_data(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    if (!ctype(v->dtype))
        fatal_node(g, n, "input '%s' has data type %s; not supported", vname(v), dtype_name(v->dtype));
    return v;
}

static void need_const(const Graph *g, const Node *n, const Value *v, const char *what)
{
    if (!(v->flags & V_CONST))
        fatal_node(g, n, "%s '%s' must be a constant (shapes are static)", what, vname(v));
}

/* An int list that is attribute `name` before opset `since` and (constant)
 * input k from then on: its length, -1 if absent. */
static int ints_attr_or_input(const Graph *g, const Node *n, const char *name, int since, int k, int64_t *out,
                              int cap)
{
    if (g->opset < since) {
        if (has_in(n, k))
            fatal_node(g, n, "a '%s' input needs opset %d or later (model opset %lld)", name, since,
                       (long long)g->opset);
        const int64_t *p;
        int c = attr_ints(g, n, name, &p);
        if (c > cap)
            fatal_node(g, n, "%s has %d values, at most %d possible here", name, c, cap);
        if (c > 0)
            memcpy(out, p, sizeof(int64_t) * (size_t)c);
        return c;
    }
    if (node_attr(g, n, name))
        fatal_node(g, n, "the '%s' attribute became an input in opset %d (model opset %lld)", name, since,
                   (long long)g->opset);
    if (!has_in(n, k))
        return -1;
    const Value *v = in_val(g, n, k);
    need_const(g, n, v, name);
    if (v->rank > 1)
        fatal_node(g, n, "%s '%s' has rank %d, expected 1", name, vname(v), v->rank);
    return const_ints(g, n, n->in[k], out, cap);
}

/* Element i of a constant as int64 / double (integer and float types). */
static int64_t const_i64_at(const Value *v, int64_t i)
{
    const char *p = (const char *)v->data + (size_t)i * dtype_size(v->dtype);
    switch (v->dtype) {
    case DT_I8: { int8_t x; memcpy(&x, p, 1); return x; }
    case DT_U8: case DT_BOOL: { uint8_t x; memcpy(&x, p, 1); return x; }
    case DT_I16: { int16_t x; memcpy(&x, p, 2); return x; }
    case DT_U16: { uint16_t x; memcpy(&x, p, 2); return x; }
    case DT_I32: { int32_t x; memcpy(&x, p, 4); return x; }
    case DT_U32: { uint32_t x; memcpy(&x, p, 4); return x; }
    case DT_I64: case DT_U64: { int64_t x; memcpy(&x, p, 8); return x; }
    default: return 0;
    }
}

static double const_f64_at(const Value *v, int64_t i)
{
    const char *p = (const char *)v->data + (size_t)i * dtype_size(v->dtype);
    if (v->dtype == DT_F32) {
        float x;
        memcpy(&x, p, 4);
        return x;
    }
    if (v->dtype == DT_F64) {
        double x;
        memcpy(&x, p, 8);
        return x;
    }
    if (v->dtype == DT_U64) {
        uint64_t x;
        memcpy(&x, p, 8);
        return (double)x;
    }
    return (double)const_i64_at(v, i);
}

/* Whether element i of a constant is not zero (-0.0 is zero, NaN is not). */
static bool const_nonzero_at(const Value *v, int64_t i)
{
    const char *p = (const char *)v->data + (size_t)i * dtype_size(v->dtype);
    if (v->dtype == DT_F16 || v->dtype == DT_BF16) {
        uint16_t h;
        memcpy(&h, p, 2);
        return (h & 0x7fff) != 0;
    }
    if (dtype_is_float(v->dtype))
        return const_f64_at(v, i) != 0 || isnan(const_f64_at(v, i));
    return const_i64_at(v, i) != 0;
}

/* ---- which float32 forms the core lowers -------------------------------------- */

static bool pad_core_ok(const Graph *g, const Node *n);

/* Whether Dropout's training_mode (opset 12) is a constant true. */
static bool dropout_training(const Graph *g, const Node *n)
{
    const Value *t = has_in(n, 2) ? &g->values[n->in[2]] : NULL;
    return t && (t->flags & V_CONST) && t->dtype == DT_BOOL && value_numel(t) == 1 && *(const uint8_t *)t->data;
}

static bool core_takes(const Graph *g, const Node *n)
{
    const Value *x = has_in(n, 0) ? &g->values[n->in[0]] : NULL;
    if (!x || x->dtype != DT_F32)
        return false;
    switch (n->op) {
    case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE: case OP_TRANSPOSE: case OP_SLICE: case OP_SPLIT:
        return true;
    case OP_DROPOUT: /* output 0; the mask is written here.  Training mode: here */
        return !dropout_training(g, n);
    case OP_CONCAT:
        for (int k = 0; k < n->nin; k++)
            if (!has_in(n, k) || g->values[n->in[k]].dtype != DT_F32)
                return false;
        return true;
    case OP_GATHER: {
        const Value *iv = has_in(n, 1) ? &g->values[n->in[1]] : NULL;
        return iv && (iv->flags & V_CONST) && (iv->dtype == DT_I64 || iv->dtype == DT_I32);
    }
    case OP_PAD:
        return pad_core_ok(g, n);
    default:
        return false;
    }
}

/* ---- inference, one function per op ------------------------------------------ */

static void infer_copy(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

static void infer_dropout(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (has_in(n, 2)) { /* opset 12: training_mode, a constant bool */
        const Value *t = in_val(g, n, 2);
        if (!(t->flags & V_CONST) || t->dtype != DT_BOOL || value_numel(t) != 1)
            fatal_node(g, n, "training_mode '%s' must be a constant bool scalar", vname(t));
        /* Training with ratio 0 drops nothing: the same as inference. */
        const Value *r = has_in(n, 1) ? in_val(g, n, 1) : NULL;
        bool zero = r && (r->flags & V_CONST) && value_numel(r) == 1 &&
                    (r->dtype == DT_F32 || r->dtype == DT_F64) && const_f64_at(r, 0) == 0;
        if (*(const uint8_t *)t->data && !zero)
            fatal_node(g, n, "training_mode is true with a ratio other than a constant 0; only inference is "
                       "supported (training drops at random)");
    }
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
    set_out(g, n, 1, g->opset >= 10 ? DT_BOOL : x->dtype, x->rank, x->dims);
}

static void infer_flatten(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 1), x->rank, true);
    int64_t od[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        od[i >= axis] *= x->dims[i];
    set_out(g, n, 0, x->dtype, 2, od);
}

static void infer_reshape(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (has_in(n, 1))
        need_const(g, n, in_val(g, n, 1), "shape");
    int64_t od[MAX_RANK];
    int r = reshape_dims(g, n, x, od);
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_transpose(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    int64_t perm[MAX_RANK], od[MAX_RANK];
    transpose_perm(g, n, x->rank, perm);
    for (int i = 0; i < x->rank; i++)
        od[i] = x->dims[perm[i]];
    set_out(g, n, 0, x->dtype, x->rank, od);
}

static void infer_concat(Graph *g, Node *n)
{
    const Value *x0 = in_data(g, n, 0);
    if (!node_attr(g, n, "axis"))
        fatal_node(g, n, "attribute 'axis' is required");
    if (x0->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; Concat needs rank 1 or more", vname(x0));
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x0->rank, false);
    for (int k = 1; k < n->nin; k++)
        in_data(g, n, k);
    int64_t od[MAX_RANK];
    concat_dims(g, n, x0, axis, od);
    set_out(g, n, 0, x0->dtype, x0->rank, od);
}

static void infer_slice(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; Slice needs rank 1 or more", vname(x));
    int64_t start[MAX_RANK], step[MAX_RANK], count[MAX_RANK];
    slice_params(g, n, start, step, count);
    set_out(g, n, 0, x->dtype, x->rank, count);
}

static void infer_split(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; Split needs rank 1 or more", vname(x));
    if (has_in(n, 1))
        need_const(g, n, in_val(g, n, 1), "split");
    int64_t *sizes = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)n->nout);
    int axis = split_parts(g, n, sizes);
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof od);
    for (int k = 0; k < n->nout; k++) {
        od[axis] = sizes[k];
        set_out(g, n, k, x->dtype, x->rank, od);
    }
}

static void infer_gather(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0), *iv = in_val(g, n, 1);
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; Gather needs rank 1 or more", vname(x));
    if (iv->dtype != DT_I64 && iv->dtype != DT_I32)
        fatal_node(g, n, "indices '%s' must be int64 or int32, not %s", vname(iv), dtype_name(iv->dtype));
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    int64_t od[MAX_RANK];
    int r = gather_dims(g, n, x, iv, axis, od);
    if (iv->flags & V_CONST)
        for (int64_t i = 0, ni = value_numel(iv); i < ni; i++)
            gather_index(g, n, i); /* in range */
    set_out(g, n, 0, x->dtype, r, od);
}

/* ---- Pad ---------------------------------------------------------------------- */

enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP };

/* Pad's mode and per-axis pads (begin, end; negative crops), every opset's
 * form: 'pads' attribute (< 11) or constant input, opset 18's axes. */
static int pad_params(const Graph *g, const Node *n, int64_t *begin, int64_t *end)
{
    const Value *x = &g->values[n->in[0]];
    const char *ms = attr_str(g, n, "mode", "constant");
    int mode = !strcmp(ms, "constant") ? PAD_CONSTANT : !strcmp(ms, "reflect") ? PAD_REFLECT
             : !strcmp(ms, "edge") ? PAD_EDGE : !strcmp(ms, "wrap") && g->opset >= 19 ? PAD_WRAP : -1;
    if (mode < 0)
        fatal_node(g, n, "mode '%s' is not supported (constant, reflect, edge)", printable(ms));
    int64_t pads[2 * MAX_RANK], axes[MAX_RANK];
    int np, na = x->rank;
    for (int i = 0; i < na; i++)
        axes[i] = i;
    if (g->opset < 11) {
        const int64_t *p;
        np = attr_ints(g, n, "pads", &p);
        if (np < 0)
            fatal_node(g, n, "attribute 'pads' is required");
        if (np > 2 * MAX_RANK)
            fatal_node(g, n, "pads has %d values, expected %d", np, 2 * na);
        memcpy(pads, p, sizeof(int64_t) * (size_t)np);
    } else {
        if (!has_in(n, 1))
            fatal_node(g, n, "the pads input is required");
        need_const(g, n, &g->values[n->in[1]], "pads");
        np = const_ints(g, n, n->in[1], pads, 2 * MAX_RANK);
        if (has_in(n, 3)) { /* opset 18 axes */
            need_const(g, n, &g->values[n->in[3]], "axes");
            na = const_ints(g, n, n->in[3], axes, MAX_RANK);
            norm_axes(g, n, axes, na, x->rank);
        }
    }
    if (np != 2 * na)
        fatal_node(g, n, "pads has %d values, expected %d", np, 2 * na);
    for (int i = 0; i < x->rank; i++)
        begin[i] = end[i] = 0;
    for (int i = 0; i < na; i++) {
        int64_t lo = pads[i], hi = pads[na + i];
        if (lo < -INT32_MAX || lo > INT32_MAX || hi < -INT32_MAX || hi > INT32_MAX)
            fatal_node(g, n, "pads %s are out of range", dims_str(pads, np));
        begin[axes[i]] = lo;
        end[axes[i]] = hi;
    }
    return mode;
}

/* The core's float32 Pad: modes constant/reflect/edge, a constant value,
 * reflect pads smaller than the axis. */
static bool pad_core_ok(const Graph *g, const Node *n)
{
    if (g->opset >= 11 && has_in(n, 2) && !(g->values[n->in[2]].flags & V_CONST))
        return false;
    if (g->opset >= 11 && has_in(n, 2) && g->values[n->in[2]].dtype != DT_F32)
        return false;
    int64_t begin[MAX_RANK], end[MAX_RANK];
    const Value *x = &g->values[n->in[0]];
    int mode = pad_params(g, n, begin, end);
    if (mode == PAD_WRAP)
        return false;
    for (int i = 0; mode == PAD_REFLECT && i < x->rank; i++)
        if (begin[i] >= x->dims[i] || end[i] >= x->dims[i])
            return false;
    return true;
}

static void infer_pad(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    int64_t begin[MAX_RANK], end[MAX_RANK], od[MAX_RANK];
    int mode = pad_params(g, n, begin, end);
    if (g->opset >= 11 && has_in(n, 2)) {
        const Value *cv = in_val(g, n, 2);
        if (cv->dtype != x->dtype)
            fatal_node(g, n, "constant_value '%s' is %s but the data '%s' is %s", vname(cv),
                       dtype_name(cv->dtype), vname(x), dtype_name(x->dtype));
        if (value_numel(cv) != 1)
            fatal_node(g, n, "constant_value '%s' must be a scalar", vname(cv));
    }
    for (int i = 0; i < x->rank; i++) {
        od[i] = x->dims[i] + begin[i] + end[i];
        if (mode != PAD_CONSTANT && (begin[i] > 0 || end[i] > 0) && x->dims[i] + (begin[i] < 0 ? begin[i] : 0) +
                                                                       (end[i] < 0 ? end[i] : 0) < 1)
            fatal_node(g, n, "axis %d is cropped to nothing before %s padding", i,
                       mode == PAD_EDGE ? "edge" : "reflect");
    }
    set_out(g, n, 0, x->dtype, x->rank, od);
}

/* ---- new shape ops ------------------------------------------------------------ */

static void infer_unsqueeze(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    int64_t axes[MAX_RANK], od[MAX_RANK];
    int na = ints_attr_or_input(g, n, "axes", 13, 1, axes, MAX_RANK);
    int r = unsqueeze_dims(g, n, x, axes, na, od);
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_squeeze(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    int64_t axes[MAX_RANK], od[MAX_RANK];
    int na = ints_attr_or_input(g, n, "axes", 13, 1, axes, MAX_RANK);
    bool drop[MAX_RANK] = {false};
    for (int i = 0; i < na; i++) {
        int a = norm_axis(g, n, axes[i], x->rank, false);
        if (drop[a])
            fatal_node(g, n, "axes %s lists axis %d twice", dims_str(axes, na), a);
        if (x->dims[a] != 1)
            fatal_node(g, n, "axis %d of input '%s' %s has size %lld, not 1", a, vname(x),
                       dims_str(x->dims, x->rank), (long long)x->dims[a]);
        drop[a] = true;
    }
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!(na < 0 ? x->dims[i] == 1 : drop[i]))
            od[r++] = x->dims[i];
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_expand(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0), *sv = in_val(g, n, 1);
    need_const(g, n, sv, "shape");
    int64_t sh[MAX_RANK], od[MAX_RANK];
    int ns = const_ints(g, n, n->in[1], sh, MAX_RANK);
    int r = ns > x->rank ? ns : x->rank;
    for (int i = 0; i < r; i++) {
        int ix = i - (r - x->rank), is = i - (r - ns);
        int64_t dx = ix >= 0 ? x->dims[ix] : 1, ds = is >= 0 ? sh[is] : 1;
        if (ds < 0 || (dx != ds && dx != 1 && ds != 1))
            fatal_node(g, n, "input '%s' %s cannot be expanded to shape %s", vname(x), dims_str(x->dims, x->rank),
                       dims_str(sh, ns));
        od[i] = dx == 1 ? ds : dx;
    }
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_tile(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0), *rv = in_val(g, n, 1);
    need_const(g, n, rv, "repeats");
    int64_t rep[MAX_RANK], od[MAX_RANK];
    int nr = const_ints(g, n, n->in[1], rep, MAX_RANK);
    if (nr != x->rank)
        fatal_node(g, n, "repeats has %d values but input '%s' has rank %d", nr, vname(x), x->rank);
    for (int i = 0; i < x->rank; i++) {
        if (rep[i] < 0)
            fatal_node(g, n, "repeats %s has a negative value", dims_str(rep, nr));
        od[i] = mul_ck(x->dims[i], rep[i]);
        if (od[i] < 0)
            fatal_node(g, n, "repeats %s are too large", dims_str(rep, nr));
    }
    set_out(g, n, 0, x->dtype, x->rank, od);
}

/* ConstantOfShape's fill: the 'value' attribute's one element (its dtype),
 * else float32 zero (-1). */
static int cos_value(const Graph *g, const Node *n)
{
    const Attr *a = node_attr(g, n, "value");
    if (!a)
        return -1;
    if (a->kind != ATTR_TENSOR)
        fatal_node(g, n, "attribute 'value' has the wrong type");
    const Value *v = &g->values[a->tensor];
    if (value_numel(v) != 1)
        fatal_node(g, n, "attribute 'value' must have one element, has %lld", (long long)value_numel(v));
    if (!ctype(v->dtype))
        fatal_node(g, n, "attribute 'value' has data type %s; not supported", dtype_name(v->dtype));
    return a->tensor;
}

static void infer_constantofshape(Graph *g, Node *n)
{
    const Value *sv = in_val(g, n, 0);
    need_const(g, n, sv, "shape");
    if (sv->rank != 1)
        fatal_node(g, n, "shape '%s' has rank %d, expected 1", vname(sv), sv->rank);
    int64_t sh[MAX_RANK];
    int r = const_ints(g, n, n->in[0], sh, MAX_RANK);
    for (int i = 0; i < r; i++)
        if (sh[i] < 0)
            fatal_node(g, n, "shape %s has a negative dim", dims_str(sh, r));
    int v = cos_value(g, n);
    set_out(g, n, 0, v < 0 ? DT_F32 : g->values[v].dtype, r, sh);
}

/* Range's element count, from its constant scalar inputs. */
static int64_t range_count(const Graph *g, const Node *n)
{
    const Value *s = &g->values[n->in[0]], *l = &g->values[n->in[1]], *d = &g->values[n->in[2]];
    if (dtype_is_float(s->dtype)) {
        double fs = const_f64_at(s, 0), fl = const_f64_at(l, 0), fd = const_f64_at(d, 0);
        if (fd == 0 || isnan(fs) || isnan(fl) || isnan(fd) || isinf(fs) || isinf(fl))
            fatal_node(g, n, "start %g, limit %g and delta %g make no finite range", fs, fl, fd);
        double c = ceil((fl - fs) / fd);
        if (c > (double)MAX_ELEMS)
            fatal_node(g, n, "the range would have more than %lld elements", (long long)MAX_ELEMS);
        return c > 0 ? (int64_t)c : 0;
    }
    int64_t is = const_i64_at(s, 0), il = const_i64_at(l, 0), id = const_i64_at(d, 0), diff;
    if (id == 0)
        fatal_node(g, n, "delta is 0");
    if (__builtin_sub_overflow(il, is, &diff))
        fatal_node(g, n, "the range would have more than %lld elements", (long long)MAX_ELEMS);
    if (diff == 0 || (diff > 0) != (id > 0))
        return 0;
    uint64_t ud = diff < 0 ? -(uint64_t)diff : (uint64_t)diff, ua = id < 0 ? -(uint64_t)id : (uint64_t)id;
    uint64_t c = ud / ua + (ud % ua != 0);
    if (c > (uint64_t)MAX_ELEMS)
        fatal_node(g, n, "the range would have more than %lld elements", (long long)MAX_ELEMS);
    return (int64_t)c;
}

static void infer_range(Graph *g, Node *n)
{
    const Value *s = in_val(g, n, 0);
    static const char *what[] = {"start", "limit", "delta"};
    for (int k = 0; k < 3; k++) {
        const Value *v = in_val(g, n, k);
        if (!(v->flags & V_CONST))
            fatal_node(g, n, "%s '%s' is not a constant: the output shape depends on the input's values",
                       what[k], vname(v));
        if (v->dtype != s->dtype)
            fatal_node(g, n, "%s '%s' is %s but start '%s' is %s", what[k], vname(v), dtype_name(v->dtype),
                       vname(s), dtype_name(s->dtype));
        if (value_numel(v) != 1)
            fatal_node(g, n, "%s '%s' must be a scalar", what[k], vname(v));
    }
    if (!dtype_is_float(s->dtype) && !dtype_is_int(s->dtype))
        fatal_node(g, n, "start '%s' has data type %s; Range takes numbers", vname(s), dtype_name(s->dtype));
    if (s->dtype == DT_F16 || s->dtype == DT_BF16 || s->dtype == DT_U64)
        fatal_node(g, n, "start '%s' has data type %s; not supported (float, double and integers are)", vname(s),
                   dtype_name(s->dtype));
    int64_t c = range_count(g, n);
    set_out(g, n, 0, s->dtype, 1, &c);
}

static void infer_eyelike(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0);
    if (x->rank != 2)
        fatal_node(g, n, "input '%s' has rank %d; EyeLike needs a matrix", vname(x), x->rank);
    int64_t dt = attr_int(g, n, "dtype", x->dtype);
    if (dt < 0 || dt > 100 || !ctype((int)dt))
        fatal_node(g, n, "dtype %s (%lld) is not supported", dtype_name((int)dt), (long long)dt);
    set_out(g, n, 0, (int)dt, 2, x->dims);
}

static void infer_trilu(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (x->rank < 2)
        fatal_node(g, n, "input '%s' has rank %d; Trilu needs rank 2 or more", vname(x), x->rank);
    if (has_in(n, 1)) {
        const Value *k = in_val(g, n, 1);
        if (k->dtype != DT_I64 || value_numel(k) != 1)
            fatal_node(g, n, "k '%s' must be an int64 scalar", vname(k));
    }
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

static int64_t blocksize(const Graph *g, const Node *n)
{
    if (!node_attr(g, n, "blocksize"))
        fatal_node(g, n, "attribute 'blocksize' is required");
    int64_t b = attr_int(g, n, "blocksize", 0);
    if (b < 1 || b > INT32_MAX)
        fatal_node(g, n, "blocksize %lld is not 1 to %d", (long long)b, INT32_MAX);
    return b;
}

/* DepthToSpace's mode: true for CRD, false for DCR (the default). */
static bool d2s_crd(const Graph *g, const Node *n)
{
    const char *m = attr_str(g, n, "mode", "DCR");
    if (strcmp(m, "DCR") && strcmp(m, "CRD"))
        fatal_node(g, n, "mode '%s' is not DCR or CRD", printable(m));
    return !strcmp(m, "CRD");
}

static void infer_depthtospace(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (x->rank != 4)
        fatal_node(g, n, "input '%s' has rank %d; %s needs N x C x H x W", vname(x), x->rank, op_info[n->op].name);
    int64_t b = blocksize(g, n), od[4];
    if (n->op == OP_DEPTHTOSPACE) {
        d2s_crd(g, n);
        if (x->dims[1] % (b * b))
            fatal_node(g, n, "blocksize %lld squared does not divide the %lld channels of '%s'", (long long)b,
                       (long long)x->dims[1], vname(x));
        int64_t o[4] = {x->dims[0], x->dims[1] / (b * b), x->dims[2] * b, x->dims[3] * b};
        memcpy(od, o, sizeof od);
    } else {
        if (x->dims[2] % b || x->dims[3] % b)
            fatal_node(g, n, "blocksize %lld does not divide the height and width of '%s' %s", (long long)b,
                       vname(x), dims_str(x->dims, 4));
        int64_t o[4] = {x->dims[0], x->dims[1] * b * b, x->dims[2] / b, x->dims[3] / b};
        memcpy(od, o, sizeof od);
    }
    set_out(g, n, 0, x->dtype, 4, od);
}

/* Size (fold.c folds it before it gets here; kept so the op stands on its own). */
static void infer_size(Graph *g, Node *n)
{
    in_val(g, n, 0);
    set_out(g, n, 0, DT_I64, 0, NULL);
}

/* ReverseSequence's time and batch axes. */
static void revseq_axes(const Graph *g, const Node *n, int *t, int *b)
{
    int64_t ta = attr_int(g, n, "time_axis", 0), ba = attr_int(g, n, "batch_axis", 1);
    if ((ta != 0 && ta != 1) || (ba != 0 && ba != 1) || ta == ba)
        fatal_node(g, n, "time_axis %lld and batch_axis %lld must be 0 and 1 in some order", (long long)ta,
                   (long long)ba);
    *t = (int)ta;
    *b = (int)ba;
}

static void infer_reversesequence(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0), *sl = in_val(g, n, 1);
    if (x->rank < 2)
        fatal_node(g, n, "input '%s' has rank %d; ReverseSequence needs rank 2 or more", vname(x), x->rank);
    int t, b;
    revseq_axes(g, n, &t, &b);
    if (sl->dtype != DT_I64 && sl->dtype != DT_I32)
        fatal_node(g, n, "sequence_lens '%s' must be int64, not %s", vname(sl), dtype_name(sl->dtype));
    if (sl->rank != 1 || sl->dims[0] != x->dims[b])
        fatal_node(g, n, "sequence_lens '%s' has shape %s, expected [%lld] (the batch axis of '%s')", vname(sl),
                   dims_str(sl->dims, sl->rank), (long long)x->dims[b], vname(x));
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

/* Compress with a constant condition: the axis (-1 without one: the input
 * flattened) and the number of kept slices; idx (if not NULL) gets them. */
static int compress_params(const Graph *g, const Node *n, int64_t *count, int64_t *idx)
{
    const Value *x = &g->values[n->in[0]], *c = &g->values[n->in[1]];
    int axis = -1;
    if (node_attr(g, n, "axis"))
        axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    int64_t d = axis < 0 ? value_numel(x) : x->dims[axis], nc = value_numel(c), k = 0;
    if (c->rank != 1)
        fatal_node(g, n, "condition '%s' has rank %d, expected 1", vname(c), c->rank);
    if (nc > d)
        fatal_node(g, n, "condition '%s' has %lld values, more than the %lld slices of '%s'", vname(c),
                   (long long)nc, (long long)d, vname(x));
    for (int64_t i = 0; i < nc; i++)
        if (const_nonzero_at(c, i)) {
            if (idx)
                idx[k] = i;
            k++;
        }
    *count = k;
    return axis;
}

static void infer_compress(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0), *c = in_val(g, n, 1);
    if (!(c->flags & V_CONST))
        fatal_node(g, n, "condition '%s' is not a constant: the output shape depends on the input's values",
                   vname(c));
    if (c->dtype != DT_BOOL)
        fatal_node(g, n, "condition '%s' must be bool, not %s", vname(c), dtype_name(c->dtype));
    int64_t cnt, od[MAX_RANK];
    int axis = compress_params(g, n, &cnt, NULL);
    if (axis < 0) {
        set_out(g, n, 0, x->dtype, 1, &cnt);
        return;
    }
    memcpy(od, x->dims, sizeof od);
    od[axis] = cnt;
    set_out(g, n, 0, x->dtype, x->rank, od);
}

static void infer_nonzero(Graph *g, Node *n)
{
    const Value *x = in_data(g, n, 0);
    if (!(x->flags & V_CONST))
        fatal_node(g, n, "input '%s' is not a constant: the output shape depends on the input's values", vname(x));
    int64_t od[2] = {x->rank, 0};
    for (int64_t i = 0, ne = value_numel(x); i < ne; i++)
        od[1] += const_nonzero_at(x, i);
    if (x->rank == 0)
        fatal_node(g, n, "input '%s' is a scalar; NonZero needs rank 1 or more", vname(x));
    set_out(g, n, 0, DT_I64, 2, od);
}

void infer_movement(Graph *g, Node *n)
{
    if (core_takes(g, n))
        return infer_core(g, n);
    switch (n->op) {
    case OP_IDENTITY: infer_copy(g, n); return;
    case OP_DROPOUT: infer_dropout(g, n); return;
    case OP_FLATTEN: infer_flatten(g, n); return;
    case OP_RESHAPE: infer_reshape(g, n); return;
    case OP_TRANSPOSE: infer_transpose(g, n); return;
    case OP_CONCAT: infer_concat(g, n); return;
    case OP_SLICE: infer_slice(g, n); return;
    case OP_SPLIT: infer_split(g, n); return;
    case OP_GATHER: infer_gather(g, n); return;
    case OP_PAD: infer_pad(g, n); return;
    case OP_SIZE: infer_size(g, n); return;
    case OP_UNSQUEEZE: infer_unsqueeze(g, n); return;
    case OP_SQUEEZE: infer_squeeze(g, n); return;
    case OP_EXPAND: infer_expand(g, n); return;
    case OP_TILE: infer_tile(g, n); return;
    case OP_CONSTANTOFSHAPE: infer_constantofshape(g, n); return;
    case OP_RANGE: infer_range(g, n); return;
    case OP_EYELIKE: infer_eyelike(g, n); return;
    case OP_TRILU: infer_trilu(g, n); return;
    case OP_DEPTHTOSPACE: case OP_SPACETODEPTH: infer_depthtospace(g, n); return;
    case OP_REVERSESEQUENCE: infer_reversesequence(g, n); return;
    case OP_COMPRESS: infer_compress(g, n); return;
    case OP_NONZERO: infer_nonzero(g, n); return;
    case OP_UNIQUE:
        fatal_node(g, n, "the output shape depends on the input's values; not supported");
    default:
        infer_core(g, n);
    }
}

/* ---- emitting ------------------------------------------------------------------- */

/* "i0 * 12 + i2 + 5": the offset of a loop nest's element, strides st over
 * loop variables i0.., plus off. */
static const char *offset_expr(Arena *a, const char *var, int r, const int64_t *st, int64_t off)
{
    char *s = NULL;
    for (int d = 0; d < r; d++) {
        if (!st[d])
            continue;
        char *t = st[d] == 1 ? arena_printf(a, "%s%d", var, d) : arena_printf(a, "%s%d * %lld", var, d, (long long)st[d]);
        s = s ? arena_printf(a, "%s + %s", s, t) : t;
    }
    if (off)
        s = s ? arena_printf(a, "%s + %lld", s, (long long)off) : arena_printf(a, "%lld", (long long)off);
    return s ? s : "0";
}

/* Declares int64_t loop variables i0..i(r-1) and the names in `extra`
 * ("o = 0, len": more variables, or ""), opens r loops over dims and
 * returns the indentation of their body. */
static int open_loops(FILE *f, int r, const int64_t *dims, const char *extra)
{
    if (r > 0 || *extra) {
        fprintf(f, "        int64_t ");
        for (int d = 0; d < r; d++)
            fprintf(f, "%si%d", d ? ", " : "", d);
        fprintf(f, "%s%s;\n", r && *extra ? ", " : "", extra);
    }
    for (int d = 0; d < r; d++)
        fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)\n", 8 + 4 * d, "", d, d, (long long)dims[d], d);
    return 8 + 4 * r;
}

/* Copies the elements of a view of rank `rank` (extents dims) from value x
 * (element xoff + sum i_d * xs[d]) to value y (yoff + sum i_d * ys[d]). */
static void emit_move(Emitter *e, const Node *n, FILE *f, int x, int64_t xoff, const int64_t *xs, int y,
                      int64_t yoff, const int64_t *ys, int rank, const int64_t *dims)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[y].dtype;
    const char *T = ctype(dt);
    long long es = (long long)dtype_size(dt);
    int64_t d[MAX_VIEW], sx[MAX_VIEW], sy[MAX_VIEW];
    int r = 0;
    for (int i = 0; i < rank; i++) {
        if (dims[i] == 1)
            continue;
        if (r > 0 && sx[r - 1] == xs[i] * dims[i] && sy[r - 1] == ys[i] * dims[i]) {
            d[r - 1] *= dims[i];
            sx[r - 1] = xs[i];
            sy[r - 1] = ys[i];
            continue;
        }
        d[r] = dims[i], sx[r] = xs[i], sy[r] = ys[i];
        r++;
    }
    const char *X = emit_ref(e, n, x), *Y = emit_ref(e, n, y);
    if (r == 0) {
        fprintf(f, "    %s[%lld] = %s[%lld];\n", Y, (long long)yoff, X, (long long)xoff);
        return;
    }
    bool run = sx[r - 1] == 1 && sy[r - 1] == 1; /* the innermost axis is a memcpy */
    if (run && r == 1) {
        fprintf(f, "    memcpy(%s + %lld, %s + %lld, %lld);\n", Y, (long long)yoff, X, (long long)xoff,
                (long long)d[0] * es);
        return;
    }
    int nl = run ? r - 1 : r;
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", T, X, T, Y);
    int ind = open_loops(f, nl, d, "");
    if (run)
        fprintf(f, "%*smemcpy(y + %s, x + %s, %lld);\n", ind, "", offset_expr(a, "i", nl, sy, yoff),
                offset_expr(a, "i", nl, sx, xoff), (long long)d[r - 1] * es);
    else
        fprintf(f, "%*sy[%s] = x[%s];\n", ind, "", offset_expr(a, "i", nl, sy, yoff), offset_expr(a, "i", nl, sx, xoff));
    fprintf(f, "    }\n");
}

/* y[i] = `val` (a C expression of y's stored type) for every element. */
static void emit_fill(Emitter *e, const Node *n, FILE *f, int y, const char *val)
{
    const Graph *g = emit_graph(e);
    const Value *v = &g->values[y];
    long long ne = (long long)value_numel(v);
    if (ne == 1) {
        fprintf(f, "    %s[0] = %s;\n", emit_ref(e, n, y), val);
        return;
    }
    fprintf(f, "    {\n        %s *y = %s;\n        int64_t k;\n        for (k = 0; k < %lld; k++)\n"
               "            y[k] = %s;\n    }\n", ctype(v->dtype), emit_ref(e, n, y), ne, val);
}

/* One, as a stored element of dt. */
static const char *one_of(Arena *a, int dt)
{
    return store_expr(a, dt, "1.0f");
}

static void lower_transpose(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t perm[MAX_RANK], xs[MAX_RANK], st[MAX_RANK], ys[MAX_RANK];
    transpose_perm(g, n, x->rank, perm);
    dense_strides_of(x, xs);
    dense_strides_of(y, ys);
    for (int i = 0; i < x->rank; i++)
        st[i] = xs[perm[i]];
    emit_move(e, n, f, n->in[0], 0, st, n->out[0], 0, ys, y->rank, y->dims);
}

static void lower_concat(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *y = &g->values[n->out[0]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), y->rank, false);
    int64_t ys[MAX_RANK], xs[MAX_RANK], at = 0;
    dense_strides_of(y, ys);
    if (emit_img_stride(g, y)) /* channel slices (slice_concats): strided between images */
        ys[0] = emit_img_stride(g, y);
    for (int k = 0; k < n->nin; k++) {
        const Value *x = &g->values[n->in[k]];
        dense_strides_of(x, xs);
        if (emit_img_stride(g, x))
            xs[0] = emit_img_stride(g, x);
        emit_move(e, n, f, n->in[k], 0, xs, n->out[0], at * ys[axis], ys, x->rank, x->dims);
        at += x->dims[axis];
    }
}

static void lower_slice(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t start[MAX_RANK], step[MAX_RANK], count[MAX_RANK], xs[MAX_RANK], ys[MAX_RANK], off = 0;
    slice_params(g, n, start, step, count);
    dense_strides_of(x, xs);
    dense_strides_of(y, ys);
    for (int i = 0; i < x->rank; i++) {
        off += start[i] * xs[i];
        xs[i] *= step[i];
    }
    emit_move(e, n, f, n->in[0], off, xs, n->out[0], 0, ys, x->rank, count);
}

static void lower_split(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    int64_t *sizes = arena_alloc((Arena *)&g->arena, sizeof(int64_t) * (size_t)n->nout);
    int axis = split_parts(g, n, sizes);
    int64_t xs[MAX_RANK], start = 0;
    dense_strides_of(x, xs);
    for (int k = 0; k < n->nout; start += sizes[k], k++) {
        if (!is_used(g, n->out[k]))
            continue;
        const Value *y = &g->values[n->out[k]];
        int64_t ys[MAX_RANK];
        dense_strides_of(y, ys);
        emit_move(e, n, f, n->in[0], start * xs[axis], xs, n->out[k], 0, ys, y->rank, y->dims);
    }
}

static void lower_expand(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t xs[MAX_RANK], ys[MAX_RANK];
    broadcast_strides(x, y, xs);
    dense_strides_of(y, ys);
    emit_move(e, n, f, n->in[0], 0, xs, n->out[0], 0, ys, y->rank, y->dims);
}

/* Tile: y viewed as [rep0, d0, rep1, d1, ...], read from x ignoring the reps. */
static void lower_tile(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t xs0[MAX_RANK], ys0[MAX_RANK], d[MAX_VIEW], xs[MAX_VIEW], ys[MAX_VIEW];
    dense_strides_of(x, xs0);
    dense_strides_of(y, ys0);
    for (int i = 0; i < x->rank; i++) {
        d[2 * i] = y->dims[i] / x->dims[i];
        xs[2 * i] = 0;
        ys[2 * i] = ys0[i] * x->dims[i];
        d[2 * i + 1] = x->dims[i];
        xs[2 * i + 1] = xs0[i];
        ys[2 * i + 1] = ys0[i];
    }
    emit_move(e, n, f, n->in[0], 0, xs, n->out[0], 0, ys, 2 * x->rank, d);
}

/* DepthToSpace / SpaceToDepth: y as a 6-D view [N, C', H, b, W, b] (depth to
 * space) or [N, b, b, C, H', W'] (space to depth) read from x's strides. */
static void lower_depthtospace(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    int64_t b = blocksize(g, n), N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
    int64_t d[6], xs[6], ys[6];
    if (n->op == OP_DEPTHTOSPACE) {
        int64_t c = C / (b * b), sN = C * H * W;
        /* x as [N, b, b, c, H, W] (DCR) or [N, c, b, b, H, W] (CRD) */
        int64_t sb1 = d2s_crd(g, n) ? b * H * W : b * c * H * W, sb2 = d2s_crd(g, n) ? H * W : c * H * W;
        int64_t sc = d2s_crd(g, n) ? b * b * H * W : H * W;
        int64_t dd[6] = {N, c, H, b, W, b}, ss[6] = {sN, sc, W, sb1, 1, sb2};
        memcpy(d, dd, sizeof d);
        memcpy(xs, ss, sizeof xs);
    } else {
        int64_t h = H / b, w = W / b;
        /* x as [N, C, h, b, w, b]; y as [N, b, b, C, h, w] */
        int64_t dd[6] = {N, b, b, C, h, w}, ss[6] = {C * H * W, W, 1, H * W, b * W, b};
        memcpy(d, dd, sizeof d);
        memcpy(xs, ss, sizeof xs);
    }
    int64_t s = 1;
    for (int i = 5; i >= 0; i--) {
        ys[i] = s;
        s *= d[i];
    }
    emit_move(e, n, f, n->in[0], 0, xs, n->out[0], 0, ys, 6, d);
}

/* Gather: x as [outer][len][inner], indices (ni of them) from value iv at
 * run time (negative ones wrap; still out of range: zeros), or from the
 * static table `table` when iv < 0. */
static void emit_gather(Emitter *e, const Node *n, FILE *f, int iv, const int64_t *table, int64_t ni,
                        int64_t outer, int64_t len, int64_t inner)
{
    const Graph *g = emit_graph(e);
    const Value *y = &g->values[n->out[0]];
    const char *T = ctype(y->dtype);
    long long es = (long long)dtype_size(y->dtype);
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->out[0]));
    if (iv >= 0) {
        fprintf(f, "        const %s *ix = %s;\n", ctype(g->values[iv].dtype), emit_ref(e, n, iv));
    } else {
        fprintf(f, "        static const int64_t ix[%lld] = {", (long long)ni);
        for (int64_t i = 0; i < ni; i++)
            fprintf(f, "%s%lld", i ? (i % 16 ? ", " : ",\n            ") : "", (long long)table[i]);
        fprintf(f, "};\n");
    }
    fprintf(f, "        int64_t o, j, k;\n");
    fprintf(f, "        for (o = 0; o < %lld; o++)\n", (long long)outer);
    fprintf(f, "            for (j = 0; j < %lld; j++) {\n", (long long)ni);
    fprintf(f, "                k = (int64_t)ix[j];\n");
    const char *dst = arena_printf((Arena *)&g->arena, "y + (o * %lld + j) * %lld", (long long)ni, (long long)inner);
    if (iv >= 0) {
        fprintf(f, "                if (k < 0)\n                    k += %lld;\n", (long long)len);
        fprintf(f, "                if (k < 0 || k >= %lld) {\n", (long long)len);
        fprintf(f, "                    memset(%s, 0, %lld);\n                    continue;\n                }\n", dst,
                (long long)inner * es);
    }
    fprintf(f, "                memcpy(%s, x + (o * %lld + k) * %lld, %lld);\n", dst, (long long)len,
            (long long)inner, (long long)inner * es);
    fprintf(f, "            }\n    }\n");
}

static void lower_gather(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    emit_gather(e, n, f, n->in[1], NULL, value_numel(&g->values[n->in[1]]), outer, x->dims[axis], inner);
}

static void lower_compress(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    int64_t cnt, *idx = arena_alloc((Arena *)&g->arena, sizeof(int64_t) * (size_t)value_numel(&g->values[n->in[1]]));
    int axis = compress_params(g, n, &cnt, idx);
    int64_t outer = 1, inner = 1, len = value_numel(x);
    if (axis >= 0) {
        len = x->dims[axis];
        for (int i = 0; i < axis; i++)
            outer *= x->dims[i];
        for (int i = axis + 1; i < x->rank; i++)
            inner *= x->dims[i];
    }
    emit_gather(e, n, f, -1, idx, cnt, outer, len, inner);
}

static void lower_nonzero(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t cnt = y->dims[1], xs[MAX_RANK], k = 0;
    dense_strides_of(x, xs);
    fprintf(f, "    {\n        static const int64_t nz[%lld] = {", (long long)value_numel(y));
    for (int d = 0; d < x->rank; d++)
        for (int64_t i = 0, ne = value_numel(x); i < ne; i++)
            if (const_nonzero_at(x, i)) {
                fprintf(f, "%s%lld", k ? (k % 16 ? ", " : ",\n            ") : "", (long long)(i / xs[d] % x->dims[d]));
                k++;
            }
    fprintf(f, "};\n        memcpy(%s, nz, %lld);\n    }\n", emit_ref(e, n, n->out[0]), (long long)(8 * cnt * x->rank));
}

static void lower_pad(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int64_t begin[MAX_RANK], end[MAX_RANK], xs[MAX_RANK];
    int mode = pad_params(g, n, begin, end);
    const char *T = ctype(x->dtype);
    dense_strides_of(x, xs);
    bool padded[MAX_RANK], any = false;
    for (int i = 0; i < x->rank; i++)
        any |= padded[i] = begin[i] > 0 || end[i] > 0;
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->out[0]));
    if (mode == PAD_CONSTANT && any) {
        const char *v;
        if (g->opset >= 11)
            v = has_in(n, 2) ? arena_printf(a, "%s[0]", emit_ref(e, n, n->in[2])) : "0";
        else
            v = store_expr(a, x->dtype, emit_flit(e, attr_float(g, n, "value", 0.0f)));
        fprintf(f, "        const %s v = %s;\n", T, v);
    }
    if (x->rank == 0) {
        fprintf(f, "        y[0] = x[0];\n    }\n");
        return;
    }
    fprintf(f, "        int64_t o = 0");
    for (int d = 0; d < x->rank; d++)
        fprintf(f, ", i%d, j%d", d, d);
    fprintf(f, ";\n");
    char *cond = NULL, *src = NULL;
    for (int d = 0; d < x->rank; d++) {
        int ind = 8 + 4 * d;
        long long D = (long long)x->dims[d], L = (long long)begin[d];
        fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++) {\n", ind, "", d, d, (long long)y->dims[d], d);
        fprintf(f, "%*sj%d = i%d - %lld;\n", ind + 4, "", d, d, L);
        if (padded[d]) {
            switch (mode) {
            case PAD_CONSTANT: {
                char *c = arena_printf(a, "j%d >= 0 && j%d < %lld", d, d, D);
                cond = cond ? arena_printf(a, "%s && %s", cond, c) : c;
                break;
            }
            case PAD_EDGE:
                fprintf(f, "%*sj%d = j%d < 0 ? 0 : j%d >= %lld ? %lld : j%d;\n", ind + 4, "", d, d, d, D, D - 1, d);
                break;
            case PAD_REFLECT:
                if (D == 1) {
                    fprintf(f, "%*sj%d = 0;\n", ind + 4, "", d);
                    break;
                }
                fprintf(f, "%*sj%d %%= %lld;\n%*sif (j%d < 0)\n%*sj%d += %lld;\n%*sif (j%d >= %lld)\n%*sj%d = %lld - j%d;\n",
                        ind + 4, "", d, 2 * (D - 1), ind + 4, "", d, ind + 8, "", d, 2 * (D - 1), ind + 4, "", d, D,
                        ind + 8, "", d, 2 * (D - 1), d);
                break;
            case PAD_WRAP:
                fprintf(f, "%*sj%d %%= %lld;\n%*sif (j%d < 0)\n%*sj%d += %lld;\n", ind + 4, "", d, D, ind + 4, "", d,
                        ind + 8, "", d, D);
                break;
            }
        }
        char *t = xs[d] == 1 ? arena_printf(a, "j%d", d) : arena_printf(a, "j%d * %lld", d, (long long)xs[d]);
        src = src ? arena_printf(a, "%s + %s", src, t) : t;
    }
    int ind = 8 + 4 * x->rank;
    if (cond)
        fprintf(f, "%*sy[o++] = %s ? x[%s] : v;\n", ind, "", cond, src);
    else
        fprintf(f, "%*sy[o++] = x[%s];\n", ind, "", src);
    for (int d = x->rank - 1; d >= 0; d--)
        fprintf(f, "%*s}\n", 8 + 4 * d, "");
    fprintf(f, "    }\n");
}

static void lower_trilu(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    const char *T = ctype(x->dtype);
    int r = x->rank;
    int64_t R = x->dims[r - 2], C = x->dims[r - 1], batch = value_numel(x) / (R * C);
    bool upper = attr_int(g, n, "upper", 1) != 0;
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->out[0]));
    fprintf(f, "        const int64_t k = %s;\n", has_in(n, 1) ? arena_printf((Arena *)&g->arena, "%s[0]",
                                                                               emit_ref(e, n, n->in[1])) : "0");
    fprintf(f, "        int64_t b, i, j, o = 0;\n");
    fprintf(f, "        for (b = 0; b < %lld; b++)\n            for (i = 0; i < %lld; i++)\n"
               "                for (j = 0; j < %lld; j++, o++)\n", (long long)batch, (long long)R, (long long)C);
    fprintf(f, "                    y[o] = j - i %s k ? x[o] : (%s)0;\n    }\n", upper ? ">=" : "<=", T);
}

static void lower_eyelike(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *y = &g->values[n->out[0]];
    int64_t k = attr_int(g, n, "k", 0), R = y->dims[0], C = y->dims[1];
    const char *Y = emit_ref(e, n, n->out[0]);
    fprintf(f, "    memset(%s, 0, %lld);\n", Y, (long long)(value_numel(y) * (int64_t)dtype_size(y->dtype)));
    int64_t i0 = k < 0 ? -k : 0, i1 = C - k < R ? C - k : R;
    if (i1 <= i0 || k >= C || -k >= R)
        return;
    fprintf(f, "    {\n        %s *y = %s;\n        int64_t i;\n        for (i = %lld; i < %lld; i++)\n"
               "            y[i * %lld + i + %lld] = %s;\n    }\n", ctype(y->dtype), Y, (long long)i0, (long long)i1,
            (long long)C, (long long)k, one_of((Arena *)&g->arena, y->dtype));
}

static void lower_range(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *y = &g->values[n->out[0]];
    const char *T = ctype(y->dtype);
    fprintf(f, "    {\n        const %s s = %s[0], d = %s[0];\n        %s *y = %s;\n        int64_t i;\n", T,
            emit_ref(e, n, n->in[0]), emit_ref(e, n, n->in[2]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)y->dims[0]);
    if (dtype_is_float(y->dtype))
        fprintf(f, "            y[i] = (%s)((double)s + (double)i * (double)d);\n", T);
    else
        fprintf(f, "            y[i] = (%s)((uint64_t)(int64_t)s + (uint64_t)i * (uint64_t)(int64_t)d);\n", T);
    fprintf(f, "    }\n");
}

static void lower_reversesequence(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *sl = &g->values[n->in[1]];
    int t, b;
    revseq_axes(g, n, &t, &b);
    int64_t xs[MAX_RANK];
    dense_strides_of(x, xs);
    const char *T = ctype(x->dtype);
    long long TT = (long long)x->dims[t];
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n        const %s *sl = %s;\n", T,
            emit_ref(e, n, n->in[0]), T, emit_ref(e, n, n->out[0]), ctype(sl->dtype), emit_ref(e, n, n->in[1]));
    int ind = open_loops(f, x->rank, x->dims, "o = 0, len, s");
    char *src = NULL;
    for (int d = 0; d < x->rank; d++) {
        char *v = d == t ? "s" : arena_printf(a, "i%d", d);
        char *term = xs[d] == 1 ? v : arena_printf(a, "%s * %lld", v, (long long)xs[d]);
        src = src ? arena_printf(a, "%s + %s", src, term) : term;
    }
    fprintf(f, "%*s{\n", ind, "");
    fprintf(f, "%*slen = (int64_t)sl[i%d];\n", ind + 4, "", b);
    fprintf(f, "%*slen = len < 0 ? 0 : len > %lld ? %lld : len;\n", ind + 4, "", TT, TT);
    fprintf(f, "%*ss = i%d < len ? len - 1 - i%d : i%d;\n", ind + 4, "", t, t, t);
    fprintf(f, "%*sy[o++] = x[%s];\n", ind + 4, "", src);
    fprintf(f, "%*s}\n    }\n", ind, "");
}

void lower_movement(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    if (core_takes(g, n)) {
        lower_core(e, n, f);
        if (n->op == OP_DROPOUT && n->nout > 1 && is_used(g, n->out[1]))
            emit_fill(e, n, f, n->out[1], one_of(a, g->values[n->out[1]].dtype));
        return;
    }
    switch (n->op) {
    case OP_IDENTITY: case OP_FLATTEN: case OP_RESHAPE: case OP_UNSQUEEZE: case OP_SQUEEZE:
        emit_copy(e, n, f, n->in[0], n->out[0]);
        return;
    case OP_DROPOUT:
        emit_copy(e, n, f, n->in[0], n->out[0]);
        if (n->nout > 1 && is_used(g, n->out[1]))
            emit_fill(e, n, f, n->out[1], one_of(a, g->values[n->out[1]].dtype));
        return;
    case OP_TRANSPOSE: lower_transpose(e, n, f); return;
    case OP_CONCAT: lower_concat(e, n, f); return;
    case OP_SLICE: lower_slice(e, n, f); return;
    case OP_SPLIT: lower_split(e, n, f); return;
    case OP_GATHER: lower_gather(e, n, f); return;
    case OP_PAD: lower_pad(e, n, f); return;
    case OP_EXPAND: lower_expand(e, n, f); return;
    case OP_TILE: lower_tile(e, n, f); return;
    case OP_DEPTHTOSPACE: case OP_SPACETODEPTH: lower_depthtospace(e, n, f); return;
    case OP_TRILU: lower_trilu(e, n, f); return;
    case OP_EYELIKE: lower_eyelike(e, n, f); return;
    case OP_RANGE: lower_range(e, n, f); return;
    case OP_REVERSESEQUENCE: lower_reversesequence(e, n, f); return;
    case OP_COMPRESS: lower_compress(e, n, f); return;
    case OP_NONZERO: lower_nonzero(e, n, f); return;
    case OP_SIZE:
        fprintf(f, "    %s[0] = %lld;\n", emit_ref(e, n, n->out[0]), (long long)value_numel(&g->values[n->in[0]]));
        return;
    case OP_CONSTANTOFSHAPE: {
        int v = cos_value(g, n);
        const Value *y = &g->values[n->out[0]];
        if (v < 0)
            fprintf(f, "    memset(%s, 0, %lld);\n", emit_ref(e, n, n->out[0]), (long long)(4 * value_numel(y)));
        else
            emit_fill(e, n, f, n->out[0], arena_printf(a, "%s[0]", emit_ref(e, n, v)));
        return;
    }
    default:
        lower_core(e, n, f);
    }
}
