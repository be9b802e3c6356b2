/* ops/quant.c — quantization: QuantizeLinear, DequantizeLinear,
 * DynamicQuantizeLinear, the integer matmuls and convolutions
 * (MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv), and the
 * integer Add fuse_qadd makes (QLinearAdd, onnxruntime's arithmetic: see
 * the runtime's onnxcc_u8_qadd), QGemm fuse_qgemm makes (the runtime's
 * onnxcc_u8s8_gemm), the integer average pools fuse_qpool
 * makes (QLinearAveragePool, QLinearGlobalAveragePool: onnxcc_u8_avgpool2d,
 * onnxcc_u8_globalavgpool), and fuse_qrequant's byte table for a
 * DequantizeLinear -> QuantizeLinear (QRequantize).
 *
 * Everything is a reference loop written into the generated code.  Integer
 * products are summed exactly in int64_t and stored as int32 (ConvInteger,
 * MatMulInteger) or requantized (QLinear*): acc * (scale_a * scale_b /
 * scale_y) in float, rounded half to even (nearbyint in the default
 * rounding mode), plus the output zero point, saturated to the output type,
 * as onnxruntime does.  Scales and zero points are read by the generated
 * code, so they may be constants or run-time inputs; only their shapes
 * (per tensor, per axis / row / column / output channel, blocked) are
 * decided here. */
#include "onnxcc.h"

#include <string.h>

/* ---- checks ---------------------------------------------------------------- */

static bool is_q8(int dt) { return dt == DT_U8 || dt == DT_I8; }

/* Input k, present, of a dtype accepted by ok(). */
static const Value *in_of(const Graph *g, const Node *n, int k, bool (*ok)(int), const char *what)
{
    const Value *v = in_val(g, n, k);
    if (!ok(v->dtype))
        fatal_node(g, n, "input '%s' has data type %s; it must be %s", vname(v), dtype_name(v->dtype), what);
    return v;
}

/* Optional input k: NULL when omitted, else as in_of(). */
static const Value *opt_of(const Graph *g, const Node *n, int k, bool (*ok)(int), const char *what)
{
    return has_in(n, k) ? in_of(g, n, k, ok, what) : NULL;
}

static void same_type(const Graph *g, const Node *n, const Value *a, const Value *b)
{
    if (a && b && a->dtype != b->dtype)
        fatal_node(g, n, "'%s' (%s) and its zero point '%s' (%s) differ in type", vname(a),
                   dtype_name(a->dtype), vname(b), dtype_name(b->dtype));
}

static bool is_f32(int dt) { return dt == DT_F32; }
static bool is_scale(int dt) { return dt == DT_F32 || dt == DT_F16 || dt == DT_BF16 || dt == DT_F64; }
static bool is_qin(int dt) { return is_scale(dt) || dt == DT_I32; }
static bool is_qout(int dt) { return is_q8(dt) || dt == DT_U16 || dt == DT_I16; }
static bool is_dqin(int dt) { return is_qout(dt) || dt == DT_I32; }

/* Saturation bounds of a quantized type. */
static void qrange(int dt, int64_t *lo, int64_t *hi)
{
    switch (dt) {
    case DT_U8: *lo = 0, *hi = 255; break;
    case DT_I8: *lo = -128, *hi = 127; break;
    case DT_U16: *lo = 0, *hi = 65535; break;
    case DT_I16: *lo = -32768, *hi = 32767; break;
    default: *lo = 0, *hi = 0; assert(0);
    }
}

/* ---- QuantizeLinear / DequantizeLinear ------------------------------------- */

/* How scale and zero point apply to x: x seen as outer x A x inner around
 * the axis; the parameter index is 0 (per tensor), the axis index (per
 * axis) or (outer * ceil(A / block) + a / block) * inner + inner index
 * (blocked, opset 21). */
typedef struct {
    int kind; /* 0 per tensor, 1 per axis, 2 blocked */
    int64_t outer, A, inner, block;
} QParams;

static bool is_per_tensor(const Value *p)
{
    return p->rank <= 1 && value_numel(p) == 1;
}

/* Which QParams kind parameter p (scale or zero point) of x is. */
static int qparam_kind(const Graph *g, const Node *n, const Value *x, const Value *p, int axis, int64_t block)
{
    if (block > 0) {
        bool ok = p->rank == x->rank;
        for (int d = 0; ok && d < x->rank; d++)
            ok = p->dims[d] == (d == axis ? (x->dims[d] + block - 1) / block : x->dims[d]);
        if (!ok)
            fatal_node(g, n, "'%s' has shape %s; with block_size %lld along axis %d of %s it must be the "
                       "input's shape with that axis divided by the block size (rounded up)",
                       vname(p), dims_str(p->dims, p->rank), (long long)block, axis, dims_str(x->dims, x->rank));
        return 2;
    }
    if (is_per_tensor(p))
        return 0;
    if (p->rank == 1 && x->rank > 0 && p->dims[0] == x->dims[axis])
        return 1;
    fatal_node(g, n, "'%s' has shape %s; it must be a scalar or 1-D of the size of axis %d of '%s' %s",
               vname(p), dims_str(p->dims, p->rank), axis, vname(x), dims_str(x->dims, x->rank));
}

static QParams qparams(const Graph *g, const Node *n, const Value *x, const Value *s, const Value *z)
{
    QParams q = {0, 1, 1, 1, 0};
    int64_t axis = attr_int(g, n, "axis", 1), block = attr_int(g, n, "block_size", 0);
    if (block < 0)
        fatal_node(g, n, "block_size %lld is negative", (long long)block);
    int ax = 0;
    if (x->rank > 0 && (block > 0 || !is_per_tensor(s)))
        ax = norm_axis(g, n, axis, x->rank, false);
    else if (block > 0)
        fatal_node(g, n, "block_size needs an input of rank 1 or more");
    q.kind = qparam_kind(g, n, x, s, ax, block);
    if (z && qparam_kind(g, n, x, z, ax, block) != q.kind)
        fatal_node(g, n, "zero point '%s' %s and scale '%s' %s do not have the same shape", vname(z),
                   dims_str(z->dims, z->rank), vname(s), dims_str(s->dims, s->rank));
    if (q.kind == 0) {
        q.inner = value_numel(x);
        return q;
    }
    for (int d = 0; d < ax; d++)
        q.outer *= x->dims[d];
    q.A = x->dims[ax];
    for (int d = ax + 1; d < x->rank; d++)
        q.inner *= x->dims[d];
    q.block = block;
    return q;
}

static void infer_quantize(Graph *g, Node *n)
{
    const Value *x = in_of(g, n, 0, is_qin, "float32, float16, bfloat16, double or int32");
    const Value *s = in_of(g, n, 1, is_scale, "a float type");
    const Value *z = opt_of(g, n, 2, is_qout, "uint8, int8, uint16 or int16");
    if (x->dtype != DT_I32 && x->dtype != s->dtype && g->opset >= 19)
        fatal_node(g, n, "input '%s' (%s) and scale '%s' (%s) differ in type", vname(x), dtype_name(x->dtype),
                   vname(s), dtype_name(s->dtype));
    int odt = z ? z->dtype : DT_U8;
    int64_t want = attr_int(g, n, "output_dtype", 0);
    if (want && z && want != z->dtype)
        fatal_node(g, n, "output_dtype %lld differs from the zero point's type %s", (long long)want,
                   dtype_name(z->dtype));
    if (want && !z) {
        if (!is_qout((int)want))
            fatal_node(g, n, "output_dtype %lld (%s) is not supported (uint8, int8, uint16, int16)",
                       (long long)want, dtype_name((int)want));
        odt = (int)want;
    }
    qparams(g, n, x, s, z);
    set_out(g, n, 0, odt, x->rank, x->dims);
}

static void infer_dequantize(Graph *g, Node *n)
{
    const Value *x = in_of(g, n, 0, is_dqin, "uint8, int8, uint16, int16 or int32");
    const Value *s = in_of(g, n, 1, is_scale, "a float type");
    const Value *z = opt_of(g, n, 2, is_dqin, "of the input's type");
    same_type(g, n, x, z);
    qparams(g, n, x, s, z);
    set_out(g, n, 0, s->dtype, x->rank, x->dims);
}

/* The three loops over x around the axis, ending in the open body where
 * `q` is the parameter index and `o` the element index. */
static void open_qloops(FILE *f, const QParams *q)
{
    fprintf(f, "        int64_t o = 0, io, ia, ii;\n");
    fprintf(f, "        for (io = 0; io < %lld; io++)\n", (long long)q->outer);
    fprintf(f, "            for (ia = 0; ia < %lld; ia++)\n", (long long)q->A);
    fprintf(f, "                for (ii = 0; ii < %lld; ii++, o++) {\n", (long long)q->inner);
    if (q->kind == 0)
        fprintf(f, "                    const int64_t q = 0;\n");
    else if (q->kind == 1)
        fprintf(f, "                    const int64_t q = ia;\n");
    else
        fprintf(f, "                    const int64_t q = (io * %lld + ia / %lld) * %lld + ii;\n",
                (long long)((q->A + q->block - 1) / q->block), (long long)q->block, (long long)q->inner);
}

/* Clamps the calc-type variable v to dt's range (NaN goes to the low end). */
static void emit_saturate(FILE *f, const char *ind, const char *C, int dt)
{
    int64_t lo, hi;
    qrange(dt, &lo, &hi);
    fprintf(f, "%sv = v > (%s)%lld ? (%s)%lld : v;\n", ind, C, (long long)hi, C, (long long)hi);
    fprintf(f, "%sv = v >= (%s)%lld ? v : (%s)%lld;\n", ind, C, (long long)lo, C, (long long)lo);
}

/* The element of v at dense index o: o itself, or for a channel slice
 * (strided between images) o's image times the buffer's image stride plus
 * o's place in its image. */
static const char *slice_index(const Graph *g, Arena *a, const Value *v)
{
    int64_t st = emit_img_stride(g, v);
    if (!st || v->dims[0] == 1)
        return "o";
    long long img = (long long)(value_numel(v) / v->dims[0]);
    return arena_printf(a, "o / %lld * %lld + o %% %lld", img, (long long)st, img);
}

static void lower_quantize(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *s = &g->values[n->in[1]];
    const Value *z = has_in(n, 2) ? &g->values[n->in[2]] : NULL;
    const Value *y = &g->values[n->out[0]];
    QParams q = qparams(g, n, x, s, z);
    if (q.kind == 0 && x->dtype == DT_F32 && s->dtype == DT_F32 && y->dtype == DT_U8 && x->base < 0) {
        /* the runtime's SIMD loop, the same bits; image by image into a
         * channel slice strided between images */
        int64_t ys = emit_img_stride(g, y), nimg = ys ? x->dims[0] : 1, img = value_numel(x) / nimg;
        const char *zp = z ? arena_printf(a, "%s[0]", emit_ref(e, n, n->in[2])) : "0";
        if (nimg == 1) {
            fprintf(f, "    onnxcc_f32_quantize_u8(%lld, %s, %s[0], %s, %s, %d);\n", (long long)value_numel(x),
                    emit_ref(e, n, n->in[0]), emit_ref(e, n, n->in[1]), zp, emit_ref(e, n, n->out[0]), isa_cap_of(g));
            return;
        }
        fprintf(f, "    {\n        int64_t nb;\n        for (nb = 0; nb < %lld; nb++)\n", (long long)nimg);
        fprintf(f, "            onnxcc_f32_quantize_u8(%lld, %s + nb * %lld, %s[0], %s, %s + nb * %lld, %d);\n    }\n",
                (long long)img, emit_ref(e, n, n->in[0]), (long long)img, emit_ref(e, n, n->in[1]), zp,
                emit_ref(e, n, n->out[0]), (long long)ys, isa_cap_of(g));
        return;
    }
    bool dbl = x->dtype == DT_F64 || s->dtype == DT_F64;
    const char *C = dbl ? "double" : "float";
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", ctype(x->dtype), emit_ref(e, n, n->in[0]));
    fprintf(f, "        const %s *s = %s;\n", ctype(s->dtype), emit_ref(e, n, n->in[1]));
    if (z)
        fprintf(f, "        const %s *z = %s;\n", ctype(z->dtype), emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n", ctype(y->dtype), emit_ref(e, n, n->out[0]));
    open_qloops(f, &q);
    const char *ind = "                    ";
    fprintf(f, "%s%s v = %s((%s)%s / (%s)%s)%s;\n", ind, C, dbl ? "nearbyint" : "nearbyintf", C,
            load_expr(a, x->dtype, arena_printf(a, "x[%s]", slice_index(g, a, x))), C, load_expr(a, s->dtype, "s[q]"),
            z ? arena_printf(a, " + (%s)z[q]", C) : "");
    emit_saturate(f, ind, C, y->dtype);
    fprintf(f, "%sy[%s] = (%s)v;\n", ind, slice_index(g, a, y), ctype(y->dtype));
    fprintf(f, "                }\n    }\n");
}

static void lower_dequantize(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *s = &g->values[n->in[1]];
    const Value *z = has_in(n, 2) ? &g->values[n->in[2]] : NULL;
    const Value *y = &g->values[n->out[0]];
    QParams q = qparams(g, n, x, s, z);
    const char *C = s->dtype == DT_F64 ? "double" : "float";
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", ctype(x->dtype), emit_ref(e, n, n->in[0]));
    fprintf(f, "        const %s *s = %s;\n", ctype(s->dtype), emit_ref(e, n, n->in[1]));
    if (z)
        fprintf(f, "        const %s *z = %s;\n", ctype(z->dtype), emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n", ctype(y->dtype), emit_ref(e, n, n->out[0]));
    open_qloops(f, &q);
    const char *v = arena_printf(a, "(%s)((int64_t)x[%s]%s) * (%s)%s", C, slice_index(g, a, x),
                                 z ? " - (int64_t)z[q]" : "", C,
                                 load_expr(a, s->dtype, "s[q]"));
    fprintf(f, "                    y[%s] = %s;\n", slice_index(g, a, y), store_expr(a, y->dtype, v));
    fprintf(f, "                }\n    }\n");
}

/* ---- DynamicQuantizeLinear -------------------------------------------------- */

static void infer_dynquant(Graph *g, Node *n)
{
    const Value *x = in_of(g, n, 0, is_f32, "float32");
    set_out(g, n, 0, DT_U8, x->rank, x->dims);
    set_out(g, n, 1, DT_F32, 0, NULL);
    set_out(g, n, 2, DT_U8, 0, NULL);
}

/* As the ONNX test generator: range widened to hold 0, scale = range / 255
 * (1 for an all-zero input, as onnxruntime), zero point = round(-min /
 * scale) saturated, y = saturate(round(x / scale) + zero point). */
static void lower_dynquant(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]];
    bool hy = n->out[0] >= 0, hs = n->nout > 1 && n->out[1] >= 0, hz = n->nout > 2 && n->out[2] >= 0;
    fprintf(f, "    {\n");
    fprintf(f, "        const float *x = %s;\n", emit_ref(e, n, n->in[0]));
    fprintf(f, "        float mn = 0.0f, mx = 0.0f, sc;\n        double zd;\n        uint8_t zp;\n");
    fprintf(f, "        int64_t i;\n");
    fprintf(f, "        for (i = 0; i < %lld; i++) {\n", (long long)value_numel(x));
    fprintf(f, "            mn = x[i] < mn ? x[i] : mn;\n            mx = x[i] > mx ? x[i] : mx;\n        }\n");
    fprintf(f, "        sc = mx == mn ? 1.0f : (float)(((double)mx - (double)mn) / 255.0);\n");
    fprintf(f, "        zd = -(double)mn / (double)sc;\n");
    fprintf(f, "        zd = zd > 255.0 ? 255.0 : zd >= 0.0 ? zd : 0.0;\n");
    fprintf(f, "        zp = (uint8_t)nearbyint(zd);\n");
    if (hy) {
        fprintf(f, "        for (i = 0; i < %lld; i++) {\n", (long long)value_numel(x));
        fprintf(f, "            float v = nearbyintf(x[i] / sc) + (float)zp;\n");
        emit_saturate(f, "            ", "float", DT_U8);
        fprintf(f, "            %s[i] = (uint8_t)v;\n        }\n", emit_ref(e, n, n->out[0]));
    }
    if (hs)
        fprintf(f, "        %s[0] = sc;\n", emit_ref(e, n, n->out[1]));
    if (hz)
        fprintf(f, "        %s[0] = zp;\n", emit_ref(e, n, n->out[2]));
    else
        fprintf(f, "        (void)zp;\n");
    fprintf(f, "    }\n");
}

/* ---- MatMulInteger / QLinearMatMul ------------------------------------------ */

/* numpy matmul of a [..., M, K] and b [..., K, N] (1-D operands promoted
 * and their axis dropped from y): the batch axes of y with a's and b's
 * element strides along them (0 where broadcast). */
typedef struct {
    int64_t M, K, N;
    int nb;
    int64_t bd[MAX_RANK], sa[MAX_RANK], sb[MAX_RANK];
    int rank;
    int64_t od[MAX_RANK];
} MatGeo;

static MatGeo mat_geo(const Graph *g, const Node *n, const Value *a, const Value *b)
{
    MatGeo m;
    memset(&m, 0, sizeof m);
    if (a->rank < 1 || b->rank < 1)
        fatal_node(g, n, "'%s' %s and '%s' %s: matmul operands need rank 1 or more", vname(a),
                   dims_str(a->dims, a->rank), vname(b), dims_str(b->dims, b->rank));
    int ra = a->rank, rb = b->rank;
    m.M = ra >= 2 ? a->dims[ra - 2] : 1;
    m.K = a->dims[ra - 1];
    int64_t kb = rb >= 2 ? b->dims[rb - 2] : b->dims[0];
    m.N = rb >= 2 ? b->dims[rb - 1] : 1;
    if (kb != m.K)
        fatal_node(g, n, "'%s' %s and '%s' %s: inner dimensions %lld and %lld differ", vname(a),
                   dims_str(a->dims, ra), vname(b), dims_str(b->dims, rb), (long long)m.K, (long long)kb);
    int na = ra > 2 ? ra - 2 : 0, nbb = rb > 2 ? rb - 2 : 0;
    m.nb = na > nbb ? na : nbb;
    int64_t sa = m.M * m.K, sb = m.K * m.N;
    for (int i = m.nb - 1; i >= 0; i--) {
        int ia = i - (m.nb - na), ib = i - (m.nb - nbb);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            fatal_node(g, n, "'%s' %s and '%s' %s: batch dimensions do not broadcast", vname(a),
                       dims_str(a->dims, ra), vname(b), dims_str(b->dims, rb));
        m.bd[i] = da > db ? da : db;
        m.sa[i] = da == 1 ? 0 : sa;
        m.sb[i] = db == 1 ? 0 : sb;
        sa *= da;
        sb *= db;
    }
    for (int i = 0; i < m.nb; i++)
        m.od[m.rank++] = m.bd[i];
    if (ra >= 2)
        m.od[m.rank++] = m.M;
    if (rb >= 2)
        m.od[m.rank++] = m.N;
    return m;
}

/* The index expression of a matmul parameter p (scale or zero point) of
 * operand `which` ('a': per row m, 'b': per column nn, 'y': per row m),
 * or fatal.  `op` is the operand for the N-D zero point forms ([..., M, 1]
 * for a, [..., 1, N] for b, indexed from the operand's offset). */
static const char *mm_param(const Graph *g, const Node *n, const Value *p, const Value *op, char which,
                            const MatGeo *m)
{
    if (is_per_tensor(p))
        return "0";
    int64_t len = which == 'b' ? m->N : m->M;
    if (p->rank == 1 && p->dims[0] == len)
        return which == 'b' ? "nn" : "m";
    if (which != 'y' && op && p->rank == op->rank && op->rank >= 2) {
        bool ok = true;
        for (int d = 0; d < op->rank && ok; d++) {
            int64_t want = op->dims[d];
            if ((which == 'a' && d == op->rank - 1) || (which == 'b' && d == op->rank - 2))
                want = 1;
            ok = p->dims[d] == want;
        }
        if (ok)
            return which == 'a' ? "aoff / K + m" : "boff / K + nn";
    }
    fatal_node(g, n, "'%s' has shape %s; it must be a scalar or hold one value per %s (%lld)", vname(p),
               dims_str(p->dims, p->rank), which == 'b' ? "column of b" : "row", (long long)len);
}

static void infer_matmul_q(Graph *g, Node *n)
{
    bool ql = n->op == OP_QLINEARMATMUL;
    int ia = 0, ib = ql ? 3 : 1, iaz = 2, ibz = ql ? 5 : 3;
    const Value *a = in_of(g, n, ia, is_q8, "uint8 or int8");
    const Value *b = in_of(g, n, ib, is_q8, "uint8 or int8");
    const Value *az = ql ? in_of(g, n, iaz, is_q8, "uint8 or int8") : opt_of(g, n, iaz, is_q8, "uint8 or int8");
    const Value *bz = ql ? in_of(g, n, ibz, is_q8, "uint8 or int8") : opt_of(g, n, ibz, is_q8, "uint8 or int8");
    same_type(g, n, a, az);
    same_type(g, n, b, bz);
    MatGeo m = mat_geo(g, n, a, b);
    if (az)
        mm_param(g, n, az, a, 'a', &m);
    if (bz)
        mm_param(g, n, bz, b, 'b', &m);
    int odt = DT_I32;
    if (ql) {
        mm_param(g, n, in_of(g, n, 1, is_f32, "float32"), a, 'a', &m);
        mm_param(g, n, in_of(g, n, 4, is_f32, "float32"), b, 'b', &m);
        mm_param(g, n, in_of(g, n, 6, is_f32, "float32"), NULL, 'y', &m);
        const Value *yz = in_of(g, n, 7, is_q8, "uint8 or int8");
        mm_param(g, n, yz, NULL, 'y', &m);
        odt = yz->dtype;
    }
    set_out(g, n, 0, odt, m.rank, m.od);
}

/* Declares `const T *name = <value k>;` if input k is present. */
static void decl_in(Emitter *e, const Node *n, FILE *f, int k, const char *name)
{
    const Graph *g = emit_graph(e);
    if (has_in(n, k))
        fprintf(f, "        const %s *%s = %s;\n", ctype(g->values[n->in[k]].dtype), name, emit_ref(e, n, n->in[k]));
}

/* Stores the int64_t accumulator `acc` to y[o]: as int32, or requantized
 * with multiplier expression mult and zero point expression zp. */
static void emit_store_acc(FILE *f, const char *ind, int ydt, const char *mult, const char *zp)
{
    if (!mult) {
        fprintf(f, "%sy[o++] = (int32_t)acc;\n", ind);
        return;
    }
    fprintf(f, "%s{\n", ind);
    fprintf(f, "%s    float v = nearbyintf((float)acc * %s) + (float)%s;\n", ind, mult, zp);
    char in2[64];
    snprintf(in2, sizeof in2, "%s    ", ind);
    emit_saturate(f, in2, "float", ydt);
    fprintf(f, "%s    y[o++] = (%s)v;\n", ind, ctype(ydt));
    fprintf(f, "%s}\n", ind);
}

static void lower_matmul_q(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *ar = (Arena *)&g->arena;
    bool ql = n->op == OP_QLINEARMATMUL;
    int ia = 0, ib = ql ? 3 : 1, iaz = 2, ibz = ql ? 5 : 3;
    const Value *a = &g->values[n->in[ia]], *b = &g->values[n->in[ib]], *y = &g->values[n->out[0]];
    MatGeo m = mat_geo(g, n, a, b);
    fprintf(f, "    {\n");
    decl_in(e, n, f, ia, "a");
    decl_in(e, n, f, ib, "b");
    decl_in(e, n, f, iaz, "az");
    decl_in(e, n, f, ibz, "bz");
    if (ql) {
        decl_in(e, n, f, 1, "as");
        decl_in(e, n, f, 4, "bs");
        decl_in(e, n, f, 6, "ys");
        decl_in(e, n, f, 7, "yz");
    }
    fprintf(f, "        %s *y = %s;\n", ctype(y->dtype), emit_ref(e, n, n->out[0]));
    fprintf(f, "        const int64_t K = %lld;\n", (long long)m.K);
    fprintf(f, "        int64_t o = 0, m, nn, k");
    for (int i = 0; i < m.nb; i++)
        fprintf(f, ", d%d", i);
    fprintf(f, ";\n");
    int lvl = 2;
    for (int i = 0; i < m.nb; i++, lvl++)
        fprintf(f, "%*sfor (d%d = 0; d%d < %lld; d%d++)\n", 4 * lvl, "", i, i, (long long)m.bd[i], i);
    char *aoff = "0", *boff = "0";
    for (int i = 0; i < m.nb; i++) {
        if (m.sa[i])
            aoff = arena_printf(ar, "%s + d%d * %lld", aoff, i, (long long)m.sa[i]);
        if (m.sb[i])
            boff = arena_printf(ar, "%s + d%d * %lld", boff, i, (long long)m.sb[i]);
    }
    fprintf(f, "%*s{\n", 4 * lvl, "");
    lvl++;
    fprintf(f, "%*sconst int64_t aoff = %s, boff = %s;\n", 4 * lvl, "", aoff, boff);
    fprintf(f, "%*sfor (m = 0; m < %lld; m++)\n", 4 * lvl, "", (long long)m.M);
    fprintf(f, "%*sfor (nn = 0; nn < %lld; nn++) {\n", 4 * (lvl + 1), "", (long long)m.N);
    lvl += 2;
    const char *za = has_in(n, iaz) ? arena_printf(ar, "(int64_t)az[%s]", mm_param(g, n, &g->values[n->in[iaz]], a, 'a', &m)) : NULL;
    const char *zb = has_in(n, ibz) ? arena_printf(ar, "(int64_t)bz[%s]", mm_param(g, n, &g->values[n->in[ibz]], b, 'b', &m)) : NULL;
    fprintf(f, "%*sint64_t acc = 0;\n", 4 * lvl, "");
    fprintf(f, "%*sfor (k = 0; k < K; k++)\n", 4 * lvl, "");
    fprintf(f, "%*sacc += ((int64_t)a[aoff + m * K + k]%s%s) * ((int64_t)b[boff + k * %lld + nn]%s%s);\n",
            4 * (lvl + 1), "", za ? " - " : "", za ? za : "", (long long)m.N, zb ? " - " : "", zb ? zb : "");
    const char *mult = NULL, *zp = NULL;
    if (ql) {
        mult = arena_printf(ar, "(as[%s] * bs[%s] / ys[%s])", mm_param(g, n, &g->values[n->in[1]], a, 'a', &m),
                            mm_param(g, n, &g->values[n->in[4]], b, 'b', &m),
                            mm_param(g, n, &g->values[n->in[6]], NULL, 'y', &m));
        zp = arena_printf(ar, "yz[%s]", mm_param(g, n, &g->values[n->in[7]], NULL, 'y', &m));
    }
    char ind[128];
    snprintf(ind, sizeof ind, "%*s", 4 * lvl, "");
    emit_store_acc(f, ind, y->dtype, mult, zp);
    fprintf(f, "%*s}\n", 4 * (lvl - 2), "");
    fprintf(f, "%*s}\n", 4 * (lvl - 3), "");
    fprintf(f, "    }\n");
}

/* ---- ConvInteger / QLinearConv --------------------------------------------- */

typedef struct {
    int ns;                                         /* spatial axes */
    int64_t N, C, M, group, CG, MG;
    int64_t in[MAX_RANK], k[MAX_RANK], s[MAX_RANK], d[MAX_RANK], pb[MAX_RANK], out[MAX_RANK];
} ConvGeo;

static ConvGeo conv_geo(const Graph *g, const Node *n, const Value *x, const Value *w)
{
    ConvGeo c;
    memset(&c, 0, sizeof c);
    if (x->rank < 3)
        fatal_node(g, n, "input '%s' has rank %d; it must be N x C x D1 x ... (rank 3 or more)", vname(x), x->rank);
    if (w->rank != x->rank)
        fatal_node(g, n, "weights '%s' have rank %d, the input rank %d", vname(w), w->rank, x->rank);
    c.ns = x->rank - 2;
    c.N = x->dims[0];
    c.C = x->dims[1];
    c.M = w->dims[0];
    c.group = attr_int(g, n, "group", 1);
    if (c.group < 1 || c.C % c.group || c.M % c.group)
        fatal_node(g, n, "group %lld must divide the %lld input and %lld output channels", (long long)c.group,
                   (long long)c.C, (long long)c.M);
    c.CG = c.C / c.group;
    c.MG = c.M / c.group;
    if (w->dims[1] != c.CG)
        fatal_node(g, n, "weights '%s' %s have %lld input channels, expected %lld (channels / group)", vname(w),
                   dims_str(w->dims, w->rank), (long long)w->dims[1], (long long)c.CG);
    int ns = c.ns;
    int64_t ks[MAX_RANK], pads[2 * MAX_RANK];
    const int64_t *kv;
    if (attr_ints(g, n, "kernel_shape", &kv) >= 0) {
        ints_attr(g, n, "kernel_shape", ns, 1, 1, ks);
        for (int i = 0; i < ns; i++)
            if (ks[i] != w->dims[2 + i])
                fatal_node(g, n, "kernel_shape %s does not match the weights' shape %s", dims_str(ks, ns),
                           dims_str(w->dims, w->rank));
    }
    ints_attr(g, n, "strides", ns, 1, 1, c.s);
    ints_attr(g, n, "dilations", ns, 1, 1, c.d);
    ints_attr(g, n, "pads", 2 * ns, 0, 0, pads);
    const char *ap = attr_str(g, n, "auto_pad", "NOTSET");
    bool same = !strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER");
    if (!same && strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
        fatal_node(g, n, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", printable(ap));
    for (int i = 0; i < ns; i++) {
        c.in[i] = x->dims[2 + i];
        c.k[i] = w->dims[2 + i];
        int64_t ek = c.d[i] * (c.k[i] - 1) + 1;
        if (same) {
            c.out[i] = (c.in[i] + c.s[i] - 1) / c.s[i];
            int64_t total = (c.out[i] - 1) * c.s[i] + ek - c.in[i];
            if (total < 0)
                total = 0;
            c.pb[i] = !strcmp(ap, "SAME_UPPER") ? total / 2 : total - total / 2;
            continue;
        }
        int64_t b = 0, en = 0;
        if (!strcmp(ap, "NOTSET"))
            b = pads[i], en = pads[ns + i];
        int64_t span = c.in[i] + b + en - ek;
        if (span < 0)
            fatal_node(g, n, "input '%s' axis %d is %lld, smaller than the window %lld", vname(x), 2 + i,
                       (long long)c.in[i], (long long)ek);
        c.pb[i] = b;
        c.out[i] = span / c.s[i] + 1;
    }
    return c;
}

static bool is_i32(int dt) { return dt == DT_I32; }

/* w's zero point or scale p: per tensor, or one per output channel. */
static const char *per_oc(const Graph *g, const Node *n, const Value *p, int64_t M)
{
    if (is_per_tensor(p))
        return "0";
    if (p->rank == 1 && p->dims[0] == M)
        return "oc";
    fatal_node(g, n, "'%s' has shape %s; it must be a scalar or hold one value per output channel (%lld)",
               vname(p), dims_str(p->dims, p->rank), (long long)M);
}

static void per_tensor_only(const Graph *g, const Node *n, const Value *p)
{
    if (p && !is_per_tensor(p))
        fatal_node(g, n, "'%s' has shape %s; it must be a scalar", vname(p), dims_str(p->dims, p->rank));
}

/* Input positions: x, x zero point, w, w zero point, and for QLinearConv
 * the scales, y's zero point and the bias. */
typedef struct { int x, xz, w, wz, xs, ws, ys, yz, b; } ConvIn;

static ConvIn conv_in(const Node *n)
{
    if (n->op == OP_QLINEARCONV)
        return (ConvIn){0, 2, 3, 5, 1, 4, 6, 7, 8};
    return (ConvIn){0, 2, 1, 3, -1, -1, -1, -1, -1};
}

static void infer_conv_q(Graph *g, Node *n)
{
    bool ql = n->op == OP_QLINEARCONV;
    ConvIn ci = conv_in(n);
    const Value *x = in_of(g, n, ci.x, is_q8, "uint8 or int8");
    const Value *w = in_of(g, n, ci.w, is_q8, "uint8 or int8");
    const Value *xz = ql ? in_of(g, n, ci.xz, is_q8, "uint8 or int8") : opt_of(g, n, ci.xz, is_q8, "uint8 or int8");
    const Value *wz = ql ? in_of(g, n, ci.wz, is_q8, "uint8 or int8") : opt_of(g, n, ci.wz, is_q8, "uint8 or int8");
    same_type(g, n, x, xz);
    same_type(g, n, w, wz);
    ConvGeo c = conv_geo(g, n, x, w);
    per_tensor_only(g, n, xz);
    if (wz)
        per_oc(g, n, wz, c.M);
    int odt = DT_I32;
    if (ql) {
        per_tensor_only(g, n, in_of(g, n, ci.xs, is_f32, "float32"));
        per_oc(g, n, in_of(g, n, ci.ws, is_f32, "float32"), c.M);
        per_tensor_only(g, n, in_of(g, n, ci.ys, is_f32, "float32"));
        const Value *yz = in_of(g, n, ci.yz, is_q8, "uint8 or int8");
        per_tensor_only(g, n, yz);
        odt = yz->dtype;
        const Value *b = opt_of(g, n, ci.b, is_i32, "int32");
        if (b && !(b->rank == 1 && b->dims[0] == c.M))
            fatal_node(g, n, "bias '%s' has shape %s; it must be [%lld]", vname(b), dims_str(b->dims, b->rank),
                       (long long)c.M);
    }
    int64_t od[MAX_RANK];
    od[0] = c.N;
    od[1] = c.M;
    for (int i = 0; i < c.ns; i++)
        od[2 + i] = c.out[i];
    set_out(g, n, 0, odt, x->rank, od);
}

/* Whether QLinearConv n runs as the runtime's onnxcc_u8s8_conv2d: 2-D,
 * uint8 x and y (dense or channel slices, as the float conv), int8 weights
 * whose zero points are constant zeros. */
static bool conv_q_fast(const Graph *g, const Node *n, const ConvGeo *c)
{
    ConvIn ci = conv_in(n);
    const Value *x = &g->values[n->in[ci.x]], *w = &g->values[n->in[ci.w]], *y = &g->values[n->out[0]];
    const Value *wz = &g->values[n->in[ci.wz]];
    if (n->op != OP_QLINEARCONV || c->ns != 2 || x->dtype != DT_U8 || y->dtype != DT_U8 || w->dtype != DT_I8 ||
        !(wz->flags & V_CONST) || !wz->data)
        return false;
    for (int64_t i = 0; i < value_numel(wz); i++)
        if (((const int8_t *)wz->data)[i] != 0)
            return false;
    const int64_t big = 1 << 30;
    return c->N < big && c->C < big && c->M < big && c->in[0] * c->in[1] < big && c->out[0] * c->out[1] < big &&
           c->C / c->group * c->k[0] * c->k[1] < (1 << 16); /* int32 sums cannot overflow */
}

static void lower_conv_q_fast(Emitter *e, const Node *n, FILE *f, const ConvGeo *c)
{
    const Graph *g = emit_graph(e);
    ConvIn ci = conv_in(n);
    const Value *ws = &g->values[n->in[ci.ws]];
    const int cap = isa_cap_of(g);
    fprintf(f, "    {\n        static const OnnxccConv2dParams p = {%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, "
               "%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, 0, 0, %lld, %lld, 0, 0, {ONNXCC_ACT_NONE, 0, 0}, %d, "
               "0};\n",
            (long long)c->N, (long long)c->C, (long long)c->in[0], (long long)c->in[1], (long long)c->M,
            (long long)c->out[0], (long long)c->out[1], (long long)c->group, (long long)c->k[0], (long long)c->k[1],
            (long long)c->s[0], (long long)c->s[1], (long long)c->d[0], (long long)c->d[1], (long long)c->pb[0],
            (long long)c->pb[1], (long long)emit_img_stride(g, &g->values[n->in[ci.x]]),
            (long long)emit_img_stride(g, &g->values[n->out[0]]), cap);
    fprintf(f, "        onnxcc_u8s8_conv2d(&p, %s, %s, %s[0], %s[0], %s, %s, %d, %s, %s[0], %s[0], %s);\n    }\n",
            emit_ref(e, n, n->in[ci.x]), n->pre_scale >= 0 ? emit_ref(e, n, n->pre_scale) : "NULL",
            emit_ref(e, n, n->in[ci.xs]), emit_ref(e, n, n->in[ci.xz]),
            emit_ref(e, n, n->in[ci.w]), emit_ref(e, n, n->in[ci.ws]), !is_per_tensor(ws),
            has_in(n, ci.b) ? emit_ref(e, n, n->in[ci.b]) : "NULL", emit_ref(e, n, n->in[ci.ys]),
            emit_ref(e, n, n->in[ci.yz]), emit_ref(e, n, n->out[0]));
}

static void lower_conv_q(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *ar = (Arena *)&g->arena;
    bool ql = n->op == OP_QLINEARCONV;
    ConvIn ci = conv_in(n);
    const Value *x = &g->values[n->in[ci.x]], *w = &g->values[n->in[ci.w]], *y = &g->values[n->out[0]];
    ConvGeo c = conv_geo(g, n, x, w);
    int ns = c.ns;
    if (conv_q_fast(g, n, &c))
        return lower_conv_q_fast(e, n, f, &c);
    fprintf(f, "    {\n");
    decl_in(e, n, f, ci.x, "x");
    decl_in(e, n, f, ci.w, "w");
    decl_in(e, n, f, ci.xz, "xz");
    decl_in(e, n, f, ci.wz, "wz");
    if (ql) {
        decl_in(e, n, f, ci.xs, "xs");
        decl_in(e, n, f, ci.ws, "ws_");
        decl_in(e, n, f, ci.ys, "ys");
        decl_in(e, n, f, ci.yz, "yz");
        decl_in(e, n, f, ci.b, "bias");
    }
    if (n->pre_scale >= 0)
        fprintf(f, "        const uint8_t *lut = %s;\n", emit_ref(e, n, n->pre_scale));
    fprintf(f, "        %s *y = %s;\n", ctype(y->dtype), emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t o = 0, nb, oc, ic");
    for (int i = 0; i < ns; i++)
        fprintf(f, ", o%d, k%d, p%d", i, i, i);
    fprintf(f, ";\n");
    /* x and y may be channel slices of larger buffers (slice_concats):
     * images xcs / ys_ elements apart. */
    int64_t xplane = 1, yplane = 1;
    for (int i = 0; i < ns; i++)
        xplane *= c.in[i], yplane *= c.out[i];
    int64_t xst = emit_img_stride(g, x), yst = emit_img_stride(g, y);
    long long xcs = (long long)(xst ? xst / xplane : c.C), ys_ = (long long)(yst ? yst : c.M * yplane);
    fprintf(f, "        for (nb = 0; nb < %lld; nb++)\n", (long long)c.N);
    fprintf(f, "            for (o = nb * %lld, oc = 0; oc < %lld; oc++) {\n", ys_, (long long)c.M);
    fprintf(f, "                const int64_t xc = nb * %lld + (oc / %lld) * %lld;\n", xcs,
            (long long)c.MG, (long long)c.CG);
    int lvl = 4;
    for (int i = 0; i < ns; i++, lvl++)
        fprintf(f, "%*sfor (o%d = 0; o%d < %lld; o%d++)%s\n", 4 * lvl, "", i, i, (long long)c.out[i], i,
                i == ns - 1 ? " {" : "");
    const char *acc0 = ql && has_in(n, ci.b) ? "(int64_t)bias[oc]" : "0";
    fprintf(f, "%*sint64_t acc = %s;\n", 4 * lvl, "", acc0);
    fprintf(f, "%*sfor (ic = 0; ic < %lld; ic++)\n", 4 * lvl, "", (long long)c.CG);
    int l2 = lvl + 1;
    char *xi = "xc + ic", *wi = arena_printf(ar, "oc * %lld + ic", (long long)c.CG);
    for (int i = 0; i < ns; i++, l2++) {
        fprintf(f, "%*sfor (k%d = 0; k%d < %lld; k%d++) {\n", 4 * l2, "", i, i, (long long)c.k[i], i);
        fprintf(f, "%*sp%d = o%d * %lld - %lld + k%d * %lld;\n", 4 * (l2 + 1), "", i, i, (long long)c.s[i],
                (long long)c.pb[i], i, (long long)c.d[i]);
        fprintf(f, "%*sif (p%d < 0 || p%d >= %lld)\n%*scontinue;\n", 4 * (l2 + 1), "", i, i, (long long)c.in[i],
                4 * (l2 + 2), "");
        xi = arena_printf(ar, "(%s) * %lld + p%d", xi, (long long)c.in[i], i);
        wi = arena_printf(ar, "(%s) * %lld + k%d", wi, (long long)c.k[i], i);
    }
    const char *zx = has_in(n, ci.xz) ? " - (int64_t)xz[0]" : "";
    const char *zw = has_in(n, ci.wz) ? arena_printf(ar, " - (int64_t)wz[%s]", per_oc(g, n, &g->values[n->in[ci.wz]], c.M)) : "";
    if (n->pre_scale >= 0) /* fuse_qpreact's per-channel table */
        xi = arena_printf(ar, "lut[(xc - nb * %lld + ic) * 256 + x[%s]]", xcs, xi);
    else
        xi = arena_printf(ar, "x[%s]", xi);
    fprintf(f, "%*sacc += ((int64_t)%s%s) * ((int64_t)w[%s]%s);\n", 4 * l2, "", xi, zx, wi, zw);
    for (int i = ns - 1; i >= 0; i--)
        fprintf(f, "%*s}\n", 4 * (lvl + 1 + i), "");
    const char *mult = NULL;
    if (ql)
        mult = arena_printf(ar, "(xs[0] * ws_[%s] / ys[0])", per_oc(g, n, &g->values[n->in[ci.ws]], c.M));
    char ind[128];
    snprintf(ind, sizeof ind, "%*s", 4 * lvl, "");
    emit_store_acc(f, ind, y->dtype, mult, "yz[0]");
    fprintf(f, "%*s}\n", 4 * (lvl - 1), "");
    fprintf(f, "            }\n    }\n");
}

/* ---- QLinearAdd (fuse_qadd) ------------------------------------------------- */

/* Inputs a, a_scale, a_zp, b, b_scale, b_zp, c_scale, c_zp: uint8 a and b
 * of one shape, float32 scales and uint8 zero points per tensor. */
static void infer_qadd(Graph *g, Node *n)
{
    const Value *a = in_val(g, n, 0), *b = in_val(g, n, 3);
    for (int k = 0; k < 8; k++) {
        const Value *v = in_val(g, n, k);
        bool ok = k == 0 || k == 3 ? v->dtype == DT_U8 : k % 3 == 1 ? v->dtype == DT_F32 && is_per_tensor(v)
                                                                    : v->dtype == DT_U8 && is_per_tensor(v);
        if (!ok)
            fatal_node(g, n, "input %d '%s' (%s %s) is not of the form fuse_qadd makes", k, vname(v),
                       dtype_name(v->dtype), dims_str(v->dims, v->rank));
    }
    if (a->rank != b->rank || memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) != 0)
        fatal_node(g, n, "'%s' %s and '%s' %s differ in shape", vname(a), dims_str(a->dims, a->rank), vname(b),
                   dims_str(b->dims, b->rank));
    set_out(g, n, 0, DT_U8, a->rank, a->dims);
}

static void lower_qadd(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const char *r[8];
    for (int k = 0; k < 8; k++)
        r[k] = emit_ref(e, n, n->in[k]);
    fprintf(f, "    onnxcc_u8_qadd(%lld, %s, %s[0], %s[0], %s, %s[0], %s[0], %s[0], %s[0], %s, %d);\n",
            (long long)value_numel(&g->values[n->in[0]]), r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
            emit_ref(e, n, n->out[0]), isa_cap_of(g));
}

/* ---- QGemm (fuse_qgemm) ------------------------------------------------------ */

/* Inputs x, x_scale, x_zp, w, w_scale, w_zp, bias, [y_scale, y_zp]: uint8
 * x [..., K], int8 constant w [N][K] whose zero point is absent or 0,
 * float32 scales (w_scale per tensor or [N]), uint8 zero points, int32
 * bias [N] or absent.  Output [..., N]: uint8 with y_scale, else float. */
static void infer_qgemm(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0), *w = in_val(g, n, 3), *ws = in_val(g, n, 4);
    const bool qy = n->nin > 7;
    bool ok = x->dtype == DT_U8 && x->rank >= 1 && w->dtype == DT_I8 && w->rank == 2 && (w->flags & V_CONST) &&
              w->data && x->dims[x->rank - 1] == w->dims[1] && ws->dtype == DT_F32 &&
              (is_per_tensor(ws) || (ws->rank == 1 && ws->dims[0] == w->dims[0]));
    for (int k = 1; ok && k < n->nin; k++) {
        if (k == 3 || k == 4 || !has_in(n, k))
            continue;
        const Value *v = in_val(g, n, k);
        ok = k == 6 ? v->dtype == DT_I32 && v->rank == 1 && v->dims[0] == w->dims[0]
             : k == 1 || k == 7 ? v->dtype == DT_F32 && is_per_tensor(v)
             : k == 5 ? v->dtype == DT_I8 && (v->flags & V_CONST) && v->data
             : v->dtype == DT_U8 && is_per_tensor(v);
    }
    if (!ok || (qy && (!has_in(n, 7) || !has_in(n, 8))))
        fatal_node(g, n, "inputs '%s' %s and '%s' %s are not of the form fuse_qgemm makes", vname(x),
                   dims_str(x->dims, x->rank), vname(w), dims_str(w->dims, w->rank));
    int64_t od[MAX_RANK];
    memcpy(od, x->dims, sizeof(int64_t) * (size_t)x->rank);
    od[x->rank - 1] = w->dims[0];
    set_out(g, n, 0, qy ? DT_U8 : DT_F32, x->rank, od);
}

static void lower_qgemm(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *w = &g->values[n->in[3]], *ws = &g->values[n->in[4]];
    const bool qy = n->nin > 7;
    const int64_t K = w->dims[1], N = w->dims[0], M = value_numel(x) / K;
    const char *y = emit_ref(e, n, n->out[0]);
    fprintf(f, "    onnxcc_u8s8_gemm(%lld, %lld, %lld, %s, %s[0], %s%s, %s, %s, %d, %s, ", (long long)M, (long long)N,
            (long long)K, emit_ref(e, n, n->in[0]), emit_ref(e, n, n->in[1]),
            has_in(n, 2) ? emit_ref(e, n, n->in[2]) : "0", has_in(n, 2) ? "[0]" : "", emit_ref(e, n, n->in[3]),
            emit_ref(e, n, n->in[4]), !is_per_tensor(ws), has_in(n, 6) ? emit_ref(e, n, n->in[6]) : "NULL");
    if (qy)
        fprintf(f, "%s[0], %s[0], %s, NULL, %d);\n", emit_ref(e, n, n->in[7]), emit_ref(e, n, n->in[8]), y,
                isa_cap_of(g));
    else
        fprintf(f, "0.0f, 0, NULL, %s, %d);\n", y, isa_cap_of(g));
}

/* ---- QLinearAveragePool, QLinearGlobalAveragePool (fuse_qpool) ------------ */

/* Inputs x, x_scale, x_zp, y_scale, y_zp: uint8 x [N][C][H][W], float32
 * scales and uint8 zero points per tensor; QLinearAveragePool keeps the
 * AveragePool's attributes (dilations 1). */
static void infer_qpool(Graph *g, Node *n)
{
    for (int k = 0; k < 5; k++) {
        const Value *v = in_val(g, n, k);
        bool ok = k == 0 ? v->dtype == DT_U8 && v->rank == 4
                         : (k == 1 || k == 3 ? v->dtype == DT_F32 : v->dtype == DT_U8) && is_per_tensor(v);
        if (!ok)
            fatal_node(g, n, "input %d '%s' (%s %s) is not of the form fuse_qpool makes", k, vname(v),
                       dtype_name(v->dtype), dims_str(v->dims, v->rank));
    }
    const Value *x = in_val(g, n, 0);
    int64_t od[MAX_RANK] = {x->dims[0], x->dims[1], 1, 1};
    if (n->op == OP_QLINEARAVGPOOL)
        pool_dims(g, n, x, od);
    set_out(g, n, 0, DT_U8, 4, od);
}

static void lower_qpool(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    const char *r[5];
    for (int k = 0; k < 5; k++)
        r[k] = emit_ref(e, n, n->in[k]);
    const char *out = emit_ref(e, n, n->out[0]);
    if (n->op == OP_QLINEARGLOBALAVGPOOL) {
        fprintf(f, "    onnxcc_u8_globalavgpool(%lld, %lld, %s, %s[0], %s[0], %s[0], %s[0], %s, %d);\n",
                (long long)(x->dims[0] * x->dims[1]), (long long)(x->dims[2] * x->dims[3]), r[0], r[1], r[2], r[3],
                r[4], out, isa_cap_of(g));
        return;
    }
    const int64_t *ks, *st;
    attr_ints(g, n, "kernel_shape", &ks);
    int64_t pads[4], s[2] = {1, 1};
    if (attr_ints(g, n, "strides", &st) == 2)
        s[0] = st[0], s[1] = st[1];
    window_pads(g, n, x, y, ks, pads);
    fprintf(f, "    {\n        static const OnnxccPool2dParams p = {%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, "
               "%lld, %lld, 1, 1, %lld, %lld, %lld, %lld, %d, %lld, %lld, 0};\n",
            (long long)x->dims[0], (long long)x->dims[1], (long long)x->dims[2], (long long)x->dims[3],
            (long long)y->dims[2], (long long)y->dims[3], (long long)ks[0], (long long)ks[1], (long long)s[0],
            (long long)s[1], (long long)pads[0], (long long)pads[1], (long long)pads[2], (long long)pads[3],
            attr_int(g, n, "count_include_pad", 0) != 0, (long long)emit_img_stride(g, x),
            (long long)emit_img_stride(g, y));
    fprintf(f, "        onnxcc_u8_avgpool2d(&p, %s, %s[0], %s[0], %s[0], %s[0], %s, %d);\n    }\n", r[0], r[1], r[2],
            r[3], r[4], out, isa_cap_of(g));
}

/* ---- QRequantize (fuse_qrequant) ---------------------------------------------- */

/* Inputs x, x_scale, x_zp, y_scale, y_zp: uint8 x of any shape, float32
 * scales and uint8 zero points per tensor. */
static void infer_qrequant(Graph *g, Node *n)
{
    for (int k = 0; k < 5; k++) {
        const Value *v = in_val(g, n, k);
        bool ok = k == 0 ? v->dtype == DT_U8
                         : (k == 1 || k == 3 ? v->dtype == DT_F32 : v->dtype == DT_U8) && is_per_tensor(v);
        if (!ok)
            fatal_node(g, n, "input %d '%s' (%s %s) is not of the form fuse_qrequant makes", k, vname(v),
                       dtype_name(v->dtype), dims_str(v->dims, v->rank));
    }
    const Value *x = in_val(g, n, 0);
    set_out(g, n, 0, DT_U8, x->rank, x->dims);
}

/* The table from the unfused nodes' own loops: the DequantizeLinear's
 * float product (lower_dequantize's expression) and the runtime's
 * QuantizeLinear; then the runtime's table lookup, image by image when
 * either side is a channel slice. */
static void lower_qrequant(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    const char *r[5];
    for (int k = 0; k < 5; k++)
        r[k] = emit_ref(e, n, n->in[k]);
    fprintf(f, "    {\n        float t[256];\n        uint8_t lut[256];\n        int64_t o;\n");
    fprintf(f, "        const uint8_t *x = %s;\n        uint8_t *y = %s;\n", r[0], emit_ref(e, n, n->out[0]));
    fprintf(f, "        for (o = 0; o < 256; o++)\n            t[o] = (float)((int64_t)o - (int64_t)%s[0]) * (float)%s[0];\n",
            r[2], r[1]);
    fprintf(f, "        onnxcc_f32_quantize_u8(256, t, %s[0], %s[0], lut, %d);\n", r[3], r[4], isa_cap_of(g));
    /* image by image when either side is a channel slice */
    int64_t xs = emit_img_stride(g, x), ys = emit_img_stride(g, y), img = value_numel(x) / x->dims[0];
    int64_t nimg = (xs || ys) && x->dims[0] > 1 ? x->dims[0] : 1;
    fprintf(f, "        for (o = 0; o < %lld; o++)\n", (long long)nimg);
    fprintf(f, "            onnxcc_u8_lut(%lld, x + o * %lld, lut, y + o * %lld, %d);\n    }\n",
            (long long)(nimg > 1 ? img : value_numel(x)), (long long)(xs ? xs : img), (long long)(ys ? ys : img),
            isa_cap_of(g));
}

/* ---- dispatch ----------------------------------------------------------------- */

void infer_quant(Graph *g, Node *n)
{
    switch (n->op) {
    case OP_QUANTIZELINEAR: return infer_quantize(g, n);
    case OP_DEQUANTIZELINEAR: return infer_dequantize(g, n);
    case OP_DYNAMICQUANTIZELINEAR: return infer_dynquant(g, n);
    case OP_MATMULINTEGER: case OP_QLINEARMATMUL: return infer_matmul_q(g, n);
    case OP_CONVINTEGER: case OP_QLINEARCONV: return infer_conv_q(g, n);
    case OP_QLINEARADD: return infer_qadd(g, n);
    case OP_QGEMM: return infer_qgemm(g, n);
    case OP_QLINEARAVGPOOL: case OP_QLINEARGLOBALAVGPOOL: return infer_qpool(g, n);
    case OP_QREQUANT: return infer_qrequant(g, n);
    default: fatal_node(g, n, "unsupported operator");
    }
}

void lower_quant(Emitter *e, const Node *n, FILE *f)
{
    switch (n->op) {
    case OP_QUANTIZELINEAR: return lower_quantize(e, n, f);
    case OP_DEQUANTIZELINEAR: return lower_dequantize(e, n, f);
    case OP_DYNAMICQUANTIZELINEAR: return lower_dynquant(e, n, f);
    case OP_MATMULINTEGER: case OP_QLINEARMATMUL: return lower_matmul_q(e, n, f);
    case OP_CONVINTEGER: case OP_QLINEARCONV: return lower_conv_q(e, n, f);
    case OP_QLINEARADD: return lower_qadd(e, n, f);
    case OP_QGEMM: return lower_qgemm(e, n, f);
    case OP_QLINEARAVGPOOL: case OP_QLINEARGLOBALAVGPOOL: return lower_qpool(e, n, f);
    case OP_QREQUANT: return lower_qrequant(e, n, f);
    default: fatal_node(emit_graph(e), n, "operator is not supported by the C backend");
    }
}
