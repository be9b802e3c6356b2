/* report.c — `onnxcc --report`: a flat YAML summary of a model (inputs,
 * outputs, op counts, parameter count, multiply-accumulates), and
 * `--report=table`: one aligned text line per node, for people.
 *
 * Needs: a loaded graph; MACs need the shapes of conv/gemm/matmul outputs
 * and weights (so run it after infer_shapes); the memory fields and
 * weights_bytes (which lowers the graph as emit_c would, packing its
 * weights) need plan_memory.  Changes nothing. */
#include "yaml_out.h"

#include <stdlib.h>
#include <string.h>

/* Product of dims[from..rank), or -1 if unknown or overflowing. */
static int64_t dims_product(const Value *v, int from)
{
    if (v->rank < 0)
        return -1;
    int64_t p = 1;
    for (int i = from; i < v->rank; i++)
        p = mul_ck(p, v->dims[i]); /* -1 stays -1: mul_ck rejects negatives */
    return p;
}

/* Multiply-accumulates of one node; 0 for ops that have none, -1 when the
 * shapes it needs are unknown or the count overflows.  Every count is
 * (output elements) x (MACs per output element):
 *   Conv:   out N*M*prod(out spatial) x (C/group)*prod(kernel) = W dims[1..]
 *           (QLinearConv: W is input 3; ConvInteger: input 1; integer
 *           multiply-adds count as float ones do)
 *   Gemm:   out M*N x K
 *   MatMul: out batch*M*N x K (numpy semantics; a 1-D operand's removed
 *           dim is 1, so the output's element count is still batch*M*N;
 *           QLinearMatMul, MatMulInteger and QGemm likewise) */
int64_t node_macs(const Graph *g, const Node *n)
{
    const Value *out = n->nout > 0 && n->out[0] >= 0 ? &g->values[n->out[0]] : NULL;
    const Value *a = n->nin > 0 && n->in[0] >= 0 ? &g->values[n->in[0]] : NULL;
    const Value *b = n->nin > 1 && n->in[1] >= 0 ? &g->values[n->in[1]] : NULL;
    int64_t per;
    switch (n->op) {
    case OP_CONV:
    case OP_CONVINTEGER:
    case OP_QLINEARCONV: {
        const Value *w = n->op == OP_QLINEARCONV ? (n->nin > 3 && n->in[3] >= 0 ? &g->values[n->in[3]] : NULL) : b;
        if (!out || !w || w->rank < 2)
            return -1;
        per = dims_product(w, 1);
        break;
    }
    case OP_GEMM: {
        if (!out || !a || a->rank != 2)
            return -1;
        int64_t trans_a = attr_int(g, n, "transA", 0);
        per = a->dims[trans_a ? 0 : 1];
        break;
    }
    case OP_MATMUL:
    case OP_MATMULINTEGER:
    case OP_QLINEARMATMUL:
    case OP_QGEMM:
        if (!out || !a || a->rank < 1)
            return -1;
        per = a->dims[a->rank - 1];
        break;
    default:
        return 0;
    }
    int64_t outs = dims_product(out, 0);
    if (outs < 0 || per < 0)
        return -1;
    return mul_ck(outs, per);
}

/* Tensors that are attributes of a node other than Constant (the loader
 * turns those into V_CONST values too, but they are not parameters). */
static bool *attr_tensors(const Graph *g, Arena *a)
{
    bool *is = arena_alloc(a, (size_t)g->nvalues + 1);
    for (int ni = 0; ni < g->nnodes; ni++) {
        const Node *n = &g->nodes[ni];
        if (n->op == OP_CONSTANT)
            continue;
        for (int k = 0; k < n->nattrs; k++)
            if (n->attrs[k].kind == ATTR_TENSOR && n->attrs[k].tensor >= 0 &&
                n->attrs[k].tensor < g->nvalues)
                is[n->attrs[k].tensor] = true;
    }
    return is;
}

/* Elements of all initializers and Constant outputs (int64 shape
 * constants included), as the onnx package counts them: a Constant's
 * value_float/value_int is one element, value_floats/value_ints n.  Once
 * passes ran, constants nothing reads any more (a folded BN's statistics)
 * are left out: they are not in the generated program. */
int64_t graph_macs(const Graph *g)
{
    int64_t total = 0;
    for (int i = 0; i < g->nnodes; i++) {
        int64_t m = node_macs(g, &g->nodes[i]);
        total = m < 0 || total < 0 ? -1 : add_ck(total, m);
    }
    return total;
}

int64_t graph_params(const Graph *g)
{
    Arena a = {0};
    bool *skip = attr_tensors(g, &a);
    int64_t total = 0;
    for (int i = 0; i < g->nvalues; i++) {
        const Value *v = &g->values[i];
        if (!(v->flags & V_CONST) || skip[i])
            continue;
        if (g->pass_on && v->nuses == 0 && !(v->flags & V_OUTPUT))
            continue;
        int64_t n = value_numel(v);
        total = n < 0 || total < 0 ? -1 : add_ck(total, n);
    }
    arena_free_all(&a);
    return total;
}

/* The planned workspace buffers (channel slices counted in the buffer they
 * live in) by element type: how many, their bytes (each rounded up to
 * WS_ALIGN as planned: the type's share of naive_bytes) and the most bytes
 * of the type live at one step.  The most bytes of all types live at one
 * step is the least any plan could take (arena_bytes minus it: what the
 * greedy placement loses).  Needs plan_memory. */
#define NDT (DT_BF16 + 1)
typedef struct {
    int buffers[NDT];
    int64_t naive[NDT], peak[NDT];
    int64_t peak_all;
} DtypeBytes;

static void bytes_by_dtype(const Graph *g, DtypeBytes *d)
{
    memset(d, 0, sizeof *d);
    PlanBuf *bufs = malloc(sizeof *bufs * ((size_t)g->nvalues + 1));
    int64_t *live = malloc(sizeof *live * ((size_t)g->nnodes + 2) * (NDT + 1));
    if (!bufs || !live)
        fatal("out of memory");
    memset(live, 0, sizeof *live * ((size_t)g->nnodes + 2) * (NDT + 1));
    int n = plan_buffers(g, bufs);
    for (int i = 0; i < n; i++) {
        int dt = g->values[bufs[i].value].dtype;
        dt = dt >= 0 && dt < NDT ? dt : DT_UNDEF;
        d->buffers[dt]++;
        d->naive[dt] += bufs[i].bytes;
        /* row NDT: every type */
        for (int r = 0; r < 2; r++) {
            int64_t *row = live + (size_t)(r ? NDT : dt) * ((size_t)g->nnodes + 2);
            row[bufs[i].first] += bufs[i].bytes;
            row[bufs[i].last + 1] -= bufs[i].bytes;
        }
    }
    for (int dt = 0; dt <= NDT; dt++) {
        int64_t *row = live + (size_t)dt * ((size_t)g->nnodes + 2), cur = 0, peak = 0;
        for (int s = 0; s <= g->nnodes; s++) {
            cur += row[s];
            peak = cur > peak ? cur : peak;
        }
        if (dt < NDT)
            d->peak[dt] = peak;
        else
            d->peak_all = peak;
    }
    free(live);
    free(bufs);
}

static void io_list(YamlOut *y, const Graph *g, const int *idx, int n)
{
    yo_seq(y, false);
    for (int i = 0; i < n; i++) {
        const Value *v = &g->values[idx[i]];
        yo_map(y, false);
        yo_key(y, "name");
        yo_str(y, v->name);
        yo_key(y, "dtype");
        yo_key(y, dtype_name(v->dtype));
        yo_key(y, "shape");
        yo_shape(y, v);
        yo_map_end(y);
    }
    yo_seq_end(y);
}

/* Op counts: the op table's order, then unknown op_types in order of first
 * appearance (the loader rejects those today; a dump must not crash). */
static void op_counts(YamlOut *y, const Graph *g)
{
    int count[OP_COUNT] = {0};
    for (int ni = 0; ni < g->nnodes; ni++)
        if (g->nodes[ni].op < OP_COUNT)
            count[g->nodes[ni].op]++;
    yo_map(y, false);
    for (int op = 0; op < OP_COUNT; op++)
        if (count[op]) {
            yo_key(y, op_info[op].name);
            yo_int(y, count[op]);
        }
    for (int ni = 0; ni < g->nnodes; ni++) {
        const Node *n = &g->nodes[ni];
        if (n->op < OP_COUNT)
            continue;
        bool seen = false;
        for (int j = 0; j < ni && !seen; j++)
            seen = g->nodes[j].op >= OP_COUNT && strcmp(g->nodes[j].op_type, n->op_type) == 0;
        if (seen)
            continue;
        int c = 0;
        for (int j = ni; j < g->nnodes; j++)
            c += g->nodes[j].op >= OP_COUNT && strcmp(g->nodes[j].op_type, n->op_type) == 0;
        yo_str(y, n->op_type);
        yo_int(y, c);
    }
    yo_map_end(y);
}

/* The ops that have MACs, in the order of macs_by_op. */
static const Op mac_ops[] = {OP_CONV, OP_GEMM, OP_MATMUL, OP_QLINEARCONV, OP_CONVINTEGER, OP_QLINEARMATMUL,
                             OP_MATMULINTEGER, OP_QGEMM};
#define NCORE_MAC_OPS 3 /* listed always; the integer ones when present */
#define NMAC_OPS (int)(sizeof mac_ops / sizeof *mac_ops)

void write_report(const Graph *g, FILE *f)
{
    /* Everything that can fail on the model is computed before any output. */
    int64_t macs = 0, by_op[NMAC_OPS] = {0};
    bool has_op[NMAC_OPS] = {false};
    int unknown_macs = 0;
    for (int ni = 0; ni < g->nnodes; ni++) {
        const Node *n = &g->nodes[ni];
        for (int k = 0; k < NMAC_OPS; k++)
            has_op[k] |= n->op == mac_ops[k];
        int64_t m = node_macs(g, n);
        if (m < 0) {
            unknown_macs++;
            continue;
        }
        for (int k = 0; k < NMAC_OPS; k++)
            if (n->op == mac_ops[k])
                by_op[k] = by_op[k] < 0 ? -1 : add_ck(by_op[k], m);
        macs = macs < 0 ? -1 : add_ck(macs, m);
    }
    int64_t params = graph_params(g);
    int64_t weights = g->planned ? emitted_weights_bytes(g) : -1;

    YamlOut y;
    yo_begin(&y, f);
    yo_map(&y, false);
    yo_key(&y, "model");
    yo_str(&y, g->path);
    yo_key(&y, "graph");
    yo_str(&y, g->name);
    yo_key(&y, "ir_version");
    yo_int(&y, g->ir_version);
    yo_key(&y, "opset");
    yo_int(&y, g->opset);
    yo_key(&y, "inputs");
    io_list(&y, g, g->inputs, g->ninputs);
    yo_key(&y, "outputs");
    io_list(&y, g, g->outputs, g->noutputs);
    yo_key(&y, "nodes");
    yo_int(&y, g->nnodes);
    yo_key(&y, "ops");
    op_counts(&y, g);
    yo_key(&y, "params");
    if (params < 0) yo_null(&y); else yo_int(&y, params);
    /* macs: the total over nodes whose shapes are known; macs_unknown_nodes
     * (only when nonzero) counts the rest.  null if the total overflows. */
    yo_key(&y, "macs");
    if (macs < 0) yo_null(&y); else yo_int(&y, macs);
    if (unknown_macs) {
        yo_key(&y, "macs_unknown_nodes");
        yo_int(&y, unknown_macs);
    }
    yo_key(&y, "macs_by_op");
    yo_map(&y, false);
    for (int k = 0; k < NMAC_OPS; k++) {
        if (k >= NCORE_MAC_OPS && !has_op[k])
            continue;
        yo_key(&y, op_info[mac_ops[k]].name);
        if (by_op[k] < 0) yo_null(&y); else yo_int(&y, by_op[k]);
    }
    yo_map_end(&y);
    /* What the passes did: MACs and params before and after, and per pass. */
    if (g->pass_changes) {
        yo_key(&y, "macs_loaded");
        yo_int(&y, g->macs_loaded);
        yo_key(&y, "params_loaded");
        yo_int(&y, g->params_loaded);
        yo_key(&y, "passes");
        yo_map(&y, false);
        for (int i = 0; i < npasses; i++) {
            yo_key(&y, passes[i].name);
            if (g->pass_on[i])
                yo_int(&y, g->pass_changes[i]);
            else
                yo_str(&y, "off");
        }
        yo_map_end(&y);
    }
    /* The memory plan: the planned tensors against the sum of all
     * intermediates; the workspace adds the kernels' scratch. */
    if (g->naive_bytes > 0) {
        int64_t scratch = kernel_scratch_bytes(g);
        yo_key(&y, "arena_bytes");
        yo_int(&y, g->arena_bytes);
        yo_key(&y, "scratch_bytes");
        yo_int(&y, scratch);
        yo_key(&y, "workspace_bytes");
        yo_int(&y, (g->arena_bytes + WS_ALIGN - 1) / WS_ALIGN * WS_ALIGN + scratch);
        yo_key(&y, "naive_bytes");
        yo_int(&y, g->naive_bytes);
        yo_key(&y, "concat_copy_bytes");
        yo_int(&y, concat_copy_bytes(g));
        /* peak_bytes: the most bytes live at one step (no plan needs less);
         * memory_by_dtype: per element type, its buffers, their bytes (its
         * share of naive_bytes) and the most of them live at one step. */
        DtypeBytes d;
        bytes_by_dtype(g, &d);
        yo_key(&y, "peak_bytes");
        yo_int(&y, d.peak_all);
        yo_key(&y, "memory_by_dtype");
        yo_map(&y, false);
        for (int dt = 0; dt < NDT; dt++) {
            if (!d.buffers[dt])
                continue;
            yo_key(&y, dtype_name(dt));
            yo_map(&y, false);
            yo_key(&y, "buffers");
            yo_int(&y, d.buffers[dt]);
            yo_key(&y, "naive_bytes");
            yo_int(&y, d.naive[dt]);
            yo_key(&y, "peak_bytes");
            yo_int(&y, d.peak[dt]);
            yo_map_end(&y);
        }
        yo_map_end(&y);
    }
    /* weights_bytes: the constant data of the generated object (weights and
     * their prepacked copies; with --weights=file the size of
     * NAME.c.weights), null if the C backend cannot lower the graph. */
    if (g->planned) {
        yo_key(&y, "weights_bytes");
        if (weights < 0) yo_null(&y); else yo_int(&y, weights);
    }
    yo_map_end(&y);
    yo_end(&y);
}

/* ---- --report=table ---------------------------------------------------------- */

/* Where value vi lives after planning: a graph input/output, a workspace
 * offset, or a channel range of the buffer of another step's output. */
static const char *lives_in(const Graph *g, Arena *a, int vi)
{
    const Value *v = &g->values[vi];
    for (int i = 0; i < g->noutputs; i++)
        if (g->outputs[i] == vi)
            return arena_printf(a, "output %d", i);
    for (int i = 0; i < g->ninputs; i++)
        if (g->inputs[i] == vi)
            return arena_printf(a, "input %d", i);
    if (v->flags & V_CONST)
        return "constant";
    if (v->base >= 0)
        return arena_printf(a, "ch %lld..%lld of step %d (%s)", (long long)v->base_chan,
                            (long long)(v->base_chan + (v->rank > 1 ? v->dims[1] : 1) - 1),
                            g->values[v->base].producer, lives_in(g, a, v->base));
    if (v->offset >= 0)
        return arena_printf(a, "arena @%lld", (long long)v->offset);
    return "-";
}

static const char *shape_text(Arena *a, const Value *v)
{
    if (v->rank < 0)
        return "?";
    char *s = v->rank ? "" : "scalar";
    for (int d = 0; d < v->rank; d++)
        s = arena_printf(a, "%s%s%lld", s, d ? "x" : "", (long long)v->dims[d]);
    return s;
}

/* What a pass fused into the node: "bn+relu in, relu out", "add+relu out". */
static const char *fused_text(Arena *a, const Node *n)
{
    const char *in = n->scale_in                                ? "scale"
                     : n->pre_scale >= 0 || n->pre_shift >= 0 ? (n->pre_relu ? "bn+relu" : "bn")
                     : n->pre_relu                            ? "relu"
                                                              : NULL;
    const char *out = n->act > ACT_NONE && n->act < NUM_ACTS ? act_name(n->act) : NULL;
    if (n->res)
        out = out ? arena_printf(a, "add+%s", out) : "add";
    if (n->elided)
        return "elided";
    if (in && out)
        return arena_printf(a, "%s in, %s out", in, out);
    if (in)
        return arena_printf(a, "%s in", in);
    return out ? arena_printf(a, "%s out", out) : "-";
}

void write_report_table(const Graph *g, FILE *f)
{
    enum { STEP, OP, SHAPE, MACS, BYTES, LIVES, FUSED, NAME, NCOL };
    static const char *const head[NCOL] = {"step", "op", "output", "MACs", "bytes", "lives in",
                                           "fused", "name"};
    static const bool right[NCOL] = {true, false, false, true, true, false, false, false};
    Arena a = {0};
    int rows = g->nnodes + 1;
    const char **cell = arena_alloc(&a, sizeof *cell * (size_t)rows * NCOL);
    int width[NCOL] = {0};
    int64_t macs = 0, bytes = 0;
    for (int c = 0; c < NCOL; c++)
        cell[c] = head[c];
    for (int ni = 0; ni < g->nnodes; ni++) {
        const Node *n = &g->nodes[ni];
        const char **r = cell + (size_t)(ni + 1) * NCOL;
        int vo = -1; /* the first output present (RNN/GRU/LSTM may omit Y) */
        for (int k = 0; k < n->nout && vo < 0; k++)
            vo = n->out[k];
        const Value *v = vo >= 0 ? &g->values[vo] : NULL;
        int64_t m = node_macs(g, n), numel = v ? value_numel(v) : -1;
        int64_t b = numel >= 0 && v ? mul_ck(numel, (int64_t)dtype_size(v->dtype)) : -1;
        macs = m < 0 || macs < 0 ? -1 : add_ck(macs, m);
        bytes = b < 0 || bytes < 0 ? -1 : add_ck(bytes, b);
        r[STEP] = arena_printf(&a, "%d", ni);
        r[OP] = n->op < OP_COUNT ? op_info[n->op].name : printable(n->op_type);
        r[OP] = arena_strdup(&a, r[OP]);
        r[SHAPE] = v ? shape_text(&a, v) : "-";
        r[MACS] = m < 0 ? "?" : arena_printf(&a, "%lld", (long long)m);
        r[BYTES] = b < 0 ? "?" : arena_printf(&a, "%lld", (long long)b);
        r[LIVES] = vo >= 0 ? lives_in(g, &a, vo) : "-";
        r[FUSED] = fused_text(&a, n);
        r[NAME] = arena_strdup(&a, *n->name ? printable(n->name) : "-");
    }
    for (int i = 0; i < rows * NCOL; i++) {
        int w = (int)strlen(cell[i]);
        if (w > width[i % NCOL])
            width[i % NCOL] = w;
    }
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < NCOL; c++) {
            const char *t = cell[(size_t)r * NCOL + c];
            if (c == NCOL - 1)
                fprintf(f, "%s\n", t);
            else
                fprintf(f, right[c] ? "%*s  " : "%-*s  ", width[c], t);
        }
    }
    fprintf(f, "total: %d nodes, %lld MACs, %lld bytes of outputs", g->nnodes, (long long)macs,
            (long long)bytes);
    if (g->naive_bytes > 0) {
        fprintf(f, "; arena %lld bytes (%.2f MiB) for %lld bytes of intermediates, +%lld scratch",
                (long long)g->arena_bytes, (double)g->arena_bytes / 1048576.0,
                (long long)g->naive_bytes, (long long)kernel_scratch_bytes(g));
        DtypeBytes d;
        bytes_by_dtype(g, &d);
        fprintf(f, "; at most %lld bytes live at once", (long long)d.peak_all);
        for (int dt = 0; dt < NDT; dt++)
            if (d.buffers[dt])
                fprintf(f, "; %s %lld bytes, at most %lld live", dtype_name(dt), (long long)d.naive[dt],
                        (long long)d.peak[dt]);
    }
    int64_t w = g->planned ? emitted_weights_bytes(g) : -1;
    if (w >= 0)
        fprintf(f, "; weights %lld bytes (%.2f MiB)", (long long)w, (double)w / 1048576.0);
    fputs("\n", f);
    arena_free_all(&a);
}
