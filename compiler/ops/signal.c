/* ops/signal.c — window functions, DFT/STFT, MelWeightMatrix and Det.
 *
 * Shapes are static: a window's size, DFT's dft_length (and axis, an input
 * since opset 20), STFT's frame_step and frame_length and every operand of
 * MelWeightMatrix must be compile-time constants; the values themselves are
 * computed by the generated code at run time, never folded.
 *
 * The kernels are plain reference loops in double:
 * - HannWindow, HammingWindow, BlackmanWindow: a0 - a1 cos(2 pi i / D) +
 *   a2 cos(4 pi i / D) with D = size (periodic) or size - 1 (symmetric);
 * - DFT and STFT: a direct O(n^2) transform whose twiddle index k*t mod N is
 *   kept exact in integers, so the angle is reduced before cos/sin; the
 *   inverse DFT divides by N (numpy's ifft);
 * - MelWeightMatrix: the ONNX reference's triangular filters (its mel step
 *   divides the mel range by num_mel_bins + 2), bins landing outside the
 *   output never written;
 * - Det: LU with partial pivoting of each matrix in a local double array
 *   (so M is limited to what a 64 KiB stack array holds). */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

#define PI_LIT "3.14159265358979323846"
#define DET_MAX_M 90 /* 90 * 90 doubles < 64 KiB */

/* ---- constant operands -------------------------------------------------------- */

/* Input k (present) as a constant scalar integer (int32 or int64). */
static int64_t const_int_in(const Graph *g, const Node *n, int k, const char *what)
{
    if (!has_in(n, k))
        fatal_node(g, n, "%s is missing", what);
    const Value *v = &g->values[n->in[k]];
    if (!(v->flags & V_CONST))
        fatal_node(g, n, "%s '%s' must be a constant (shapes are static)", what, vname(v));
    if (v->dtype != DT_I32 && v->dtype != DT_I64)
        fatal_node(g, n, "%s '%s' has data type %s; expected int32 or int64", what, vname(v), dtype_name(v->dtype));
    if (value_numel(v) != 1 || v->rank > 1)
        fatal_node(g, n, "%s '%s' has shape %s; expected a scalar", what, vname(v), dims_str(v->dims, v->rank));
    int64_t x;
    const_ints(g, n, n->in[k], &x, 1);
    return x;
}

static double half_to_double(uint16_t h, bool bf16)
{
    if (bf16) {
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    int s = h >> 15, ex = (h >> 10) & 31, m = h & 1023;
    double v;
    if (ex == 0)
        v = m * (1.0 / 16777216.0);
    else if (ex == 31)
        v = m ? (double)NAN : (double)INFINITY;
    else
        v = (1024 + m) * ((double)((int64_t)1 << ex) / ((double)((int64_t)1 << 25)));
    return s ? -v : v;
}

/* Input k as a constant scalar of a float type, as double. */
static double const_float_in(const Graph *g, const Node *n, int k, const char *what)
{
    const Value *v = &g->values[n->in[k]];
    if (!(v->flags & V_CONST))
        fatal_node(g, n, "%s '%s' must be a constant (shapes are static)", what, vname(v));
    if (!dtype_is_float(v->dtype))
        fatal_node(g, n, "%s '%s' has data type %s; expected float16, bfloat16, float or double", what, vname(v),
                   dtype_name(v->dtype));
    if (value_numel(v) != 1 || v->rank > 1)
        fatal_node(g, n, "%s '%s' has shape %s; expected a scalar", what, vname(v), dims_str(v->dims, v->rank));
    if (v->dtype == DT_F32) {
        float f;
        memcpy(&f, v->data, 4);
        return f;
    }
    if (v->dtype == DT_F64) {
        double d;
        memcpy(&d, v->data, 8);
        return d;
    }
    uint16_t h;
    memcpy(&h, v->data, 2);
    return half_to_double(h, v->dtype == DT_BF16);
}

/* The output_datatype attribute (default float): any numeric type. */
static int out_datatype(const Graph *g, const Node *n)
{
    int64_t dt = attr_int(g, n, "output_datatype", DT_F32);
    if (dt < 0 || dt > DT_BF16 || dt == DT_BOOL || dt == DT_STRING || !ctype((int)dt))
        fatal_node(g, n, "output_datatype %lld is not a numeric type the C backend holds", (long long)dt);
    return (int)dt;
}

static void need_opset(const Graph *g, const Node *n, int since)
{
    if (g->opset < since)
        fatal_node(g, n, "%s is not in opset %lld (it exists since opset %d)", op_info[n->op].name,
                   (long long)g->opset, since);
}

static void need_float(const Graph *g, const Node *n, const Value *x, bool bf16_ok)
{
    if (!dtype_is_float(x->dtype) || (!bf16_ok && x->dtype == DT_BF16))
        fatal_node(g, n, "input '%s' has data type %s; expected float16,%s float or double", vname(x),
                   dtype_name(x->dtype), bf16_ok ? " bfloat16," : "");
}

static bool bool_attr(const Graph *g, const Node *n, const char *name, int64_t def)
{
    int64_t v = attr_int(g, n, name, def);
    if (v != 0 && v != 1)
        fatal_node(g, n, "attribute %s is %lld; expected 0 or 1", name, (long long)v);
    return v != 0;
}

/* ---- inference ------------------------------------------------------------------ */

/* DFT: the transformed axis (non-negative), from the attribute (opset 17-19)
 * or the constant input 2 (opset 20+). */
static int dft_axis(const Graph *g, const Node *n, int rank)
{
    int64_t axis;
    if (g->opset >= 20) {
        if (node_attr(g, n, "axis"))
            fatal_node(g, n, "attribute axis is an input since opset 20");
        axis = has_in(n, 2) ? const_int_in(g, n, 2, "axis") : -2;
    } else {
        if (has_in(n, 2))
            fatal_node(g, n, "DFT has no axis input before opset 20");
        axis = attr_int(g, n, "axis", 1);
    }
    if (axis < -rank || axis > rank - 2)
        fatal_node(g, n, "axis %lld is out of range [%d, %d] for input rank %d", (long long)axis, -rank, rank - 2,
                   rank);
    return (int)(axis < 0 ? axis + rank : axis);
}

/* DFT: the transform length (dft_length, or the axis' extent). */
static int64_t dft_len(const Graph *g, const Node *n, int64_t extent)
{
    if (!has_in(n, 1))
        return extent;
    int64_t len = const_int_in(g, n, 1, "dft_length");
    if (len < 1)
        fatal_node(g, n, "dft_length is %lld; expected at least 1", (long long)len);
    return len;
}

static void infer_window(Graph *g, Node *n)
{
    need_opset(g, n, 17);
    int64_t size = const_int_in(g, n, 0, "size");
    if (size < 1)
        fatal_node(g, n, "window size is %lld; expected at least 1", (long long)size);
    bool_attr(g, n, "periodic", 1);
    set_out(g, n, 0, out_datatype(g, n), 1, &size);
}

static void infer_dft(Graph *g, Node *n)
{
    need_opset(g, n, 17);
    const Value *x = in_val(g, n, 0);
    need_float(g, n, x, true);
    int r = x->rank;
    if (r < 2 || (x->dims[r - 1] != 1 && x->dims[r - 1] != 2))
        fatal_node(g, n, "input '%s' has shape %s; expected [..., 1] (real) or [..., 2] (complex)", vname(x),
                   dims_str(x->dims, r));
    int axis = dft_axis(g, n, r);
    bool_attr(g, n, "inverse", 0);
    bool onesided = bool_attr(g, n, "onesided", 0);
    if (onesided && x->dims[r - 1] == 2)
        fatal_node(g, n, "onesided output is not possible for a complex input '%s'", vname(x));
    int64_t len = dft_len(g, n, x->dims[axis]);
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof od);
    od[axis] = onesided ? len / 2 + 1 : len;
    od[r - 1] = 2;
    set_out(g, n, 0, x->dtype, r, od);
}

static void infer_stft(Graph *g, Node *n)
{
    need_opset(g, n, 17);
    const Value *x = in_val(g, n, 0);
    need_float(g, n, x, true);
    if (x->rank != 3 || (x->dims[2] != 1 && x->dims[2] != 2))
        fatal_node(g, n, "signal '%s' has shape %s; expected [batch, length, 1] or [batch, length, 2]", vname(x),
                   dims_str(x->dims, x->rank));
    int64_t step = const_int_in(g, n, 1, "frame_step");
    if (step < 1)
        fatal_node(g, n, "frame_step is %lld; expected at least 1", (long long)step);
    int64_t flen = -1;
    if (has_in(n, 2)) {
        const Value *w = in_val(g, n, 2);
        if (w->dtype != x->dtype)
            fatal_node(g, n, "window '%s' has data type %s, but the signal has %s", vname(w), dtype_name(w->dtype),
                       dtype_name(x->dtype));
        if (w->rank != 1)
            fatal_node(g, n, "window '%s' has shape %s; expected one dimension", vname(w), dims_str(w->dims, w->rank));
        flen = w->dims[0];
    }
    if (has_in(n, 3)) {
        int64_t fl = const_int_in(g, n, 3, "frame_length");
        if (flen >= 0 && fl != flen)
            fatal_node(g, n, "frame_length %lld differs from the window's length %lld", (long long)fl,
                       (long long)flen);
        flen = fl;
    }
    if (flen < 0)
        fatal_node(g, n, "STFT needs a window or a frame_length");
    if (flen < 1 || flen > x->dims[1])
        fatal_node(g, n, "frame length %lld is not in [1, %lld] (the signal's length)", (long long)flen,
                   (long long)x->dims[1]);
    bool onesided = bool_attr(g, n, "onesided", 1);
    if (onesided && x->dims[2] == 2)
        fatal_node(g, n, "onesided output is not possible for a complex signal '%s' (set onesided=0)", vname(x));
    int64_t od[4] = {x->dims[0], (x->dims[1] - flen) / step + 1, onesided ? flen / 2 + 1 : flen, 2};
    set_out(g, n, 0, x->dtype, 4, od);
}

static void infer_mel(Graph *g, Node *n)
{
    need_opset(g, n, 17);
    int64_t bins = const_int_in(g, n, 0, "num_mel_bins");
    int64_t len = const_int_in(g, n, 1, "dft_length");
    int64_t rate = const_int_in(g, n, 2, "sample_rate");
    double lo = const_float_in(g, n, 3, "lower_edge_hertz");
    double hi = const_float_in(g, n, 4, "upper_edge_hertz");
    if (bins < 1 || len < 1 || rate < 1)
        fatal_node(g, n, "num_mel_bins (%lld), dft_length (%lld) and sample_rate (%lld) must be positive",
                   (long long)bins, (long long)len, (long long)rate);
    if (bins > (int64_t)1 << 31 || len > (int64_t)1 << 31)
        fatal_node(g, n, "num_mel_bins or dft_length is too large");
    if (!(lo >= 0.0 && lo < hi && isfinite(hi)))
        fatal_node(g, n, "edge frequencies %g and %g Hz must satisfy 0 <= lower < upper", lo, hi);
    int64_t od[2] = {len / 2 + 1, bins};
    set_out(g, n, 0, out_datatype(g, n), 2, od);
}

static void infer_det(Graph *g, Node *n)
{
    need_opset(g, n, 11);
    const Value *x = in_val(g, n, 0);
    need_float(g, n, x, g->opset >= 22);
    int r = x->rank;
    if (r < 2 || x->dims[r - 1] != x->dims[r - 2])
        fatal_node(g, n, "input '%s' has shape %s; expected square matrices [..., M, M]", vname(x),
                   dims_str(x->dims, r));
    if (x->dims[r - 1] > DET_MAX_M)
        fatal_node(g, n, "matrices of '%s' are %lld x %lld; at most %d x %d supported", vname(x),
                   (long long)x->dims[r - 1], (long long)x->dims[r - 1], DET_MAX_M, DET_MAX_M);
    set_out(g, n, 0, x->dtype, r - 2, x->dims);
}

void infer_signal(Graph *g, Node *n)
{
    switch (n->op) {
    case OP_HANNWINDOW: case OP_HAMMINGWINDOW: case OP_BLACKMANWINDOW:
        infer_window(g, n);
        break;
    case OP_DFT:
        infer_dft(g, n);
        break;
    case OP_STFT:
        infer_stft(g, n);
        break;
    case OP_MELWEIGHTMATRIX:
        infer_mel(g, n);
        break;
    case OP_DET:
        infer_det(g, n);
        break;
    default:
        fatal_node(g, n, "unsupported operator");
    }
}

/* ---- lowering ------------------------------------------------------------------- */

static void lower_window(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *y = &g->values[n->out[0]];
    int64_t size = y->dims[0];
    int64_t den = attr_int(g, n, "periodic", 1) ? size : size - 1;
    if (den < 1)
        den = 1;
    const char *expr;
    if (n->op == OP_HANNWINDOW)
        expr = "0.5 - 0.5 * cos(t)";
    else if (n->op == OP_HAMMINGWINDOW)
        expr = "25.0 / 46.0 - 21.0 / 46.0 * cos(t)";
    else
        expr = "0.42 - 0.5 * cos(t) + 0.08 * cos(2.0 * t)";
    fprintf(f, "    {\n");
    fprintf(f, "        %s *y = %s;\n", ctype(y->dtype), emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t i;\n");
    fprintf(f, "        for (i = 0; i < %lld; i++) {\n", (long long)size);
    fprintf(f, "            const double t = 2.0 * %s * (double)i / %lld.0;\n", PI_LIT, (long long)den);
    fprintf(f, "            y[i] = %s;\n", store_from_double(a, y->dtype, expr));
    fprintf(f, "        }\n");
    fprintf(f, "    }\n");
}

/* The body of a direct DFT of length N over `m` input samples: accumulates
 * re/im for bin k, the sample t read by the expressions xr/xi (which may
 * use t), twiddle index p = k*t mod N kept exactly. */
static void emit_dft_sum(FILE *f, const char *ind, int64_t N, int64_t m, const char *xr, const char *xi,
                         bool inverse)
{
    fprintf(f, "%sdouble re = 0.0, im = 0.0;\n", ind);
    fprintf(f, "%sint64_t t, p = 0;\n", ind);
    fprintf(f, "%sfor (t = 0; t < %lld; t++) {\n", ind, (long long)m);
    fprintf(f, "%s    const double th = 2.0 * %s * (double)p / %lld.0;\n", ind, PI_LIT, (long long)N);
    fprintf(f, "%s    const double c = cos(th), s = %ssin(th);\n", ind, inverse ? "" : "-");
    fprintf(f, "%s    const double xr = %s;\n", ind, xr);
    if (xi) {
        fprintf(f, "%s    const double xi = %s;\n", ind, xi);
        fprintf(f, "%s    re += xr * c - xi * s;\n", ind);
        fprintf(f, "%s    im += xr * s + xi * c;\n", ind);
    } else {
        fprintf(f, "%s    re += xr * c;\n", ind);
        fprintf(f, "%s    im += xr * s;\n", ind);
    }
    fprintf(f, "%s    p += k;\n", ind);
    fprintf(f, "%s    if (p >= %lld)\n", ind, (long long)N);
    fprintf(f, "%s        p -= %lld;\n", ind, (long long)N);
    fprintf(f, "%s}\n", ind);
}

static void lower_dft(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int r = x->rank, dt = x->dtype;
    int axis = dft_axis(g, n, r);
    bool inverse = attr_int(g, n, "inverse", 0) != 0, cplx = x->dims[r - 1] == 2;
    int64_t L = x->dims[axis], N = dft_len(g, n, L), K = y->dims[axis];
    int64_t m = L < N ? L : N, outer = 1, inner = 1, cin = x->dims[r - 1];
    for (int d = 0; d < axis; d++)
        outer *= x->dims[d];
    for (int d = axis + 1; d < r - 1; d++)
        inner *= x->dims[d];
    const char *T = ctype(dt);
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", T, emit_ref(e, n, n->in[0]));
    fprintf(f, "        %s *y = %s;\n", T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t o, k, i;\n");
    fprintf(f, "        for (o = 0; o < %lld; o++)\n", (long long)outer);
    fprintf(f, "            for (k = 0; k < %lld; k++)\n", (long long)K);
    fprintf(f, "                for (i = 0; i < %lld; i++) {\n", (long long)inner);
    fprintf(f, "                    const %s *xp = x + (o * %lld * %lld + i) * %lld;\n", T, (long long)L,
            (long long)inner, (long long)cin);
    fprintf(f, "                    %s *yp = y + ((o * %lld + k) * %lld + i) * 2;\n", T, (long long)K,
            (long long)inner);
    const char *xr = load_as_double(a, dt, arena_printf(a, "xp[t * %lld]", (long long)(inner * cin)));
    const char *xi = cplx ? load_as_double(a, dt, arena_printf(a, "xp[t * %lld + 1]", (long long)(inner * cin))) : NULL;
    emit_dft_sum(f, "                    ", N, m, xr, xi, inverse);
    const char *sc = inverse ? arena_printf(a, " / %lld.0", (long long)N) : "";
    fprintf(f, "                    yp[0] = %s;\n", store_from_double(a, dt, arena_printf(a, "re%s", sc)));
    fprintf(f, "                    yp[1] = %s;\n", store_from_double(a, dt, arena_printf(a, "im%s", sc)));
    fprintf(f, "                }\n");
    fprintf(f, "    }\n");
}

static void lower_stft(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int dt = x->dtype;
    bool cplx = x->dims[2] == 2, win = has_in(n, 2);
    int64_t B = x->dims[0], L = x->dims[1], cin = x->dims[2];
    int64_t step = const_int_in(g, n, 1, "frame_step");
    int64_t F = y->dims[1], K = y->dims[2];
    int64_t N = win ? g->values[n->in[2]].dims[0] : const_int_in(g, n, 3, "frame_length");
    const char *T = ctype(dt);
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", T, emit_ref(e, n, n->in[0]));
    if (win)
        fprintf(f, "        const %s *w = %s;\n", T, emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n", T, emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t b, fr, k;\n");
    fprintf(f, "        for (b = 0; b < %lld; b++)\n", (long long)B);
    fprintf(f, "            for (fr = 0; fr < %lld; fr++)\n", (long long)F);
    fprintf(f, "                for (k = 0; k < %lld; k++) {\n", (long long)K);
    fprintf(f, "                    const %s *xp = x + (b * %lld + fr * %lld) * %lld;\n", T, (long long)L,
            (long long)step, (long long)cin);
    fprintf(f, "                    %s *yp = y + ((b * %lld + fr) * %lld + k) * 2;\n", T, (long long)F,
            (long long)K);
    const char *wt = win ? arena_printf(a, " * %s", load_as_double(a, dt, "w[t]")) : "";
    const char *xr = arena_printf(a, "%s%s", load_as_double(a, dt, arena_printf(a, "xp[t * %lld]", (long long)cin)),
                                  wt);
    const char *xi =
        cplx ? arena_printf(a, "%s%s", load_as_double(a, dt, arena_printf(a, "xp[t * %lld + 1]", (long long)cin)), wt)
             : NULL;
    emit_dft_sum(f, "                    ", N, N, xr, xi, false);
    fprintf(f, "                    yp[0] = %s;\n", store_from_double(a, dt, "re"));
    fprintf(f, "                    yp[1] = %s;\n", store_from_double(a, dt, "im"));
    fprintf(f, "                }\n");
    fprintf(f, "    }\n");
}

static void lower_mel(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *y = &g->values[n->out[0]];
    int dt = y->dtype;
    int64_t nb = const_int_in(g, n, 0, "num_mel_bins"), len = const_int_in(g, n, 1, "dft_length");
    int64_t rate = const_int_in(g, n, 2, "sample_rate"), S = y->dims[0];
    double lo = const_float_in(g, n, 3, "lower_edge_hertz"), hi = const_float_in(g, n, 4, "upper_edge_hertz");
    /* The edges' mel values in the edges' own precision (float unless double). */
    bool dbl = g->values[n->in[3]].dtype == DT_F64 && g->values[n->in[4]].dtype == DT_F64;
    const char *M = dbl ? "double" : "float";
    const char *lg = dbl ? "log10" : "log10f";
    const char *sf = dbl ? "" : "f";
    fprintf(f, "    {\n");
    fprintf(f, "        %s *y = %s;\n", ctype(dt), emit_ref(e, n, n->out[0]));
    fprintf(f, "        const %s lm = 2595.0%s * %s(1.0%s + %s / 700.0%s);\n", M, sf, lg, sf,
            dbl ? emit_dlit(e, lo) : emit_flit(e, (float)lo), sf);
    fprintf(f, "        const %s hm = 2595.0%s * %s(1.0%s + %s / 700.0%s);\n", M, sf, lg, sf,
            dbl ? emit_dlit(e, hi) : emit_flit(e, (float)hi), sf);
    fprintf(f, "        const %s st = (hm - lm) / (%s)%lld;\n", M, M, (long long)(nb + 2));
    fprintf(f, "        int64_t i, j, b0, b1, b2;\n");
    fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)(S * nb));
    fprintf(f, "            y[i] = %s;\n", store_from_double(a, dt, "0.0"));
    const char *bin = "(int64_t)floor(%lld.0 * (700.0 * (pow(10.0, ((double)(%s) * (double)st + (double)lm) / "
                      "2595.0) - 1.0)) / %lld.0)";
    fprintf(f, "        b0 = ");
    fprintf(f, bin, (long long)(len + 1), "0", (long long)rate);
    fprintf(f, ";\n        b1 = ");
    fprintf(f, bin, (long long)(len + 1), "1", (long long)rate);
    fprintf(f, ";\n");
    fprintf(f, "        for (i = 0; i < %lld; i++) {\n", (long long)nb);
    fprintf(f, "            b2 = ");
    fprintf(f, bin, (long long)(len + 1), "i + 2", (long long)rate);
    fprintf(f, ";\n");
    fprintf(f, "            if (b1 == b0) {\n");
    fprintf(f, "                if (b1 >= 0 && b1 < %lld)\n", (long long)S);
    fprintf(f, "                    y[b1 * %lld + i] = %s;\n", (long long)nb, store_from_double(a, dt, "1.0"));
    fprintf(f, "            } else {\n");
    fprintf(f, "                for (j = b0; j <= b1; j++)\n");
    fprintf(f, "                    if (j >= 0 && j < %lld)\n", (long long)S);
    fprintf(f, "                        y[j * %lld + i] = %s;\n", (long long)nb,
            store_from_double(a, dt, "(double)(j - b0) / (double)(b1 - b0)"));
    fprintf(f, "            }\n");
    fprintf(f, "            for (j = b1; j < b2; j++)\n");
    fprintf(f, "                if (j >= 0 && j < %lld)\n", (long long)S);
    fprintf(f, "                    y[j * %lld + i] = %s;\n", (long long)nb,
            store_from_double(a, dt, "(double)(b2 - j) / (double)(b2 - b1)"));
    fprintf(f, "            b0 = b1;\n");
    fprintf(f, "            b1 = b2;\n");
    fprintf(f, "        }\n");
    fprintf(f, "    }\n");
}

static void lower_det(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]];
    int dt = x->dtype;
    int64_t M = x->dims[x->rank - 1], B = value_numel(&g->values[n->out[0]]), MM = M * M;
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", ctype(dt), emit_ref(e, n, n->in[0]));
    fprintf(f, "        %s *y = %s;\n", ctype(dt), emit_ref(e, n, n->out[0]));
    fprintf(f, "        double m[%lld];\n", (long long)MM);
    fprintf(f, "        int64_t b, i, j, k;\n");
    fprintf(f, "        for (b = 0; b < %lld; b++) {\n", (long long)B);
    fprintf(f, "            double det = 1.0;\n");
    fprintf(f, "            for (i = 0; i < %lld; i++)\n", (long long)MM);
    fprintf(f, "                m[i] = %s;\n",
            load_as_double(a, dt, arena_printf(a, "x[b * %lld + i]", (long long)MM)));
    fprintf(f, "            for (k = 0; k < %lld; k++) {\n", (long long)M);
    fprintf(f, "                int64_t p = k;\n");
    fprintf(f, "                double best = fabs(m[k * %lld + k]);\n", (long long)M);
    fprintf(f, "                for (i = k + 1; i < %lld; i++)\n", (long long)M);
    fprintf(f, "                    if (fabs(m[i * %lld + k]) > best) {\n", (long long)M);
    fprintf(f, "                        best = fabs(m[i * %lld + k]);\n", (long long)M);
    fprintf(f, "                        p = i;\n");
    fprintf(f, "                    }\n");
    fprintf(f, "                if (best == 0.0) {\n");
    fprintf(f, "                    det = 0.0;\n");
    fprintf(f, "                    break;\n");
    fprintf(f, "                }\n");
    fprintf(f, "                if (p != k) {\n");
    fprintf(f, "                    for (j = 0; j < %lld; j++) {\n", (long long)M);
    fprintf(f, "                        const double s = m[k * %lld + j];\n", (long long)M);
    fprintf(f, "                        m[k * %lld + j] = m[p * %lld + j];\n", (long long)M, (long long)M);
    fprintf(f, "                        m[p * %lld + j] = s;\n", (long long)M);
    fprintf(f, "                    }\n");
    fprintf(f, "                    det = -det;\n");
    fprintf(f, "                }\n");
    fprintf(f, "                det *= m[k * %lld + k];\n", (long long)M);
    fprintf(f, "                for (i = k + 1; i < %lld; i++) {\n", (long long)M);
    fprintf(f, "                    const double r = m[i * %lld + k] / m[k * %lld + k];\n", (long long)M,
            (long long)M);
    fprintf(f, "                    for (j = k + 1; j < %lld; j++)\n", (long long)M);
    fprintf(f, "                        m[i * %lld + j] -= r * m[k * %lld + j];\n", (long long)M, (long long)M);
    fprintf(f, "                }\n");
    fprintf(f, "            }\n");
    fprintf(f, "            y[b] = %s;\n", store_from_double(a, dt, "det"));
    fprintf(f, "        }\n");
    fprintf(f, "    }\n");
}

void lower_signal(Emitter *e, const Node *n, FILE *f)
{
    switch (n->op) {
    case OP_HANNWINDOW: case OP_HAMMINGWINDOW: case OP_BLACKMANWINDOW:
        lower_window(e, n, f);
        break;
    case OP_DFT:
        lower_dft(e, n, f);
        break;
    case OP_STFT:
        lower_stft(e, n, f);
        break;
    case OP_MELWEIGHTMATRIX:
        lower_mel(e, n, f);
        break;
    case OP_DET:
        lower_det(e, n, f);
        break;
    default:
        fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
    }
}
