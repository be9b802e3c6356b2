/* fold_bn.c — Conv → BatchNormalization folded into the Conv.
 *
 * Needs: shapes inferred.  Fires when the Conv's weights (and bias, if any)
 * and the BN's scale, bias, mean and var are constants and the Conv's output
 * is read by that BN alone and is not a graph output.  With
 * a[m] = scale[m] / sqrt(var[m] + eps) (in double), the Conv gets weights
 * W[m] * a[m] and bias (b[m] - mean[m]) * a[m] + beta[m], and produces the
 * BN's output; the BN is removed. */
#include "onnxcc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const float *cdata(const Graph *g, int vi)
{
    const Value *v = &g->values[vi];
    return (v->flags & V_CONST) && v->dtype == DT_F32 ? v->data : NULL;
}

/* The BN's per-channel a and b of y = a*x + b, in double; false if its
 * parameters are not float32 constants or it is in training mode. */
bool bn_affine(const Graph *g, const Node *bn, int channels, double *a, double *b)
{
    const float *scale = cdata(g, bn->in[1]), *beta = cdata(g, bn->in[2]);
    const float *mean = cdata(g, bn->in[3]), *var = cdata(g, bn->in[4]);
    if (!scale || !beta || !mean || !var)
        return false;
    if (attr_int(g, bn, "training_mode", 0) != 0) /* batch statistics, not these */
        return false;
    for (int i = 1; i <= 4; i++)
        if (value_numel(&g->values[bn->in[i]]) != channels)
            return false;
    for (int k = 1; k < bn->nout; k++)
        if (bn->out[k] >= 0 && (g->values[bn->out[k]].nuses || (g->values[bn->out[k]].flags & V_OUTPUT)))
            return false;
    double eps = attr_float(g, bn, "epsilon", 1e-5f);
    for (int c = 0; c < channels; c++) {
        a[c] = (double)scale[c] / sqrt((double)var[c] + eps);
        b[c] = (double)beta[c] - (double)mean[c] * a[c];
    }
    return true;
}

int fold_bn(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *bn = &g->nodes[i];
        if (bn->op != OP_BATCHNORM || bn->dead)
            continue;
        const Value *x = &g->values[bn->in[0]];
        if (x->producer < 0 || x->nuses != 1 || (x->flags & V_OUTPUT))
            continue;
        int ci = x->producer;
        Node *conv = &g->nodes[ci];
        if (conv->op != OP_CONV || conv->act != ACT_NONE || conv->pre_scale >= 0)
            continue;
        const Value *w = &g->values[conv->in[1]];
        bool has_bias = conv->nin > 2 && conv->in[2] >= 0;
        const float *wd = cdata(g, conv->in[1]), *bd = has_bias ? cdata(g, conv->in[2]) : NULL;
        int M = (int)w->dims[0];
        if (!wd || (has_bias && !bd))
            continue;
        /* From the arena: bn_affine may stop with a user error. */
        double *a = arena_alloc(&g->arena, sizeof(double) * 2 * (size_t)M);
        double *b = a + M;
        if (!bn_affine(g, bn, M, a, b))
            continue;
        int64_t n = value_numel(w), per = n / M;
        float *nw = malloc(sizeof(float) * (size_t)n), *nb = malloc(sizeof(float) * (size_t)M);
        if (!nw || !nb)
            fatal("out of memory");
        for (int m = 0; m < M; m++) {
            for (int64_t j = 0; j < per; j++)
                nw[m * per + j] = (float)((double)wd[m * per + j] * a[m]);
            nb[m] = (float)((bd ? (double)bd[m] : 0.0) * a[m] + b[m]);
        }
        int64_t bdims[1] = {M}, wdims[MAX_RANK];
        int wrank = w->rank;
        memcpy(wdims, w->dims, sizeof wdims);
        const char *wname = w->name; /* graph_add_const may move the values */
        int wi = graph_add_const(g, arena_printf(&g->arena, "%s#folded", wname), wrank, wdims, nw);
        int bi = graph_add_const(g, arena_printf(&g->arena, "%s#folded_bias", wname), 1, bdims, nb);
        free(nw);
        free(nb);
        conv = &g->nodes[ci];
        if (!has_bias) {
            int *in = arena_alloc(&g->arena, sizeof(int) * 3);
            in[0] = conv->in[0];
            conv->in = in;
            conv->nin = 3;
        }
        conv->in[1] = wi;
        conv->in[2] = bi;
        conv->out[0] = bn->out[0];
        bn->dead = true;
        changed++;
    }
    return changed;
}
