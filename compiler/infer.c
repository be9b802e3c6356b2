/* infer.c — shape inference: dtype, rank and dims of every node output.
 *
 * Needs: nodes in topological order; graph inputs and constants with dtype,
 * rank and dims (graph inputs may still have unknown dims: every one must be
 * fixed by --shape or the config file by now).  Fills: dtype/rank/dims of
 * every node output; nothing else changes but the folding (fold.c).  On the
 * way it checks what later stages rely on: data tensors are float32 (shape
 * operands int64/int32 and constant), attributes agree with the shapes (ONNX
 * semantics, opsets 7 to 18), no tensor is empty or larger than MAX_ELEMS.
 * Every violation is a user error naming the node and what is wrong.  Shape
 * computations on constants are evaluated first (fold.c): their outputs
 * become constants and those nodes leave the graph.  Nodes whose outputs are
 * all constants (Constant nodes the loader folded) are skipped.  One function
 * per op, dispatched through a table indexed by Op. */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

#define MAX_ATTR_VAL ((int64_t)INT32_MAX) /* strides, pads, kernel sizes */

/* "[1,3,224,224]" for a message; a static rotating buffer. */
const char *dims_str(const int64_t *d, int n)
{
    static char bufs[4][MAX_RANK * 2 * 22 + 4];
    static int next;
    char *s = bufs[next++ & 3];
    size_t o = 0;
    s[o++] = '[';
    for (int i = 0; i < n && i < 2 * MAX_RANK; i++)
        o += (size_t)snprintf(s + o, sizeof bufs[0] - o, "%s%lld", i ? "," : "", (long long)d[i]);
    s[o++] = ']';
    s[o] = 0;
    return s;
}

const char *vname(const Value *v)
{
    return printable(v->name);
}

bool has_in(const Node *n, int k)
{
    return k < n->nin && n->in[k] >= 0;
}

/* Input k, which must be present and (topological order) already shaped. */
const Value *in_val(const Graph *g, const Node *n, int k)
{
    if (!has_in(n, k))
        fatal_node(g, n, "input %d is missing", k);
    const Value *v = &g->values[n->in[k]];
    assert(v->rank >= 0);
    return v;
}

/* Input k as a float32 data tensor. */
static const Value *in_f32(const Graph *g, const Node *n, int k)
{
    const Value *v = in_val(g, n, k);
    if (v->dtype != DT_F32)
        fatal_node(g, n, "input '%s' has data type %s; only float32 tensors are supported",
                   vname(v), dtype_name(v->dtype));
    return v;
}

/* Input k as data of rank `min_rank` or more. */
static const Value *in_f32_rank(const Graph *g, const Node *n, int k, int min_rank, const char *layout)
{
    const Value *v = in_f32(g, n, k);
    if (v->rank < min_rank)
        fatal_node(g, n, "input '%s' has rank %d; %s needs %s (rank %d or more)", vname(v),
                   v->rank, op_info[n->op].name, layout, min_rank);
    return v;
}

/* Sets output k, if the node has it, and checks its size. */
void set_out(Graph *g, const Node *n, int k, int dtype, int rank, const int64_t *dims)
{
    if (k >= n->nout || n->out[k] < 0)
        return;
    Value *v = &g->values[n->out[k]];
    assert(rank >= 0 && rank <= MAX_RANK);
    int64_t numel = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 1)
            fatal_node(g, n, "output '%s' would have shape %s; empty tensors are not supported",
                       vname(v), dims_str(dims, rank));
        numel = mul_ck(numel, dims[i]);
        if (numel < 0 || numel > MAX_ELEMS)
            fatal_node(g, n, "output '%s' would have more than %lld elements (shape %s)", vname(v),
                       (long long)MAX_ELEMS, dims_str(dims, rank));
    }
    v->dtype = dtype;
    v->rank = rank;
    for (int i = 0; i < MAX_RANK; i++) {
        v->dims[i] = i < rank ? dims[i] : 0;
        v->dim_param[i] = NULL;
    }
}

static void out_like(Graph *g, const Node *n, int k, const Value *x)
{
    set_out(g, n, k, x->dtype, x->rank, x->dims);
}

/* An axis attribute in [-rank, rank-1] (or [-rank, rank] if end_ok), made
 * non-negative. */
int norm_axis(const Graph *g, const Node *n, int64_t axis, int rank, bool end_ok)
{
    int hi = end_ok ? rank : rank - 1;
    if (axis < -rank || axis > hi)
        fatal_node(g, n, "axis %lld is out of range for rank %d (%d to %d)", (long long)axis,
                   rank, -rank, hi);
    return (int)(axis < 0 ? axis + rank : axis);
}

void ints_attr(const Graph *g, const Node *n, const char *name, int count, int64_t def,
                      int64_t min, int64_t *out)
{
    const int64_t *v;
    int c = attr_ints(g, n, name, &v);
    if (c < 0) {
        for (int i = 0; i < count; i++)
            out[i] = def;
        return;
    }
    if (c != count)
        fatal_node(g, n, "%s has %d values, expected %d", name, c, count);
    for (int i = 0; i < count; i++) {
        if (v[i] < min || v[i] > MAX_ATTR_VAL)
            fatal_node(g, n, "%s[%d] is %lld, must be %lld to %lld", name, i, (long long)v[i],
                       (long long)min, (long long)MAX_ATTR_VAL);
        out[i] = v[i];
    }
}

/* Sliding-window output size along each spatial axis of x (Conv, pools),
 * from the kernel[] and the strides/dilations/pads/auto_pad attributes.
 * ceil_mode follows onnxruntime and PyTorch: a last window that would start
 * in the end padding is dropped. */
void window_out(const Graph *g, const Node *n, const Value *x, const int64_t *kernel,
                       bool ceil_mode, int64_t *out)
{
    int ns = x->rank - 2;
    int64_t strides[MAX_RANK], dil[MAX_RANK], pads[2 * MAX_RANK];
    ints_attr(g, n, "strides", ns, 1, 1, strides);
    ints_attr(g, n, "dilations", ns, 1, 1, dil);
    ints_attr(g, n, "pads", 2 * ns, 0, 0, pads);
    const char *ap = attr_str(g, n, "auto_pad", "NOTSET");
    bool same = !strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER");
    if (!same && strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
        fatal_node(g, n, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", printable(ap));
    if (strcmp(ap, "NOTSET"))
        for (int i = 0; i < 2 * ns; i++)
            if (pads[i])
                fatal_node(g, n, "pads %s and auto_pad %s cannot both be given",
                           dims_str(pads, 2 * ns), ap);
    for (int i = 0; i < ns; i++) {
        int64_t in = x->dims[2 + i], s = strides[i];
        if (kernel[i] < 1 || kernel[i] > MAX_ATTR_VAL)
            fatal_node(g, n, "kernel size %lld on spatial axis %d is not 1 to %lld",
                       (long long)kernel[i], i, (long long)MAX_ATTR_VAL);
        int64_t ek = dil[i] * (kernel[i] - 1) + 1; /* < 2^62: no overflow */
        if (same) {
            out[i] = (in + s - 1) / s;
            continue;
        }
        int64_t span = in + pads[i] + pads[ns + i] - ek;
        if (span < 0)
            fatal_node(g, n, "input '%s' axis %d is %lld, smaller than the window %lld%s",
                       vname(x), 2 + i, (long long)in, (long long)ek,
                       pads[i] || pads[ns + i] ? " minus the pads" : "");
        int64_t o = span / s + 1;
        if (ceil_mode) {
            o = (span + s - 1) / s + 1;
            if ((o - 1) * s >= in + pads[i])
                o--;
        }
        out[i] = o;
    }
}

/* ---- one function per op ------------------------------------------------ */

static void infer_conv(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 3, "N x C x D1 x ...");
    const Value *w = in_f32(g, n, 1);
    int ns = x->rank - 2;
    if (w->rank != x->rank)
        fatal_node(g, n, "weight '%s' has rank %d but input '%s' has rank %d", vname(w), w->rank,
                   vname(x), x->rank);
    int64_t group = attr_int(g, n, "group", 1), c = x->dims[1], m = w->dims[0];
    if (group < 1)
        fatal_node(g, n, "group %lld must be positive", (long long)group);
    if (c % group)
        fatal_node(g, n, "group %lld does not divide %lld input channels", (long long)group,
                   (long long)c);
    if (c / group != w->dims[1])
        fatal_node(g, n, "input '%s' has %lld channels but weight '%s' expects %lld (group %lld)",
                   vname(x), (long long)c, vname(w), (long long)(w->dims[1] * group), (long long)group);
    if (m % group)
        fatal_node(g, n, "group %lld does not divide %lld output channels", (long long)group,
                   (long long)m);
    const int64_t *ks;
    int nk = attr_ints(g, n, "kernel_shape", &ks);
    if (nk >= 0 && (nk != ns || memcmp(ks, w->dims + 2, sizeof(int64_t) * (size_t)ns)))
        fatal_node(g, n, "kernel_shape %s does not match weight dims %s", dims_str(ks, nk),
                   dims_str(w->dims + 2, ns));
    if (has_in(n, 2)) {
        const Value *b = in_f32(g, n, 2);
        if (b->rank != 1 || b->dims[0] != m)
            fatal_node(g, n, "bias '%s' has shape %s, expected [%lld]", vname(b),
                       dims_str(b->dims, b->rank), (long long)m);
    }
    int64_t od[MAX_RANK] = {x->dims[0], m};
    window_out(g, n, x, w->dims + 2, false, od + 2);
    set_out(g, n, 0, DT_F32, x->rank, od);
}

static void infer_batchnorm(Graph *g, Node *n)
{
    static const char *what[] = {"", "scale", "B", "mean", "var"};
    const Value *x = in_f32_rank(g, n, 0, 2, "N x C x ...");
    if (g->opset < 9 && attr_int(g, n, "spatial", 1) != 1)
        fatal_node(g, n, "spatial=0 is not supported");
    if (attr_int(g, n, "training_mode", 0) != 0)
        fatal_node(g, n, "training_mode=1 is not supported (inference only)");
    for (int k = 1; k < n->nout; k++)
        if (n->out[k] >= 0)
            fatal_node(g, n, "output %d '%s' exists only in training mode; not supported", k,
                       vname(&g->values[n->out[k]]));
    for (int k = 1; k <= 4; k++) {
        const Value *p = in_f32(g, n, k);
        if (p->rank != 1 || p->dims[0] != x->dims[1])
            fatal_node(g, n, "%s '%s' has shape %s, expected [%lld] (one per channel of '%s')",
                       what[k], vname(p), dims_str(p->dims, p->rank), (long long)x->dims[1], vname(x));
    }
    out_like(g, n, 0, x);
}

/* Relu, Sigmoid, LeakyRelu, Identity: same shape. */
static void infer_unary(Graph *g, Node *n)
{
    out_like(g, n, 0, in_f32(g, n, 0));
}

static void infer_clip(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    float lo = -INFINITY, hi = INFINITY;
    if (g->opset < 11) {
        lo = attr_float(g, n, "min", lo);
        hi = attr_float(g, n, "max", hi);
    } else { /* optional constant scalar inputs */
        if (has_in(n, 1))
            const_float(g, n, n->in[1], &lo);
        if (has_in(n, 2))
            const_float(g, n, n->in[2], &hi);
    }
    (void)lo, (void)hi; /* values are the backend's business */
    out_like(g, n, 0, x);
}

/* The dims of a and b broadcast together (numpy's multidirectional
 * broadcasting) into od; the rank. */
int broadcast_dims(const Graph *g, const Node *n, const Value *a, const Value *b, int64_t *od)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            fatal_node(g, n, "inputs '%s' %s and '%s' %s cannot be broadcast together", vname(a),
                       dims_str(a->dims, a->rank), vname(b), dims_str(b->dims, b->rank));
        od[i] = da == 1 ? db : da;
    }
    return r;
}

/* Add, Mul, Div of float tensors. */
static void infer_binary(Graph *g, Node *n)
{
    const Value *a = in_f32(g, n, 0), *b = in_f32(g, n, 1);
    int64_t od[MAX_RANK];
    int r = broadcast_dims(g, n, a, b, od);
    set_out(g, n, 0, DT_F32, r, od);
}

void concat_dims(const Graph *g, const Node *n, const Value *x0, int axis, int64_t *od)
{
    memcpy(od, x0->dims, sizeof(int64_t) * MAX_RANK);
    for (int k = 1; k < n->nin; k++) {
        const Value *x = in_val(g, n, k);
        if (x->dtype != x0->dtype)
            fatal_node(g, n, "input %d '%s' is %s but input 0 '%s' is %s", k, vname(x), dtype_name(x->dtype),
                       vname(x0), dtype_name(x0->dtype));
        if (x->rank != x0->rank)
            fatal_node(g, n, "input %d '%s' has rank %d, expected %d", k, vname(x), x->rank, x0->rank);
        for (int i = 0; i < x->rank; i++)
            if (i != axis && x->dims[i] != x0->dims[i])
                fatal_node(g, n, "input %d '%s' has dim %d = %lld, expected %lld", k, vname(x), i,
                           (long long)x->dims[i], (long long)x0->dims[i]);
        od[axis] = add_ck(od[axis], x->dims[axis]);
    }
}

static void infer_concat(Graph *g, Node *n)
{
    const Value *x0 = in_f32_rank(g, n, 0, 1, "a tensor");
    if (!node_attr(g, n, "axis"))
        fatal_node(g, n, "attribute 'axis' is required");
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x0->rank, false);
    for (int k = 1; k < n->nin; k++)
        in_f32(g, n, k);
    int64_t od[MAX_RANK];
    concat_dims(g, n, x0, axis, od);
    set_out(g, n, 0, DT_F32, x0->rank, od);
}

void pool_dims(const Graph *g, const Node *n, const Value *x, int64_t *od)
{
    int ns = x->rank - 2;
    const int64_t *ks;
    int nk = attr_ints(g, n, "kernel_shape", &ks);
    if (nk < 0)
        fatal_node(g, n, "attribute 'kernel_shape' is required");
    if (nk != ns)
        fatal_node(g, n, "kernel_shape has %d values, expected %d for input '%s' %s", nk, ns,
                   vname(x), dims_str(x->dims, x->rank));
    int64_t ceil_mode = attr_int(g, n, "ceil_mode", 0);
    if (ceil_mode != 0 && ceil_mode != 1)
        fatal_node(g, n, "ceil_mode is %lld, must be 0 or 1", (long long)ceil_mode);
    od[0] = x->dims[0];
    od[1] = x->dims[1];
    window_out(g, n, x, ks, ceil_mode, od + 2);
}

/* MaxPool, AveragePool. */
static void infer_pool(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 3, "N x C x D1 x ...");
    int64_t od[MAX_RANK];
    pool_dims(g, n, x, od);
    set_out(g, n, 0, DT_F32, x->rank, od);
    set_out(g, n, 1, DT_I64, x->rank, od); /* MaxPool Indices */
}

static void infer_globalavgpool(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 3, "N x C x D1 x ...");
    int64_t od[MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        od[i] = i < 2 ? x->dims[i] : 1;
    set_out(g, n, 0, DT_F32, x->rank, od);
}

static void infer_flatten(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 1), x->rank, true);
    int64_t od[2] = {1, 1};
    for (int i = 0; i < x->rank; i++) /* numel <= MAX_ELEMS: no overflow */
        od[i >= axis] *= x->dims[i];
    set_out(g, n, 0, DT_F32, 2, od);
}

int reshape_dims(const Graph *g, const Node *n, const Value *x, int64_t *od)
{
    if (!has_in(n, 1))
        fatal_node(g, n, "the shape input is required");
    const Value *sv = in_val(g, n, 1);
    if (sv->rank != 1)
        fatal_node(g, n, "shape '%s' has rank %d, expected 1", vname(sv), sv->rank);
    int64_t sh[MAX_RANK];
    int r = const_ints(g, n, n->in[1], sh, MAX_RANK);
    bool allowzero = g->opset >= 14 && attr_int(g, n, "allowzero", 0) != 0;
    int64_t known = 1;
    int infer_at = -1;
    for (int i = 0; i < r; i++) {
        od[i] = sh[i];
        if (sh[i] == -1) {
            if (infer_at >= 0)
                fatal_node(g, n, "shape %s has more than one -1", dims_str(sh, r));
            infer_at = i;
            continue;
        }
        if (sh[i] < -1)
            fatal_node(g, n, "shape %s has invalid dim %lld", dims_str(sh, r), (long long)sh[i]);
        if (sh[i] == 0 && !allowzero) {
            if (i >= x->rank)
                fatal_node(g, n, "shape %s copies dim %d (0) but input '%s' has rank %d",
                           dims_str(sh, r), i, vname(x), x->rank);
            od[i] = x->dims[i];
        }
        known = mul_ck(known, od[i]);
        if (known < 0 || known > MAX_ELEMS)
            fatal_node(g, n, "shape %s has too many elements", dims_str(sh, r));
    }
    int64_t numel = value_numel(x);
    if (infer_at >= 0) {
        if (known == 0 || numel % known)
            fatal_node(g, n, "cannot infer the -1 of shape %s from input '%s' %s", dims_str(sh, r),
                       vname(x), dims_str(x->dims, x->rank));
        od[infer_at] = numel / known;
    } else if (known != numel) {
        fatal_node(g, n, "shape %s has %lld elements but input '%s' %s has %lld", dims_str(sh, r),
                   (long long)known, vname(x), dims_str(x->dims, x->rank), (long long)numel);
    }
    return r;
}

static void infer_reshape(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    int64_t od[MAX_RANK];
    int r = reshape_dims(g, n, x, od);
    set_out(g, n, 0, DT_F32, r, od);
}

static void infer_gemm(Graph *g, Node *n)
{
    const Value *a = in_f32(g, n, 0), *b = in_f32(g, n, 1);
    if (a->rank != 2 || b->rank != 2)
        fatal_node(g, n, "input '%s' has rank %d; Gemm needs matrices",
                   vname(a->rank != 2 ? a : b), (a->rank != 2 ? a : b)->rank);
    int64_t ta = attr_int(g, n, "transA", 0) != 0, tb = attr_int(g, n, "transB", 0) != 0;
    int64_t m = a->dims[ta], k = a->dims[!ta], kb = b->dims[tb], nn = b->dims[!tb];
    if (k != kb)
        fatal_node(g, n, "A '%s' %s (transA %lld) and B '%s' %s (transB %lld) disagree on K: %lld vs %lld",
                   vname(a), dims_str(a->dims, 2), (long long)ta, vname(b), dims_str(b->dims, 2),
                   (long long)tb, (long long)k, (long long)kb);
    int64_t od[2] = {m, nn};
    if (has_in(n, 2)) { /* C broadcasts unidirectionally to [M, N] */
        const Value *c = in_f32(g, n, 2);
        bool ok = c->rank <= 2;
        for (int i = 0; ok && i < c->rank; i++) {
            int64_t want = od[2 - c->rank + i];
            ok = c->dims[i] == 1 || c->dims[i] == want;
        }
        if (!ok)
            fatal_node(g, n, "C '%s' %s cannot be broadcast to [%lld,%lld]", vname(c),
                       dims_str(c->dims, c->rank), (long long)m, (long long)nn);
    }
    set_out(g, n, 0, DT_F32, 2, od);
}

/* numpy matmul: 1-D operands get a 1 prepended (A) / appended (B) that the
 * result drops again; batch dims broadcast. */
static void infer_matmul(Graph *g, Node *n)
{
    const Value *a = in_f32_rank(g, n, 0, 1, "a tensor"), *b = in_f32_rank(g, n, 1, 1, "a tensor");
    int64_t ad[MAX_RANK + 1], bd[MAX_RANK + 1], od[MAX_RANK];
    int ar = a->rank, br = b->rank;
    memcpy(ad + (ar == 1), a->dims, sizeof(int64_t) * (size_t)ar);
    memcpy(bd, b->dims, sizeof(int64_t) * (size_t)br);
    if (ar == 1)
        ad[0] = 1, ar = 2;
    if (br == 1)
        bd[1] = 1, br = 2;
    if (ad[ar - 1] != bd[br - 2])
        fatal_node(g, n, "inputs '%s' %s and '%s' %s disagree on K: %lld vs %lld", vname(a),
                   dims_str(a->dims, a->rank), vname(b), dims_str(b->dims, b->rank),
                   (long long)ad[ar - 1], (long long)bd[br - 2]);
    int batch = (ar > br ? ar : br) - 2, r = 0;
    for (int i = 0; i < batch; i++) {
        int ia = i - (batch - (ar - 2)), ib = i - (batch - (br - 2));
        int64_t da = ia >= 0 ? ad[ia] : 1, db = ib >= 0 ? bd[ib] : 1;
        if (da != db && da != 1 && db != 1)
            fatal_node(g, n, "batch dims of '%s' %s and '%s' %s cannot be broadcast together",
                       vname(a), dims_str(a->dims, a->rank), vname(b), dims_str(b->dims, b->rank));
        od[r++] = da == 1 ? db : da;
    }
    if (a->rank > 1)
        od[r++] = ad[ar - 2];
    if (b->rank > 1)
        od[r++] = bd[br - 1];
    set_out(g, n, 0, DT_F32, r, od);
}

static void infer_pad(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    const char *mode = attr_str(g, n, "mode", "constant");
    bool reflect = !strcmp(mode, "reflect");
    if (!reflect && strcmp(mode, "constant") && strcmp(mode, "edge"))
        fatal_node(g, n, "mode '%s' is not supported (constant, reflect, edge)", printable(mode));
    int64_t pads[2 * MAX_RANK], axes[MAX_RANK];
    int np, na = x->rank;
    for (int i = 0; i < na; i++)
        axes[i] = i;
    if (g->opset < 11) {
        const int64_t *p;
        np = attr_ints(g, n, "pads", &p);
        if (np < 0)
            fatal_node(g, n, "attribute 'pads' is required");
        if (np == 2 * na)
            memcpy(pads, p, sizeof(int64_t) * (size_t)np);
    } else {
        if (!has_in(n, 1))
            fatal_node(g, n, "the pads input is required");
        np = const_ints(g, n, n->in[1], pads, 2 * MAX_RANK);
        float value;
        if (has_in(n, 2))
            const_float(g, n, n->in[2], &value);
        if (has_in(n, 3)) { /* opset 18 axes */
            na = const_ints(g, n, n->in[3], axes, MAX_RANK);
            norm_axes(g, n, axes, na, x->rank);
        }
    }
    if (np != 2 * na)
        fatal_node(g, n, "pads has %d values, expected %d", np, 2 * na);
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof od);
    for (int i = 0; i < na; i++) {
        int ax = (int)axes[i];
        int64_t lo = pads[i], hi = pads[na + i], d = x->dims[ax];
        if (lo < -MAX_ATTR_VAL || lo > MAX_ATTR_VAL || hi < -MAX_ATTR_VAL || hi > MAX_ATTR_VAL)
            fatal_node(g, n, "pads %s are out of range", dims_str(pads, np));
        if (reflect && (lo >= d || hi >= d))
            fatal_node(g, n, "reflect pads %lld,%lld on axis %d must be smaller than its size %lld",
                       (long long)lo, (long long)hi, ax, (long long)d);
        od[ax] = d + lo + hi;
    }
    set_out(g, n, 0, DT_F32, x->rank, od);
}

static void infer_softmax(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 1, "a tensor");
    norm_axis(g, n, attr_int(g, n, "axis", g->opset < 13 ? 1 : -1), x->rank, false);
    out_like(g, n, 0, x);
}

static void infer_dropout(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    if (has_in(n, 2)) { /* opset 12: training_mode, a constant bool */
        const Value *t = in_val(g, n, 2);
        if (!(t->flags & V_CONST) || t->dtype != DT_BOOL || value_numel(t) != 1)
            fatal_node(g, n, "training_mode '%s' must be a constant bool scalar", vname(t));
        if (*(const uint8_t *)t->data)
            fatal_node(g, n, "training_mode is true; only inference is supported");
    }
    out_like(g, n, 0, x);
    set_out(g, n, 1, g->opset >= 10 ? DT_BOOL : x->dtype, x->rank, x->dims); /* mask */
}

static void infer_transpose(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    int64_t perm[MAX_RANK], od[MAX_RANK];
    transpose_perm(g, n, x->rank, perm);
    for (int i = 0; i < x->rank; i++)
        od[i] = x->dims[perm[i]];
    set_out(g, n, 0, DT_F32, x->rank, od);
}

void transpose_perm(const Graph *g, const Node *n, int rank, int64_t *perm)
{
    const int64_t *p;
    int np = attr_ints(g, n, "perm", &p);
    if (np < 0) { /* default: reverse the axes */
        for (int i = 0; i < rank; i++)
            perm[i] = rank - 1 - i;
        return;
    }
    if (np != rank)
        fatal_node(g, n, "perm has %d values but the input has rank %d", np, rank);
    bool seen[MAX_RANK] = {false};
    for (int i = 0; i < rank; i++) {
        if (p[i] < 0 || p[i] >= rank)
            fatal_node(g, n, "perm[%d] is %lld, must be 0 to %d", i, (long long)p[i], rank - 1);
        if (seen[p[i]])
            fatal_node(g, n, "perm %s lists axis %lld twice", dims_str(p, np), (long long)p[i]);
        seen[p[i]] = true;
        perm[i] = p[i];
    }
}

/* An int list that is attribute `name` before opset `since` and constant
 * input 1 from then on (Split's split, ReduceMean's axes): its length, -1
 * if absent; at most max values, into out. */
static int attr_or_input_ints(const Graph *g, const Node *n, const char *name, int since, int64_t *out,
                              int max)
{
    if (g->opset < since) {
        const int64_t *p;
        if (has_in(n, 1))
            fatal_node(g, n, "a '%s' input needs opset %d or later; this model has opset %lld (use the "
                       "'%s' attribute)", name, since, (long long)g->opset, name);
        int k = attr_ints(g, n, name, &p);
        if (k > max)
            fatal_node(g, n, "%s has %d values, more than the %d possible here", name, k, max);
        if (k > 0)
            memcpy(out, p, sizeof(int64_t) * (size_t)k);
        return k;
    }
    if (node_attr(g, n, name))
        fatal_node(g, n, "the '%s' attribute was replaced by an input in opset %d (model opset %lld)", name,
                   since, (long long)g->opset);
    if (!has_in(n, 1))
        return -1;
    const Value *v = in_val(g, n, 1);
    if (v->rank != 1)
        fatal_node(g, n, "%s '%s' has rank %d, expected 1", name, vname(v), v->rank);
    return const_ints(g, n, n->in[1], out, max);
}

/* Split's part sizes, every opset's form: the 'split' attribute (< 13) or
 * constant input (13+), opset 18's 'num_outputs' (equal parts of
 * ceil(dim / num_outputs), the last one smaller), or else equal parts, one
 * per output. */
int split_parts(const Graph *g, const Node *n, int64_t *sizes)
{
    const Value *x = &g->values[n->in[0]];
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    int64_t d = x->dims[axis], nout = n->nout;
    if (g->opset >= 13 && has_in(n, 1)) {
        const Value *sv = in_val(g, n, 1);
        if ((sv->flags & V_CONST) && value_numel(sv) != nout)
            fatal_node(g, n, "split '%s' has %lld values but the node has %lld outputs", vname(sv),
                       (long long)value_numel(sv), (long long)nout);
    }
    int ns = attr_or_input_ints(g, n, "split", 13, sizes, (int)nout); /* -1: not given */
    const Attr *num = node_attr(g, n, "num_outputs");
    if (num && g->opset < 18)
        fatal_node(g, n, "attribute 'num_outputs' needs opset 18 or later (model opset %lld)",
                   (long long)g->opset);
    if (num) {
        int64_t k = attr_int(g, n, "num_outputs", 0);
        if (ns >= 0)
            fatal_node(g, n, "both the 'split' input and 'num_outputs' are given");
        if (k != nout)
            fatal_node(g, n, "num_outputs is %lld but the node has %lld outputs", (long long)k,
                       (long long)nout);
        int64_t chunk = (d + k - 1) / k;
        for (int64_t i = 0; i < k; i++)
            sizes[i] = i < k - 1 ? chunk : d - chunk * (k - 1);
        if (sizes[k - 1] < 1)
            fatal_node(g, n, "num_outputs %lld leaves the last part of axis %d (size %lld) empty; "
                       "empty tensors are not supported", (long long)k, axis, (long long)d);
        return axis;
    }
    if (ns < 0) {
        if (d % nout)
            fatal_node(g, n, "axis %d of input '%s' %s (size %lld) cannot be split into %lld equal "
                       "parts", axis, vname(x), dims_str(x->dims, x->rank), (long long)d, (long long)nout);
        for (int64_t i = 0; i < nout; i++)
            sizes[i] = d / nout;
        return axis;
    }
    if (ns != nout)
        fatal_node(g, n, "split has %d values but the node has %lld outputs", ns, (long long)nout);
    int64_t sum = 0;
    for (int i = 0; i < ns; i++) {
        if (sizes[i] < 0 || sizes[i] > d)
            fatal_node(g, n, "split %s has invalid size %lld", dims_str(sizes, ns), (long long)sizes[i]);
        sum += sizes[i];
    }
    if (sum != d)
        fatal_node(g, n, "split %s adds up to %lld but axis %d of input '%s' has size %lld",
                   dims_str(sizes, ns), (long long)sum, axis, vname(x), (long long)d);
    return axis;
}

static void infer_split(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 1, "a tensor");
    int64_t *sizes = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)n->nout);
    int axis = split_parts(g, n, sizes);
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof od);
    for (int k = 0; k < n->nout; k++) {
        od[axis] = sizes[k];
        set_out(g, n, k, DT_F32, x->rank, od);
    }
}

void norm_axes(const Graph *g, const Node *n, int64_t *axes, int na, int rank)
{
    for (int i = 0; i < na; i++) {
        axes[i] = norm_axis(g, n, axes[i], rank, false);
        for (int j = 0; j < i; j++)
            if (axes[j] == axes[i])
                fatal_node(g, n, "axes lists axis %lld twice", (long long)axes[i]);
    }
}

void mark_axes(const Graph *g, const Node *n, const int64_t *axes, int na, int rank, bool *sel)
{
    for (int i = 0; i < rank; i++)
        sel[i] = false;
    for (int i = 0; i < na; i++) {
        int a = norm_axis(g, n, axes[i], rank, false);
        if (sel[a])
            fatal_node(g, n, "axes %s lists axis %d twice", dims_str(axes, na), a);
        sel[a] = true;
    }
}

int unsqueeze_dims(const Graph *g, const Node *n, const Value *x, const int64_t *axes, int na, int64_t *od)
{
    if (na < 0)
        fatal_node(g, n, "axes are required");
    int r = x->rank + na;
    if (r > MAX_RANK)
        fatal_node(g, n, "the output would have rank %d, more than %d", r, MAX_RANK);
    bool added[MAX_RANK];
    mark_axes(g, n, axes, na, r, added);
    for (int i = 0, j = 0; i < r; i++)
        od[i] = added[i] ? 1 : x->dims[j++];
    return r;
}

/* ReduceMean's axes: the 'axes' attribute (< 18) or constant input (18),
 * none meaning all of them, or none at all with noop_with_empty_axes (18). */
void reduce_axes(const Graph *g, const Node *n, int rank, bool *reduced)
{
    int64_t axes[MAX_RANK];
    if (g->opset < 18 && node_attr(g, n, "noop_with_empty_axes"))
        fatal_node(g, n, "attribute 'noop_with_empty_axes' needs opset 18 or later (model opset %lld)",
                   (long long)g->opset);
    int na = attr_or_input_ints(g, n, "axes", 18, axes, rank);
    bool noop = g->opset >= 18 && attr_int(g, n, "noop_with_empty_axes", 0) != 0;
    mark_axes(g, n, axes, na > 0 ? na : 0, rank, reduced);
    for (int i = 0; i < rank; i++)
        reduced[i] = reduced[i] || (na <= 0 && !noop);
}

int reduced_dims(const Graph *g, const Node *n, const Value *x, const bool *reduced, int64_t *od)
{
    bool keep = attr_int(g, n, "keepdims", 1) != 0;
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!reduced[i] || keep)
            od[r++] = reduced[i] ? 1 : x->dims[i];
    return r;
}

static void infer_reducemean(Graph *g, Node *n)
{
    const Value *x = in_f32(g, n, 0);
    bool reduced[MAX_RANK];
    reduce_axes(g, n, x->rank, reduced);
    int64_t od[MAX_RANK];
    int r = reduced_dims(g, n, x, reduced, od);
    set_out(g, n, 0, DT_F32, r, od);
}

/* Slice: per axis of x the first element read, the step and the count
 * (axes not sliced: 0, 1, dim).  Starts/ends/axes are attributes before
 * opset 10, constant inputs (with steps) from 10; ONNX clamping: a start or
 * end below -dim or beyond dim is clamped into the axis. */
void slice_params(const Graph *g, const Node *n, int64_t *start, int64_t *step, int64_t *count)
{
    const Value *x = &g->values[n->in[0]];
    int r = x->rank, ns, ne, na = -1, nst = -1;
    int64_t st[MAX_RANK], en[MAX_RANK], ax[MAX_RANK], sp[MAX_RANK];
    if (g->opset < 10) {
        const int64_t *p;
        for (int k = 1; k < n->nin; k++)
            if (has_in(n, k))
                fatal_node(g, n, "Slice inputs beyond the data need opset 10 or later (model opset %lld)",
                           (long long)g->opset);
        if ((ns = attr_ints(g, n, "starts", &p)) < 0 || ns > r)
            fatal_node(g, n, "attribute 'starts' is %s", ns < 0 ? "required" : "longer than the input's rank");
        memcpy(st, p, sizeof(int64_t) * (size_t)ns);
        if ((ne = attr_ints(g, n, "ends", &p)) < 0 || ne > r)
            fatal_node(g, n, "attribute 'ends' is %s", ne < 0 ? "required" : "longer than the input's rank");
        memcpy(en, p, sizeof(int64_t) * (size_t)ne);
        if ((na = attr_ints(g, n, "axes", &p)) > r)
            fatal_node(g, n, "axes has more values than the input's rank");
        if (na > 0)
            memcpy(ax, p, sizeof(int64_t) * (size_t)na);
    } else {
        if (!has_in(n, 1) || !has_in(n, 2))
            fatal_node(g, n, "the starts and ends inputs are required");
        ns = const_ints(g, n, n->in[1], st, r);
        ne = const_ints(g, n, n->in[2], en, r);
        if (has_in(n, 3))
            na = const_ints(g, n, n->in[3], ax, r);
        if (has_in(n, 4))
            nst = const_ints(g, n, n->in[4], sp, r);
    }
    if (ne != ns || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
        fatal_node(g, n, "starts, ends, axes and steps must have the same length (%d, %d, %d, %d)", ns,
                   ne, na, nst);
    bool seen[MAX_RANK] = {false};
    for (int i = 0; i < r; i++)
        start[i] = 0, step[i] = 1, count[i] = x->dims[i];
    for (int i = 0; i < ns; i++) {
        int a = na >= 0 ? norm_axis(g, n, ax[i], r, false) : i;
        if (seen[a])
            fatal_node(g, n, "axes lists axis %d twice", a);
        seen[a] = true;
        int64_t d = x->dims[a], s = nst >= 0 ? sp[i] : 1, b = st[i], e = en[i];
        if (s == 0)
            fatal_node(g, n, "steps[%d] is 0", i);
        s = s > d ? d : s < -d ? -d : s; /* a step past the axis takes one element either way */
        b = b < 0 ? (b < -d ? 0 : b + d) : b;
        e = e < 0 ? (e < -d ? -1 : e + d) : e;
        if (s > 0) {
            b = b > d ? d : b;
            e = e < 0 ? 0 : e > d ? d : e;
            count[a] = e > b ? (e - b - 1) / s + 1 : 0;
        } else {
            b = b > d - 1 ? d - 1 : b;
            e = e > d - 1 ? d - 1 : e;
            count[a] = b > e ? (b - e - 1) / -s + 1 : 0;
        }
        start[a] = b;
        step[a] = s;
    }
}

static void infer_slice(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 1, "a tensor");
    int64_t start[MAX_RANK], step[MAX_RANK], count[MAX_RANK];
    slice_params(g, n, start, step, count);
    set_out(g, n, 0, DT_F32, x->rank, count);
}

int gather_dims(const Graph *g, const Node *n, const Value *x, const Value *iv, int axis, int64_t *od)
{
    if (x->rank - 1 + iv->rank > MAX_RANK)
        fatal_node(g, n, "the output would have rank %d, more than %d", x->rank - 1 + iv->rank, MAX_RANK);
    int r = 0;
    for (int i = 0; i < axis; i++)
        od[r++] = x->dims[i];
    for (int i = 0; i < iv->rank; i++)
        od[r++] = iv->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        od[r++] = x->dims[i];
    return r;
}

/* Gather of float data along an axis by constant indices. */
static void infer_gather(Graph *g, Node *n)
{
    const Value *x = in_f32_rank(g, n, 0, 1, "a tensor"), *iv = in_val(g, n, 1);
    int axis = norm_axis(g, n, attr_int(g, n, "axis", 0), x->rank, false);
    if (!(iv->flags & V_CONST))
        fatal_node(g, n, "indices '%s' must be a constant", vname(iv));
    if (iv->dtype != DT_I64 && iv->dtype != DT_I32)
        fatal_node(g, n, "indices '%s' must be int64 or int32, not %s", vname(iv), dtype_name(iv->dtype));
    int64_t od[MAX_RANK];
    int r = gather_dims(g, n, x, iv, axis, od);
    for (int64_t i = 0, ni = value_numel(iv); i < ni; i++)
        gather_index(g, n, i); /* in range */
    set_out(g, n, 0, DT_F32, r, od);
}

/* Gather's index i, checked against the axis and made non-negative. */
int64_t gather_index(const Graph *g, const Node *n, int64_t i)
{
    const Value *x = &g->values[n->in[0]], *iv = &g->values[n->in[1]];
    int64_t axis = attr_int(g, n, "axis", 0), k;
    int64_t d = x->dims[axis < 0 ? axis + x->rank : axis];
    if (iv->dtype == DT_I64) {
        memcpy(&k, (const char *)iv->data + 8 * i, 8);
    } else {
        int32_t k32;
        memcpy(&k32, (const char *)iv->data + 4 * i, 4);
        k = k32;
    }
    if (k < -d || k >= d)
        fatal_node(g, n, "index %lld is out of range for an axis of size %lld", (long long)k, (long long)d);
    return k < 0 ? k + d : k;
}

typedef void InferFn(Graph *g, Node *n);
static InferFn *const infer_fn[OP_COUNT] = {
    [OP_CONV] = infer_conv,
    [OP_BATCHNORM] = infer_batchnorm,
    [OP_RELU] = infer_unary,
    [OP_CLIP] = infer_clip,
    [OP_LEAKYRELU] = infer_unary,
    [OP_SIGMOID] = infer_unary,
    [OP_ADD] = infer_binary,
    [OP_MUL] = infer_binary,
    [OP_CONCAT] = infer_concat,
    [OP_MAXPOOL] = infer_pool,
    [OP_AVGPOOL] = infer_pool,
    [OP_GLOBALAVGPOOL] = infer_globalavgpool,
    [OP_FLATTEN] = infer_flatten,
    [OP_RESHAPE] = infer_reshape,
    [OP_GEMM] = infer_gemm,
    [OP_MATMUL] = infer_matmul,
    [OP_PAD] = infer_pad,
    [OP_SOFTMAX] = infer_softmax,
    [OP_IDENTITY] = infer_unary,
    [OP_DROPOUT] = infer_dropout,
    [OP_TRANSPOSE] = infer_transpose,
    [OP_SPLIT] = infer_split,
    [OP_REDUCEMEAN] = infer_reducemean,
    [OP_DIV] = infer_binary,
    [OP_SUB] = infer_binary,
    [OP_GATHER] = infer_gather,
    [OP_SLICE] = infer_slice,
};

void infer_core(Graph *g, Node *n)
{
    if (!infer_fn[n->op])
        fatal_node(g, n, "unsupported operator");
    infer_fn[n->op](g, n);
}

#define X(e, s, a, b, c, d, fam) [e] = infer_##fam,
static InferFn *const family_infer[OP_COUNT] = {OPS(X)};
#undef X

/* ---- the pass ------------------------------------------------------------ */

/* Every graph input must be float32 with every dim known by now. */
static void check_inputs(const Graph *g)
{
    for (int i = 0; i < g->ninputs; i++) {
        const Value *v = &g->values[g->inputs[i]];
        const char *nm = vname(v);
        if (!ctype(v->dtype))
            fatal("input '%s' has data type %s; not supported", nm, dtype_name(v->dtype));
        if (v->rank < 0)
            fatal("input '%s' has no declared shape; give it with --shape %s=D0,D1,... or in "
                  "the config file", nm, nm);
        for (int a = 0; a < v->rank; a++) {
            if (v->dims[a] >= 0)
                continue;
            char hint[MAX_RANK * 24], why[300] = "";
            size_t o = 0;
            for (int j = 0; j < v->rank; j++) {
                static const char *nchw[] = {"N", "C", "H", "W"};
                if (v->dims[j] >= 0)
                    o += (size_t)snprintf(hint + o, sizeof hint - o, "%s%lld", j ? "," : "",
                                          (long long)v->dims[j]);
                else if (v->rank == 4)
                    o += (size_t)snprintf(hint + o, sizeof hint - o, "%s%s", j ? "," : "", nchw[j]);
                else
                    o += (size_t)snprintf(hint + o, sizeof hint - o, "%sD%d", j ? "," : "", j);
            }
            if (v->dim_param[a])
                snprintf(why, sizeof why, " (%s)", printable(v->dim_param[a]));
            fatal("input '%s' axis %d%s is unknown; give it with --shape %s=%s or in the config file",
                  nm, a, why, nm, hint);
        }
    }
}

static bool all_outputs_const(const Graph *g, const Node *n)
{
    for (int k = 0; k < n->nout; k++)
        if (n->out[k] >= 0 && !(g->values[n->out[k]].flags & V_CONST))
            return false;
    return true;
}

void infer_shapes(Graph *g)
{
    check_inputs(g);
    bool folded = false;
    for (int i = 0; i < g->nnodes; i++) {
        Node *n = &g->nodes[i];
        if (all_outputs_const(g, n))
            continue;
        if (fold_node(g, n)) { /* before the family: a folded node never reaches it */
            folded = true;
            continue;
        }
        if ((unsigned)n->op >= OP_COUNT)
            fatal_node(g, n, "unsupported operator");
        family_infer[n->op](g, n);
    }
    if (folded)
        graph_compact(g);
    for (int i = 0; i < g->noutputs; i++)
        assert(g->values[g->outputs[i]].rank >= 0);
}
