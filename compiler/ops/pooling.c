/* ops/pooling.c — MaxPool and AveragePool.
 *
 * The core runs the float32 1-D and 2-D pools (fast kernels, fused
 * pre-activations): those go to infer_core / lower_core as they are.  The
 * rest, every other element type (uint8, int8, float16, double), 3-D and
 * higher pools and MaxPool's Indices output, is one generic window loop
 * written here into the generated code: for each output element, the
 * window's taps inside the input (pads are skipped: max ignores them and
 * the average divides by the taps it read, or with count_include_pad by
 * the window clipped to the padded extent).  A 2-D uint8 MaxPool without
 * Indices (fuse_qpool makes them) calls the runtime's
 * onnxcc_u8_maxpool2d instead. */
#include "onnxcc.h"

#include <string.h>

static bool used(const Graph *g, const Node *n, int k)
{
    return k < n->nout && n->out[k] >= 0 &&
           (g->values[n->out[k]].nuses || (g->values[n->out[k]].flags & V_OUTPUT));
}

/* What the core pools take: float32 NCHW / NCW, no Indices. */
static bool core_pool(const Graph *g, const Node *n)
{
    const Value *x = in_val(g, n, 0);
    return x->dtype == DT_F32 && (x->rank == 3 || x->rank == 4) && !used(g, n, 1);
}

void infer_pooling(Graph *g, Node *n)
{
    const Value *x = in_val(g, n, 0);
    if (x->dtype == DT_F32) /* shapes and attribute checks, every rank */
        return infer_core(g, n);
    if (x->rank < 3)
        fatal_node(g, n, "input '%s' has rank %d; pools need N x C x D1 x ... (rank 3 or more)", vname(x),
                   x->rank);
    bool max = n->op == OP_MAXPOOL;
    bool ok = max ? x->dtype == DT_F32 || x->dtype == DT_F64 || x->dtype == DT_F16 || x->dtype == DT_U8 ||
                        x->dtype == DT_I8
                  : dtype_is_float(x->dtype);
    if (!ok)
        fatal_node(g, n, "input '%s' has data type %s; %s takes %s", vname(x), dtype_name(x->dtype),
                   op_info[n->op].name, max ? "float, int8 or uint8 tensors" : "float tensors");
    int64_t od[MAX_RANK];
    pool_dims(g, n, x, od);
    set_out(g, n, 0, x->dtype, x->rank, od);
    set_out(g, n, 1, DT_I64, x->rank, od);
}

/* A 2-D uint8 MaxPool without Indices: the runtime kernel (which reads
 * and writes with image strides: slice_concats may place its output). */
static bool lower_u8_maxpool(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    const Value *x = in_val(g, n, 0), *y = &g->values[n->out[0]];
    const int64_t *ks, *st, *dl;
    if (n->op != OP_MAXPOOL || x->dtype != DT_U8 || x->rank != 4 || used(g, n, 1))
        return false;
    attr_ints(g, n, "kernel_shape", &ks);
    int64_t pads[4], s[2] = {1, 1}, d[2] = {1, 1};
    if (attr_ints(g, n, "strides", &st) == 2)
        s[0] = st[0], s[1] = st[1];
    if (attr_ints(g, n, "dilations", &dl) == 2)
        d[0] = dl[0], d[1] = dl[1];
    window_pads(g, n, x, y, ks, pads);
    fprintf(f, "    {\n        static const OnnxccPool2dParams p = {%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, "
               "%lld, %lld, %lld, %lld, %lld, %lld, %lld, %lld, 0, %lld, %lld, 0};\n",
            (long long)x->dims[0], (long long)x->dims[1], (long long)x->dims[2], (long long)x->dims[3],
            (long long)y->dims[2], (long long)y->dims[3], (long long)ks[0], (long long)ks[1], (long long)s[0],
            (long long)s[1], (long long)d[0], (long long)d[1], (long long)pads[0], (long long)pads[1], (long long)pads[2], (long long)pads[3],
            (long long)emit_img_stride(g, x), (long long)emit_img_stride(g, y));
    fprintf(f, "        onnxcc_u8_maxpool2d(&p, %s, %s, %d);\n    }\n", emit_ref(e, n, n->in[0]),
            emit_ref(e, n, n->out[0]), isa_cap_of(g));
    return true;
}

void lower_pooling(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if (core_pool(g, n))
        return lower_core(e, n, f);
    if (lower_u8_maxpool(e, n, f))
        return;
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *y = &g->values[n->out[0]];
    int ns = x->rank - 2;
    bool max = n->op == OP_MAXPOOL, ind = max && used(g, n, 1);
    const int64_t *ks, *st, *dl;
    attr_ints(g, n, "kernel_shape", &ks);
    int nst = attr_ints(g, n, "strides", &st), ndl = attr_ints(g, n, "dilations", &dl);
    int64_t pads[2 * MAX_RANK];
    window_pads(g, n, x, y, ks, pads);
    bool incl = !max && attr_int(g, n, "count_include_pad", 0) != 0;
    bool colmajor = ind && attr_int(g, n, "storage_order", 0) != 0;
    int64_t xs[MAX_RANK], is[MAX_RANK]; /* x's strides; the Indices' strides of a spatial position */
    dense_strides_of(x, xs);
    for (int i = 0; i < ns; i++) {
        int64_t s = 1;
        if (colmajor)
            for (int j = 0; j < i; j++)
                s *= x->dims[2 + j];
        else
            s = xs[2 + i];
        is[i] = s;
    }
    const char *acc = max ? calc_type(x->dtype) : "double";
    fprintf(f, "    {\n        const %s *x = %s;\n        %s *y = %s;\n", ctype(x->dtype), emit_ref(e, n, n->in[0]),
            ctype(y->dtype), emit_ref(e, n, n->out[0]));
    if (ind)
        fprintf(f, "        int64_t *ind = %s;\n", emit_ref(e, n, n->out[1]));
    fprintf(f, "        int64_t nc, o = 0");
    for (int i = 0; i < ns; i++)
        fprintf(f, ", o%d, k%d", i, i);
    fprintf(f, ";\n        for (nc = 0; nc < %lld; nc++)\n", (long long)(x->dims[0] * x->dims[1]));
    int ind_ = 8;
    for (int i = 0; i < ns; i++, ind_ += 4)
        fprintf(f, "%*sfor (o%d = 0; o%d < %lld; o%d++)%s\n", ind_ + 4, "", i, i, (long long)y->dims[2 + i], i,
                i == ns - 1 ? " {" : "");
    ind_ += 4;
    fprintf(f, "%*s%s acc = 0;\n%*sint64_t cnt = 0, arg = -1;\n", ind_, "", acc, ind_, "");
    if (incl) { /* the window clipped to the padded extent */
        fprintf(f, "%*sint64_t size = 1;\n", ind_, "");
        for (int i = 0; i < ns; i++) {
            int64_t s = nst == ns ? st[i] : 1;
            fprintf(f, "%*s{\n%*s    const int64_t b = o%d * %lld - %lld, e = b + %lld;\n", ind_, "", ind_, "", i,
                    (long long)s, (long long)pads[i], (long long)ks[i]);
            fprintf(f, "%*s    size *= (e < %lld ? e : %lld) - b;\n%*s}\n", ind_, "",
                    (long long)(x->dims[2 + i] + pads[ns + i]), (long long)(x->dims[2 + i] + pads[ns + i]), ind_, "");
        }
    }
    int k_ = ind_;
    for (int i = 0; i < ns; i++, k_ += 4) {
        int64_t s = nst == ns ? st[i] : 1, d = ndl == ns ? dl[i] : 1;
        fprintf(f, "%*sfor (k%d = 0; k%d < %lld; k%d++) {\n", k_, "", i, i, (long long)ks[i], i);
        fprintf(f, "%*s    const int64_t p%d = o%d * %lld - %lld + k%d * %lld;\n", k_, "", i, i, (long long)s,
                (long long)pads[i], i, (long long)d);
        fprintf(f, "%*s    if (p%d < 0 || p%d >= %lld)\n%*s        continue;\n", k_, "", i, i,
                (long long)x->dims[2 + i], k_, "");
    }
    char *xi = arena_printf(a, "nc * %lld", (long long)xs[1]);
    char *ii = arena_printf(a, "nc * %lld", (long long)xs[1]);
    for (int i = 0; i < ns; i++) {
        xi = arena_printf(a, "%s + p%d * %lld", xi, i, (long long)xs[2 + i]);
        ii = arena_printf(a, "%s + p%d * %lld", ii, i, (long long)is[i]);
    }
    fprintf(f, "%*s{\n%*s    const %s v = %s;\n", k_, "", k_, "", acc,
            load_expr(a, x->dtype, arena_printf(a, "x[%s]", xi)));
    if (max)
        fprintf(f, "%*s    if (arg < 0 || v > acc) {\n%*s        acc = v;\n%*s        arg = %s;\n%*s    }\n",
                k_, "", k_, "", k_, "", ii, k_, "");
    else
        fprintf(f, "%*s    acc += v;\n", k_, "");
    fprintf(f, "%*s    cnt++;\n%*s}\n", k_, "", k_, "");
    for (int i = ns - 1; i >= 0; i--) {
        k_ -= 4;
        fprintf(f, "%*s}\n", k_, "");
    }
    const char *val = max ? "acc" : incl ? "acc / (double)size" : "(cnt ? acc / (double)cnt : 0.0)";
    fprintf(f, "%*sy[o] = %s;\n", ind_, "", store_expr(a, y->dtype, val));
    if (ind)
        fprintf(f, "%*sind[o] = arg;\n", ind_, "");
    fprintf(f, "%*so++;\n%*s(void)cnt;\n%*s(void)arg;\n", ind_, "", ind_, "", ind_, "");
    fprintf(f, "%*s}\n    }\n", ind_ - 4, "");
}
