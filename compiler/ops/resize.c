/* ops/resize.c — Resize (opsets 10 to 18) and Upsample (7 to 9).
 *
 * Shapes, scales, sizes and roi are compile-time constants, so the source
 * taps and weights of every output coordinate along each axis are computed
 * here, in double precision and in the order of the ONNX reference
 * implementation (the backend tests' interpolate_nd), and written into the
 * generated code as static tables.  The generated loop sums, for each output
 * element, the product of the axes' weights times the input element at the
 * sum of the axes' offsets.  An axis whose every output reads one input with
 * weight 1 (nearest, a scale-1 axis) has no weights, and one whose output i
 * reads input i has no table at all.  Nearest copies elements (any type);
 * linear and cubic compute in double and store float types rounded and
 * integer types truncated (saturated) as the reference's astype does.
 * Float linear and cubic over the last two axes (DeepLabV3's upsampling)
 * call the runtime's separable kernel instead (resize2d_fits).
 *
 * Opsets up to 10 (Upsample, Resize-10) map coordinates asymmetrically and
 * round nearest down when upsampling and up when downsampling (onnxruntime's
 * behaviour, which the backend tests of those opsets follow). */
#include "onnxcc.h"

#include <math.h>
#include <string.h>

enum { M_NEAREST, M_LINEAR, M_CUBIC };
enum { CT_HALF_PIXEL, CT_HALF_PIXEL_SYM, CT_PYTORCH, CT_ALIGN, CT_ASYM, CT_TF_CROP, CT_TF_NN };
enum { NM_PREFER_FLOOR, NM_PREFER_CEIL, NM_FLOOR, NM_CEIL, NM_SIMPLE };

#define MAX_TABLE ((int64_t)1 << 20) /* table entries of one axis */

typedef struct {
    int rank;
    int64_t in[MAX_RANK], out[MAX_RANK];
    double scale[MAX_RANK];
    double roi0[MAX_RANK], roilen[MAX_RANK]; /* tf_crop_and_resize: start, end - start */
    int mode, ctm, nearest;
    double cubic_a, extrap;
    bool exclude, antialias;
} Params;

/* Index of s in names[], or fatal naming the attribute. */
static int pick(const Graph *g, const Node *n, const char *attr, const char *s, const char *const *names,
                int count)
{
    for (int i = 0; i < count; i++)
        if (names[i] && !strcmp(s, names[i]))
            return i;
    fatal_node(g, n, "%s '%s' is not supported", attr, printable(s));
}

static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 31, m = h & 1023;
    float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m | 1024), e - 25);
    return h & 0x8000 ? -v : v;
}

/* Input k as constant floating-point numbers (float32, float64 or float16);
 * 0 if omitted or empty.  *single: the values are float32 (or float16). */
static int const_reals(const Graph *g, const Node *n, int k, double *out, int cap, bool *single)
{
    if (!has_in(n, k))
        return 0;
    const Value *v = &g->values[n->in[k]];
    if (!(v->flags & V_CONST)) {
        if (v->rank >= 0 && value_numel(v) == 0)
            return 0;
        fatal_node(g, n, "input '%s' must be a constant", vname(v));
    }
    int64_t cnt = value_numel(v);
    if (cnt < 0 || cnt > cap)
        fatal_node(g, n, "input '%s' has %lld elements, at most %d supported", vname(v), (long long)cnt, cap);
    *single = v->dtype != DT_F64;
    for (int64_t i = 0; i < cnt; i++) {
        const char *p = (const char *)v->data;
        if (v->dtype == DT_F32) {
            float x;
            memcpy(&x, p + 4 * i, 4);
            out[i] = x;
        } else if (v->dtype == DT_F64) {
            memcpy(&out[i], p + 8 * i, 8);
        } else if (v->dtype == DT_F16) {
            uint16_t x;
            memcpy(&x, p + 2 * i, 2);
            out[i] = half_to_float(x);
        } else {
            fatal_node(g, n, "input '%s' must be float, not %s", vname(v), dtype_name(v->dtype));
        }
    }
    return (int)cnt;
}

/* The number of elements of input k: 0 if omitted or empty. */
static int64_t in_count(const Graph *g, const Node *n, int k)
{
    if (!has_in(n, k))
        return 0;
    const Value *v = &g->values[n->in[k]];
    return v->rank >= 0 ? value_numel(v) : -1;
}

/* Everything the lowering needs, from the attributes and constant inputs;
 * checks them all. */
static void resize_params(const Graph *g, const Node *n, Params *p)
{
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    static const char *const ctms[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                                       "align_corners", "asymmetric", "tf_crop_and_resize",
                                       "tf_half_pixel_for_nn"};
    static const char *const nms[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    const Value *x = in_val(g, n, 0);
    int r = x->rank;
    memset(p, 0, sizeof *p);
    p->rank = r;
    if (r < 1)
        fatal_node(g, n, "input '%s' is a scalar; %s needs rank 1 or more", vname(x), op_info[n->op].name);
    for (int d = 0; d < r; d++) {
        p->in[d] = x->dims[d];
        p->roilen[d] = 1;
    }
    bool old = n->op == OP_UPSAMPLE || g->opset < 11;
    const char *ms = attr_str(g, n, "mode", "nearest");
    if (old && !strcmp(ms, "bilinear")) /* Upsample-7's spelling of linear */
        ms = "linear";
    p->mode = pick(g, n, "mode", ms, modes, old ? 2 : 3);
    p->ctm = CT_ASYM;
    p->nearest = NM_SIMPLE;
    p->cubic_a = -0.75;
    if (!old) {
        p->ctm = pick(g, n, "coordinate_transformation_mode",
                      attr_str(g, n, "coordinate_transformation_mode", "half_pixel"), ctms, 7);
        if (p->ctm == CT_TF_NN && g->opset >= 13)
            fatal_node(g, n, "coordinate_transformation_mode 'tf_half_pixel_for_nn' was removed in opset 13");
        p->nearest = pick(g, n, "nearest_mode", attr_str(g, n, "nearest_mode", "round_prefer_floor"), nms, 4);
        p->cubic_a = attr_float(g, n, "cubic_coeff_a", -0.75f);
        int64_t ex = attr_int(g, n, "exclude_outside", 0);
        if (ex != 0 && ex != 1)
            fatal_node(g, n, "exclude_outside is %lld, must be 0 or 1", (long long)ex);
        p->exclude = ex == 1;
        p->extrap = attr_float(g, n, "extrapolation_value", 0.0f);
        int64_t aa = attr_int(g, n, "antialias", 0);
        if (aa != 0 && aa != 1)
            fatal_node(g, n, "antialias is %lld, must be 0 or 1", (long long)aa);
        p->antialias = aa == 1 && p->mode != M_NEAREST;
    }

    /* The resized axes (opset 18), in the order of scales/sizes/roi. */
    int naxes = r;
    int64_t axes[MAX_RANK];
    const int64_t *av;
    int na = old ? -1 : attr_ints(g, n, "axes", &av);
    if (na >= 0) {
        if (na < 1 || na > r)
            fatal_node(g, n, "axes has %d values for rank %d", na, r);
        naxes = na;
        for (int i = 0; i < na; i++) {
            axes[i] = norm_axis(g, n, av[i], r, false);
            for (int j = 0; j < i; j++)
                if (axes[j] == axes[i])
                    fatal_node(g, n, "axis %lld appears twice in axes", (long long)av[i]);
        }
    } else {
        for (int i = 0; i < r; i++)
            axes[i] = i;
    }

    /* scales or sizes */
    double sc[MAX_RANK];
    int64_t sz[MAX_RANK];
    int nsc = 0, nsz = 0;
    bool single = true;
    if (n->op == OP_UPSAMPLE && g->opset < 9) {
        const Attr *a = node_attr(g, n, "scales");
        if (!a || a->kind != ATTR_FLOATS)
            fatal_node(g, n, "attribute scales (floats) is missing");
        if (a->n != r)
            fatal_node(g, n, "scales has %d values for rank %d", a->n, r);
        for (int i = 0; i < r; i++)
            sc[i] = a->floats[i];
        nsc = r;
    } else {
        int k = old ? 1 : 2;
        if (old && !has_in(n, 1))
            fatal_node(g, n, "input 1 (scales) is missing");
        nsc = const_reals(g, n, k, sc, MAX_RANK, &single);
        if (!old && in_count(g, n, 3) != 0) {
            if (nsc)
                fatal_node(g, n, "scales and sizes are both given; only one may be");
            nsz = const_ints(g, n, n->in[3], sz, MAX_RANK);
        }
    }
    if (!nsc && !nsz)
        fatal_node(g, n, "neither scales nor sizes is given");
    if ((nsc ? nsc : nsz) != naxes)
        fatal_node(g, n, "%s has %d values, expected %d", nsc ? "scales" : "sizes", nsc ? nsc : nsz, naxes);
    for (int d = 0; d < r; d++) {
        p->scale[d] = 1;
        p->out[d] = p->in[d];
    }
    if (nsc) {
        for (int i = 0; i < naxes; i++) {
            int d = (int)axes[i];
            if (!(sc[i] > 0) || sc[i] > 1e9)
                fatal_node(g, n, "scales[%d] is %g; must be positive", i, sc[i]);
            double o = floor(sc[i] * (double)p->in[d]);
            if (o < 1)
                fatal_node(g, n, "scales[%d] %g makes axis %d (size %lld) empty", i, sc[i], d, (long long)p->in[d]);
            if (o > (double)MAX_ELEMS)
                fatal_node(g, n, "scales[%d] %g makes axis %d (size %lld) larger than %lld", i, sc[i], d,
                           (long long)p->in[d], (long long)MAX_ELEMS);
            p->scale[d] = sc[i];
            p->out[d] = (int64_t)o;
        }
    } else {
        for (int i = 0; i < naxes; i++)
            if (sz[i] < 1 || sz[i] > MAX_ELEMS)
                fatal_node(g, n, "sizes[%d] is %lld; must be positive", i, (long long)sz[i]);
        static const char *const kps[] = {"stretch", "not_larger", "not_smaller"};
        int kp = old ? 0 : pick(g, n, "keep_aspect_ratio_policy",
                                attr_str(g, n, "keep_aspect_ratio_policy", "stretch"), kps, 3);
        double s = 0;
        for (int i = 0; i < naxes; i++) {
            int d = (int)axes[i];
            double si = (double)sz[i] / (double)p->in[d];
            if (i == 0 || (kp == 1 && si < s) || (kp == 2 && si > s))
                s = si;
            p->scale[d] = si;
            p->out[d] = sz[i];
        }
        if (kp)
            for (int i = 0; i < naxes; i++) {
                int d = (int)axes[i];
                p->scale[d] = s;
                p->out[d] = (int64_t)(s * (double)p->in[d] + 0.5);
            }
    }

    if (p->ctm == CT_TF_CROP) {
        double roi[2 * MAX_RANK];
        bool rs = true;
        int nr = const_reals(g, n, 1, roi, 2 * MAX_RANK, &rs);
        if (nr != 2 * naxes)
            fatal_node(g, n, "tf_crop_and_resize needs roi with %d values, not %d", 2 * naxes, nr);
        for (int i = 0; i < naxes; i++) {
            int d = (int)axes[i];
            p->roi0[d] = roi[i];
            p->roilen[d] = rs ? (double)(float)(roi[naxes + i] - roi[i]) : roi[naxes + i] - roi[i];
        }
    }
}

/* Taps of one axis: output i reads inputs idx[i*T .. i*T+T-1] with
 * weights w[...], or extrapolation_value if oob[i]. */
typedef struct {
    int T;
    int64_t *idx;
    double *w;
    bool *oob;
    bool any_oob, weighted, identity;
} Axis;

/* The input coordinate of output coordinate xo along axis d. */
static double x_original(const Params *p, int d, int64_t xo, bool *oob)
{
    double in = (double)p->in[d], s = p->scale[d], ow = s * in, x = (double)xo;
    *oob = false;
    switch (p->ctm) {
    case CT_ALIGN:
        return ow == 1 ? 0 : x * (in - 1) / (ow - 1);
    case CT_ASYM:
        return x / s;
    case CT_TF_CROP: {
        double v = ow == 1 ? p->roilen[d] * (in - 1) / 2 : x * p->roilen[d] * (in - 1) / (ow - 1);
        v += p->roi0[d] * (in - 1);
        *oob = v < 0 || v > in - 1;
        return v;
    }
    case CT_PYTORCH: /* the spec and onnxruntime: 0 (the reference's -0.5 gives
                      * the same linear result but not the same cubic one) */
        return p->out[d] == 1 ? 0 : (x + 0.5) / s - 0.5;
    case CT_HALF_PIXEL_SYM: {
        double adjustment = (double)p->out[d] / ow, center = in / 2, offset = center * (1 - adjustment);
        return offset + (x + 0.5) / s - 0.5;
    }
    case CT_TF_NN:
        return (x + 0.5) / s;
    default:
        return (x + 0.5) / s - 0.5;
    }
}

static double cubic_w(double x, double A)
{
    x = fabs(x);
    double x2 = x * x, x3 = x * x2;
    if (x <= 1)
        return (A + 2) * x3 - (A + 3) * x2 + 1;
    if (x < 2)
        return A * x3 - 5 * A * x2 + 8 * A * x - 4 * A;
    return 0;
}

/* The interpolation coefficients c[0..] at `ratio` (in (0, 1]) for the
 * inputs base-n/2+1 .. base+n/2; returns n. */
static int coeffs(const Params *p, double ratio, double s, double *c, int cap)
{
    double A = p->cubic_a;
    if (!p->antialias) {
        if (p->mode == M_LINEAR) {
            c[0] = 1 - ratio;
            c[1] = ratio;
            return 2;
        }
        c[0] = ((A * (ratio + 1) - 5 * A) * (ratio + 1) + 8 * A) * (ratio + 1) - 4 * A;
        c[1] = ((A + 2) * ratio - (A + 3)) * ratio * ratio + 1;
        c[2] = ((A + 2) * (1 - ratio) - (A + 3)) * (1 - ratio) * (1 - ratio) + 1;
        c[3] = ((A * ((1 - ratio) + 1) - 5 * A) * ((1 - ratio) + 1) + 8 * A) * ((1 - ratio) + 1) - 4 * A;
        return 4;
    }
    s = s < 1 ? s : 1;
    int64_t start = (int64_t)floor((p->mode == M_LINEAR ? -1 : -2) / s) + 1;
    int cnt = (int)(2 - 2 * start);
    assert(cnt <= cap);
    (void)cap;
    double sum = 0;
    for (int j = 0; j < cnt; j++) {
        double arg = ((double)(start + j) - ratio) * s;
        if (p->mode == M_LINEAR) {
            double v = 1 - fabs(arg);
            c[j] = v < 0 ? 0 : v > 1 ? 1 : v;
        } else {
            c[j] = cubic_w(arg, A);
        }
        sum += c[j];
    }
    for (int j = 0; j < cnt; j++)
        c[j] /= sum;
    return cnt;
}

/* Taps of axis d (arena memory). */
static void axis_taps(const Graph *g, const Node *n, const Params *p, int d, Axis *ax)
{
    Arena *a = (Arena *)&g->arena;
    int64_t O = p->out[d], I = p->in[d];
    double s = p->scale[d];
    int cap = 4;
    if (p->antialias && s < 1) {
        double foot = 2 * ceil((p->mode == M_LINEAR ? 1 : 2) / s) + 2;
        if (foot * (double)O > (double)MAX_TABLE)
            fatal_node(g, n, "antialiasing axis %d from %lld to %lld needs more than %lld taps", d,
                       (long long)I, (long long)O, (long long)MAX_TABLE);
        cap = (int)foot;
    }
    if ((double)O * cap > (double)MAX_TABLE)
        fatal_node(g, n, "axis %d of the output has %lld elements, at most %lld supported", d, (long long)O,
                   (long long)(MAX_TABLE / cap));
    int64_t *idx = arena_alloc(a, (size_t)(O * cap) * sizeof *idx);
    double *w = arena_alloc(a, (size_t)(O * cap) * sizeof *w);
    int *cnt = arena_alloc(a, (size_t)O * sizeof *cnt);
    double *c = arena_alloc(a, (size_t)cap * sizeof *c);
    ax->oob = arena_alloc(a, (size_t)O * sizeof *ax->oob);
    ax->any_oob = false;
    int T = 1;
    for (int64_t xo = 0; xo < O; xo++) {
        bool oob;
        double xr = x_original(p, d, xo, &oob);
        int64_t *ix = idx + xo * cap;
        double *wx = w + xo * cap;
        if (oob) {
            ax->oob[xo] = ax->any_oob = true;
            cnt[xo] = 0;
            continue;
        }
        double fl = floor(xr);
        if (p->mode == M_NEAREST) {
            int64_t k;
            if (p->nearest == NM_SIMPLE) {
                k = (int64_t)(s < 1 ? ceil(xr) : fl);
            } else if (xr == fl) {
                k = (int64_t)fl;
            } else {
                double ratio = xr - fl;
                bool right = p->nearest == NM_PREFER_FLOOR ? ratio > 0.5
                           : p->nearest == NM_PREFER_CEIL  ? ratio >= 0.5
                                                           : p->nearest == NM_CEIL;
                k = (int64_t)fl + right;
            }
            ix[0] = k < 0 ? 0 : k >= I ? I - 1 : k;
            wx[0] = 1;
            cnt[xo] = 1;
            continue;
        }
        int64_t base = (int64_t)fl;
        double ratio = xr - fl;
        if (xr == fl) {
            base--;
            ratio = 1;
        }
        int nc = coeffs(p, ratio, s, c, cap);
        int64_t first = base - nc / 2 + 1;
        if (p->exclude) {
            double sum = 0;
            for (int j = 0; j < nc; j++) {
                if (first + j < 0 || first + j >= I)
                    c[j] = 0;
                sum += c[j];
            }
            for (int j = 0; j < nc; j++)
                c[j] /= sum;
        }
        int m = 0;
        for (int j = 0; j < nc; j++) {
            if (c[j] == 0)
                continue;
            int64_t k = first + j;
            ix[m] = k < 0 ? 0 : k >= I ? I - 1 : k;
            wx[m++] = c[j];
        }
        cnt[xo] = m;
        if (m > T)
            T = m;
    }
    /* Packed to T taps per output; padding taps read input 0 with weight 0. */
    ax->T = T;
    ax->idx = arena_alloc(a, (size_t)(O * T) * sizeof *ax->idx);
    ax->w = arena_alloc(a, (size_t)(O * T) * sizeof *ax->w);
    ax->weighted = false;
    ax->identity = !ax->any_oob && O == I;
    for (int64_t xo = 0; xo < O; xo++)
        for (int t = 0; t < T; t++) {
            bool real = t < cnt[xo];
            ax->idx[xo * T + t] = real ? idx[xo * cap + t] : 0;
            ax->w[xo * T + t] = real ? w[xo * cap + t] : 0;
            if (ax->w[xo * T + t] != 1 || T > 1)
                ax->weighted = true;
            if (!real || ax->idx[xo * T + t] != xo)
                ax->identity = false;
        }
    if (ax->weighted)
        ax->identity = false;
}

/* ---- inference ------------------------------------------------------------ */

void infer_resize(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0);
    if (!ctype(x->dtype))
        fatal_node(g, n, "input '%s' has data type %s; not supported", vname(x), dtype_name(x->dtype));
    Params p;
    resize_params(g, n, &p);
    /* Integer linear/cubic results are exact integers computed with rounding
     * errors that runtimes truncate differently: refused rather than off by one. */
    if (p.mode != M_NEAREST && !dtype_is_float(x->dtype))
        fatal_node(g, n, "input '%s' has data type %s; %s mode is supported for float types only", vname(x),
                   dtype_name(x->dtype), p.mode == M_LINEAR ? "linear" : "cubic");
    set_out(g, n, 0, x->dtype, p.rank, p.out);
}

/* ---- lowering --------------------------------------------------------------- */

/* A static table of the generated code, a few numbers a line. */
static void table_i64(FILE *f, const char *name, int d, const int64_t *v, int64_t cnt, int64_t mul)
{
    fprintf(f, "        static const int64_t %s%d[%lld] = {", name, d, (long long)cnt);
    for (int64_t i = 0; i < cnt; i++)
        fprintf(f, "%s%lld", i == 0 ? "" : i % 16 ? ", " : ",\n            ", (long long)(v[i] * mul));
    fprintf(f, "};\n");
}

/* The C expression storing double `x` into an element of type dt: float
 * types rounded, integers truncated toward zero and saturated. */
static const char *store_double(Arena *a, int dt, const char *x)
{
    if (dtype_is_float(dt))
        return dt == DT_F64 ? x : store_expr(a, dt, arena_printf(a, "(float)(%s)", x));
    static const struct { int dt; const char *lo, *hi, *tlo, *thi; } lim[] = {
        {DT_I8, "-128.0", "127.0", "INT8_MIN", "INT8_MAX"},
        {DT_I16, "-32768.0", "32767.0", "INT16_MIN", "INT16_MAX"},
        {DT_I32, "-2147483648.0", "2147483647.0", "INT32_MIN", "INT32_MAX"},
        {DT_I64, "-9223372036854775808.0", "9223372036854775808.0", "INT64_MIN", "INT64_MAX"},
        {DT_U8, "0.0", "255.0", "0", "UINT8_MAX"},
        {DT_U16, "0.0", "65535.0", "0", "UINT16_MAX"},
        {DT_U32, "0.0", "4294967295.0", "0", "UINT32_MAX"},
        {DT_U64, "0.0", "18446744073709551616.0", "0", "UINT64_MAX"},
    };
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (lim[i].dt == dt)
            return arena_printf(a, "(%s <= %s ? (%s)%s : %s >= %s ? (%s)%s : (%s)%s)", x, lim[i].lo, ctype(dt),
                                lim[i].tlo, x, lim[i].hi, ctype(dt), lim[i].thi, ctype(dt), x);
    assert(0);
    return x;
}

/* Float linear or cubic over the last two axes only (every leading axis
 * the identity, no extrapolated output, at most 4 row taps): the runtime's
 * separable kernel onnxcc_f32_resize2d, float sums over the same tables
 * rounded to float, split over the runtime's threads. */
static bool resize2d_fits(const Params *p, const Axis *ax, int dt)
{
    const int r = p->rank;
    if (dt != DT_F32 || r < 2 || !ax[r - 2].weighted || !ax[r - 1].weighted || ax[r - 2].T > 4)
        return false;
    for (int d = 0; d < r; d++)
        if (ax[d].any_oob || (d < r - 2 && !ax[d].identity) || p->in[d] > INT32_MAX || p->out[d] > INT32_MAX)
            return false;
    return true;
}

static void table_resize2d(Emitter *e, FILE *f, int d, const Params *p, const Axis *A)
{
    const int64_t cnt = p->out[d] * A->T;
    fprintf(f, "        static const int32_t rz_fi%d[%lld] = {", d, (long long)cnt);
    for (int64_t i = 0; i < cnt; i++)
        fprintf(f, "%s%lld", i == 0 ? "" : i % 16 ? ", " : ",\n            ", (long long)A->idx[i]);
    fprintf(f, "};\n        static const float rz_fw%d[%lld] = {", d, (long long)cnt);
    for (int64_t i = 0; i < cnt; i++)
        fprintf(f, "%s%s", i == 0 ? "" : i % 6 ? ", " : ",\n            ", emit_flit(e, (float)A->w[i]));
    fprintf(f, "};\n");
}

static void lower_resize_node(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    Params p;
    resize_params(g, n, &p);
    const Value *xv = in_val(g, n, 0);
    int dt = xv->dtype, r = p.rank;
    int64_t st[MAX_RANK];
    dense_strides_of(xv, st);
    Axis ax[MAX_RANK];
    bool weighted = false, any_oob = false;
    for (int d = 0; d < r; d++) {
        axis_taps(g, n, &p, d, &ax[d]);
        weighted |= ax[d].weighted;
        any_oob |= ax[d].any_oob;
    }
    fprintf(f, "    {\n        const %s *x = %s;\n", ctype(dt), emit_ref(e, n, n->in[0]));
    fprintf(f, "        %s *y = %s;\n", ctype(dt), emit_ref(e, n, n->out[0]));
    if (resize2d_fits(&p, ax, dt)) {
        int64_t planes = 1;
        for (int d = 0; d < r - 2; d++)
            planes *= p.out[d];
        table_resize2d(e, f, r - 2, &p, &ax[r - 2]);
        table_resize2d(e, f, r - 1, &p, &ax[r - 1]);
        fprintf(f, "        onnxcc_f32_resize2d(%lld, %lld, %lld, %lld, %lld, %d, rz_fi%d, rz_fw%d, %d, rz_fi%d, rz_fw%d, x, y);\n    }\n",
                (long long)planes, (long long)p.in[r - 2], (long long)p.in[r - 1], (long long)p.out[r - 2],
                (long long)p.out[r - 1], ax[r - 2].T, r - 2, r - 2, ax[r - 1].T, r - 1, r - 1);
        return;
    }
    for (int d = 0; d < r; d++) {
        const Axis *A = &ax[d];
        int64_t cnt = p.out[d] * A->T;
        if (!A->identity)
            table_i64(f, "rz_ix", d, A->idx, cnt, st[d]);
        if (A->weighted) {
            fprintf(f, "        static const double rz_w%d[%lld] = {", d, (long long)cnt);
            for (int64_t i = 0; i < cnt; i++)
                fprintf(f, "%s%s", i == 0 ? "" : i % 6 ? ", " : ",\n            ", emit_dlit(e, A->w[i]));
            fprintf(f, "};\n");
        }
        if (A->any_oob) {
            fprintf(f, "        static const uint8_t rz_ob%d[%lld] = {", d, (long long)p.out[d]);
            for (int64_t i = 0; i < p.out[d]; i++)
                fprintf(f, "%s%d", i == 0 ? "" : i % 16 ? ", " : ",\n            ", (int)A->oob[i]);
            fprintf(f, "};\n");
        }
    }
    fprintf(f, "        int64_t o = 0");
    for (int d = 0; d < r; d++) {
        if (p.out[d] > 1)
            fprintf(f, ", i%d", d);
        if (ax[d].weighted && ax[d].T > 1)
            fprintf(f, ", t%d", d);
    }
    fprintf(f, ";\n");
    int ind = 8;
    for (int d = 0; d < r; d++)
        if (p.out[d] > 1) {
            fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)\n", ind, "", d, d, (long long)p.out[d], d);
            ind += 4;
        }
    fprintf(f, "%*s{\n", ind, "");
    ind += 4;
    /* pos[d]: the output coordinate along d; off: the offset of the
     * unweighted axes' input */
    const char *pos[MAX_RANK], *off = NULL;
    for (int d = 0; d < r; d++) {
        pos[d] = p.out[d] > 1 ? arena_printf(a, "i%d", d) : "0";
        const char *term = NULL;
        if (ax[d].weighted)
            continue;
        if (ax[d].identity)
            term = p.out[d] > 1 ? (st[d] == 1 ? pos[d] : arena_printf(a, "%s * %lld", pos[d], (long long)st[d])) : NULL;
        else
            term = arena_printf(a, "rz_ix%d[%s]", d, pos[d]);
        if (term)
            off = off ? arena_printf(a, "%s + %s", off, term) : term;
    }
    if (any_oob) {
        const char *cond = NULL;
        for (int d = 0; d < r; d++)
            if (ax[d].any_oob) {
                const char *c = arena_printf(a, "rz_ob%d[%s]", d, pos[d]);
                cond = cond ? arena_printf(a, "%s || %s", cond, c) : c;
            }
        fprintf(f, "%*sif (%s) {\n", ind, "", cond);
        fprintf(f, "%*sy[o++] = %s;\n", ind + 4, "", store_double(a, dt, emit_dlit(e, p.extrap)));
        fprintf(f, "%*s} else {\n", ind, "");
        ind += 4;
    }
    if (!weighted) {
        fprintf(f, "%*sy[o++] = x[%s];\n", ind, "", off ? off : "0");
    } else {
        fprintf(f, "%*sdouble acc = 0;\n", ind, "");
        int ind2 = ind;
        const char *wexpr = NULL, *ix = off;
        for (int d = 0; d < r; d++) {
            if (!ax[d].weighted)
                continue;
            int T = ax[d].T;
            const char *k = T > 1 ? (p.out[d] > 1 ? arena_printf(a, "i%d * %d + t%d", d, T, d) : arena_printf(a, "t%d", d))
                                  : pos[d];
            if (T > 1) {
                fprintf(f, "%*sfor (t%d = 0; t%d < %d; t%d++)\n", ind2, "", d, d, T, d);
                ind2 += 4;
            }
            const char *wt = arena_printf(a, "rz_w%d[%s]", d, k), *it = arena_printf(a, "rz_ix%d[%s]", d, k);
            wexpr = wexpr ? arena_printf(a, "%s * %s", wexpr, wt) : wt;
            ix = ix ? arena_printf(a, "%s + %s", ix, it) : it;
        }
        fprintf(f, "%*sacc += %s * (double)%s;\n", ind2, "", wexpr,
                load_expr(a, dt, arena_printf(a, "x[%s]", ix)));
        fprintf(f, "%*sy[o++] = %s;\n", ind, "", store_double(a, dt, "acc"));
    }
    if (any_oob) {
        ind -= 4;
        fprintf(f, "%*s}\n", ind, "");
    }
    fprintf(f, "%*s}\n    }\n", ind - 4, "");
}

void lower_resize(Emitter *e, const Node *n, FILE *f)
{
    lower_resize_node(e, n, f);
}
