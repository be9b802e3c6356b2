/* ops/eltwise.c — element-wise math, logic, activations and casts.
 *
 * Every op here computes each output element from the elements of its
 * inputs at the same index, the inputs broadcast to the output's shape
 * (numpy rules; PRelu's slope only towards X).  Inference checks the
 * element types against the ones ONNX allows (opsets 7 to 18) and
 * broadcasts the shapes; lowering writes one loop (eltwise_loop) whose body
 * is the op's formula for the element type: float16 and bfloat16 compute in
 * float, integers wrap around as unsigned arithmetic does, and nothing an
 * input holds (a zero divisor, INT_MIN / -1, a shift past the width, a
 * float out of an integer's range) is undefined behaviour in the C.
 *
 * The float32 forms of the ops the core already lowered (Relu, LeakyRelu,
 * Sigmoid, Clip, Add, Mul, Div) go to infer_core / lower_core unchanged:
 * DenseNet's fast path and the passes' fused epilogues live there. */
#include "onnxcc.h"

#include <string.h>

/* ---- element type sets ------------------------------------------------------ */

#define TB(dt) (1u << (dt))
#define T_FLOAT (TB(DT_F16) | TB(DT_BF16) | TB(DT_F32) | TB(DT_F64))
#define T_SINT (TB(DT_I8) | TB(DT_I16) | TB(DT_I32) | TB(DT_I64))
#define T_UINT (TB(DT_U8) | TB(DT_U16) | TB(DT_U32) | TB(DT_U64))
#define T_INT (T_SINT | T_UINT)
#define T_NUM (T_FLOAT | T_INT)
#define T_BOOL TB(DT_BOOL)
#define T_ALL (T_NUM | T_BOOL)

/* The element types input `k` of n may have (the union over opsets 7-18). */
static unsigned allowed_types(const Graph *g, const Node *n, int k)
{
    switch (n->op) {
    case OP_ABS: case OP_SIGN: case OP_ERF: case OP_SHRINK:
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
    case OP_MIN: case OP_MAX:
    case OP_LESS: case OP_GREATER: case OP_LESSOREQUAL: case OP_GREATEROREQUAL:
        return T_NUM;
    case OP_CLIP:
        return g->opset < 12 ? T_FLOAT : T_NUM;
    case OP_NEG: case OP_RELU:
        return T_FLOAT | T_SINT;
    case OP_PRELU:
        return T_FLOAT | TB(DT_I32) | TB(DT_I64) | TB(DT_U32) | TB(DT_U64);
    case OP_POW:
        return k == 0 ? T_FLOAT | TB(DT_I32) | TB(DT_I64) : T_NUM;
    case OP_BITSHIFT:
        return T_UINT;
    case OP_NOT: case OP_AND: case OP_OR: case OP_XOR:
        return T_BOOL;
    case OP_EQUAL:
        return T_ALL;
    case OP_WHERE:
        return k == 0 ? T_BOOL : T_ALL;
    case OP_CAST: case OP_CASTLIKE:
        return T_ALL;
    default: /* the float-only math and activations */
        return T_FLOAT;
    }
}

/* "float16, float32, ..." for a message. */
static const char *types_str(Arena *a, unsigned set)
{
    static const int order[] = {DT_BOOL, DT_I8, DT_I16, DT_I32, DT_I64, DT_U8, DT_U16, DT_U32, DT_U64,
                                DT_F16, DT_BF16, DT_F32, DT_F64};
    const char *s = NULL;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (set & TB(order[i]))
            s = s ? arena_printf(a, "%s, %s", s, dtype_name(order[i])) : dtype_name(order[i]);
    return s ? s : "nothing";
}

/* ---- inference ---------------------------------------------------------------- */

/* The float32 forms the core lowers (its infer_core accepts them). */
static bool core_form(const Graph *g, const Node *n)
{
    switch (n->op) {
    case OP_RELU: case OP_LEAKYRELU: case OP_SIGMOID: case OP_CLIP:
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
        break;
    default:
        return false;
    }
    for (int k = 0; k < n->nin; k++)
        if (has_in(n, k) && g->values[n->in[k]].dtype != DT_F32)
            return false;
    return true;
}

/* Input k, checked against the op's element types. */
static const Value *typed_in(Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    unsigned set = allowed_types(g, n, k);
    if (v->dtype < 0 || v->dtype > 31 || !(set & TB(v->dtype)))
        fatal_node(g, n, "input '%s' has data type %s; %s takes %s", vname(v), dtype_name(v->dtype),
                   op_info[n->op].name, types_str(&g->arena, set));
    return v;
}

/* Inputs from..to-1 (those present: only Clip's may be omitted) have one
 * type; returns it. */
static int same_type(Graph *g, const Node *n, int from, int to)
{
    const Value *first = NULL;
    for (int k = from; k < to; k++) {
        if (!has_in(n, k) && n->op == OP_CLIP) /* the one op here with optional inputs */
            continue;
        const Value *v = typed_in(g, n, k);
        if (!first)
            first = v;
        else if (v->dtype != first->dtype)
            fatal_node(g, n, "inputs '%s' (%s) and '%s' (%s) differ in type", vname(first),
                       dtype_name(first->dtype), vname(v), dtype_name(v->dtype));
    }
    assert(first);
    return first->dtype;
}

/* Broadcasts the shapes of inputs from..to-1 (those present) together into
 * od (numpy's multidirectional broadcasting); returns the rank. */
static int broadcast_inputs(Graph *g, const Node *n, int from, int to, int64_t *od)
{
    Value acc;
    bool any = false;
    for (int k = from; k < to; k++) {
        if (!has_in(n, k) && n->op == OP_CLIP)
            continue;
        const Value *v = in_val(g, n, k);
        if (!any) {
            acc = *v;
            any = true;
            continue;
        }
        int64_t d[MAX_RANK];
        int r = broadcast_dims(g, n, &acc, v, d);
        acc.rank = r;
        memcpy(acc.dims, d, sizeof d);
    }
    assert(any);
    memcpy(od, acc.dims, sizeof acc.dims);
    return acc.rank;
}

/* Inputs from..to-1 of one type, broadcast; the output has out_dt (or
 * their type when out_dt is 0). */
static void infer_map(Graph *g, Node *n, int from, int to, int out_dt)
{
    int dt = same_type(g, n, from, to);
    int64_t od[MAX_RANK];
    int r = broadcast_inputs(g, n, from, to, od);
    set_out(g, n, 0, out_dt ? out_dt : dt, r, od);
}

static void infer_clip(Graph *g, Node *n)
{
    if (g->opset < 11) {
        infer_map(g, n, 0, 1, 0);
        return;
    }
    static const char *what[] = {"", "min", "max"};
    for (int k = 1; k < 3; k++) {
        if (!has_in(n, k))
            continue;
        const Value *b = in_val(g, n, k);
        if (value_numel(b) != 1)
            fatal_node(g, n, "%s '%s' has shape %s; it must be a scalar", what[k], vname(b),
                       dims_str(b->dims, b->rank));
    }
    int dt = same_type(g, n, 0, 3);
    const Value *x = in_val(g, n, 0);
    set_out(g, n, 0, dt, x->rank, x->dims);
}

static void infer_prelu(Graph *g, Node *n)
{
    int dt = same_type(g, n, 0, 2);
    const Value *x = in_val(g, n, 0), *s = in_val(g, n, 1);
    int64_t od[MAX_RANK];
    int r = broadcast_dims(g, n, x, s, od);
    if (r != x->rank || memcmp(od, x->dims, sizeof(int64_t) * (size_t)r))
        fatal_node(g, n, "slope '%s' %s does not broadcast to input '%s' %s", vname(s), dims_str(s->dims, s->rank),
                   vname(x), dims_str(x->dims, x->rank));
    set_out(g, n, 0, dt, x->rank, x->dims);
}

static void infer_pow(Graph *g, Node *n)
{
    const Value *x = typed_in(g, n, 0), *y = typed_in(g, n, 1);
    if (g->opset < 12 && x->dtype != y->dtype)
        fatal_node(g, n, "inputs '%s' (%s) and '%s' (%s) differ in type (mixed types need opset 12)", vname(x),
                   dtype_name(x->dtype), vname(y), dtype_name(y->dtype));
    int64_t od[MAX_RANK];
    int r = broadcast_dims(g, n, x, y, od);
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_mod(Graph *g, Node *n)
{
    int64_t fm = attr_int(g, n, "fmod", 0);
    if (fm != 0 && fm != 1)
        fatal_node(g, n, "fmod is %lld, must be 0 or 1", (long long)fm);
    int dt = same_type(g, n, 0, 2);
    if (dtype_is_float(dt) && fm == 0)
        fatal_node(g, n, "fmod=0 on %s inputs; ONNX requires fmod=1 for floating-point types", dtype_name(dt));
    infer_map(g, n, 0, 2, 0);
}

static void infer_bitshift(Graph *g, Node *n)
{
    const char *dir = attr_str(g, n, "direction", NULL);
    if (!dir)
        fatal_node(g, n, "attribute 'direction' is required");
    if (strcmp(dir, "LEFT") && strcmp(dir, "RIGHT"))
        fatal_node(g, n, "direction is '%s', must be LEFT or RIGHT", printable(dir));
    infer_map(g, n, 0, 2, 0);
}

static void infer_where(Graph *g, Node *n)
{
    typed_in(g, n, 0);
    int dt = same_type(g, n, 1, 3);
    int64_t od[MAX_RANK];
    int r = broadcast_inputs(g, n, 0, 3, od);
    set_out(g, n, 0, dt, r, od);
}

static void infer_cast(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0);
    int to;
    if (n->op == OP_CAST) {
        const Attr *t = node_attr(g, n, "to");
        if (!t)
            fatal_node(g, n, "attribute 'to' is required");
        to = (int)attr_int(g, n, "to", 0);
        if (t->i < 0 || t->i > 31)
            fatal_node(g, n, "'to' is %lld, not an ONNX data type", (long long)t->i);
    } else {
        to = in_val(g, n, 1)->dtype;
    }
    if (x->dtype == DT_STRING || to == DT_STRING)
        fatal_node(g, n, "casts %s string are not supported (no string tensors in the C backend)",
                   x->dtype == DT_STRING ? "from" : "to");
    if (!ctype(x->dtype))
        fatal_node(g, n, "cannot cast from %s: input '%s' has a type the C backend does not support",
                   dtype_name(x->dtype), vname(x));
    if (!ctype(to))
        fatal_node(g, n, "casts to %s are not supported by the C backend", dtype_name(to));
    set_out(g, n, 0, to, x->rank, x->dims);
}

void infer_eltwise(Graph *g, Node *n)
{
    if (core_form(g, n))
        return infer_core(g, n);
    switch (n->op) {
    case OP_CLIP:
        return infer_clip(g, n);
    case OP_PRELU:
        return infer_prelu(g, n);
    case OP_POW:
        return infer_pow(g, n);
    case OP_MOD:
        return infer_mod(g, n);
    case OP_BITSHIFT:
        return infer_bitshift(g, n);
    case OP_WHERE:
        return infer_where(g, n);
    case OP_CAST: case OP_CASTLIKE:
        return infer_cast(g, n);
    case OP_ISNAN: case OP_ISINF:
    case OP_EQUAL: case OP_LESS: case OP_GREATER: case OP_LESSOREQUAL: case OP_GREATEROREQUAL:
        return infer_map(g, n, 0, n->nin, DT_BOOL);
    default: /* unary, binary and variadic maps whose output has their type */
        return infer_map(g, n, 0, n->nin, 0);
    }
}


/* ---- the loop ------------------------------------------------------------------ */

/* emit_loop over the node's output. */
static void eltwise_loop(Emitter *e, const Node *n, FILE *f, int nops, const int *ops, const char *as,
                         const char *body, const char *store)
{
    emit_loop(e, n, f, nops, ops, n->out[0], as, body, store);
}

/* ---- formulas ------------------------------------------------------------------- */

/* The C expression storing x, a value of a C arithmetic type (a floating
 * one when from_float), as an element of dt.  Floats go to integers
 * through int64_t (numpy's conversion on x86), NaN and values beyond the
 * int64 range to INT64_MIN, so no conversion is undefined; x must then be
 * a plain variable (it is read several times). */
static const char *conv(Arena *a, bool from_float, int dt, const char *x)
{
    switch (dt) {
    case DT_BOOL:
        return arena_printf(a, "(uint8_t)(%s != 0)", x);
    case DT_F16:
        return arena_printf(a, "onnxcc_f32_to_f16((float)%s)", x);
    case DT_BF16:
        return arena_printf(a, "onnxcc_f32_to_bf16((float)%s)", x);
    case DT_F32: case DT_F64:
        return arena_printf(a, "(%s)%s", ctype(dt), x);
    default:
        if (!from_float)
            return arena_printf(a, "(%s)%s", ctype(dt), x);
        return arena_printf(a,
                            "(%s)(%s >= 0x1p63 && %s < 0x1p64 ? (uint64_t)%s : (uint64_t)(%s != %s || %s < -0x1p63 || "
                            "%s >= 0x1p63 ? INT64_MIN : (int64_t)%s))",
                            ctype(dt), x, x, x, x, x, x, x, x);
    }
}

/* A literal of value v in the calc type of float type dt. */
static const char *lit(Emitter *e, int dt, double v)
{
    return dt == DT_F64 ? emit_dlit(e, v) : emit_flit(e, (float)v);
}

/* The libm function `name` for the calc type of dt ("expf" or "exp"). */
static const char *fn(Arena *a, int dt, const char *name)
{
    return dt == DT_F64 ? name : arena_printf(a, "%sf", name);
}

/* Float-typed unary math and activations: the expression of $0 (calc type
 * of dt, float or double), or NULL for ops not of this kind. */
static const char *float_unary(Emitter *e, const Node *n, int dt)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    switch (n->op) {
    case OP_ABS: return arena_printf(a, "%s($0)", fn(a, dt, "fabs"));
    case OP_NEG: return "-$0";
    case OP_SQRT: return arena_printf(a, "%s($0)", fn(a, dt, "sqrt"));
    case OP_RECIPROCAL: return "1 / $0";
    case OP_EXP: return arena_printf(a, "%s($0)", fn(a, dt, "exp"));
    case OP_LOG: return arena_printf(a, "%s($0)", fn(a, dt, "log"));
    case OP_CEIL: return arena_printf(a, "%s($0)", fn(a, dt, "ceil"));
    case OP_FLOOR: return arena_printf(a, "%s($0)", fn(a, dt, "floor"));
    case OP_ROUND: return arena_printf(a, "%s($0)", fn(a, dt, "rint")); /* half to even */
    case OP_SIGN: return "$0 > 0 ? 1 : $0 < 0 ? -1 : $0";
    case OP_SIN: return arena_printf(a, "%s($0)", fn(a, dt, "sin"));
    case OP_COS: return arena_printf(a, "%s($0)", fn(a, dt, "cos"));
    case OP_TAN: return arena_printf(a, "%s($0)", fn(a, dt, "tan"));
    case OP_ASIN: return arena_printf(a, "%s($0)", fn(a, dt, "asin"));
    case OP_ACOS: return arena_printf(a, "%s($0)", fn(a, dt, "acos"));
    case OP_ATAN: return arena_printf(a, "%s($0)", fn(a, dt, "atan"));
    case OP_SINH: return arena_printf(a, "%s($0)", fn(a, dt, "sinh"));
    case OP_COSH: return arena_printf(a, "%s($0)", fn(a, dt, "cosh"));
    case OP_ASINH: return arena_printf(a, "%s($0)", fn(a, dt, "asinh"));
    case OP_ACOSH: return arena_printf(a, "%s($0)", fn(a, dt, "acosh"));
    case OP_ATANH: return arena_printf(a, "%s($0)", fn(a, dt, "atanh"));
    case OP_ERF: return arena_printf(a, "%s($0)", fn(a, dt, "erf"));
    case OP_TANH: return arena_printf(a, "%s($0)", fn(a, dt, "tanh"));
    case OP_RELU: return "$0 < 0 ? 0 : $0";
    case OP_LEAKYRELU:
        return arena_printf(a, "$0 < 0 ? %s * $0 : $0", lit(e, dt, attr_float(g, n, "alpha", 0.01f)));
    case OP_SIGMOID:
        return arena_printf(a, "1 / (1 + %s(-$0))", fn(a, dt, "exp"));
    case OP_HARDSIGMOID:
    case OP_HARDSWISH: {
        double al = n->op == OP_HARDSWISH ? 1.0 / 6 : attr_float(g, n, "alpha", 0.2f);
        double be = n->op == OP_HARDSWISH ? 0.5 : attr_float(g, n, "beta", 0.5f);
        const char *t = arena_printf(a, "%s * $0 + %s", lit(e, dt, al), lit(e, dt, be));
        const char *h = arena_printf(a, "(%s < 0 ? 0 : %s > 1 ? 1 : %s)", t, t, t);
        return n->op == OP_HARDSWISH ? arena_printf(a, "$0 * %s", h) : h;
    }
    case OP_ELU:
        return arena_printf(a, "$0 < 0 ? %s * (%s($0) - 1) : $0", lit(e, dt, attr_float(g, n, "alpha", 1.0f)),
                            fn(a, dt, "exp"));
    case OP_CELU: { /* max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) */
        const char *al = lit(e, dt, attr_float(g, n, "alpha", 1.0f));
        return arena_printf(a, "$0 < 0 ? %s * (%s($0 / %s) - 1) : $0", al, fn(a, dt, "exp"), al);
    }
    case OP_SELU: {
        const char *al = lit(e, dt, attr_float(g, n, "alpha", 1.67326319217681884765625f));
        const char *ga = lit(e, dt, attr_float(g, n, "gamma", 1.05070102214813232421875f));
        return arena_printf(a, "$0 > 0 ? %s * $0 : %s * (%s * %s($0) - %s)", ga, ga, al, fn(a, dt, "exp"), al);
    }
    case OP_SOFTPLUS: /* log(1 + exp(x)) without overflow */
    case OP_MISH: {
        const char *sp = arena_printf(a, "($0 > 0 ? $0 + %s(%s(-$0)) : %s(%s($0)))", fn(a, dt, "log1p"), fn(a, dt, "exp"),
                                      fn(a, dt, "log1p"), fn(a, dt, "exp"));
        return n->op == OP_MISH ? arena_printf(a, "$0 * %s(%s)", fn(a, dt, "tanh"), sp) : sp;
    }
    case OP_SOFTSIGN: return arena_printf(a, "$0 / (1 + %s($0))", fn(a, dt, "fabs"));
    case OP_THRESHOLDEDRELU:
        return arena_printf(a, "$0 > %s ? $0 : 0", lit(e, dt, attr_float(g, n, "alpha", 1.0f)));
    case OP_SHRINK: {
        float l = attr_float(g, n, "lambd", 0.5f), b = attr_float(g, n, "bias", 0.0f);
        return arena_printf(a, "$0 < %s ? $0 + %s : $0 > %s ? $0 - %s : 0", lit(e, dt, -l), lit(e, dt, b), lit(e, dt, l),
                            lit(e, dt, b));
    }
    default:
        return NULL;
    }
}

/* Integer unary ops (Abs, Neg, Sign, Relu; Erf and Shrink through double). */
static void lower_int_unary(Emitter *e, const Node *n, FILE *f, int dt)
{
    Arena *a = (Arena *)&emit_graph(e)->arena;
    const char *T = ctype(dt), *expr = NULL;
    bool sgn = dtype_is_signed(dt);
    switch (n->op) {
    case OP_ABS:
        expr = sgn ? arena_printf(a, "$0 < 0 ? (%s)(0 - (uint64_t)$0) : $0", T) : "$0";
        break;
    case OP_NEG:
        expr = arena_printf(a, "(%s)(0 - (uint64_t)$0)", T);
        break;
    case OP_SIGN:
        expr = sgn ? "($0 > 0) - ($0 < 0)" : "$0 > 0";
        break;
    case OP_RELU:
        expr = "$0 < 0 ? 0 : $0";
        break;
    default: /* Erf, Shrink: in double, back to the integer type */
        eltwise_loop(e, n, f, 1, n->in, "double", arena_printf(a, "const double r = %s;", float_unary(e, n, DT_F64)),
                     conv(a, true, dt, "r"));
        return;
    }
    eltwise_loop(e, n, f, 1, n->in, NULL, NULL, conv(a, false, dt, arena_printf(a, "(%s)", expr)));
}

static void lower_unary(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->in[0]].dtype;
    switch (n->op) {
    case OP_ISNAN:
        eltwise_loop(e, n, f, 1, n->in, NULL, NULL, "(uint8_t)($0 != $0)");
        return;
    case OP_ISINF: {
        bool pos = attr_int(g, n, "detect_positive", 1) != 0, neg = attr_int(g, n, "detect_negative", 1) != 0;
        const char *inf = dt == DT_F64 ? "HUGE_VAL" : "HUGE_VALF";
        const char *x = pos && neg ? arena_printf(a, "($0 == %s || $0 == -%s)", inf, inf)
                        : pos      ? arena_printf(a, "($0 == %s)", inf)
                        : neg      ? arena_printf(a, "($0 == -%s)", inf)
                                   : "($0 != $0 && 0)";
        eltwise_loop(e, n, f, 1, n->in, NULL, NULL, arena_printf(a, "(uint8_t)%s", x));
        return;
    }
    case OP_NOT:
        eltwise_loop(e, n, f, 1, n->in, NULL, NULL, "(uint8_t)($0 == 0)");
        return;
    default:
        break;
    }
    if (!dtype_is_float(dt))
        return lower_int_unary(e, n, f, dt);
    const char *expr = float_unary(e, n, dt);
    assert(expr);
    eltwise_loop(e, n, f, 1, n->in, NULL, NULL, conv(a, true, dt, arena_printf(a, "(%s)", expr)));
}

/* Add, Sub, Mul, Div: integers wrap around (computed in uint64_t); integer
 * division truncates toward zero, x / 0 is 0 and INT_MIN / -1 wraps. */
static void lower_arith(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    const char *op = n->op == OP_ADD ? "+" : n->op == OP_SUB ? "-" : n->op == OP_MUL ? "*" : "/";
    const char *expr;
    if (dtype_is_float(dt))
        expr = arena_printf(a, "$0 %s $1", op);
    else if (n->op != OP_DIV)
        expr = arena_printf(a, "(uint64_t)$0 %s (uint64_t)$1", op);
    else if (dtype_is_signed(dt))
        expr = "$1 == 0 ? 0 : $1 == -1 ? 0 - (uint64_t)$0 : (uint64_t)($0 / $1)";
    else
        expr = "$1 == 0 ? 0 : $0 / $1";
    eltwise_loop(e, n, f, 2, n->in, NULL, NULL, conv(a, dtype_is_float(dt), dt, arena_printf(a, "(%s)", expr)));
}

/* Mod: fmod=1 is C's fmod / % (sign of the dividend), fmod=0 the sign of
 * the divisor (integers only); x mod 0 is 0. */
static void lower_mod(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    if (dtype_is_float(dt)) {
        eltwise_loop(e, n, f, 2, n->in, NULL, NULL, conv(a, true, dt, arena_printf(a, "%s($0, $1)", fn(a, dt, "fmod"))));
        return;
    }
    if (!dtype_is_signed(dt)) {
        eltwise_loop(e, n, f, 2, n->in, NULL, NULL, conv(a, false, dt, "($1 == 0 ? 0 : $0 % $1)"));
        return;
    }
    const char *body = "int64_t r = $1 == 0 || $1 == -1 ? 0 : $0 % $1;";
    if (attr_int(g, n, "fmod", 0) == 0)
        body = "int64_t r = $1 == 0 || $1 == -1 ? 0 : $0 % $1;\n"
               "if (r != 0 && (r < 0) != ($1 < 0))\n"
               "    r += $1;";
    eltwise_loop(e, n, f, 2, n->in, NULL, body, conv(a, false, dt, "r"));
}

/* Pow: a float base or exponent computes in double; an integer base to an
 * integer exponent by repeated squaring in uint64_t (wrapping), a negative
 * exponent giving 1 / base^-e truncated (0 for a base of 0). */
static void lower_pow(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int bt = g->values[n->in[0]].dtype, et = g->values[n->in[1]].dtype;
    float ex;
    const Value *y = &g->values[n->out[0]], *x = &g->values[n->in[0]];
    if (bt == DT_F32 && et == DT_F32 && (g->values[n->in[1]].flags & V_CONST) &&
        value_numel(&g->values[n->in[1]]) == 1 && const_float(g, n, n->in[1], &ex) && ex == 2.0f &&
        value_numel(x) == value_numel(y)) {
        /* x^2 (a decomposed LayerNorm's variance): x*x, the same bits as pow */
        fprintf(f, "    {\n        static const OnnxccBroadcast p = {1, {%lld}, {1}, {1}};\n",
                (long long)value_numel(y));
        fprintf(f, "        if (onnxcc_f32_binary(&p, ONNXCC_BIN_MUL, %s, %s, %s)) return 2;\n    }\n",
                emit_ref(e, n, n->in[0]), emit_ref(e, n, n->in[0]), emit_ref(e, n, n->out[0]));
        return;
    }
    if (dtype_is_float(bt) || dtype_is_float(et)) {
        eltwise_loop(e, n, f, 2, n->in, "double", "const double r = pow($0, $1);", conv(a, true, bt, "r"));
        return;
    }
    const char *body = "uint64_t b = (uint64_t)$0, p = 1, k = (uint64_t)$1;\n"
                       "for (; k; k >>= 1, b *= b)\n"
                       "    if (k & 1)\n"
                       "        p *= b;";
    if (dtype_is_signed(et))
        body = arena_printf(a,
                            "uint64_t b = (uint64_t)$0, p = 1, k = (uint64_t)$1;\n"
                            "if ($1 < 0)\n"
                            "    p = $0 == 1 ? 1 : %s, k = 0;\n"
                            "for (; k; k >>= 1, b *= b)\n"
                            "    if (k & 1)\n"
                            "        p *= b;",
                            dtype_is_signed(bt) ? "$0 == -1 ? (($1 & 1) ? (uint64_t)0 - 1 : 1) : 0" : "0");
    eltwise_loop(e, n, f, 2, n->in, NULL, body, conv(a, false, bt, "p"));
}

static void lower_bitshift(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    bool left = strcmp(attr_str(g, n, "direction", ""), "LEFT") == 0;
    eltwise_loop(e, n, f, 2, n->in, NULL, NULL,
                 arena_printf(a, "(%s)($1 >= %d ? 0 : (uint64_t)$0 %s $1)", ctype(dt), (int)dtype_size(dt) * 8,
                              left ? "<<" : ">>"));
}

static void lower_compare(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const char *op;
    switch (n->op) {
    case OP_EQUAL: op = "=="; break;
    case OP_LESS: op = "<"; break;
    case OP_GREATER: op = ">"; break;
    case OP_LESSOREQUAL: op = "<="; break;
    case OP_GREATEROREQUAL: op = ">="; break;
    case OP_AND: op = "&&"; break;
    case OP_OR: op = "||"; break;
    default: op = "!="; break; /* Xor of 0/1 */
    }
    bool logic = n->op == OP_AND || n->op == OP_OR || n->op == OP_XOR;
    eltwise_loop(e, n, f, 2, n->in, NULL, NULL,
                 arena_printf(a, logic ? "(uint8_t)(($0 != 0) %s ($1 != 0))" : "(uint8_t)($0 %s $1)", op));
}

/* Min, Max (a NaN operand gives NaN, as np.minimum), Sum, Mean over any
 * number of broadcast operands.  float16 and bfloat16 sums round after each
 * addition, as numpy's do. */
static void lower_variadic(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    bool fl = dtype_is_float(dt);
    const char *body = arena_printf(a, "%s r = $0;", calc_type(dt));
    for (int k = 1; k < n->nin; k++) {
        const char *step;
        if (n->op == OP_MIN || n->op == OP_MAX) {
            const char *cmp = n->op == OP_MIN ? "<" : ">";
            step = fl ? arena_printf(a, "r = r != r || r %s $%d ? r : $%d;", cmp, k, k)
                      : arena_printf(a, "r = r %s $%d ? r : $%d;", cmp, k, k);
        } else if (dt == DT_F16 || dt == DT_BF16) {
            const char *s = dt == DT_F16 ? "f16" : "bf16";
            step = arena_printf(a, "r = onnxcc_%s_to_f32(onnxcc_f32_to_%s(r + $%d));", s, s, k);
        } else {
            step = arena_printf(a, "r += $%d;", k);
        }
        body = arena_printf(a, "%s\n%s", body, step);
    }
    const char *res = "r";
    if (n->op == OP_MEAN)
        res = arena_printf(a, "(r / %s)", lit(e, dt, (double)n->nin));
    eltwise_loop(e, n, f, n->nin, n->in, NULL, body, conv(a, fl, dt, res));
}

/* Clip: bounds from the attributes (opset < 11) or from the optional
 * inputs, which may be computed at run time; NaN stays NaN. */
static void lower_clip(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    int ops[3] = {n->in[0]}, nops = 1;
    const char *body = arena_printf(a, "%s r = $0;", calc_type(dt));
    for (int k = 1; k < 3; k++) {
        const char *b = NULL;
        if (g->opset < 11) {
            const char *name = k == 1 ? "min" : "max";
            if (node_attr(g, n, name))
                b = lit(e, dt, attr_float(g, n, name, 0));
        } else if (has_in(n, k)) {
            ops[nops] = n->in[k];
            b = arena_printf(a, "$%d", nops++);
        }
        if (b)
            body = arena_printf(a, "%s\nif (r %s %s)\n    r = %s;", body, k == 1 ? "<" : ">", b, b);
    }
    eltwise_loop(e, n, f, nops, ops, NULL, body, conv(a, dtype_is_float(dt), dt, "r"));
}

static void lower_prelu(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int dt = g->values[n->out[0]].dtype;
    if (dtype_is_float(dt))
        eltwise_loop(e, n, f, 2, n->in, NULL, NULL, conv(a, true, dt, "($0 < 0 ? $1 * $0 : $0)"));
    else if (dtype_is_signed(dt))
        eltwise_loop(e, n, f, 2, n->in, NULL, NULL,
                     arena_printf(a, "(%s)($0 < 0 ? (uint64_t)$1 * (uint64_t)$0 : (uint64_t)$0)", ctype(dt)));
    else /* unsigned: never negative */
        eltwise_loop(e, n, f, 1, n->in, EMIT_RAW, NULL, "$0");
}

/* Cast and CastLike.  Conversions to float16 and bfloat16 from types wider
 * than float round to float by round-to-odd first, so the value rounds
 * once (float has more than twice their precision plus two bits). */
static void lower_cast(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    int from = g->values[n->in[0]].dtype, to = g->values[n->out[0]].dtype;
    if (from == to) {
        emit_copy(e, n, f, n->in[0], n->out[0]);
        return;
    }
    bool narrow = from == DT_F64 || from == DT_I32 || from == DT_U32 || from == DT_I64 || from == DT_U64;
    if ((to == DT_F16 || to == DT_BF16) && narrow) {
        const char *body = "const double d = (double)$0;\n"
                           "float r = (float)d;\n"
                           "if ((double)r != d && d == d && !(onnxcc_f32_to_bits(r) & 1u))\n"
                           "    r = nextafterf(r, d > (double)r ? HUGE_VALF : -HUGE_VALF);";
        eltwise_loop(e, n, f, 1, n->in, NULL, body, conv(a, true, to, "r"));
        return;
    }
    eltwise_loop(e, n, f, 1, n->in, NULL, NULL, conv(a, dtype_is_float(from), to, "$0"));
}

static void lower_where(Emitter *e, const Node *n, FILE *f)
{
    eltwise_loop(e, n, f, 3, n->in, EMIT_RAW, NULL, "$0 ? $1 : $2");
}

void lower_eltwise(Emitter *e, const Node *n, FILE *f)
{
    if (core_form(emit_graph(e), n))
        return lower_core(e, n, f);
    int kind;
    float ka, kb;
    if (act_params(emit_graph(e), n, &kind, &ka, &kb)) /* float32 HardSwish, Tanh, ...: SIMD */
        return emit_act(e, n, f, kind, ka, kb);
    switch (n->op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
        return lower_arith(e, n, f);
    case OP_MOD:
        return lower_mod(e, n, f);
    case OP_POW:
        return lower_pow(e, n, f);
    case OP_BITSHIFT:
        return lower_bitshift(e, n, f);
    case OP_EQUAL: case OP_LESS: case OP_GREATER: case OP_LESSOREQUAL: case OP_GREATEROREQUAL:
    case OP_AND: case OP_OR: case OP_XOR:
        return lower_compare(e, n, f);
    case OP_MIN: case OP_MAX: case OP_SUM: case OP_MEAN:
        return lower_variadic(e, n, f);
    case OP_CLIP:
        return lower_clip(e, n, f);
    case OP_PRELU:
        return lower_prelu(e, n, f);
    case OP_CAST: case OP_CASTLIKE:
        return lower_cast(e, n, f);
    case OP_WHERE:
        return lower_where(e, n, f);
    default:
        return lower_unary(e, n, f);
    }
}
