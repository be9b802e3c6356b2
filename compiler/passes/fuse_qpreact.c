/* fuse_qpreact.c — a quantized pre-activation read by an integer conv:
 *
 *   DequantizeLinear(c u8, per tensor) → BatchNormalization → [Relu]
 *     → QuantizeLinear(u8, per tensor) → QLinearConv
 *   ⇒ QLinearConv reading c through a table lut[C][256]
 *
 * DenseNet's BN → Relu before each 1x1 conv sits between a
 * DequantizeLinear and a QuantizeLinear in QDQ form: per channel it maps
 * each of the 256 input bytes to one output byte, so the compiler
 * evaluates it once per (channel, byte) and the conv applies the table
 * while it packs its input (the normalised copy of the concatenation is
 * never written, as fuse_preact does for float).  The table is computed
 * with the float arithmetic the unfused nodes run: (v - zp) * scale, BN as
 * a = gamma * (1 / sqrtf(var + eps)), b = beta - mean * a, y = x * a + b,
 * max(0, y), then round half to even of y / y_scale + y_zp, saturated, so
 * fusing changes no bit.
 *
 * Needs: fuse_qconv (the QLinearConv).  Fires when the QuantizeLinear's
 * scale and zero point equal the conv's input ones, every scale, zero
 * point and BN parameter is a constant (per tensor / per channel), the
 * values between the DequantizeLinear and the conv are read once and are
 * not graph outputs.  The conv reads c and records the table as its
 * pre_scale (a uint8 [C][256] constant); the BN, Relu and QuantizeLinear
 * go, and the DequantizeLinear if nothing else reads it. */
#include "onnxcc.h"
#include "qmatch.h"

#include <math.h>
#include <string.h>

/* Constant per-tensor float32 scale s and uint8 zero point z. */
static bool qparams_u8(const Graph *g, int s, int z, float *sv, uint8_t *zv)
{
    const Value *S = val(g, s), *Z = val(g, z);
    if (!is_const(S) || !is_const(Z) || S->dtype != DT_F32 || Z->dtype != DT_U8 || !per_tensor(S) || !per_tensor(Z))
        return false;
    memcpy(sv, S->data, 4);
    *zv = *(const uint8_t *)Z->data;
    return *sv > 0 && isfinite(*sv);
}

static bool per_channel_f32(const Graph *g, int vi, int64_t C)
{
    const Value *v = val(g, vi);
    return is_const(v) && v->dtype == DT_F32 && value_numel(v) == C && v->nbytes == 4 * C;
}

int fuse_qpreact(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *conv = &g->nodes[i];
        if (conv->dead || conv->op != OP_QLINEARCONV || conv->pre_scale >= 0 || !private_value(g, conv->in[0]))
            continue;
        Node *q = made_by(g, conv->in[0], OP_QUANTIZELINEAR);
        float s2, cs;
        uint8_t z2, cz;
        if (!q || q->nin < 3 || !qparams_u8(g, q->in[1], q->in[2], &s2, &z2) ||
            !qparams_u8(g, conv->in[1], conv->in[2], &cs, &cz) || memcmp(&s2, &cs, 4) != 0 || z2 != cz ||
            !private_value(g, q->in[0]))
            continue;
        Node *relu = made_by(g, q->in[0], OP_RELU);
        int bv = relu ? relu->in[0] : q->in[0];
        if (relu && !private_value(g, bv))
            continue;
        Node *bn = made_by(g, bv, OP_BATCHNORM);
        if (!bn || bn->nin != 5 || bn->nout != 1)
            continue;
        Node *dq = made_by(g, bn->in[0], OP_DEQUANTIZELINEAR);
        float s1;
        uint8_t z1;
        if (!dq || dq->nin < 3 || !qparams_u8(g, dq->in[1], dq->in[2], &s1, &z1))
            continue;
        const Value *c = val(g, dq->in[0]);
        if (c->dtype != DT_U8 || c->rank != 4)
            continue;
        const int64_t C = c->dims[1];
        if (C != g->values[conv->in[0]].dims[1] || !per_channel_f32(g, bn->in[1], C) ||
            !per_channel_f32(g, bn->in[2], C) || !per_channel_f32(g, bn->in[3], C) || !per_channel_f32(g, bn->in[4], C))
            continue;
        const float *gamma = g->values[bn->in[1]].data, *beta = g->values[bn->in[2]].data;
        const float *mean = g->values[bn->in[3]].data, *var = g->values[bn->in[4]].data;
        const float eps = attr_float(g, bn, "epsilon", 1e-5f);
        uint8_t *lut = arena_alloc(&g->arena, (size_t)C * 256);
        for (int64_t ch = 0; ch < C; ch++) {
            const float inv = 1.0f / sqrtf(var[ch] + eps);
            const float a = gamma[ch] * inv;
            const float b = beta[ch] - mean[ch] * a;
            for (int v = 0; v < 256; v++) {
                float y = (float)((int64_t)v - (int64_t)z1) * s1;
                y = y * a + b;
                if (relu)
                    y = y > 0.0f ? y : 0.0f;
                float r = nearbyintf(y / s2) + (float)z2;
                r = r > 255.0f ? 255.0f : r;
                r = r >= 0.0f ? r : 0.0f;
                lut[ch * 256 + v] = (uint8_t)r;
            }
        }
        char *name = arena_printf(&g->arena, "%s_table", g->values[conv->in[0]].name);
        while (graph_find_value(g, name) >= 0)
            name = arena_printf(&g->arena, "%s'", name);
        const int li = graph_add_value(g, name); /* may move g->values */
        Value *lv = &g->values[li];
        lv->dtype = DT_U8;
        lv->rank = 2;
        lv->dims[0] = C;
        lv->dims[1] = 256;
        lv->data = lut;
        lv->nbytes = C * 256;
        lv->flags = V_CONST;
        conv = &g->nodes[i];
        conv->in[0] = dq->in[0];
        conv->pre_scale = li;
        q->dead = bn->dead = true;
        if (relu)
            relu->dead = true;
        if (g->values[dq->out[0]].nuses == 1 && !(g->values[dq->out[0]].flags & V_OUTPUT))
            dq->dead = true;
        changed++;
    }
    return changed;
}
