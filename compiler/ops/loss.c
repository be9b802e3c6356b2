/* ops/loss.c — the loss functions: SoftmaxCrossEntropyLoss and
 * NegativeLogLikelihoodLoss, for float16, bfloat16, float and double scores
 * and int32 / int64 labels given at run time.
 *
 * Both read the input as N x C x D (D the product of d1 ... dk) and walk the
 * N x D positions once: SoftmaxCrossEntropyLoss takes the log-sum-exp of the
 * C scores of the position in double (and writes log_prob when asked), then
 * both take the label's term.  A label equal to ignore_index, or outside
 * [0, C) (undefined in ONNX; never read), contributes 0 to the loss and 0
 * to the mean's denominator, which sums the weights of the other labels
 * (1 each without a weight input). */
#include "onnxcc.h"

#include <string.h>

enum { RED_NONE, RED_SUM, RED_MEAN };

static int reduction(const Graph *g, const Node *n)
{
    const char *r = attr_str(g, n, "reduction", "mean");
    if (!strcmp(r, "none"))
        return RED_NONE;
    if (!strcmp(r, "sum"))
        return RED_SUM;
    if (!strcmp(r, "mean"))
        return RED_MEAN;
    fatal_node(g, n, "reduction '%s' is not one of none, sum, mean", printable(r));
}

void infer_loss(Graph *g, Node *n)
{
    if (g->opset < 12)
        fatal_node(g, n, "%s is not in opset %lld (it exists since opset 12)", op_info[n->op].name,
                   (long long)g->opset);
    const Value *x = in_val(g, n, 0), *t = in_val(g, n, 1);
    if (!dtype_is_float(x->dtype))
        fatal_node(g, n, "input '%s' has data type %s; expected float16, bfloat16, float or double", vname(x),
                   dtype_name(x->dtype));
    if (x->rank < 2)
        fatal_node(g, n, "input '%s' has shape %s; expected N x C x d1 x ... (rank 2 or more)", vname(x),
                   dims_str(x->dims, x->rank));
    if (t->dtype != DT_I32 && t->dtype != DT_I64)
        fatal_node(g, n, "target '%s' has data type %s; expected int32 or int64", vname(t), dtype_name(t->dtype));
    bool ok = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
    for (int d = 1; ok && d < t->rank; d++)
        ok = t->dims[d] == x->dims[d + 1];
    if (!ok)
        fatal_node(g, n, "target '%s' has shape %s; expected the shape %s of '%s' without axis 1", vname(t),
                   dims_str(t->dims, t->rank), dims_str(x->dims, x->rank), vname(x));
    if (has_in(n, 2)) {
        const Value *w = in_val(g, n, 2);
        if (w->dtype != x->dtype)
            fatal_node(g, n, "weight '%s' has data type %s, but '%s' has %s", vname(w), dtype_name(w->dtype),
                       vname(x), dtype_name(x->dtype));
        if (w->rank != 1 || w->dims[0] != x->dims[1])
            fatal_node(g, n, "weight '%s' has shape %s, expected [%lld] (one per class of '%s')", vname(w),
                       dims_str(w->dims, w->rank), (long long)x->dims[1], vname(x));
    }
    attr_int(g, n, "ignore_index", 0); /* an int if present */
    if (reduction(g, n) == RED_NONE)
        set_out(g, n, 0, x->dtype, t->rank, t->dims);
    else
        set_out(g, n, 0, x->dtype, 0, NULL);
    if (n->op == OP_SCELOSS)
        set_out(g, n, 1, x->dtype, x->rank, x->dims);
}

void lower_loss(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *x = &g->values[n->in[0]], *t = &g->values[n->in[1]];
    int dt = x->dtype, red = reduction(g, n);
    bool sce = n->op == OP_SCELOSS, weighted = has_in(n, 2), lp = sce && n->nout > 1 && n->out[1] >= 0;
    const Attr *ii = node_attr(g, n, "ignore_index");
    int64_t N = x->dims[0], C = x->dims[1], D = 1;
    for (int d = 2; d < x->rank; d++)
        D *= x->dims[d];
    const char *T = ctype(dt);
    const char *xc = load_as_double(a, dt, arena_printf(a, "x[xo + c * %lld]", (long long)D));
    fprintf(f, "    {\n");
    fprintf(f, "        const %s *x = %s;\n", T, emit_ref(e, n, n->in[0]));
    fprintf(f, "        const %s *t = %s;\n", ctype(t->dtype), emit_ref(e, n, n->in[1]));
    if (weighted)
        fprintf(f, "        const %s *w = %s;\n", T, emit_ref(e, n, n->in[2]));
    fprintf(f, "        %s *y = %s;\n", T, emit_ref(e, n, n->out[0]));
    if (lp)
        fprintf(f, "        %s *lp = %s;\n", T, emit_ref(e, n, n->out[1]));
    if (red != RED_NONE)
        fprintf(f, "        double acc = 0.0%s;\n", red == RED_MEAN ? ", den = 0.0" : "");
    fprintf(f, "        int64_t i, j%s;\n", sce ? ", c" : "");
    fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)N);
    fprintf(f, "            for (j = 0; j < %lld; j++) {\n", (long long)D);
    fprintf(f, "                const int64_t lab = (int64_t)t[i * %lld + j];\n", (long long)D);
    fprintf(f, "                const int64_t xo = i * %lld + j;\n", (long long)(C * D));
    const char *term = load_as_double(a, dt, arena_printf(a, "x[xo + lab * %lld]", (long long)D));
    if (sce) {
        fprintf(f, "                double m = %s, s = 0.0, lse;\n", load_as_double(a, dt, "x[xo]"));
        fprintf(f, "                for (c = 1; c < %lld; c++) {\n", (long long)C);
        fprintf(f, "                    const double v = %s;\n", xc);
        fprintf(f, "                    if (v > m)\n");
        fprintf(f, "                        m = v;\n");
        fprintf(f, "                }\n");
        fprintf(f, "                for (c = 0; c < %lld; c++)\n", (long long)C);
        fprintf(f, "                    s += exp(%s - m);\n", xc);
        fprintf(f, "                lse = m + log(s);\n");
        if (lp) {
            fprintf(f, "                for (c = 0; c < %lld; c++)\n", (long long)C);
            fprintf(f, "                    lp[xo + c * %lld] = %s;\n", (long long)D,
                    store_from_double(a, dt, arena_printf(a, "%s - lse", xc)));
        }
        term = arena_printf(a, "(%s - lse)", term);
    }
    const char *cond = arena_printf(a, "lab >= 0 && lab < %lld", (long long)C);
    if (ii)
        cond = ii->i == INT64_MIN ? arena_printf(a, "%s && lab != INT64_MIN", cond)
                                  : arena_printf(a, "%s && lab != INT64_C(%lld)", cond, (long long)ii->i);
    const char *wexpr = weighted ? load_as_double(a, dt, "w[lab]") : "1.0";
    if (red == RED_NONE) {
        fprintf(f, "                double l = 0.0;\n");
        fprintf(f, "                if (%s)\n", cond);
        fprintf(f, "                    l = -%s * %s;\n", term, wexpr);
        fprintf(f, "                y[i * %lld + j] = %s;\n", (long long)D, store_from_double(a, dt, "l"));
    } else {
        fprintf(f, "                if (%s) {\n", cond);
        fprintf(f, "                    const double wt = %s;\n", wexpr);
        fprintf(f, "                    acc -= %s * wt;\n", term);
        if (red == RED_MEAN)
            fprintf(f, "                    den += wt;\n");
        fprintf(f, "                }\n");
    }
    fprintf(f, "            }\n");
    if (red == RED_SUM)
        fprintf(f, "        y[0] = %s;\n", store_from_double(a, dt, "acc"));
    else if (red == RED_MEAN)
        fprintf(f, "        y[0] = %s;\n", store_from_double(a, dt, "acc / den"));
    fprintf(f, "    }\n");
}
