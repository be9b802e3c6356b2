/* ops/rnn.c — recurrent networks: RNN, GRU, LSTM.
 *
 * One reference loop per node, written into the generated code: for each
 * batch entry and each direction, the time steps in order (reverse: from
 * the entry's last valid step down), and per step every hidden unit's gate
 * pre-activations as dot products over x_t and h_{t-1}, in the calc type
 * (float for float16/bfloat16/float32, double for float64).  The state
 * lives in small local arrays of hidden_size elements (h, the next h, c,
 * GRU's r (.) h), bounded by RNN_SCRATCH bytes.  sequence_lens is read at
 * run time (clamped to [0, seq_length]); steps past an entry's length give
 * zeros in Y, and Y_h / Y_c hold the state after its last valid step.
 * Activations: the defaults, or the activations / activation_alpha /
 * activation_beta attributes (alpha and beta consumed in order by the
 * functions that take them, defaults those of the ONNX operators). */
#include "onnxcc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RNN_SCRATCH (64 * 1024) /* bytes of local arrays one node may use */

enum { IN_X, IN_W, IN_R, IN_B, IN_SEQ, IN_H0, IN_C0, IN_P };

typedef enum {
    A_RELU, A_TANH, A_SIGMOID, A_AFFINE, A_LEAKYRELU, A_THRESHOLDEDRELU, A_SCALEDTANH,
    A_HARDSIGMOID, A_ELU, A_SOFTSIGN, A_SOFTPLUS,
} ActKind;

static const struct {
    const char *name;
    int nparams;          /* alpha, then beta */
    float alpha, beta;    /* defaults */
} act_info[] = {
    [A_RELU] = {"Relu", 0, 0, 0},
    [A_TANH] = {"Tanh", 0, 0, 0},
    [A_SIGMOID] = {"Sigmoid", 0, 0, 0},
    [A_AFFINE] = {"Affine", 2, 1.0f, 0.0f},
    [A_LEAKYRELU] = {"LeakyRelu", 1, 0.01f, 0},
    [A_THRESHOLDEDRELU] = {"ThresholdedRelu", 1, 1.0f, 0},
    [A_SCALEDTANH] = {"ScaledTanh", 2, 1.0f, 1.0f},
    [A_HARDSIGMOID] = {"HardSigmoid", 2, 0.2f, 0.5f},
    [A_ELU] = {"Elu", 1, 1.0f, 0},
    [A_SOFTSIGN] = {"Softsign", 0, 0, 0},
    [A_SOFTPLUS] = {"Softplus", 0, 0, 0},
};

typedef struct {
    int kind;
    float alpha, beta;
} Act;

typedef struct {
    int G;            /* gates: 1 RNN, 3 GRU (z r h), 4 LSTM (i o f c) */
    int nact;         /* activations per direction */
    int D;            /* directions */
    bool rev;         /* the one direction is "reverse" */
    int layout;
    int64_t S, B, I, H;
    bool has_clip;
    float clip;
    bool lbr;         /* GRU linear_before_reset */
    bool input_forget;
    Act act[2][3];    /* per direction: f (, g (, h)) */
    int dt;
} Rnn;

static bool is_float(int dt) { return dtype_is_float(dt); }

/* Optional input k of the node's float type and the given shape. */
static const Value *opt_in(const Graph *g, const Node *n, int k, int dt, const char *what, int rank,
                           const int64_t *dims)
{
    if (!has_in(n, k))
        return NULL;
    const Value *v = in_val(g, n, k);
    if (v->dtype != dt)
        fatal_node(g, n, "%s '%s' has data type %s; it must be %s as X", what, vname(v), dtype_name(v->dtype),
                   dtype_name(dt));
    bool ok = v->rank == rank;
    for (int d = 0; ok && d < rank; d++)
        ok = v->dims[d] == dims[d];
    if (!ok)
        fatal_node(g, n, "%s '%s' has shape %s; expected %s", what, vname(v), dims_str(v->dims, v->rank),
                   dims_str(dims, rank));
    return v;
}

static Rnn rnn_params(const Graph *g, const Node *n)
{
    Rnn r;
    memset(&r, 0, sizeof r);
    r.G = n->op == OP_RNN ? 1 : n->op == OP_GRU ? 3 : 4;
    r.nact = n->op == OP_RNN ? 1 : n->op == OP_GRU ? 2 : 3;
    const Value *x = in_val(g, n, IN_X);
    if (!is_float(x->dtype))
        fatal_node(g, n, "X '%s' has data type %s; it must be a float type", vname(x), dtype_name(x->dtype));
    if (x->rank != 3)
        fatal_node(g, n, "X '%s' has shape %s; it must have rank 3", vname(x), dims_str(x->dims, x->rank));
    r.dt = x->dtype;
    int64_t layout = attr_int(g, n, "layout", 0);
    if (layout != 0 && layout != 1)
        fatal_node(g, n, "layout %lld is not 0 or 1", (long long)layout);
    r.layout = (int)layout;
    r.S = x->dims[layout ? 1 : 0];
    r.B = x->dims[layout ? 0 : 1];
    r.I = x->dims[2];
    const char *dir = attr_str(g, n, "direction", "forward");
    if (!strcmp(dir, "forward") || !strcmp(dir, "reverse"))
        r.D = 1, r.rev = dir[0] == 'r';
    else if (!strcmp(dir, "bidirectional"))
        r.D = 2;
    else
        fatal_node(g, n, "direction '%s' is not forward, reverse or bidirectional", printable(dir));
    in_val(g, n, IN_W);
    const Value *rr = in_val(g, n, IN_R);
    if (rr->rank != 3)
        fatal_node(g, n, "R '%s' has shape %s; it must have rank 3", vname(rr), dims_str(rr->dims, rr->rank));
    r.H = attr_int(g, n, "hidden_size", rr->dims[2]);
    if (r.H < 1 || r.H > (int64_t)1 << 30)
        fatal_node(g, n, "hidden_size %lld is not positive", (long long)r.H);
    int64_t GH = r.G * r.H;
    opt_in(g, n, IN_W, r.dt, "W", 3, (int64_t[]){r.D, GH, r.I});
    opt_in(g, n, IN_R, r.dt, "R", 3, (int64_t[]){r.D, GH, r.H});
    opt_in(g, n, IN_B, r.dt, "B", 2, (int64_t[]){r.D, 2 * GH});
    int64_t hd[3] = {r.D, r.B, r.H};
    if (layout)
        hd[0] = r.B, hd[1] = r.D;
    opt_in(g, n, IN_H0, r.dt, "initial_h", 3, hd);
    if (n->op == OP_LSTM) {
        opt_in(g, n, IN_C0, r.dt, "initial_c", 3, hd);
        opt_in(g, n, IN_P, r.dt, "P", 2, (int64_t[]){r.D, 3 * r.H});
    }
    if (has_in(n, IN_SEQ)) {
        const Value *sl = in_val(g, n, IN_SEQ);
        if (sl->dtype != DT_I32 || sl->rank != 1 || sl->dims[0] != r.B)
            fatal_node(g, n, "sequence_lens '%s' is %s %s; it must be int32 [%lld]", vname(sl),
                       dtype_name(sl->dtype), dims_str(sl->dims, sl->rank), (long long)r.B);
        if (sl->flags & V_CONST)
            for (int64_t b = 0; b < r.B; b++) {
                int32_t len;
                memcpy(&len, (const char *)sl->data + 4 * b, 4);
                if (len < 1 || len > r.S)
                    fatal_node(g, n, "sequence_lens[%lld] is %d; it must be 1 to seq_length %lld", (long long)b,
                               (int)len, (long long)r.S);
            }
    }
    const Attr *clip = node_attr(g, n, "clip");
    if (clip) {
        r.has_clip = true;
        r.clip = attr_float(g, n, "clip", 0);
        if (!(r.clip > 0))
            fatal_node(g, n, "clip %g is not positive", (double)r.clip);
    }
    if (n->op == OP_GRU) {
        int64_t l = attr_int(g, n, "linear_before_reset", 0);
        if (l != 0 && l != 1)
            fatal_node(g, n, "linear_before_reset %lld is not 0 or 1", (long long)l);
        r.lbr = l;
    }
    if (n->op == OP_LSTM) {
        int64_t l = attr_int(g, n, "input_forget", 0);
        if (l != 0 && l != 1)
            fatal_node(g, n, "input_forget %lld is not 0 or 1", (long long)l);
        r.input_forget = l;
    }
    /* activations */
    static const int defaults[3][3] = {{A_TANH}, {A_SIGMOID, A_TANH}, {A_SIGMOID, A_TANH, A_TANH}};
    char *const *names;
    int na = attr_strs(g, n, "activations", &names);
    const float *alpha = NULL, *beta = NULL;
    int nal = 0, nbe = 0;
    const Attr *aa = node_attr(g, n, "activation_alpha"), *ab = node_attr(g, n, "activation_beta");
    if (aa && aa->kind != ATTR_FLOATS)
        fatal_node(g, n, "attribute 'activation_alpha' has the wrong type");
    if (ab && ab->kind != ATTR_FLOATS)
        fatal_node(g, n, "attribute 'activation_beta' has the wrong type");
    if (aa)
        alpha = aa->floats, nal = aa->n;
    if (ab)
        beta = ab->floats, nbe = ab->n;
    if (na >= 0 && na != r.nact && na != r.nact * r.D)
        fatal_node(g, n, "activations has %d functions, expected %d%s", na, r.nact * r.D,
                   r.D == 2 ? " (or one set for both directions)" : "");
    int ial = 0, ibe = 0;
    for (int d = 0; d < r.D; d++)
        for (int k = 0; k < r.nact; k++) {
            Act *a = &r.act[d][k];
            if (na < 0) {
                a->kind = defaults[r.nact - 1][k];
                continue;
            }
            const char *nm = names[(na == r.nact ? 0 : d * r.nact) + k];
            int kind = -1;
            for (int i = 0; i < (int)(sizeof act_info / sizeof act_info[0]); i++)
                if (!strcasecmp(nm, act_info[i].name))
                    kind = i;
            if (kind < 0)
                fatal_node(g, n, "activation '%s' is not supported (Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                           "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus)", printable(nm));
            a->kind = kind;
            a->alpha = act_info[kind].alpha;
            a->beta = act_info[kind].beta;
            if (act_info[kind].nparams >= 1 && ial < nal)
                a->alpha = alpha[ial++];
            if (act_info[kind].nparams >= 2 && ibe < nbe)
                a->beta = beta[ibe++];
        }
    size_t csize = strcmp(calc_type(r.dt), "double") ? 4 : 8;
    int arrays = 2 + (n->op == OP_LSTM) + (n->op == OP_GRU && !r.lbr);
    if ((double)arrays * (double)r.H * (double)csize > RNN_SCRATCH)
        fatal_node(g, n, "hidden_size %lld needs %.0f bytes of state, more than the %d the C backend keeps on "
                   "the stack", (long long)r.H, (double)arrays * (double)r.H * (double)csize, RNN_SCRATCH);
    return r;
}

void infer_rnn(Graph *g, Node *n)
{
    if (n->op == OP_RNN || n->op == OP_GRU || n->op == OP_LSTM) {
        Rnn r = rnn_params(g, n);
        int64_t y[4] = {r.S, r.D, r.B, r.H}, yh[3] = {r.D, r.B, r.H};
        if (r.layout) {
            y[0] = r.B, y[1] = r.S, y[2] = r.D;
            yh[0] = r.B, yh[1] = r.D;
        }
        set_out(g, n, 0, r.dt, 4, y);
        set_out(g, n, 1, r.dt, 3, yh);
        set_out(g, n, 2, r.dt, 3, yh);
        return;
    }
    fatal_node(g, n, "unsupported operator");
}

/* ---- lowering --------------------------------------------------------------- */

typedef struct {
    Emitter *e;
    const Node *n;
    FILE *f;
    Arena *a;
    const Rnn *r;
    bool dbl;          /* calc in double */
    const char *C;     /* calc type */
} Ctx;

static const char *lit(const Ctx *c, double v)
{
    return c->dbl ? emit_dlit(c->e, v) : emit_flit(c->e, (float)v);
}

static const char *fn(const Ctx *c, const char *name)
{
    return c->dbl ? name : arena_printf(c->a, "%sf", name);
}

/* Element i (a C expression) of input k as the calc type. */
static const char *ld(const Ctx *c, const char *ptr, const char *i)
{
    return arena_printf(c->a, "(%s)%s", c->C, load_expr(c->a, c->r->dt, arena_printf(c->a, "%s[%s]", ptr, i)));
}

/* v = clip(v) if clip is set, then v = act(v). */
static void rnn_act(const Ctx *c, const char *ind, const Act *a, const char *v)
{
    FILE *f = c->f;
    if (c->r->has_clip)
        fprintf(f, "%s%s = %s < %s ? %s : %s > %s ? %s : %s;\n", ind, v, v, lit(c, -(double)c->r->clip),
                lit(c, -(double)c->r->clip), v, lit(c, c->r->clip), lit(c, c->r->clip), v);
    const char *al = lit(c, a->alpha), *be = lit(c, a->beta), *z = lit(c, 0), *one = lit(c, 1);
    switch (a->kind) {
    case A_RELU:
        fprintf(f, "%s%s = %s > %s ? %s : %s;\n", ind, v, v, z, v, z);
        break;
    case A_TANH:
        fprintf(f, "%s%s = %s(%s);\n", ind, v, fn(c, "tanh"), v);
        break;
    case A_SIGMOID:
        fprintf(f, "%s%s = %s / (%s + %s(-%s));\n", ind, v, one, one, fn(c, "exp"), v);
        break;
    case A_AFFINE:
        fprintf(f, "%s%s = %s * %s + %s;\n", ind, v, al, v, be);
        break;
    case A_LEAKYRELU:
        fprintf(f, "%s%s = %s >= %s ? %s : %s * %s;\n", ind, v, v, z, v, al, v);
        break;
    case A_THRESHOLDEDRELU:
        fprintf(f, "%s%s = %s > %s ? %s : %s;\n", ind, v, v, al, v, z);
        break;
    case A_SCALEDTANH:
        fprintf(f, "%s%s = %s * %s(%s * %s);\n", ind, v, al, fn(c, "tanh"), be, v);
        break;
    case A_HARDSIGMOID:
        fprintf(f, "%s%s = %s * %s + %s;\n", ind, v, al, v, be);
        fprintf(f, "%s%s = %s > %s ? %s : %s > %s ? %s : %s;\n", ind, v, v, one, one, v, z, v, z);
        break;
    case A_ELU:
        fprintf(f, "%s%s = %s >= %s ? %s : %s * (%s(%s) - %s);\n", ind, v, v, z, v, al, fn(c, "exp"), v, one);
        break;
    case A_SOFTSIGN:
        fprintf(f, "%s%s = %s / (%s + %s(%s));\n", ind, v, v, one, fn(c, "fabs"), v);
        break;
    case A_SOFTPLUS:
        fprintf(f, "%s%s = %s > %s ? %s + %s(%s(-%s)) : %s(%s(%s));\n", ind, v, v, z, v, fn(c, "log1p"),
                fn(c, "exp"), v, fn(c, "log1p"), fn(c, "exp"), v);
        break;
    default:
        assert(0);
    }
}

/* Declares `C v` = the pre-activation of gate gi of unit j in direction d:
 * the W.x_t part and bias Wb (if wx), plus the R.hv part and bias Rb (if
 * hv is not NULL). */
static void emit_pre(const Ctx *c, const char *ind, const char *v, int d, int gi, bool wx, const char *hv)
{
    const Rnn *r = c->r;
    FILE *f = c->f;
    int64_t GH = r->G * r->H, row = d * GH + gi * r->H;
    const char *init = lit(c, 0);
    if (has_in(c->n, IN_B)) {
        const char *wb = ld(c, "wb", arena_printf(c->a, "%lld + j", (long long)(2 * d * GH + gi * r->H)));
        const char *rb = ld(c, "wb", arena_printf(c->a, "%lld + j", (long long)(2 * d * GH + GH + gi * r->H)));
        init = wx && hv ? arena_printf(c->a, "%s + %s", wb, rb) : wx ? wb : rb;
    }
    fprintf(f, "%s%s %s = %s;\n", ind, c->C, v, init);
    if (wx)
        fprintf(f, "%sfor (k = 0; k < %lld; k++)\n%s    %s += %s * %s;\n", ind, (long long)r->I, ind, v,
                ld(c, "wx", arena_printf(c->a, "(%lld + j) * %lld + k", (long long)row, (long long)r->I)),
                ld(c, "xt", "k"));
    if (hv)
        fprintf(f, "%sfor (k = 0; k < %lld; k++)\n%s    %s += %s * %s[k];\n", ind, (long long)r->H, ind, v,
                ld(c, "wr", arena_printf(c->a, "(%lld + j) * %lld + k", (long long)row, (long long)r->H)), hv);
}

/* Offset of the H-vector of (batch b, direction d) in Y_h / initial_h. */
static const char *state_off(const Ctx *c, int d)
{
    const Rnn *r = c->r;
    return r->layout ? arena_printf(c->a, "(b * %d + %d) * %lld", r->D, d, (long long)r->H)
                     : arena_printf(c->a, "(%d * %lld + b) * %lld", d, (long long)r->B, (long long)r->H);
}

/* Offset of the H-vector of (time tv, direction d, batch b) in Y. */
static const char *y_off(const Ctx *c, int d, const char *tv)
{
    const Rnn *r = c->r;
    return r->layout ? arena_printf(c->a, "((b * %lld + %s) * %d + %d) * %lld", (long long)r->S, tv, r->D, d, (long long)r->H)
                     : arena_printf(c->a, "((%s * %d + %d) * %lld + b) * %lld", tv, r->D, d, (long long)r->B, (long long)r->H);
}

static void emit_direction(const Ctx *c, int d)
{
    const Rnn *r = c->r;
    const Node *n = c->n;
    FILE *f = c->f;
    bool lstm = n->op == OP_LSTM, gru = n->op == OP_GRU;
    bool rev = r->D == 2 ? d == 1 : r->rev;
    bool hy = n->out[0] >= 0, hyh = n->nout > 1 && n->out[1] >= 0, hyc = lstm && n->nout > 2 && n->out[2] >= 0;
    const Act *act = r->act[d];
    const char *I3 = "            ", *I4 = "                ";
    const char *zero = lit(c, 0), *one = lit(c, 1);
    fprintf(f, "        /* direction %d (%s) */\n", d, rev ? "reverse" : "forward");
    fprintf(f, "        for (j = 0; j < %lld; j++) {\n", (long long)r->H);
    fprintf(f, "%sh[j] = %s;\n", I3, has_in(n, IN_H0) ? ld(c, "h0", arena_printf(c->a, "%s + j", state_off(c, d))) : zero);
    if (lstm)
        fprintf(f, "%sc[j] = %s;\n", I3, has_in(n, IN_C0) ? ld(c, "c0", arena_printf(c->a, "%s + j", state_off(c, d))) : zero);
    fprintf(f, "        }\n");
    fprintf(f, "        for (s = 0; s < len; s++) {\n");
    fprintf(f, "%sconst int64_t t = %s;\n", I3, rev ? "len - 1 - s" : "s");
    fprintf(f, "%sconst %s *xt = xx + %s;\n", I3, ctype(r->dt),
            r->layout ? arena_printf(c->a, "(b * %lld + t) * %lld", (long long)r->S, (long long)r->I)
                      : arena_printf(c->a, "(t * %lld + b) * %lld", (long long)r->B, (long long)r->I));
    if (gru && !r->lbr) { /* r (.) h first: every unit's candidate needs all of it */
        fprintf(f, "%sfor (j = 0; j < %lld; j++) {\n", I3, (long long)r->H);
        emit_pre(c, I4, "gr", d, 1, true, "h");
        rnn_act(c, I4, &act[0], "gr");
        fprintf(f, "%srh[j] = gr * h[j];\n", I4);
        fprintf(f, "%s}\n", I3);
    }
    fprintf(f, "%sfor (j = 0; j < %lld; j++) {\n", I3, (long long)r->H);
    if (n->op == OP_RNN) {
        emit_pre(c, I4, "v", d, 0, true, "h");
        rnn_act(c, I4, &act[0], "v");
        fprintf(f, "%shn[j] = v;\n", I4);
    } else if (gru) {
        emit_pre(c, I4, "gz", d, 0, true, "h");
        rnn_act(c, I4, &act[0], "gz");
        if (r->lbr) {
            emit_pre(c, I4, "gr", d, 1, true, "h");
            rnn_act(c, I4, &act[0], "gr");
            emit_pre(c, I4, "gx", d, 2, true, NULL);
            emit_pre(c, I4, "gh", d, 2, false, "h");
            fprintf(f, "%s%s gc = gx + gr * gh;\n", I4, c->C);
        } else {
            emit_pre(c, I4, "gc", d, 2, true, "rh");
        }
        rnn_act(c, I4, &act[1], "gc");
        fprintf(f, "%shn[j] = (%s - gz) * gc + gz * h[j];\n", I4, one);
    } else {
        const char *pi = NULL, *po = NULL, *pf = NULL;
        if (has_in(n, IN_P)) {
            pi = ld(c, "pp", arena_printf(c->a, "%lld + j", (long long)(d * 3 * r->H)));
            po = ld(c, "pp", arena_printf(c->a, "%lld + j", (long long)(d * 3 * r->H + r->H)));
            pf = ld(c, "pp", arena_printf(c->a, "%lld + j", (long long)(d * 3 * r->H + 2 * r->H)));
        }
        emit_pre(c, I4, "gi", d, 0, true, "h");
        if (pi)
            fprintf(f, "%sgi += %s * c[j];\n", I4, pi);
        rnn_act(c, I4, &act[0], "gi");
        if (r->input_forget) {
            fprintf(f, "%s%s gf = %s - gi;\n", I4, c->C, one);
        } else {
            emit_pre(c, I4, "gf", d, 2, true, "h");
            if (pf)
                fprintf(f, "%sgf += %s * c[j];\n", I4, pf);
            rnn_act(c, I4, &act[0], "gf");
        }
        emit_pre(c, I4, "gc", d, 3, true, "h");
        rnn_act(c, I4, &act[1], "gc");
        fprintf(f, "%sc[j] = gf * c[j] + gi * gc;\n", I4);
        emit_pre(c, I4, "go", d, 1, true, "h");
        if (po)
            fprintf(f, "%sgo += %s * c[j];\n", I4, po);
        rnn_act(c, I4, &act[0], "go");
        fprintf(f, "%s{\n%s    %s ch = c[j];\n", I4, I4, c->C);
        char in5[64];
        snprintf(in5, sizeof in5, "%s    ", I4);
        Ctx c2 = *c;
        Rnn r2 = *r;
        r2.has_clip = false; /* the clip is for the gates' inputs, not the cell state */
        c2.r = &r2;
        rnn_act(&c2, in5, &act[2], "ch");
        fprintf(f, "%s    hn[j] = go * ch;\n%s}\n", I4, I4);
    }
    fprintf(f, "%s}\n", I3);
    fprintf(f, "%sfor (j = 0; j < %lld; j++) {\n", I3, (long long)r->H);
    fprintf(f, "%sh[j] = hn[j];\n", I4);
    if (hy)
        fprintf(f, "%syy[%s + j] = %s;\n", I4, y_off(c, d, "t"), store_expr(c->a, r->dt, "h[j]"));
    fprintf(f, "%s}\n", I3);
    fprintf(f, "        }\n");
    if (hy && has_in(n, IN_SEQ)) {
        fprintf(f, "        for (s = len; s < %lld; s++)\n", (long long)r->S);
        fprintf(f, "%sfor (j = 0; j < %lld; j++)\n", I3, (long long)r->H);
        fprintf(f, "%syy[%s + j] = %s;\n", I4, y_off(c, d, "s"), store_expr(c->a, r->dt, zero));
    }
    if (hyh || hyc) {
        fprintf(f, "        for (j = 0; j < %lld; j++) {\n", (long long)r->H);
        if (hyh)
            fprintf(f, "%syh[%s + j] = %s;\n", I3, state_off(c, d), store_expr(c->a, r->dt, "h[j]"));
        if (hyc)
            fprintf(f, "%syc[%s + j] = %s;\n", I3, state_off(c, d), store_expr(c->a, r->dt, "c[j]"));
        fprintf(f, "        }\n");
    }
}

static void decl(const Ctx *c, int k, const char *name)
{
    if (has_in(c->n, k))
        fprintf(c->f, "    const %s *%s = %s;\n", ctype(c->r->dt), name, emit_ref(c->e, c->n, c->n->in[k]));
}

void lower_rnn(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if (n->op != OP_RNN && n->op != OP_GRU && n->op != OP_LSTM)
        fatal_node(g, n, "operator is not supported by the C backend");
    Rnn r = rnn_params(g, n);
    bool any = false;
    for (int k = 0; k < n->nout; k++)
        any |= n->out[k] >= 0;
    if (!any) /* every output omitted */
        return;
    /* The body goes to a buffer first, to be indented inside the node's block. */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = f;
    f = open_memstream(&buf, &len);
    if (!f)
        fatal("out of memory");
    Ctx c = {e, n, f, (Arena *)&g->arena, &r, !strcmp(calc_type(r.dt), "double"), calc_type(r.dt)};
    bool lstm = n->op == OP_LSTM;
    const char *T = ctype(r.dt);
    decl(&c, IN_X, "xx");
    decl(&c, IN_W, "wx");
    decl(&c, IN_R, "wr");
    decl(&c, IN_B, "wb");
    decl(&c, IN_H0, "h0");
    if (lstm) {
        decl(&c, IN_C0, "c0");
        decl(&c, IN_P, "pp");
    }
    if (has_in(n, IN_SEQ))
        fprintf(f, "    const int32_t *sl = %s;\n", emit_ref(e, n, n->in[IN_SEQ]));
    static const char *const onames[3] = {"yy", "yh", "yc"};
    for (int k = 0; k < n->nout && k < 3; k++)
        if (n->out[k] >= 0)
            fprintf(f, "    %s *%s = %s;\n", T, onames[k], emit_ref(e, n, n->out[k]));
    long long H = (long long)r.H;
    fprintf(f, "    %s h[%lld], hn[%lld]", c.C, H, H);
    if (lstm)
        fprintf(f, ", c[%lld]", H);
    if (n->op == OP_GRU && !r.lbr)
        fprintf(f, ", rh[%lld]", H);
    fprintf(f, ";\n    int64_t b, s, j, k;\n");
    fprintf(f, "    for (b = 0; b < %lld; b++) {\n", (long long)r.B);
    if (has_in(n, IN_SEQ))
        fprintf(f, "        const int64_t len = sl[b] < 0 ? 0 : sl[b] > %lld ? %lld : (int64_t)sl[b];\n",
                (long long)r.S, (long long)r.S);
    else
        fprintf(f, "        const int64_t len = %lld;\n", (long long)r.S);
    for (int d = 0; d < r.D; d++)
        emit_direction(&c, d);
    fprintf(f, "    }\n");
    if (fclose(f) != 0)
        fatal("out of memory");
    fprintf(out, "    {\n");
    for (char *line = buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert(nl);
        fprintf(out, "    %.*s\n", (int)(nl - line), line);
    }
    fprintf(out, "    }\n");
    free(buf);
}
