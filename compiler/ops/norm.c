/* ops/norm.c — normalizations: LayerNormalization, InstanceNormalization,
 * LRN and MeanVarianceNormalization, for float16, bfloat16, float and double.
 *
 * LayerNormalization, InstanceNormalization and MeanVarianceNormalization are
 * one kernel (emit_normalize): the input's axes split into kept axes (one
 * group per flat index o) and reduced axes (flat index r inside a group);
 * each group's mean and variance are taken in double in two passes, and the
 * output is (x - mean) * inv (* scale + bias), scale and bias read through
 * their own strides (0 on broadcast axes).  Offsets are C expressions of o
 * and r with compile-time constant extents and strides (walk_expr).
 * BatchNormalization in inference mode is the core's (infer_core /
 * lower_core, float32); in training mode (opset 14+, training_mode=1) it is
 * done here: per channel, the batch mean and (population) variance over all
 * axes but 1, in double, normalize x, and the optional running_mean and
 * running_var outputs are input * momentum + batch statistic * (1 - momentum). */
#include "onnxcc.h"

#include <string.h>

/* ---- inference ------------------------------------------------------------ */

static const Value *in_float(const Graph *g, const Node *n, int k, const char *what)
{
    const Value *v = in_val(g, n, k);
    if (!dtype_is_float(v->dtype))
        fatal_node(g, n, "%s '%s' has data type %s; expected float16, bfloat16, float or double", what, vname(v),
                   dtype_name(v->dtype));
    return v;
}

/* Input k (a parameter of x): x's element type. */
static const Value *in_like(const Graph *g, const Node *n, int k, const Value *x, const char *what)
{
    const Value *v = in_val(g, n, k);
    if (v->dtype != x->dtype)
        fatal_node(g, n, "%s '%s' has data type %s, but '%s' has %s", what, vname(v), dtype_name(v->dtype),
                   vname(x), dtype_name(x->dtype));
    return v;
}

/* v must broadcast to x's shape (numpy rules, x's shape unchanged). */
static void check_bcast(const Graph *g, const Node *n, const Value *v, const Value *x, const char *what)
{
    bool ok = v->rank <= x->rank;
    for (int d = 0; ok && d < v->rank; d++) {
        int64_t vd = v->dims[d], xd = x->dims[x->rank - v->rank + d];
        ok = vd == 1 || vd == xd;
    }
    if (!ok)
        fatal_node(g, n, "%s '%s' has shape %s, which does not broadcast to the shape %s of '%s'", what, vname(v),
                   dims_str(v->dims, v->rank), dims_str(x->dims, x->rank), vname(x));
}

static void infer_layernorm(Graph *g, Node *n)
{
    if (g->opset < 17)
        fatal_node(g, n, "LayerNormalization is not in opset %lld (it exists since opset 17)", (long long)g->opset);
    const Value *x = in_float(g, n, 0, "input");
    if (x->rank < 1)
        fatal_node(g, n, "input '%s' is a scalar; expected rank 1 or more", vname(x));
    int axis = norm_axis(g, n, attr_int(g, n, "axis", -1), x->rank, false);
    int64_t stash = attr_int(g, n, "stash_type", DT_F32);
    if (!dtype_is_float((int)stash) || stash != (int)stash)
        fatal_node(g, n, "stash_type %lld is not a floating-point type", (long long)stash);
    check_bcast(g, n, in_like(g, n, 1, x, "Scale"), x, "Scale");
    if (has_in(n, 2))
        check_bcast(g, n, in_like(g, n, 2, x, "B"), x, "B");
    int64_t md[MAX_RANK];
    for (int d = 0; d < x->rank; d++)
        md[d] = d < axis ? x->dims[d] : 1;
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
    set_out(g, n, 1, (int)stash, x->rank, md);
    set_out(g, n, 2, (int)stash, x->rank, md);
}

static void infer_instancenorm(Graph *g, Node *n)
{
    static const char *what[] = {"input", "scale", "B"};
    const Value *x = in_float(g, n, 0, "input");
    if (x->rank < 3)
        fatal_node(g, n, "input '%s' has shape %s; expected N x C x D1 x ... (rank 3 or more)", vname(x),
                   dims_str(x->dims, x->rank));
    for (int k = 1; k <= 2; k++) {
        const Value *p = in_like(g, n, k, x, what[k]);
        if (p->rank != 1 || p->dims[0] != x->dims[1])
            fatal_node(g, n, "%s '%s' has shape %s, expected [%lld] (one per channel of '%s')", what[k], vname(p),
                       dims_str(p->dims, p->rank), (long long)x->dims[1], vname(x));
    }
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

static void infer_lrn(Graph *g, Node *n)
{
    const Value *x = in_float(g, n, 0, "input");
    if (x->rank < 3)
        fatal_node(g, n, "input '%s' has shape %s; expected N x C x D1 x ... (rank 3 or more)", vname(x),
                   dims_str(x->dims, x->rank));
    if (!node_attr(g, n, "size"))
        fatal_node(g, n, "attribute 'size' is missing");
    int64_t size = attr_int(g, n, "size", 0);
    if (size < 1 || size > INT32_MAX)
        fatal_node(g, n, "size is %lld; must be 1 or more", (long long)size);
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

/* MeanVarianceNormalization's axes, as a mask over x's axes. */
static void mvn_axes(const Graph *g, const Node *n, const Value *x, bool *reduced)
{
    static const int64_t def[] = {0, 2, 3};
    const int64_t *v;
    int c = attr_ints(g, n, "axes", &v);
    if (c < 0) {
        c = 3;
        v = def;
    }
    if (c == 0)
        fatal_node(g, n, "axes is empty");
    memset(reduced, 0, sizeof(bool) * MAX_RANK);
    for (int i = 0; i < c; i++) {
        int a = norm_axis(g, n, v[i], x->rank, false);
        if (reduced[a])
            fatal_node(g, n, "axis %lld appears twice in axes", (long long)v[i]);
        reduced[a] = true;
    }
}

static void infer_mvn(Graph *g, Node *n)
{
    const Value *x = in_float(g, n, 0, "input");
    bool reduced[MAX_RANK];
    mvn_axes(g, n, x, reduced);
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
}

/* A BatchNormalization this family does itself (else the core's). */
static bool bn_training(const Graph *g, const Node *n)
{
    return g->opset >= 14 && attr_int(g, n, "training_mode", 0) == 1;
}

static void infer_bn_training(Graph *g, Node *n)
{
    static const char *what[] = {"", "scale", "B", "input_mean", "input_var"};
    const Value *x = in_float(g, n, 0, "input");
    if (x->rank < 2)
        fatal_node(g, n, "input '%s' has shape %s; expected N x C x ... (rank 2 or more)", vname(x),
                   dims_str(x->dims, x->rank));
    if (n->nout > 3)
        fatal_node(g, n, "%d outputs; BatchNormalization has at most 3 since opset 14", n->nout);
    for (int k = 1; k <= 4; k++) {
        const Value *p = in_float(g, n, k, what[k]);
        if (p->rank != 1 || p->dims[0] != x->dims[1])
            fatal_node(g, n, "%s '%s' has shape %s, expected [%lld] (one per channel of '%s')", what[k], vname(p),
                       dims_str(p->dims, p->rank), (long long)x->dims[1], vname(x));
    }
    set_out(g, n, 0, x->dtype, x->rank, x->dims);
    set_out(g, n, 1, g->values[n->in[3]].dtype, 1, &x->dims[1]);
    set_out(g, n, 2, g->values[n->in[4]].dtype, 1, &x->dims[1]);
}

void infer_norm(Graph *g, Node *n)
{
    switch (n->op) {
    case OP_BATCHNORM:
        if (bn_training(g, n))
            infer_bn_training(g, n);
        else
            infer_core(g, n);
        return;
    case OP_LAYERNORM: infer_layernorm(g, n); return;
    case OP_INSTANCENORM: infer_instancenorm(g, n); return;
    case OP_LRN: infer_lrn(g, n); return;
    case OP_MVN: infer_mvn(g, n); return;
    default: fatal_node(g, n, "unsupported operator");
    }
}

/* ---- lowering ------------------------------------------------------------- */

/* The offset, in a tensor with strides st over x's axes, of the element
 * whose index over the axes with sel[d] == want (row-major, in axis order)
 * is the C variable var.  Axes of extent 1 are skipped and neighbours the
 * tensor walks as one are merged. */
static const char *walk_expr(Arena *a, const char *var, const Value *x, const bool *sel, bool want,
                             const int64_t *st)
{
    int64_t dims[MAX_RANK], s[MAX_RANK];
    int m = 0;
    for (int d = 0; d < x->rank; d++) {
        if (sel[d] != want || x->dims[d] == 1)
            continue;
        if (m > 0 && s[m - 1] == st[d] * x->dims[d]) {
            dims[m - 1] *= x->dims[d];
            s[m - 1] = st[d];
            continue;
        }
        dims[m] = x->dims[d];
        s[m] = st[d];
        m++;
    }
    const char *e = NULL;
    int64_t inner = 1;
    for (int i = m - 1; i >= 0; i--) {
        if (s[i]) {
            const char *t = var;
            if (inner > 1)
                t = arena_printf(a, "(%s / %lld)", t, (long long)inner);
            if (i > 0)
                t = arena_printf(a, "(%s %% %lld)", t, (long long)dims[i]);
            if (s[i] != 1)
                t = arena_printf(a, "%s * %lld", t, (long long)s[i]);
            e = e ? arena_printf(a, "%s + %s", t, e) : t;
        }
        inner *= dims[i];
    }
    return e ? e : "0";
}

typedef struct {
    int x, y;                 /* input and output (same shape, dense) */
    bool reduced[MAX_RANK];   /* axes of x normalized over */
    int scale, bias;          /* values or -1, read with strides sst / bst */
    int64_t sst[MAX_RANK], bst[MAX_RANK];
    int mean, invstd;         /* outputs (dense over the kept axes) or -1 */
    double eps;
    bool mvn;                 /* inv = 1 / (sqrt(var) + eps), else 1 / sqrt(var + eps) */
} NormSpec;

static void emit_normalize(Emitter *e, const Node *n, FILE *f, const NormSpec *s)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[s->x];
    int dt = x->dtype;
    int64_t xs[MAX_RANK], K = 1, R = 1;
    dense_strides_of(x, xs);
    for (int d = 0; d < x->rank; d++) {
        if (s->reduced[d])
            R *= x->dims[d];
        else
            K *= x->dims[d];
    }
    const char *T = ctype(dt);
    const char *xe = load_as_double(a, dt, arena_printf(a, "x[xo + %s]", walk_expr(a, "r", x, s->reduced, true, xs)));
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", T, emit_ref(e, n, s->x));
    fprintf(f, "        %s *y = %s;\n", T, emit_ref(e, n, s->y));
    if (s->scale >= 0)
        fprintf(f, "        const %s *sc = %s;\n", ctype(g->values[s->scale].dtype), emit_ref(e, n, s->scale));
    if (s->bias >= 0)
        fprintf(f, "        const %s *bi = %s;\n", ctype(g->values[s->bias].dtype), emit_ref(e, n, s->bias));
    if (s->mean >= 0)
        fprintf(f, "        %s *mo = %s;\n", ctype(g->values[s->mean].dtype), emit_ref(e, n, s->mean));
    if (s->invstd >= 0)
        fprintf(f, "        %s *io = %s;\n", ctype(g->values[s->invstd].dtype), emit_ref(e, n, s->invstd));
    fprintf(f, "        int64_t o, r;\n");
    fprintf(f, "        for (o = 0; o < %lld; o++) {\n", (long long)K);
    fprintf(f, "            const int64_t xo = %s;\n", walk_expr(a, "o", x, s->reduced, false, xs));
    if (s->scale >= 0)
        fprintf(f, "            const int64_t so = %s;\n", walk_expr(a, "o", x, s->reduced, false, s->sst));
    if (s->bias >= 0)
        fprintf(f, "            const int64_t bo = %s;\n", walk_expr(a, "o", x, s->reduced, false, s->bst));
    fprintf(f, "            double mean = 0.0, var = 0.0, inv;\n");
    fprintf(f, "            for (r = 0; r < %lld; r++)\n", (long long)R);
    fprintf(f, "                mean += %s;\n", xe);
    fprintf(f, "            mean /= %s;\n", emit_dlit(e, (double)R));
    fprintf(f, "            for (r = 0; r < %lld; r++) {\n", (long long)R);
    fprintf(f, "                const double d = %s - mean;\n", xe);
    fprintf(f, "                var += d * d;\n");
    fprintf(f, "            }\n");
    fprintf(f, "            var /= %s;\n", emit_dlit(e, (double)R));
    if (s->mvn)
        fprintf(f, "            inv = 1.0 / (sqrt(var) + %s);\n", emit_dlit(e, s->eps));
    else
        fprintf(f, "            inv = 1.0 / sqrt(var + %s);\n", emit_dlit(e, s->eps));
    fprintf(f, "            for (r = 0; r < %lld; r++) {\n", (long long)R);
    fprintf(f, "                double v = (%s - mean) * inv;\n", xe);
    if (s->scale >= 0)
        fprintf(f, "                v *= %s;\n",
                load_as_double(a, g->values[s->scale].dtype,
                       arena_printf(a, "sc[so + %s]", walk_expr(a, "r", x, s->reduced, true, s->sst))));
    if (s->bias >= 0)
        fprintf(f, "                v += %s;\n",
                load_as_double(a, g->values[s->bias].dtype,
                       arena_printf(a, "bi[bo + %s]", walk_expr(a, "r", x, s->reduced, true, s->bst))));
    fprintf(f, "                y[xo + %s] = %s;\n", walk_expr(a, "r", x, s->reduced, true, xs),
            store_from_double(a, dt, "v"));
    fprintf(f, "            }\n");
    if (s->mean >= 0)
        fprintf(f, "            mo[o] = %s;\n", store_from_double(a, g->values[s->mean].dtype, "mean"));
    if (s->invstd >= 0)
        fprintf(f, "            io[o] = %s;\n", store_from_double(a, g->values[s->invstd].dtype, "inv"));
    fprintf(f, "        }\n");
    fprintf(f, "    }\n");
}

static int out_or_none(const Node *n, int k)
{
    return k < n->nout ? n->out[k] : -1;
}

/* Whether parameter v, broadcast to x, varies along x's last axis alone
 * (one value per position in a row, e.g. shape [len] or [1, 1, len]). */
static bool per_last_axis(const Value *v, const Value *x)
{
    int64_t st[MAX_RANK];
    broadcast_strides(v, x, st);
    for (int d = 0; d < x->rank - 1; d++)
        if (st[d] != 0 && x->dims[d] != 1)
            return false;
    return st[x->rank - 1] == 1 || x->dims[x->rank - 1] == 1;
}

/* float32 over the last axis, without the optional outputs: the runtime's
 * fast kernel (onnxcc_f32_layernorm); the rest: emit_normalize. */
static void lower_layernorm(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", -1), x->rank, false);
    NormSpec s = {.x = n->in[0], .y = n->out[0], .scale = n->in[1], .bias = has_in(n, 2) ? n->in[2] : -1,
                  .mean = out_or_none(n, 1), .invstd = out_or_none(n, 2),
                  .eps = (double)attr_float(g, n, "epsilon", 1e-5f)};
    if (x->dtype == DT_F32 && axis == x->rank - 1 && s.mean < 0 && s.invstd < 0 &&
        per_last_axis(&g->values[s.scale], x) && (s.bias < 0 || per_last_axis(&g->values[s.bias], x))) {
        const int64_t len = x->dims[axis];
        fprintf(f, "    onnxcc_f32_layernorm(%lld, %lld, %s, %s, %s, %s, %s, %d);\n", (long long)(value_numel(x) / len),
                (long long)len, emit_flit(e, attr_float(g, n, "epsilon", 1e-5f)), emit_ref(e, n, s.x),
                emit_ref(e, n, s.scale), s.bias >= 0 ? emit_ref(e, n, s.bias) : "0", emit_ref(e, n, s.y),
                isa_cap_of(g));
        return;
    }
    for (int d = 0; d < x->rank; d++)
        s.reduced[d] = d >= axis;
    broadcast_strides(&g->values[s.scale], x, s.sst);
    if (s.bias >= 0)
        broadcast_strides(&g->values[s.bias], x, s.bst);
    emit_normalize(e, n, f, &s);
}

static void lower_instancenorm(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    NormSpec s = {.x = n->in[0], .y = n->out[0], .scale = n->in[1], .bias = n->in[2], .mean = -1, .invstd = -1,
                  .eps = (double)attr_float(g, n, "epsilon", 1e-5f)};
    for (int d = 0; d < x->rank; d++) {
        s.reduced[d] = d >= 2;
        s.sst[d] = s.bst[d] = d == 1;
    }
    emit_normalize(e, n, f, &s);
}

static void lower_mvn(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    NormSpec s = {.x = n->in[0], .y = n->out[0], .scale = -1, .bias = -1, .mean = -1, .invstd = -1,
                  .eps = 1e-9, .mvn = true};
    mvn_axes(g, n, &g->values[n->in[0]], s.reduced);
    emit_normalize(e, n, f, &s);
}

/* y = x / (bias + alpha / size * sum of x^2 over the channel window)^beta;
 * the window of channel c is [c - floor((size-1)/2), c + ceil((size-1)/2)]. */
static void lower_lrn(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    int64_t size = attr_int(g, n, "size", 1), N = x->dims[0], C = x->dims[1], S = 1;
    for (int d = 2; d < x->rank; d++)
        S *= x->dims[d];
    double alpha = (double)attr_float(g, n, "alpha", 1e-4f), beta = (double)attr_float(g, n, "beta", 0.75f),
           bias = (double)attr_float(g, n, "bias", 1.0f);
    const char *T = ctype(dt);
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", T, emit_ref(e, n, n->in[0]));
    fprintf(f, "        %s *y = %s;\n", T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t i, c, j, s;\n");
    fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)N);
    fprintf(f, "            for (c = 0; c < %lld; c++) {\n", (long long)C);
    fprintf(f, "                const int64_t lo = c < %lld ? 0 : c - %lld;\n", (long long)((size - 1) / 2),
            (long long)((size - 1) / 2));
    fprintf(f, "                const int64_t hi = c + %lld > %lld ? %lld : c + %lld;\n", (long long)(size / 2),
            (long long)(C - 1), (long long)(C - 1), (long long)(size / 2));
    fprintf(f, "                for (s = 0; s < %lld; s++) {\n", (long long)S);
    fprintf(f, "                    double sq = 0.0;\n");
    fprintf(f, "                    for (j = lo; j <= hi; j++) {\n");
    fprintf(f, "                        const double v = %s;\n", load_as_double(a, dt, arena_printf(a, "x[(i * %lld + j) * %lld + s]", (long long)C, (long long)S)));
    fprintf(f, "                        sq += v * v;\n");
    fprintf(f, "                    }\n");
    fprintf(f, "                    y[(i * %lld + c) * %lld + s] = %s;\n", (long long)C, (long long)S,
            store_from_double(a, dt,
                    arena_printf(a, "%s / pow(%s + %s * sq, %s)",
                                 load_as_double(a, dt, arena_printf(a, "x[(i * %lld + c) * %lld + s]", (long long)C, (long long)S)),
                                 emit_dlit(e, bias), emit_dlit(e, alpha / (double)size), emit_dlit(e, beta))));
    fprintf(f, "                }\n");
    fprintf(f, "            }\n");
    fprintf(f, "    }\n");
}

/* Training-mode BatchNormalization: per channel c, the mean and population
 * variance of x[:, c, ...] in double, y = (x - mean) / sqrt(var + eps) *
 * scale + B, and running statistics blended with momentum. */
static void lower_bn_training(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    int64_t N = x->dims[0], C = x->dims[1], S = 1;
    for (int d = 2; d < x->rank; d++)
        S *= x->dims[d];
    double eps = (double)attr_float(g, n, "epsilon", 1e-5f), mom = (double)attr_float(g, n, "momentum", 0.9f);
    int om = out_or_none(n, 1), ov = out_or_none(n, 2);
    static const char *pn[] = {"", "sc", "bi", "im", "iv"};
    const char *xe = load_as_double(a, dt, arena_printf(a, "x[(i * %lld + c) * %lld + s]", (long long)C, (long long)S));
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", ctype(dt), emit_ref(e, n, n->in[0]));
    fprintf(f, "        %s *y = %s;\n", ctype(dt), emit_ref(e, n, n->out[0]));
    for (int k = 1; k <= 4; k++)
        if (k <= 2 || (k == 3 && om >= 0) || (k == 4 && ov >= 0))
            fprintf(f, "        const %s *%s = %s;\n", ctype(g->values[n->in[k]].dtype), pn[k],
                    emit_ref(e, n, n->in[k]));
    if (om >= 0)
        fprintf(f, "        %s *om = %s;\n", ctype(g->values[om].dtype), emit_ref(e, n, om));
    if (ov >= 0)
        fprintf(f, "        %s *ov = %s;\n", ctype(g->values[ov].dtype), emit_ref(e, n, ov));
    fprintf(f, "        int64_t i, c, s;\n");
    fprintf(f, "        for (c = 0; c < %lld; c++) {\n", (long long)C);
    fprintf(f, "            double mean = 0.0, var = 0.0, inv, sv, bv;\n");
    fprintf(f, "            for (i = 0; i < %lld; i++)\n", (long long)N);
    fprintf(f, "                for (s = 0; s < %lld; s++)\n", (long long)S);
    fprintf(f, "                    mean += %s;\n", xe);
    fprintf(f, "            mean /= %s;\n", emit_dlit(e, (double)(N * S)));
    fprintf(f, "            for (i = 0; i < %lld; i++)\n", (long long)N);
    fprintf(f, "                for (s = 0; s < %lld; s++) {\n", (long long)S);
    fprintf(f, "                    const double d = %s - mean;\n", xe);
    fprintf(f, "                    var += d * d;\n");
    fprintf(f, "                }\n");
    fprintf(f, "            var /= %s;\n", emit_dlit(e, (double)(N * S)));
    fprintf(f, "            inv = 1.0 / sqrt(var + %s);\n", emit_dlit(e, eps));
    fprintf(f, "            sv = %s;\n", load_as_double(a, g->values[n->in[1]].dtype, "sc[c]"));
    fprintf(f, "            bv = %s;\n", load_as_double(a, g->values[n->in[2]].dtype, "bi[c]"));
    fprintf(f, "            for (i = 0; i < %lld; i++)\n", (long long)N);
    fprintf(f, "                for (s = 0; s < %lld; s++)\n", (long long)S);
    fprintf(f, "                    y[(i * %lld + c) * %lld + s] = %s;\n", (long long)C, (long long)S,
            store_from_double(a, dt, arena_printf(a, "(%s - mean) * inv * sv + bv", xe)));
    if (om >= 0)
        fprintf(f, "            om[c] = %s;\n",
                store_from_double(a, g->values[om].dtype,
                                  arena_printf(a, "%s * %s + mean * %s",
                                               load_as_double(a, g->values[n->in[3]].dtype, "im[c]"),
                                               emit_dlit(e, mom), emit_dlit(e, 1.0 - mom))));
    if (ov >= 0)
        fprintf(f, "            ov[c] = %s;\n",
                store_from_double(a, g->values[ov].dtype,
                                  arena_printf(a, "%s * %s + var * %s",
                                               load_as_double(a, g->values[n->in[4]].dtype, "iv[c]"),
                                               emit_dlit(e, mom), emit_dlit(e, 1.0 - mom))));
    fprintf(f, "        }\n");
    fprintf(f, "    }\n");
}

void lower_norm(Emitter *e, const Node *n, FILE *f)
{
    switch (n->op) {
    case OP_BATCHNORM:
        if (bn_training(emit_graph(e), n))
            lower_bn_training(e, n, f);
        else
            lower_core(e, n, f);
        return;
    case OP_LAYERNORM: lower_layernorm(e, n, f); return;
    case OP_INSTANCENORM: lower_instancenorm(e, n, f); return;
    case OP_LRN: lower_lrn(e, n, f); return;
    case OP_MVN: lower_mvn(e, n, f); return;
    default: fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
    }
}
