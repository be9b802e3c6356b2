/* ops/nn.c — ConvTranspose, the other pools (GlobalMaxPool, LpPool,
 * GlobalLpPool, MaxUnpool), Einsum, GridSample and RoiAlign.
 *
 * Every op here is a reference loop nest written into the generated code
 * with its shapes, strides and attributes as constants, once per op and
 * instantiated per element type through ops/cgen.c.  Float types accumulate
 * in double and store once; integer Einsum accumulates in uint64_t (ONNX's
 * wrap-around).  Run-time indices (MaxUnpool, RoiAlign's batch indices) are
 * bounds-checked in the generated code: an index out of range writes or
 * reads nothing instead of touching memory outside the tensors. */
#include "onnxcc.h"

#include <string.h>

#define MAX_ATTR_VAL ((int64_t)INT32_MAX) /* strides, pads, kernel sizes */

static Arena *arena_of(const Graph *g)
{
    return (Arena *)&g->arena;
}

/* Input k as a float tensor (float16, bfloat16, float, double). */
static const Value *in_float(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    if (!dtype_is_float(v->dtype))
        fatal_node(g, n, "input '%s' has data type %s; %s needs a float type", vname(v), dtype_name(v->dtype),
                   op_info[n->op].name);
    return v;
}

/* Input k of the same type as input 0. */
static const Value *in_same(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k), *x = in_val(g, n, 0);
    if (v->dtype != x->dtype)
        fatal_node(g, n, "input '%s' has data type %s but '%s' has %s", vname(v), dtype_name(v->dtype), vname(x),
                   dtype_name(x->dtype));
    return v;
}

/* Input k as N x C x D1 x ... (rank 3 or more). */
static const Value *in_image(const Graph *g, const Node *n, int k, const Value *v)
{
    if (v->rank < 3)
        fatal_node(g, n, "input '%s' has rank %d; %s needs N x C x D1 x ... (rank 3 or more)", vname(v), v->rank,
                   op_info[n->op].name);
    (void)k;
    return v;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* " + v", " - v" for adding a signed constant to an expression. */
static const char *plus(Arena *a, int64_t v)
{
    if (v == 0)
        return "";
    return v > 0 ? arena_printf(a, " + %lld", (long long)v) : arena_printf(a, " - %lld", -(long long)v);
}

/* `a + b` of two index expressions, either of which may be NULL (zero). */
static const char *sum2(Arena *a, const char *x, const char *y)
{
    if (!x)
        return y;
    if (!y)
        return x;
    return arena_printf(a, "%s + %s", x, y);
}

/* var * stride as an index term; NULL when it is always zero. */
static const char *term(Arena *a, const char *var, int64_t stride)
{
    if (stride == 0)
        return NULL;
    return stride == 1 ? var : arena_printf(a, "%s * %lld", var, (long long)stride);
}

/* `for (v = 0; v < ext; v++) {` at indentation *ind, which grows. */
static void open_for(FILE *f, int *ind, const char *v, int64_t ext)
{
    fprintf(f, "%*sfor (%s = 0; %s < %lld; %s++) {\n", *ind, "", v, v, (long long)ext, v);
    *ind += 4;
}

static void close_n(FILE *f, int *ind, int cnt)
{
    for (int i = 0; i < cnt; i++) {
        *ind -= 4;
        fprintf(f, "%*s}\n", *ind, "");
    }
}

static const char *auto_pad(const Graph *g, const Node *n)
{
    const char *ap = attr_str(g, n, "auto_pad", "NOTSET");
    if (strcmp(ap, "NOTSET") && strcmp(ap, "SAME_UPPER") && strcmp(ap, "SAME_LOWER") && strcmp(ap, "VALID"))
        fatal_node(g, n, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", printable(ap));
    return ap;
}

/* ---- ConvTranspose ---------------------------------------------------------- */

typedef struct {
    int ns;
    int64_t N, C, M, group;
    int64_t in[MAX_RANK], k[MAX_RANK], s[MAX_RANK], d[MAX_RANK];
    int64_t head[MAX_RANK]; /* output o reads the full (unpadded) position o + head */
    int64_t out[MAX_RANK];
} ConvT;

static void convt_params(const Graph *g, const Node *n, ConvT *p)
{
    const Value *x = in_image(g, n, 0, in_float(g, n, 0)), *w = in_same(g, n, 1);
    int ns = x->rank - 2;
    p->ns = ns;
    if (w->rank != x->rank)
        fatal_node(g, n, "weight '%s' has rank %d but input '%s' has rank %d", vname(w), w->rank, vname(x), x->rank);
    p->N = x->dims[0];
    p->C = x->dims[1];
    p->group = attr_int(g, n, "group", 1);
    if (p->group < 1 || p->group > p->C)
        fatal_node(g, n, "group %lld must be 1 to the %lld input channels", (long long)p->group, (long long)p->C);
    if (p->C % p->group)
        fatal_node(g, n, "group %lld does not divide %lld input channels", (long long)p->group, (long long)p->C);
    if (w->dims[0] != p->C)
        fatal_node(g, n, "weight '%s' has shape %s; its axis 0 must be the %lld input channels", vname(w),
                   dims_str(w->dims, w->rank), (long long)p->C);
    p->M = mul_ck(w->dims[1], p->group);
    if (p->M < 0 || p->M > MAX_ELEMS)
        fatal_node(g, n, "weight '%s' with group %lld makes too many output channels", vname(w), (long long)p->group);
    if (has_in(n, 2)) {
        const Value *b = in_same(g, n, 2);
        if (b->rank != 1 || b->dims[0] != p->M)
            fatal_node(g, n, "bias '%s' has shape %s, expected [%lld]", vname(b), dims_str(b->dims, b->rank),
                       (long long)p->M);
    }
    const int64_t *ks;
    int nk = attr_ints(g, n, "kernel_shape", &ks);
    if (nk >= 0 && nk != ns)
        fatal_node(g, n, "kernel_shape has %d values, expected %d", nk, ns);
    int64_t op[MAX_RANK], pads[2 * MAX_RANK], os[MAX_RANK + 2];
    ints_attr(g, n, "strides", ns, 1, 1, p->s);
    ints_attr(g, n, "dilations", ns, 1, 1, p->d);
    ints_attr(g, n, "output_padding", ns, 0, 0, op);
    ints_attr(g, n, "pads", 2 * ns, 0, 0, pads);
    const char *ap = auto_pad(g, n);
    bool same = !strncmp(ap, "SAME", 4), upper = !strcmp(ap, "SAME_UPPER"), valid = !strcmp(ap, "VALID");
    const int64_t *osv;
    int nos = attr_ints(g, n, "output_shape", &osv);
    if (nos >= 0) {
        if (nos != ns && nos != ns + 2)
            fatal_node(g, n, "output_shape has %d values, expected %d", nos, ns);
        for (int i = 0; i < ns; i++) {
            os[i] = osv[nos - ns + i];
            if (os[i] < 1 || os[i] > MAX_ELEMS)
                fatal_node(g, n, "output_shape[%d] is %lld", nos - ns + i, (long long)os[i]);
        }
    }
    for (int i = 0; i < ns; i++) {
        p->in[i] = x->dims[2 + i];
        p->k[i] = w->dims[2 + i];
        if (nk >= 0 && ks[i] != p->k[i])
            fatal_node(g, n, "kernel_shape %s does not match weight '%s' of shape %s", dims_str(ks, nk), vname(w),
                       dims_str(w->dims, w->rank));
        if (op[i] >= p->s[i] && op[i] >= p->d[i])
            fatal_node(g, n, "output_padding[%d] %lld must be smaller than the stride or the dilation", i,
                       (long long)op[i]);
        /* stride * (in - 1) + output_padding + dilated kernel: < 2^34 * 2^31 * 3 */
        int64_t full = mul_ck(p->s[i], p->in[i] - 1);
        full = add_ck(full, add_ck(op[i], mul_ck(p->d[i], p->k[i] - 1) + 1));
        if (full < 0 || full > MAX_ELEMS)
            fatal_node(g, n, "output axis %d would have more than %lld elements", 2 + i, (long long)MAX_ELEMS);
        if (nos >= 0 || same) {
            p->out[i] = nos >= 0 ? os[i] : mul_ck(p->in[i], p->s[i]);
            int64_t total = full - p->out[i];
            p->head[i] = upper ? floordiv(total, 2) : total - floordiv(total, 2);
        } else {
            p->head[i] = valid ? 0 : pads[i];
            p->out[i] = full - (valid ? 0 : pads[i] + pads[ns + i]);
        }
        if (p->out[i] < 1 || p->out[i] > MAX_ELEMS)
            fatal_node(g, n, "output axis %d would have size %lld", 2 + i, (long long)p->out[i]);
    }
}

static void infer_convtranspose(Graph *g, Node *n)
{
    ConvT p;
    convt_params(g, n, &p);
    int64_t od[MAX_RANK];
    od[0] = p.N;
    od[1] = p.M;
    for (int i = 0; i < p.ns; i++)
        od[2 + i] = p.out[i];
    set_out(g, n, 0, in_val(g, n, 0)->dtype, p.ns + 2, od);
}

static void lower_convtranspose(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    ConvT p;
    convt_params(g, n, &p);
    int dt = in_val(g, n, 0)->dtype, ns = p.ns;
    const char *T = ctype(dt);
    int64_t Cg = p.C / p.group, Mg = p.M / p.group, isz = 1, ksz = 1, xs[MAX_RANK], ws[MAX_RANK];
    for (int i = ns - 1; i >= 0; i--) {
        xs[i] = isz;
        ws[i] = ksz;
        isz *= p.in[i];
        ksz *= p.k[i];
    }
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *w = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->in[1]));
    if (has_in(n, 2))
        fprintf(f, "        const %s *b = %s;\n", T, emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n        int64_t o = 0, n, m, c", T, emit_ref(e, n, n->out[0]));
    for (int i = 0; i < ns; i++)
        fprintf(f, ", o%d, k%d", i, i);
    fprintf(f, ";\n");
    int ind = 8;
    open_for(f, &ind, "n", p.N);
    open_for(f, &ind, "m", p.M);
    for (int i = 0; i < ns; i++)
        open_for(f, &ind, arena_printf(a, "o%d", i), p.out[i]);
    /* input channel g * Cg + c, weight [g * Cg + c][m - g * Mg] */
    const char *xc = "c", *wm = "m";
    if (p.group > 1) {
        fprintf(f, "%*sconst int64_t g = m / %lld;\n", ind, "", (long long)Mg);
        xc = arena_printf(a, "(g * %lld + c)", (long long)Cg);
        wm = arena_printf(a, "(m - g * %lld)", (long long)Mg);
    }
    fprintf(f, "%*sdouble acc = %s;\n", ind, "", has_in(n, 2) ? load_as_double(a, dt, "b[m]") : "0");
    int base = ind; /* the accumulator's level */
    open_for(f, &ind, "c", Cg);
    const char *xi = sum2(a, term(a, "n", p.C * isz), term(a, xc, isz));
    const char *wi = sum2(a, term(a, xc, Mg * ksz), term(a, wm, ksz));
    for (int i = 0; i < ns; i++) {
        open_for(f, &ind, arena_printf(a, "k%d", i), p.k[i]);
        const char *t = arena_printf(a, "t%d", i);
        fprintf(f, "%*sconst int64_t %s = o%d%s%s;\n", ind, "", t, i, plus(a, p.head[i]),
                p.d[i] == 1 ? arena_printf(a, " - k%d", i) : arena_printf(a, " - k%d * %lld", i, (long long)p.d[i]));
        if (p.s[i] == 1) {
            fprintf(f, "%*sif (%s < 0 || %s >= %lld)\n%*scontinue;\n", ind, "", t, t, (long long)p.in[i], ind + 4, "");
        } else {
            fprintf(f, "%*sif (%s < 0 || %s %% %lld != 0 || %s / %lld >= %lld)\n%*scontinue;\n", ind, "", t, t,
                    (long long)p.s[i], t, (long long)p.s[i], (long long)p.in[i], ind + 4, "");
            t = arena_printf(a, "(%s / %lld)", t, (long long)p.s[i]);
        }
        xi = sum2(a, xi, term(a, t, xs[i]));
        wi = sum2(a, wi, term(a, arena_printf(a, "k%d", i), ws[i]));
    }
    fprintf(f, "%*sacc += %s * %s;\n", ind, "", load_as_double(a, dt, arena_printf(a, "x[%s]", xi ? xi : "0")),
            load_as_double(a, dt, arena_printf(a, "w[%s]", wi ? wi : "0")));
    close_n(f, &ind, ns + 1);
    assert(ind == base);
    (void)base;
    fprintf(f, "%*sy[o++] = %s;\n", ind, "", store_from_double(a, dt, "acc"));
    close_n(f, &ind, ns + 2);
    fprintf(f, "    }\n");
}

/* ---- GlobalMaxPool, GlobalLpPool, LpPool -------------------------------------- */

/* p of LpPool / GlobalLpPool. */
static int64_t lp_p(const Graph *g, const Node *n)
{
    int64_t p = attr_int(g, n, "p", 2);
    if (p < 1 || p > 1000)
        fatal_node(g, n, "p is %lld; must be 1 to 1000", (long long)p);
    return p;
}

typedef struct {
    int ns;
    int64_t in[MAX_RANK], k[MAX_RANK], s[MAX_RANK], d[MAX_RANK], head[MAX_RANK], out[MAX_RANK];
} Window;

/* LpPool's window along each spatial axis (as MaxPool's: ceil_mode drops a
 * last window that would start in the end padding). */
static void lp_window(const Graph *g, const Node *n, const Value *x, Window *w)
{
    int ns = x->rank - 2;
    w->ns = ns;
    int64_t pads[2 * MAX_RANK];
    const int64_t *ks;
    int nk = attr_ints(g, n, "kernel_shape", &ks);
    if (nk < 0)
        fatal_node(g, n, "attribute kernel_shape is missing");
    if (nk != ns)
        fatal_node(g, n, "kernel_shape has %d values, expected %d", nk, ns);
    ints_attr(g, n, "kernel_shape", ns, 1, 1, w->k);
    ints_attr(g, n, "strides", ns, 1, 1, w->s);
    ints_attr(g, n, "dilations", ns, 1, 1, w->d);
    ints_attr(g, n, "pads", 2 * ns, 0, 0, pads);
    int64_t ceil_mode = attr_int(g, n, "ceil_mode", 0);
    const char *ap = auto_pad(g, n);
    for (int i = 0; i < ns; i++) {
        int64_t in = x->dims[2 + i], s = w->s[i], ek = w->d[i] * (w->k[i] - 1) + 1;
        w->in[i] = in;
        if (!strncmp(ap, "SAME", 4)) {
            w->out[i] = (in + s - 1) / s;
            int64_t total = (w->out[i] - 1) * s + ek - in;
            total = total < 0 ? 0 : total;
            w->head[i] = !strcmp(ap, "SAME_UPPER") ? total / 2 : total - total / 2;
            continue;
        }
        int64_t pb = strcmp(ap, "VALID") ? pads[i] : 0, pe = strcmp(ap, "VALID") ? pads[ns + i] : 0;
        if (pb >= ek || pe >= ek)
            fatal_node(g, n, "pads %s are not smaller than the window %lld", dims_str(pads, 2 * ns), (long long)ek);
        int64_t span = in + pb + pe - ek;
        if (span < 0)
            fatal_node(g, n, "input '%s' axis %d is %lld, smaller than the window %lld", vname(x), 2 + i,
                       (long long)in, (long long)ek);
        int64_t o = span / s + 1;
        if (ceil_mode) {
            o = (span + s - 1) / s + 1;
            if ((o - 1) * s >= in + pb)
                o--;
        }
        w->head[i] = pb;
        w->out[i] = o;
    }
}

static void infer_pool(Graph *g, Node *n)
{
    const Value *x = in_image(g, n, 0, in_val(g, n, 0));
    if (n->op == OP_GLOBALMAXPOOL ? !dtype_is_float(x->dtype) && !dtype_is_int(x->dtype) : !dtype_is_float(x->dtype))
        fatal_node(g, n, "input '%s' has data type %s; not supported", vname(x), dtype_name(x->dtype));
    int64_t od[MAX_RANK];
    od[0] = x->dims[0];
    od[1] = x->dims[1];
    if (n->op == OP_LPPOOL) {
        lp_p(g, n);
        Window w;
        lp_window(g, n, x, &w);
        for (int i = 0; i < w.ns; i++)
            od[2 + i] = w.out[i];
    } else {
        if (n->op == OP_GLOBALLPPOOL)
            lp_p(g, n);
        for (int i = 2; i < x->rank; i++)
            od[i] = 1;
    }
    set_out(g, n, 0, x->dtype, x->rank, od);
}

static void lower_global_pool(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    const Value *x = in_val(g, n, 0);
    int dt = x->dtype;
    const char *T = ctype(dt), *CT = calc_type(dt);
    int64_t nc = x->dims[0] * x->dims[1], plane = value_numel(x) / nc;
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n        int64_t nc, i;\n", T,
            emit_ref(e, n, n->in[0]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        for (nc = 0; nc < %lld; nc++) {\n", (long long)nc);
    fprintf(f, "            const %s *p = x + nc * %lld;\n", T, (long long)plane);
    if (n->op == OP_GLOBALMAXPOOL) {
        /* NaN propagates, as in numpy's max */
        fprintf(f, "            %s m = %s;\n", CT, load_expr(a, dt, "p[0]"));
        fprintf(f, "            for (i = 1; i < %lld; i++) {\n", (long long)plane);
        fprintf(f, "                const %s v = %s;\n", CT, load_expr(a, dt, "p[i]"));
        fprintf(f, "                if (v > m || v != v)\n                    m = v;\n            }\n");
        fprintf(f, "            y[nc] = %s;\n", store_expr(a, dt, "m"));
    } else {
        int64_t p = lp_p(g, n);
        fprintf(f, "            double s = 0;\n");
        fprintf(f, "            for (i = 0; i < %lld; i++)\n", (long long)plane);
        fprintf(f, "                s += pow(fabs(%s), %lld.0);\n", load_as_double(a, dt, "p[i]"), (long long)p);
        fprintf(f, "            y[nc] = %s;\n",
                store_from_double(a, dt, arena_printf(a, "pow(s, 1.0 / %lld.0)", (long long)p)));
    }
    fprintf(f, "        }\n    }\n");
}

static void lower_lppool(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    const Value *x = in_val(g, n, 0);
    int dt = x->dtype;
    const char *T = ctype(dt);
    Window w;
    lp_window(g, n, x, &w);
    int64_t p = lp_p(g, n), nc = x->dims[0] * x->dims[1], plane = value_numel(x) / nc, xs[MAX_RANK], s = 1;
    for (int i = w.ns - 1; i >= 0; i--) {
        xs[i] = s;
        s *= w.in[i];
    }
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n        int64_t o = 0, nc", T,
            emit_ref(e, n, n->in[0]), T, emit_ref(e, n, n->out[0]));
    for (int i = 0; i < w.ns; i++)
        fprintf(f, ", o%d, k%d", i, i);
    fprintf(f, ";\n");
    int ind = 8;
    open_for(f, &ind, "nc", nc);
    for (int i = 0; i < w.ns; i++)
        open_for(f, &ind, arena_printf(a, "o%d", i), w.out[i]);
    fprintf(f, "%*sdouble s = 0;\n", ind, "");
    const char *xi = term(a, "nc", plane);
    for (int i = 0; i < w.ns; i++) {
        open_for(f, &ind, arena_printf(a, "k%d", i), w.k[i]);
        fprintf(f, "%*sconst int64_t t%d = o%d%s%s%s;\n", ind, "", i, i,
                w.s[i] == 1 ? "" : arena_printf(a, " * %lld", (long long)w.s[i]), plus(a, -w.head[i]),
                w.d[i] == 1 ? arena_printf(a, " + k%d", i) : arena_printf(a, " + k%d * %lld", i, (long long)w.d[i]));
        fprintf(f, "%*sif (t%d < 0 || t%d >= %lld)\n%*scontinue;\n", ind, "", i, i, (long long)w.in[i], ind + 4, "");
        xi = sum2(a, xi, term(a, arena_printf(a, "t%d", i), xs[i]));
    }
    fprintf(f, "%*ss += pow(fabs(%s), %lld.0);\n", ind, "",
            load_as_double(a, dt, arena_printf(a, "x[%s]", xi ? xi : "0")), (long long)p);
    close_n(f, &ind, w.ns);
    fprintf(f, "%*sy[o++] = %s;\n", ind, "",
            store_from_double(a, dt, arena_printf(a, "pow(s, 1.0 / %lld.0)", (long long)p)));
    close_n(f, &ind, w.ns + 1);
    fprintf(f, "    }\n");
}

/* ---- MaxUnpool ------------------------------------------------------------------ */

/* The output shape MaxUnpool's indices refer to (from the attributes). */
static void unpool_dims(const Graph *g, const Node *n, const Value *x, int64_t *od)
{
    int ns = x->rank - 2;
    int64_t k[MAX_RANK], s[MAX_RANK], pads[2 * MAX_RANK];
    const int64_t *ks;
    int nk = attr_ints(g, n, "kernel_shape", &ks);
    if (nk < 0)
        fatal_node(g, n, "attribute kernel_shape is missing");
    if (nk != ns)
        fatal_node(g, n, "kernel_shape has %d values, expected %d", nk, ns);
    ints_attr(g, n, "kernel_shape", ns, 1, 1, k);
    ints_attr(g, n, "strides", ns, 1, 1, s);
    ints_attr(g, n, "pads", 2 * ns, 0, 0, pads);
    od[0] = x->dims[0];
    od[1] = x->dims[1];
    for (int i = 0; i < ns; i++) {
        od[2 + i] = add_ck(mul_ck(x->dims[2 + i] - 1, s[i]), k[i]) - pads[i] - pads[ns + i];
        if (od[2 + i] < 1 || od[2 + i] > MAX_ELEMS)
            fatal_node(g, n, "output axis %d would have size %lld", 2 + i, (long long)od[2 + i]);
    }
}

static void infer_maxunpool(Graph *g, Node *n)
{
    const Value *x = in_image(g, n, 0, in_float(g, n, 0)), *iv = in_val(g, n, 1);
    if (iv->dtype != DT_I64)
        fatal_node(g, n, "indices '%s' have data type %s, expected int64", vname(iv), dtype_name(iv->dtype));
    if (iv->rank != x->rank || memcmp(iv->dims, x->dims, sizeof(int64_t) * (size_t)x->rank))
        fatal_node(g, n, "indices '%s' have shape %s, input '%s' has %s", vname(iv), dims_str(iv->dims, iv->rank),
                   vname(x), dims_str(x->dims, x->rank));
    int64_t od[MAX_RANK];
    unpool_dims(g, n, x, od);
    if (has_in(n, 2)) {
        int64_t os[MAX_RANK];
        int cnt = const_ints(g, n, n->in[2], os, MAX_RANK);
        if (cnt != x->rank)
            fatal_node(g, n, "output_shape has %d values, expected %d", cnt, x->rank);
        for (int i = 0; i < cnt; i++) {
            if (os[i] < 1 || os[i] > MAX_ELEMS)
                fatal_node(g, n, "output_shape[%d] is %lld", i, (long long)os[i]);
            if (i < 2 && os[i] != x->dims[i])
                fatal_node(g, n, "output_shape %s differs from input '%s' %s on axis %d", dims_str(os, cnt),
                           vname(x), dims_str(x->dims, x->rank), i);
            od[i] = os[i];
        }
    }
    set_out(g, n, 0, x->dtype, x->rank, od);
}

/* The indices are flat positions in the shape the attributes give; an
 * output_shape input pads (or crops) that shape at the end of each axis, as
 * onnxruntime does. */
static void lower_maxunpool(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = in_val(g, n, 0), *y = &g->values[n->out[0]];
    const char *T = ctype(x->dtype);
    int64_t ny = value_numel(y), dd[MAX_RANK], nd = 1, ys[MAX_RANK];
    unpool_dims(g, n, x, dd);
    dense_strides_of(y, ys);
    bool same = true;
    for (int i = 0; i < x->rank; i++) {
        nd *= dd[i];
        same &= dd[i] == y->dims[i];
    }
    fprintf(f, "    {\n        const %s *x = %s;\n        const int64_t *ix = %s;\n        %s *y = %s;\n", T,
            emit_ref(e, n, n->in[0]), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t i;\n        memset(y, 0, %lld);\n", (long long)(ny * (int64_t)dtype_size(y->dtype)));
    fprintf(f, "        for (i = 0; i < %lld; i++) {\n", (long long)value_numel(x));
    fprintf(f, "            int64_t j = ix[i], q, off = 0;\n");
    fprintf(f, "            if (j < 0 || j >= %lld)\n                continue;\n", (long long)nd);
    if (same) {
        fprintf(f, "            (void)q;\n            off = j;\n");
    } else {
        for (int d = x->rank - 1; d >= 0; d--) {
            fprintf(f, "            q = j %% %lld;\n            j /= %lld;\n", (long long)dd[d], (long long)dd[d]);
            if (dd[d] > y->dims[d])
                fprintf(f, "            if (q >= %lld)\n                continue;\n", (long long)y->dims[d]);
            fprintf(f, "            off += q * %lld;\n", (long long)ys[d]);
        }
    }
    fprintf(f, "            y[off] = x[i];\n        }\n    }\n");
}

/* ---- Einsum ------------------------------------------------------------------------ */

#define MAX_EIN_IN 64
#define MAX_LETTERS 52

typedef struct {
    int nin;
    int nlet;                  /* distinct letters, loop variables 0 .. nlet-1 */
    char let[MAX_LETTERS];
    int64_t ldim[MAX_LETTERS];
    int E;                     /* broadcast ('...') axes, loop variables nlet .. nlet+E-1 */
    int64_t edim[MAX_RANK];
    int var[MAX_EIN_IN][MAX_RANK]; /* loop variable of each input axis */
    int orank;
    int ovar[MAX_RANK];
} Ein;

static int letter_var(Ein *p, char c)
{
    for (int i = 0; i < p->nlet; i++)
        if (p->let[i] == c)
            return i;
    p->let[p->nlet] = c;
    p->ldim[p->nlet] = -1;
    return p->nlet++;
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One term: letters in lets (in order, '.' standing for the ellipsis). */
static int parse_term(const Graph *g, const Node *n, const char *s, size_t len, char *lets)
{
    int cnt = 0;
    bool ell = false;
    for (size_t i = 0; i < len;) {
        if (s[i] == '.') {
            if (ell || i + 3 > len || strncmp(s + i, "...", 3))
                fatal_node(g, n, "equation: a term has a stray '.' or two ellipses");
            ell = true;
            lets[cnt++] = '.';
            i += 3;
            continue;
        }
        if (!is_letter(s[i]))
            fatal_node(g, n, "equation: '%c' is not a letter", s[i] > 32 && s[i] < 127 ? s[i] : '?');
        if (cnt >= MAX_RANK + 1)
            fatal_node(g, n, "equation: a term has more than %d axes", MAX_RANK);
        lets[cnt++] = s[i++];
    }
    return cnt;
}

static void einsum_parse(const Graph *g, const Node *n, Ein *p)
{
    const char *eq0 = attr_str(g, n, "equation", NULL);
    if (!eq0)
        fatal_node(g, n, "attribute equation is missing");
    size_t L = strlen(eq0);
    if (L > 4096)
        fatal_node(g, n, "equation is longer than 4096 characters");
    char *eq = arena_alloc(arena_of(g), L + 1);
    size_t m = 0;
    for (size_t i = 0; i < L; i++)
        if (eq0[i] != ' ')
            eq[m++] = eq0[i];
    eq[m] = 0;
    memset(p, 0, sizeof *p);
    p->nin = n->nin;
    if (n->nin > MAX_EIN_IN)
        fatal_node(g, n, "more than %d inputs", MAX_EIN_IN);
    const char *arrow = strstr(eq, "->");
    size_t lhs = arrow ? (size_t)(arrow - eq) : m;
    char lets[MAX_EIN_IN][MAX_RANK + 1];
    int nl[MAX_EIN_IN], ne[MAX_EIN_IN];
    int dt = in_val(g, n, 0)->dtype;
    size_t pos = 0;
    for (int k = 0; k < n->nin; k++) {
        const Value *v = in_val(g, n, k);
        if (v->dtype != dt)
            fatal_node(g, n, "input '%s' has data type %s, input 0 has %s", vname(v), dtype_name(v->dtype),
                       dtype_name(dt));
        size_t end = pos;
        while (end < lhs && eq[end] != ',')
            end++;
        if (end == lhs && k + 1 < n->nin)
            fatal_node(g, n, "equation has %d input terms for %d inputs", k + 1, n->nin);
        nl[k] = parse_term(g, n, eq + pos, end - pos, lets[k]);
        bool ell = memchr(lets[k], '.', (size_t)nl[k]) != NULL;
        int named = nl[k] - ell;
        ne[k] = ell ? v->rank - named : 0;
        if (ne[k] < 0 || (!ell && v->rank != named))
            fatal_node(g, n, "input '%s' has rank %d but its term has %d letters", vname(v), v->rank, named);
        if (ne[k] > p->E)
            p->E = ne[k];
        pos = end + 1;
    }
    if (pos <= lhs)
        fatal_node(g, n, "equation has more input terms than the %d inputs", n->nin);
    for (int j = 0; j < MAX_RANK; j++)
        p->edim[j] = 1;
    /* letters and broadcast axes */
    for (int k = 0; k < n->nin; k++) {
        const Value *v = in_val(g, n, k);
        int ax = 0;
        for (int i = 0; i < nl[k]; i++) {
            if (lets[k][i] == '.') {
                for (int j = 0; j < ne[k]; j++, ax++) {
                    int ge = p->E - ne[k] + j;
                    int64_t dsz = v->dims[ax];
                    if (dsz != 1 && p->edim[ge] != 1 && p->edim[ge] != dsz)
                        fatal_node(g, n, "input '%s' axis %d (%lld) does not broadcast with %lld", vname(v), ax,
                                   (long long)dsz, (long long)p->edim[ge]);
                    if (dsz != 1)
                        p->edim[ge] = dsz;
                    p->var[k][ax] = -1 - ge; /* resolved below */
                }
                continue;
            }
            int lv = letter_var(p, lets[k][i]);
            if (p->ldim[lv] >= 0 && p->ldim[lv] != v->dims[ax])
                fatal_node(g, n, "letter '%c' is %lld on input '%s' axis %d but %lld elsewhere", lets[k][i],
                           (long long)v->dims[ax], vname(v), ax, (long long)p->ldim[lv]);
            p->ldim[lv] = v->dims[ax];
            p->var[k][ax++] = lv;
        }
    }
    for (int k = 0; k < n->nin; k++)
        for (int ax = 0; ax < g->values[n->in[k]].rank; ax++)
            if (p->var[k][ax] < 0)
                p->var[k][ax] = p->nlet + (-1 - p->var[k][ax]);
    /* output */
    if (arrow) {
        char ol[MAX_RANK + 1];
        int no = parse_term(g, n, arrow + 2, strlen(arrow + 2), ol);
        for (int i = 0; i < no; i++) {
            if (ol[i] == '.') {
                if (p->orank + p->E > MAX_RANK)
                    fatal_node(g, n, "the output would have rank over %d", MAX_RANK);
                for (int j = 0; j < p->E; j++)
                    p->ovar[p->orank++] = p->nlet + j;
                continue;
            }
            int lv = -1;
            for (int j = 0; j < p->nlet; j++)
                if (p->let[j] == ol[i])
                    lv = j;
            if (lv < 0)
                fatal_node(g, n, "output letter '%c' is in no input term", ol[i]);
            for (int j = 0; j < p->orank; j++)
                if (p->ovar[j] == lv)
                    fatal_node(g, n, "output letter '%c' appears twice", ol[i]);
            if (p->orank >= MAX_RANK)
                fatal_node(g, n, "the output would have rank over %d", MAX_RANK);
            p->ovar[p->orank++] = lv;
        }
    } else {
        /* implicit: broadcast axes, then the letters seen once, sorted */
        for (int j = 0; j < p->E; j++)
            p->ovar[p->orank++] = p->nlet + j;
        for (int c = 0; c < 128; c++) {
            int lv = -1, cnt = 0;
            for (int j = 0; j < p->nlet; j++)
                if (p->let[j] == c)
                    lv = j;
            if (lv < 0)
                continue;
            for (int k = 0; k < n->nin; k++)
                for (int i = 0; i < nl[k]; i++)
                    cnt += lets[k][i] == c;
            if (cnt == 1) {
                if (p->orank >= MAX_RANK)
                    fatal_node(g, n, "the output would have rank over %d", MAX_RANK);
                p->ovar[p->orank++] = lv;
            }
        }
    }
}

static int64_t ein_dim(const Ein *p, int v)
{
    return v < p->nlet ? p->ldim[v] : p->edim[v - p->nlet];
}

static void infer_einsum(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0);
    if (!dtype_is_float(x->dtype) && !dtype_is_int(x->dtype))
        fatal_node(g, n, "input '%s' has data type %s; Einsum needs a number type", vname(x), dtype_name(x->dtype));
    Ein p;
    einsum_parse(g, n, &p);
    int64_t od[MAX_RANK];
    for (int i = 0; i < p.orank; i++)
        od[i] = ein_dim(&p, p.ovar[i]);
    set_out(g, n, 0, x->dtype, p.orank, od);
}

/* The axes of term k (input 0, 1; 2: the output) of size > 1, as loop
 * variables; their count. */
static int ein_axes(const Graph *g, const Node *n, const Ein *p, int k, int *vars)
{
    int cnt = 0;
    if (k == 2) {
        for (int i = 0; i < p->orank; i++)
            if (ein_dim(p, p->ovar[i]) != 1)
                vars[cnt++] = p->ovar[i];
        return cnt;
    }
    const Value *x = &g->values[n->in[k]];
    for (int ax = 0; ax < x->rank; ax++)
        if (x->dims[ax] != 1)
            vars[cnt++] = p->var[k][ax];
    return cnt;
}

/* The variables of class c among vars (in their order); their count. */
static int ein_class(const int *vars, int nv, const int *cls, int c, int *out)
{
    int cnt = 0;
    for (int i = 0; i < nv; i++)
        if (cls[vars[i]] == c)
            out[cnt++] = vars[i];
    return cnt;
}

static bool same_vars(const int *a, int na, const int *b, int nb)
{
    return na == nb && !memcmp(a, b, sizeof(int) * (size_t)na);
}

/* Whether vars is the classes in `order` one after another. */
static bool in_class_order(const int *vars, int nv, const int *cls, const int order[3])
{
    int at = 0;
    for (int i = 0; i < nv; i++) {
        while (at < 3 && cls[vars[i]] != order[at])
            at++;
        if (at == 3)
            return false;
    }
    return true;
}

bool einsum_as_matmul(const Graph *g, const Node *n, int64_t mm[5])
{
    if (n->nin != 2 || in_val(g, n, 0)->dtype != DT_F32 || in_val(g, n, 1)->dtype != DT_F32)
        return false;
    Ein p;
    einsum_parse(g, n, &p);
    for (int k = 0; k < 2; k++) /* no broadcast of '...' axes */
        for (int ax = 0; ax < g->values[n->in[k]].rank; ax++)
            if (p.var[k][ax] >= p.nlet && g->values[n->in[k]].dims[ax] != ein_dim(&p, p.var[k][ax]))
                return false;
    enum { EB, EM, EN, EK }; /* batch, rows, columns, summed */
    int vars[3][MAX_RANK], nv[3], cls[MAX_LETTERS + MAX_RANK];
    for (int k = 0; k < 3; k++)
        nv[k] = ein_axes(g, n, &p, k, vars[k]);
    for (int v = 0; v < p.nlet + p.E; v++) {
        int seen[3] = {0, 0, 0};
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < nv[k]; i++)
                seen[k] += vars[k][i] == v;
        if (seen[0] > 1 || seen[1] > 1 || seen[2] > 1)
            return false; /* a diagonal */
        cls[v] = seen[0] && seen[1] ? (seen[2] ? EB : EK) : seen[2] ? (seen[0] ? EM : EN) : -1;
        if (cls[v] < 0 && (seen[0] || seen[1]))
            return false; /* summed over one input alone */
    }
    int c[3][4][MAX_RANK], nc[3][4];
    for (int k = 0; k < 3; k++)
        for (int e = 0; e < 4; e++)
            nc[k][e] = ein_class(vars[k], nv[k], cls, e, c[k][e]);
    static const int oa[3] = {EB, EM, EK}, ob[3] = {EB, EK, EN}, obt[3] = {EB, EN, EK}, oo[3] = {EB, EM, EN};
    const bool tb = !in_class_order(vars[1], nv[1], cls, ob);
    if (!same_vars(c[0][EB], nc[0][EB], c[1][EB], nc[1][EB]) || !same_vars(c[0][EB], nc[0][EB], c[2][EB], nc[2][EB]) ||
        !same_vars(c[0][EM], nc[0][EM], c[2][EM], nc[2][EM]) || !same_vars(c[1][EN], nc[1][EN], c[2][EN], nc[2][EN]) ||
        !same_vars(c[0][EK], nc[0][EK], c[1][EK], nc[1][EK]) || !in_class_order(vars[0], nv[0], cls, oa) ||
        !in_class_order(vars[2], nv[2], cls, oo) || (tb && !in_class_order(vars[1], nv[1], cls, obt)))
        return false;
    int64_t size[4] = {1, 1, 1, 1};
    for (int v = 0; v < p.nlet + p.E; v++)
        if (cls[v] >= 0)
            size[cls[v]] *= ein_dim(&p, v);
    if (size[EM] > INT32_MAX || size[EN] > INT32_MAX || size[EK] > INT32_MAX)
        return false;
    mm[0] = size[EM], mm[1] = size[EK], mm[2] = size[EN], mm[3] = size[EB], mm[4] = tb;
    return true;
}

static void lower_einsum(Emitter *e, const Node *n, FILE *f)
{
    int64_t mm[5];
    if (einsum_as_matmul(emit_graph(e), n, mm)) {
        emit_matmul_call(e, n, f, mm);
        return;
    }
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    Ein p;
    einsum_parse(g, n, &p);
    int dt = in_val(g, n, 0)->dtype, nv = p.nlet + p.E;
    bool fl = dtype_is_float(dt);
    const char *T = ctype(dt);
    fprintf(f, "    {\n");
    for (int k = 0; k < p.nin; k++)
        fprintf(f, "        const %s *x%d = %s;\n", T, k, emit_ref(e, n, n->in[k]));
    fprintf(f, "        %s *y = %s;\n        int64_t o = 0", T, emit_ref(e, n, n->out[0]));
    for (int v = 0; v < nv; v++)
        fprintf(f, ", v%d", v);
    fprintf(f, ";\n");
    bool inout[MAX_LETTERS + MAX_RANK] = {0};
    int ind = 8;
    for (int i = 0; i < p.orank; i++) {
        inout[p.ovar[i]] = true;
        open_for(f, &ind, arena_printf(a, "v%d", p.ovar[i]), ein_dim(&p, p.ovar[i]));
    }
    fprintf(f, "%*s%s acc = 0;\n", ind, "", fl ? "double" : "uint64_t");
    int nred = 0;
    for (int v = 0; v < nv; v++)
        if (!inout[v]) {
            open_for(f, &ind, arena_printf(a, "v%d", v), ein_dim(&p, v));
            nred++;
        }
    const char *prod = NULL;
    for (int k = 0; k < p.nin; k++) {
        const Value *x = &g->values[n->in[k]];
        int64_t st[MAX_RANK];
        dense_strides_of(x, st);
        const char *ix = NULL;
        for (int ax = 0; ax < x->rank; ax++) {
            int v = p.var[k][ax];
            if (x->dims[ax] == 1)
                continue; /* a broadcast axis, or a letter of size 1 */
            ix = sum2(a, ix, term(a, arena_printf(a, "v%d", v), st[ax]));
        }
        const char *el = arena_printf(a, "x%d[%s]", k, ix ? ix : "0");
        el = fl ? load_as_double(a, dt, el) : arena_printf(a, "(uint64_t)%s", el);
        prod = prod ? arena_printf(a, "%s * %s", prod, el) : el;
    }
    fprintf(f, "%*sacc += %s;\n", ind, "", prod);
    close_n(f, &ind, nred);
    fprintf(f, "%*sy[o++] = %s;\n", ind, "", fl ? store_from_double(a, dt, "acc") : arena_printf(a, "(%s)acc", T));
    close_n(f, &ind, p.orank);
    if (p.orank == 0)
        fprintf(f, "        (void)o;\n");
    fprintf(f, "    }\n");
}

/* ---- GridSample (opset 16: 4-D, as PyTorch's grid_sampler_2d) ---------------------- */

typedef struct {
    int mode;    /* 0 bilinear, 1 nearest, 2 bicubic */
    int padding; /* 0 zeros, 1 border, 2 reflection */
    bool align;
} GridParams;

static void grid_params(const Graph *g, const Node *n, GridParams *p)
{
    const char *m = attr_str(g, n, "mode", "bilinear"), *pm = attr_str(g, n, "padding_mode", "zeros");
    if (!strcmp(m, "bilinear") || !strcmp(m, "linear"))
        p->mode = 0;
    else if (!strcmp(m, "nearest"))
        p->mode = 1;
    else if (!strcmp(m, "bicubic") || !strcmp(m, "cubic"))
        p->mode = 2;
    else
        fatal_node(g, n, "mode '%s' is not bilinear, nearest or bicubic", printable(m));
    if (!strcmp(pm, "zeros"))
        p->padding = 0;
    else if (!strcmp(pm, "border"))
        p->padding = 1;
    else if (!strcmp(pm, "reflection"))
        p->padding = 2;
    else
        fatal_node(g, n, "padding_mode '%s' is not zeros, border or reflection", printable(pm));
    int64_t ac = attr_int(g, n, "align_corners", 0);
    if (ac != 0 && ac != 1)
        fatal_node(g, n, "align_corners is %lld, must be 0 or 1", (long long)ac);
    p->align = ac == 1;
}

static void infer_gridsample(Graph *g, Node *n)
{
    const Value *x = in_float(g, n, 0), *gr = in_float(g, n, 1);
    GridParams p;
    grid_params(g, n, &p);
    if (x->rank != 4)
        fatal_node(g, n, "input '%s' has rank %d; GridSample needs N x C x H x W", vname(x), x->rank);
    if (gr->rank != 4 || gr->dims[0] != x->dims[0] || gr->dims[3] != 2)
        fatal_node(g, n, "grid '%s' has shape %s, expected [%lld,H_out,W_out,2]", vname(gr),
                   dims_str(gr->dims, gr->rank), (long long)x->dims[0]);
    int64_t od[4] = {x->dims[0], x->dims[1], gr->dims[1], gr->dims[2]};
    set_out(g, n, 0, x->dtype, 4, od);
}

/* A literal of the calc type: "2.0f" or "2.0". */
static const char *clit(Arena *a, bool dbl, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    return arena_printf(a, "%s%s%s", buf, strpbrk(buf, ".e") ? "" : ".0", dbl ? "" : "f");
}

/* Statements applying PyTorch's compute_coordinates (border: clip to
 * [0, size - 1]; reflection: reflect about the borders, then clip) to
 * the coordinate variable v. */
static void pad_coord(FILE *f, int ind, Arena *a, const GridParams *p, bool dbl, const char *CT, const char *v,
                      int64_t size)
{
    if (p->padding == 0)
        return;
    if (p->padding == 2) {
        if (p->align && size == 1) {
            fprintf(f, "%*s%s = 0;\n", ind, "", v);
        } else {
            double mn = p->align ? 0 : -0.5, span = p->align ? (double)(size - 1) : (double)size;
            fprintf(f, "%*s{\n", ind, "");
            fprintf(f, "%*sconst %s rt = (%s)fabs((double)(%s - %s));\n", ind + 4, "", CT, CT, v, clit(a, dbl, mn));
            fprintf(f, "%*sconst %s extra = (%s)fmod((double)rt, %s);\n", ind + 4, "", CT, CT, clit(a, true, span));
            fprintf(f, "%*sconst double flips = floor((double)(rt / %s));\n", ind + 4, "", clit(a, dbl, span));
            fprintf(f, "%*s%s = fmod(flips, 2.0) == 0 ? extra + %s : %s - extra + %s;\n", ind + 4, "", v,
                    clit(a, dbl, mn), clit(a, dbl, span), clit(a, dbl, mn));
            fprintf(f, "%*s}\n", ind, "");
        }
    }
    fprintf(f, "%*s%s = (%s)fmin(%s, fmax((double)%s, 0.0));\n", ind, "", v, CT, clit(a, true, (double)(size - 1)), v);
}

static void lower_gridsample(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    GridParams p;
    grid_params(g, n, &p);
    const Value *x = in_val(g, n, 0), *gr = in_val(g, n, 1);
    int dt = x->dtype, gt = gr->dtype;
    bool dbl = dt == DT_F64;
    const char *T = ctype(dt), *CT = dbl ? "double" : "float";
    int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3], Ho = gr->dims[1], Wo = gr->dims[2];
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *gr = %s;\n        %s *y = %s;\n", T,
            emit_ref(e, n, n->in[0]), ctype(gt), emit_ref(e, n, n->in[1]), T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t n, oy, ox, c%s;\n", p.mode == 2 ? ", k" : "");
    int ind = 8;
    open_for(f, &ind, "n", N);
    open_for(f, &ind, "oy", Ho);
    open_for(f, &ind, "ox", Wo);
    fprintf(f, "%*sconst int64_t gi = ((n * %lld + oy) * %lld + ox) * 2;\n", ind, "", (long long)Ho, (long long)Wo);
    const char *one = clit(a, dbl, 1), *two = clit(a, dbl, 2);
    const char *axes[2] = {"ix", "iy"};
    int64_t sizes[2] = {W, H};
    for (int d = 0; d < 2; d++) {
        const char *gv = arena_printf(a, "(%s)%s", CT, load_expr(a, gt, arena_printf(a, "gr[gi%s]", d ? " + 1" : "")));
        if (p.align)
            fprintf(f, "%*s%s %s = ((%s + %s) / %s) * %s;\n", ind, "", CT, axes[d], gv, one, two,
                    clit(a, dbl, (double)(sizes[d] - 1)));
        else
            fprintf(f, "%*s%s %s = ((%s + %s) * %s - %s) / %s;\n", ind, "", CT, axes[d], gv, one,
                    clit(a, dbl, (double)sizes[d]), one, two);
    }
    const char *plane = arena_printf(a, "x + (n * %lld + c) * %lld", (long long)C, (long long)(H * W));
    const char *yi = arena_printf(a, "y[((n * %lld + c) * %lld + oy) * %lld + ox]", (long long)C, (long long)Ho,
                                  (long long)Wo);
    if (p.mode != 2)
        for (int d = 0; d < 2; d++)
            pad_coord(f, ind, a, &p, dbl, CT, axes[d], sizes[d]);
    if (p.mode == 1) {
        for (int d = 0; d < 2; d++) {
            const char *v = axes[d];
            fprintf(f, "%*s%s = (%s)nearbyint((double)%s);\n", ind, "", v, CT, v);
            fprintf(f, "%*sconst int v%s = %s >= 0 && %s <= %s;\n", ind, "", v, v, v, clit(a, dbl, (double)(sizes[d] - 1)));
            fprintf(f, "%*sconst int64_t j%s = v%s ? (int64_t)%s : 0;\n", ind, "", v, v, v);
        }
        open_for(f, &ind, "c", C);
        fprintf(f, "%*sconst %s *p = %s;\n", ind, "", T, plane);
        fprintf(f, "%*s%s = vix && viy ? p[jiy * %lld + jix] : %s;\n", ind, "", yi, (long long)W,
                store_expr(a, dt, "0"));
        close_n(f, &ind, 1);
    } else if (p.mode == 0) {
        /* corners x0/x1 (x0 = floor), y0/y1; weights as PyTorch's nw, ne, sw, se */
        for (int d = 0; d < 2; d++) {
            const char *v = axes[d], *c = d ? "y" : "x";
            fprintf(f, "%*sconst %s %s0 = (%s)floor((double)%s), %s1 = %s0 + %s;\n", ind, "", CT, c, CT, v, c, c, one);
            for (int k = 0; k < 2; k++) {
                fprintf(f, "%*sconst int v%s%d = %s%d >= 0 && %s%d <= %s;\n", ind, "", c, k, c, k, c, k,
                        clit(a, dbl, (double)(sizes[d] - 1)));
                fprintf(f, "%*sconst int64_t j%s%d = v%s%d ? (int64_t)%s%d : 0;\n", ind, "", c, k, c, k, c, k);
            }
        }
        fprintf(f, "%*sconst %s wnw = (x1 - ix) * (y1 - iy), wne = (ix - x0) * (y1 - iy);\n", ind, "", CT);
        fprintf(f, "%*sconst %s wsw = (x1 - ix) * (iy - y0), wse = (ix - x0) * (iy - y0);\n", ind, "", CT);
        open_for(f, &ind, "c", C);
        fprintf(f, "%*sconst %s *p = %s;\n%*s%s v = 0;\n", ind, "", T, plane, ind, "", CT);
        static const char *const cs[4][3] = {{"0", "0", "wnw"}, {"0", "1", "wne"}, {"1", "0", "wsw"}, {"1", "1", "wse"}};
        for (int k = 0; k < 4; k++)
            fprintf(f, "%*sif (vy%s && vx%s)\n%*sv += (%s)%s * %s;\n", ind, "", cs[k][0], cs[k][1], ind + 4, "", CT,
                    load_expr(a, dt, arena_printf(a, "p[jy%s * %lld + jx%s]", cs[k][0], (long long)W, cs[k][1])),
                    cs[k][2]);
        fprintf(f, "%*s%s = %s;\n", ind, "", yi, store_expr(a, dt, "v"));
        close_n(f, &ind, 1);
    } else {
        /* 4 taps per axis, each padded as PyTorch's get_value_bounded; Keys
         * coefficients with A = -0.75 */
        const char *A = clit(a, dbl, -0.75);
        for (int d = 0; d < 2; d++) {
            const char *v = axes[d], *c = d ? "y" : "x";
            fprintf(f, "%*sconst %s %s0 = (%s)floor((double)%s), t%s = %s - %s0;\n", ind, "", CT, c, CT, v, c, v, c);
            fprintf(f, "%*s%s c%s[4];\n%*sint v%s[4];\n%*sint64_t j%s[4];\n", ind, "", CT, c, ind, "", c, ind, "", c);
            const char *u[4] = {arena_printf(a, "t%s + %s", c, one), arena_printf(a, "t%s", c),
                                arena_printf(a, "%s - t%s", one, c), arena_printf(a, "%s - t%s", two, c)};
            for (int k = 0; k < 4; k++) {
                if (k == 1 || k == 2)
                    fprintf(f, "%*sc%s[%d] = ((%s + %s) * (%s) - (%s + %s)) * (%s) * (%s) + %s;\n", ind, "", c, k, A,
                            two, u[k], A, clit(a, dbl, 3), u[k], u[k], one);
                else
                    fprintf(f, "%*sc%s[%d] = ((%s * (%s) - %s * %s) * (%s) + %s * %s) * (%s) - %s * %s;\n", ind, "", c,
                            k, A, u[k], clit(a, dbl, 5), A, u[k], clit(a, dbl, 8), A, u[k], clit(a, dbl, 4), A);
            }
            fprintf(f, "%*sfor (k = 0; k < 4; k++) {\n", ind, "");
            fprintf(f, "%*s%s t = %s0 - %s + (%s)k;\n", ind + 4, "", CT, c, one, CT);
            pad_coord(f, ind + 4, a, &p, dbl, CT, "t", sizes[d]);
            fprintf(f, "%*sv%s[k] = t >= 0 && t <= %s;\n", ind + 4, "", c, clit(a, dbl, (double)(sizes[d] - 1)));
            fprintf(f, "%*sj%s[k] = v%s[k] ? (int64_t)t : 0;\n%*s}\n", ind + 4, "", c, c, ind, "");
        }
        open_for(f, &ind, "c", C);
        fprintf(f, "%*sconst %s *p = %s;\n%*s%s r[4];\n", ind, "", T, plane, ind, "", CT);
        fprintf(f, "%*sfor (k = 0; k < 4; k++) {\n", ind, "");
        const char *pv[4];
        for (int j = 0; j < 4; j++)
            pv[j] = arena_printf(a, "(vy[k] && vx[%d] ? (%s)%s : 0)", j, CT,
                                 load_expr(a, dt, arena_printf(a, "p[jy[k] * %lld + jx[%d]]", (long long)W, j)));
        fprintf(f, "%*sr[k] = %s * cx[0] + %s * cx[1] + %s * cx[2] + %s * cx[3];\n%*s}\n", ind + 4, "", pv[0], pv[1],
                pv[2], pv[3], ind, "");
        fprintf(f, "%*s%s = %s;\n", ind, "", yi,
                store_expr(a, dt, "r[0] * cy[0] + r[1] * cy[1] + r[2] * cy[2] + r[3] * cy[3]"));
        close_n(f, &ind, 1);
    }
    close_n(f, &ind, 3);
    fprintf(f, "    }\n");
}

/* ---- RoiAlign (as onnxruntime's, from Caffe2/Detectron) ------------------------------- */

typedef struct {
    bool half_pixel, max;
    int64_t oh, ow, sr;
    float scale;
} RoiParams;

static void roi_params(const Graph *g, const Node *n, RoiParams *p)
{
    const char *ct = attr_str(g, n, "coordinate_transformation_mode", g->opset >= 16 ? "half_pixel" : "output_half_pixel");
    if (strcmp(ct, "half_pixel") && strcmp(ct, "output_half_pixel"))
        fatal_node(g, n, "coordinate_transformation_mode '%s' is not half_pixel or output_half_pixel", printable(ct));
    p->half_pixel = !strcmp(ct, "half_pixel");
    const char *m = attr_str(g, n, "mode", "avg");
    if (strcmp(m, "avg") && strcmp(m, "max"))
        fatal_node(g, n, "mode '%s' is not avg or max", printable(m));
    p->max = !strcmp(m, "max");
    p->oh = attr_int(g, n, "output_height", 1);
    p->ow = attr_int(g, n, "output_width", 1);
    p->sr = attr_int(g, n, "sampling_ratio", 0);
    p->scale = attr_float(g, n, "spatial_scale", 1.0f);
    if (p->oh < 1 || p->ow < 1 || p->oh > MAX_ATTR_VAL || p->ow > MAX_ATTR_VAL)
        fatal_node(g, n, "output_height %lld and output_width %lld must be positive", (long long)p->oh,
                   (long long)p->ow);
    if (p->sr < 0 || p->sr > 4096)
        fatal_node(g, n, "sampling_ratio is %lld; must be 0 to 4096", (long long)p->sr);
}

static void infer_roialign(Graph *g, Node *n)
{
    const Value *x = in_float(g, n, 0), *r = in_same(g, n, 1), *b = in_val(g, n, 2);
    RoiParams p;
    roi_params(g, n, &p);
    if (x->rank != 4)
        fatal_node(g, n, "input '%s' has rank %d; RoiAlign needs N x C x H x W", vname(x), x->rank);
    if (r->rank != 2 || r->dims[1] != 4)
        fatal_node(g, n, "rois '%s' have shape %s, expected [num_rois,4]", vname(r), dims_str(r->dims, r->rank));
    if (b->dtype != DT_I64 || b->rank != 1 || b->dims[0] != r->dims[0])
        fatal_node(g, n, "batch_indices '%s' must be int64 of shape [%lld]", vname(b), (long long)r->dims[0]);
    int64_t od[4] = {r->dims[0], x->dims[1], p.oh, p.ow};
    set_out(g, n, 0, x->dtype, 4, od);
}

static void lower_roialign(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = arena_of(g);
    RoiParams p;
    roi_params(g, n, &p);
    const Value *x = in_val(g, n, 0), *rv = in_val(g, n, 1);
    int dt = x->dtype;
    bool dbl = dt == DT_F64;
    const char *T = ctype(dt), *CT = dbl ? "double" : "float";
    int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3], R = rv->dims[0];
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *rois = %s;\n        const int64_t *bi = %s;\n", T,
            emit_ref(e, n, n->in[0]), T, emit_ref(e, n, n->in[1]), emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n        int64_t r, c, ph, pw, iy, ix;\n", T, emit_ref(e, n, n->out[0]));
    int ind = 8;
    open_for(f, &ind, "r", R);
    const char *names[4] = {"sw", "sh", "ew", "eh"};
    for (int k = 0; k < 4; k++)
        fprintf(f, "%*sconst %s %s = (%s)%s * %s - %s;\n", ind, "", CT, names[k], CT,
                load_expr(a, dt, arena_printf(a, "rois[r * 4 + %d]", k)), clit(a, dbl, (double)p.scale),
                clit(a, dbl, p.half_pixel ? 0.5 : 0));
    fprintf(f, "%*s%s rw = ew - sw, rh = eh - sh;\n", ind, "", CT);
    if (!p.half_pixel)
        fprintf(f, "%*sif (rw < 1)\n%*srw = 1;\n%*sif (rh < 1)\n%*srh = 1;\n", ind, "", ind + 4, "", ind, "", ind + 4, "");
    fprintf(f, "%*sconst %s bh = rh / %s, bw = rw / %s;\n", ind, "", CT, clit(a, dbl, (double)p.oh),
            clit(a, dbl, (double)p.ow));
    /* the adaptive sampling grid, capped at 4096 per axis (NaN: 1) */
    const char *gs[2] = {"gh", "gw"}, *bs[2] = {"rh", "rw"};
    int64_t os[2] = {p.oh, p.ow};
    for (int k = 0; k < 2; k++) {
        if (p.sr > 0) {
            fprintf(f, "%*sconst int64_t %s = %lld;\n", ind, "", gs[k], (long long)p.sr);
            continue;
        }
        fprintf(f, "%*sconst double %s_f = ceil((double)(%s / %s));\n", ind, "", gs[k], bs[k],
                clit(a, dbl, (double)os[k]));
        fprintf(f, "%*sconst int64_t %s = %s_f >= 1 ? (%s_f <= 4096 ? (int64_t)%s_f : 4096) : 1;\n", ind, "", gs[k],
                gs[k], gs[k], gs[k]);
    }
    if (!p.max)
        fprintf(f, "%*sconst %s cnt = (%s)(gh * gw);\n", ind, "", CT, CT);
    fprintf(f, "%*sconst int64_t b = bi[r];\n", ind, "");
    open_for(f, &ind, "c", C);
    open_for(f, &ind, "ph", p.oh);
    open_for(f, &ind, "pw", p.ow);
    fprintf(f, "%*s%s acc = 0;\n%*sint first = 1;\n", ind, "", CT, ind, "");
    fprintf(f, "%*sif (b >= 0 && b < %lld) {\n", ind, "", (long long)N);
    ind += 4;
    fprintf(f, "%*sconst %s *p = x + (b * %lld + c) * %lld;\n", ind, "", T, (long long)C, (long long)(H * W));
    fprintf(f, "%*sfor (iy = 0; iy < gh; iy++) {\n", ind, "");
    ind += 4;
    fprintf(f, "%*sconst %s yy = sh + (%s)ph * bh + ((%s)iy + %s) * bh / (%s)gh;\n", ind, "", CT, CT, CT,
            clit(a, dbl, 0.5), CT);
    fprintf(f, "%*sfor (ix = 0; ix < gw; ix++) {\n", ind, "");
    ind += 4;
    fprintf(f, "%*sconst %s xx = sw + (%s)pw * bw + ((%s)ix + %s) * bw / (%s)gw;\n", ind, "", CT, CT, CT,
            clit(a, dbl, 0.5), CT);
    fprintf(f, "%*s%s v = 0;\n", ind, "", CT);
    /* a sample outside [-1, H] x [-1, W] (or NaN) counts as 0 */
    fprintf(f, "%*sif (yy >= -1 && yy <= %s && xx >= -1 && xx <= %s) {\n", ind, "", clit(a, dbl, (double)H),
            clit(a, dbl, (double)W));
    ind += 4;
    const char *ax[2] = {"y", "x"};
    int64_t sz[2] = {H, W};
    for (int k = 0; k < 2; k++) {
        const char *c = ax[k];
        fprintf(f, "%*s%s %sv = %s%s <= 0 ? 0 : %s%s;\n", ind, "", CT, c, c, c, c, c);
        fprintf(f, "%*sint64_t %sl = (int64_t)%sv, %sh;\n", ind, "", c, c, c);
        fprintf(f, "%*sif (%sl >= %lld) {\n%*s%sh = %sl = %lld;\n%*s%sv = (%s)%sl;\n%*s} else {\n%*s%sh = %sl + 1;\n%*s}\n",
                ind, "", c, (long long)(sz[k] - 1), ind + 4, "", c, c, (long long)(sz[k] - 1), ind + 4, "", c, CT, c,
                ind, "", ind + 4, "", c, c, ind, "");
    }
    fprintf(f, "%*sconst %s ly = yv - (%s)yl, lx = xv - (%s)xl, hy = 1 - ly, hx = 1 - lx;\n", ind, "", CT, CT, CT);
    const char *pix[4][2] = {{"yl", "xl"}, {"yl", "xh"}, {"yh", "xl"}, {"yh", "xh"}};
    const char *wt[4] = {"hy * hx", "hy * lx", "ly * hx", "ly * lx"};
    const char *t[4];
    for (int k = 0; k < 4; k++)
        t[k] = arena_printf(a, "(%s) * (%s)%s", wt[k], CT,
                            load_expr(a, dt, arena_printf(a, "p[%s * %lld + %s]", pix[k][0], (long long)W, pix[k][1])));
    if (p.max) {
        /* onnxruntime's max mode: the largest of the four weighted corners */
        fprintf(f, "%*sconst %s t1 = %s, t2 = %s, t3 = %s, t4 = %s;\n", ind, "", CT, t[0], t[1], t[2], t[3]);
        fprintf(f, "%*sv = t1 < t2 ? t2 : t1;\n%*sv = v < t3 ? t3 : v;\n%*sv = v < t4 ? t4 : v;\n", ind, "", ind, "",
                ind, "");
    } else {
        fprintf(f, "%*sv = %s + %s + %s + %s;\n", ind, "", t[0], t[1], t[2], t[3]);
    }
    ind -= 4;
    fprintf(f, "%*s}\n", ind, "");
    if (p.max)
        fprintf(f, "%*sif (first || acc < v)\n%*sacc = v;\n%*sfirst = 0;\n", ind, "", ind + 4, "", ind, "");
    else
        fprintf(f, "%*sacc += v;\n%*s(void)first;\n", ind, "", ind, "");
    close_n(f, &ind, 2);
    ind -= 4;
    fprintf(f, "%*s}\n", ind, "");
    fprintf(f, "%*sy[((r * %lld + c) * %lld + ph) * %lld + pw] = %s;\n", ind, "", (long long)C, (long long)p.oh,
            (long long)p.ow, store_expr(a, dt, p.max ? "acc" : "acc / cnt"));
    close_n(f, &ind, 4);
    fprintf(f, "    }\n");
}

/* ---- Conv beyond the core ---------------------------------------------------------
 *
 * The core runs float32 1-D and 2-D convolutions (fast kernels, fusions).
 * Other ranks (3-D and up) and float16/bfloat16/double run this direct loop,
 * which also applies what the passes may have fused into a float32 node:
 * the per-input-channel pre-activation (pads stay zero), the residual
 * (in[3]) and the activation epilogue. */

static bool conv_core(const Graph *g, const Node *n)
{
    const Value *x = in_val(g, n, 0);
    return x->dtype == DT_F32 && (x->rank == 3 || x->rank == 4);
}

static void infer_conv_any(Graph *g, Node *n)
{
    const Value *x = in_image(g, n, 0, in_float(g, n, 0));
    if (x->dtype == DT_F32)
        return infer_core(g, n); /* every rank: shapes and checks */
    const Value *w = in_same(g, n, 1);
    if (w->rank != x->rank)
        fatal_node(g, n, "weight '%s' has rank %d but input '%s' has rank %d", vname(w), w->rank, vname(x), x->rank);
    int64_t group = attr_int(g, n, "group", 1), c = x->dims[1], m = w->dims[0];
    if (group < 1 || c % group || m % group)
        fatal_node(g, n, "group %lld does not divide %lld input and %lld output channels", (long long)group,
                   (long long)c, (long long)m);
    if (c / group != w->dims[1])
        fatal_node(g, n, "input '%s' has %lld channels but weight '%s' expects %lld (group %lld)", vname(x),
                   (long long)c, vname(w), (long long)(w->dims[1] * group), (long long)group);
    if (has_in(n, 2)) {
        const Value *b = in_same(g, n, 2);
        if (b->rank != 1 || b->dims[0] != m)
            fatal_node(g, n, "bias '%s' has shape %s, expected [%lld]", vname(b), dims_str(b->dims, b->rank),
                       (long long)m);
    }
    int64_t od[MAX_RANK] = {x->dims[0], m};
    window_out(g, n, x, w->dims + 2, false, od + 2);
    set_out(g, n, 0, x->dtype, x->rank, od);
}

static void lower_conv_any(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if (conv_core(g, n))
        return lower_core(e, n, f);
    Arena *a = arena_of(g);
    const Value *x = in_val(g, n, 0), *w = in_val(g, n, 1), *y = &g->values[n->out[0]];
    int dt = x->dtype, ns = x->rank - 2;
    const char *T = ctype(dt);
    int64_t pads[2 * MAX_RANK], st[MAX_RANK], dl[MAX_RANK];
    window_pads(g, n, x, y, w->dims + 2, pads);
    ints_attr(g, n, "strides", ns, 1, 1, st);
    ints_attr(g, n, "dilations", ns, 1, 1, dl);
    int64_t C = x->dims[1], M = y->dims[1], group = attr_int(g, n, "group", 1), Cg = C / group, Mg = M / group;
    int64_t xs[MAX_RANK], ws[MAX_RANK], isz = 1, ksz = 1;
    for (int i = ns - 1; i >= 0; i--) {
        xs[i] = isz;
        ws[i] = ksz;
        isz *= x->dims[2 + i];
        ksz *= w->dims[2 + i];
    }
    fprintf(f, "    {\n        const %s *x = %s;\n        const %s *w = %s;\n", T, emit_ref(e, n, n->in[0]), T,
            emit_ref(e, n, n->in[1]));
    if (has_in(n, 2))
        fprintf(f, "        const %s *b = %s;\n", T, emit_ref(e, n, n->in[2]));
    if (n->res)
        fprintf(f, "        const %s *r = %s;\n", T, emit_ref(e, n, n->in[3]));
    if (n->pre_scale >= 0)
        fprintf(f, "        const float *ps = %s;\n", emit_ref(e, n, n->pre_scale));
    if (n->pre_shift >= 0) /* fuse_scale's input scale has none */
        fprintf(f, "        const float *pf = %s;\n", emit_ref(e, n, n->pre_shift));
    fprintf(f, "        %s *y = %s;\n        int64_t o = 0, n, m, c", T, emit_ref(e, n, n->out[0]));
    for (int i = 0; i < ns; i++)
        fprintf(f, ", o%d, k%d", i, i);
    fprintf(f, ";\n");
    int ind = 8;
    open_for(f, &ind, "n", x->dims[0]);
    open_for(f, &ind, "m", M);
    for (int i = 0; i < ns; i++)
        open_for(f, &ind, arena_printf(a, "o%d", i), y->dims[2 + i]);
    const char *xc = "c";
    if (group > 1)
        xc = arena_printf(a, "(m / %lld * %lld + c)", (long long)Mg, (long long)Cg);
    fprintf(f, "%*sdouble acc = %s;\n", ind, "", has_in(n, 2) ? load_as_double(a, dt, "b[m]") : "0");
    open_for(f, &ind, "c", Cg);
    const char *xi = sum2(a, term(a, "n", C * isz), term(a, xc, isz));
    const char *wi = sum2(a, term(a, "m", Cg * ksz), term(a, "c", ksz));
    for (int i = 0; i < ns; i++) {
        open_for(f, &ind, arena_printf(a, "k%d", i), w->dims[2 + i]);
        fprintf(f, "%*sconst int64_t t%d = o%d * %lld - %lld + k%d * %lld;\n", ind, "", i, i, (long long)st[i],
                (long long)pads[i], i, (long long)dl[i]);
        fprintf(f, "%*sif (t%d < 0 || t%d >= %lld)\n%*scontinue;\n", ind, "", i, i, (long long)x->dims[2 + i],
                ind + 4, "");
        xi = sum2(a, xi, term(a, arena_printf(a, "t%d", i), xs[i]));
        wi = sum2(a, wi, term(a, arena_printf(a, "k%d", i), ws[i]));
    }
    const char *xv = load_as_double(a, dt, arena_printf(a, "x[%s]", xi ? xi : "0"));
    if (n->pre_scale >= 0)
        xv = n->pre_shift >= 0 ? arena_printf(a, "(%s * ps[%s] + pf[%s])", xv, xc, xc)
                               : arena_printf(a, "(%s * ps[%s])", xv, xc);
    if (n->pre_scale >= 0 && n->pre_relu)
        xv = arena_printf(a, "fmax(%s, 0.0)", xv);
    fprintf(f, "%*sacc += %s * %s;\n", ind, "", xv, load_as_double(a, dt, arena_printf(a, "w[%s]", wi ? wi : "0")));
    close_n(f, &ind, ns + 1);
    if (n->res)
        fprintf(f, "%*sacc += %s;\n", ind, "", load_as_double(a, dt, "r[o]"));
    if (n->act == ACT_RELU)
        fprintf(f, "%*sacc = acc > 0 ? acc : 0;\n", ind, "");
    else if (n->act == ACT_CLIP)
        fprintf(f, "%*sacc = acc < %s ? %s : acc > %s ? %s : acc;\n", ind, "", emit_flit(e, n->act_a),
                emit_flit(e, n->act_a), emit_flit(e, n->act_b), emit_flit(e, n->act_b));
    else if (n->act == ACT_LEAKYRELU)
        fprintf(f, "%*sacc = acc < 0 ? acc * %s : acc;\n", ind, "", emit_flit(e, n->act_a));
    fprintf(f, "%*sy[o++] = %s;\n", ind, "", store_from_double(a, dt, "acc"));
    close_n(f, &ind, ns + 2);
    fprintf(f, "    }\n");
}

/* ---- the family's dispatch ------------------------------------------------------- */

void infer_nn(Graph *g, Node *n)
{
    switch (n->op) {
    case OP_CONV:
        return infer_conv_any(g, n);
    case OP_CONVTRANSPOSE:
        return infer_convtranspose(g, n);
    case OP_GLOBALMAXPOOL:
    case OP_LPPOOL:
    case OP_GLOBALLPPOOL:
        return infer_pool(g, n);
    case OP_MAXUNPOOL:
        return infer_maxunpool(g, n);
    case OP_EINSUM:
        return infer_einsum(g, n);
    case OP_GRIDSAMPLE:
        return infer_gridsample(g, n);
    case OP_ROIALIGN:
        return infer_roialign(g, n);
    default:
        fatal_node(g, n, "unsupported operator");
    }
}

void lower_nn(Emitter *e, const Node *n, FILE *f)
{
    switch (n->op) {
    case OP_CONV:
        return lower_conv_any(e, n, f);
    case OP_CONVTRANSPOSE:
        return lower_convtranspose(e, n, f);
    case OP_GLOBALMAXPOOL:
    case OP_GLOBALLPPOOL:
        return lower_global_pool(e, n, f);
    case OP_LPPOOL:
        return lower_lppool(e, n, f);
    case OP_MAXUNPOOL:
        return lower_maxunpool(e, n, f);
    case OP_EINSUM:
        return lower_einsum(e, n, f);
    case OP_GRIDSAMPLE:
        return lower_gridsample(e, n, f);
    case OP_ROIALIGN:
        return lower_roialign(e, n, f);
    default:
        fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
    }
}
