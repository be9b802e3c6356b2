/* fuse_qgemm.c — the QDQ form of a quantized Gemm or MatMul (a
 * classifier) as one integer QGemm (onnxruntime's com.microsoft QGemm with
 * transB):
 *
 *   Gemm(DequantizeLinear(x uint8, per tensor),
 *        DequantizeLinear(w int8 const, zero point 0, per tensor or per
 *                         output column), [DequantizeLinear(b int32 const,
 *                         scale x_scale * w_scale[n], zero point 0)])
 *     → [Relu] → [QuantizeLinear(uint8, per tensor)]
 *   ⇒ QGemm(x, x_scale, x_zp, w [N][K], w_scale, w_zp, [b], [y_scale, y_zp])
 *
 * and MatMul(DequantizeLinear(x), DequantizeLinear(w [K][N] const)) the
 * same way without bias.  The sum is exact in int32; with the
 * QuantizeLinear the output is requantized in the kernel's epilogue
 * ((float)acc * (x_scale * w_scale[n] / y_scale), rounded half to even,
 * plus y_zp, saturated: as onnxruntime's QGemm), without it the output is
 * float, (float)acc * (x_scale * w_scale[n]).  The weights stay int8 in
 * the program (fold_dq would make them float: four times the bytes).
 *
 * Needs: shapes inferred; runs after the other integer fusions and before
 * fold_dq.  Fires on a Gemm with transA 0 and alpha 1 (beta 1 with a
 * bias), A [M, K], a bias of shape [N] if any, or a MatMul with a weight
 * [K, N] (A [..., K]); K < 65536 (exact int32 sums); every scale and zero
 * point constant, float32 scales and zero points of the data's type.  A
 * Relu is taken only with a QuantizeLinear whose zero point is 0 (the
 * saturation is the Relu); the Gemm/Relu output must be read by the next
 * node alone and not be a graph output.  Weights stored [K][N] (Gemm
 * without transB, MatMul) become a transposed int8 constant.  The node
 * becomes the QGemm; the QuantizeLinear and Relu go, and so do the
 * DequantizeLinears nothing else reads. */
#include "onnxcc.h"
#include "qmatch.h"

#include <string.h>

static float f32_at(const Value *v, int64_t i)
{
    float f;
    memcpy(&f, (const char *)v->data + 4 * (per_tensor(v) ? 0 : i), 4);
    return f;
}

/* DequantizeLinear d: constant float32 scale, constant zero point of the
 * input's type (absent: 0), per tensor, or per axis `axis` of n values
 * when axis >= 0 (negative axes of the input normalised). */
static bool dq_ok(const Graph *g, const Node *d, int axis, int64_t n)
{
    const Value *x = val(g, d->in[0]), *s = val(g, d->in[1]);
    const Value *z = d->nin > 2 && d->in[2] >= 0 ? val(g, d->in[2]) : NULL;
    if (!is_const(s) || s->dtype != DT_F32 || (z && (!is_const(z) || z->dtype != x->dtype)))
        return false;
    if (per_tensor(s) && (!z || per_tensor(z)))
        return true;
    if (axis < 0 || attr_int(g, d, "block_size", 0) != 0)
        return false;
    int64_t a = attr_int(g, d, "axis", 1);
    if (a < 0)
        a += x->rank;
    return a == axis && s->rank == 1 && s->dims[0] == n && (!z || (z->rank == 1 && z->dims[0] == n));
}

/* All values of constant v (8- or 32-bit integers) are zero. */
static bool all_zero(const Value *v)
{
    if (!v)
        return true;
    const int64_t n = value_numel(v) * (v->dtype == DT_I32 ? 4 : 1);
    for (int64_t i = 0; i < n; i++)
        if (((const uint8_t *)v->data)[i])
            return false;
    return true;
}

static bool bias_ok(const Graph *g, const Node *db, const Value *xs, const Value *ws, int64_t n)
{
    const Value *b = val(g, db->in[0]), *s = val(g, db->in[1]);
    const Value *z = db->nin > 2 && db->in[2] >= 0 ? val(g, db->in[2]) : NULL;
    if (!is_const(b) || b->dtype != DT_I32 || b->rank != 1 || b->dims[0] != n || !dq_ok(g, db, 0, n) ||
        (z && !all_zero(z)))
        return false;
    for (int64_t i = 0; i < n; i++) {
        float want = f32_at(xs, 0) * f32_at(ws, i), got = f32_at(s, i);
        if (memcmp(&want, &got, 4) != 0)
            return false;
    }
    return true;
}

/* A new int8 constant [N][K], the transpose of w [K][N]. */
static int transposed(Graph *g, int wi)
{
    const Value *w = &g->values[wi];
    const int64_t K = w->dims[0], N = w->dims[1];
    int8_t *t = arena_alloc(&g->arena, (size_t)(K * N > 0 ? K * N : 1));
    for (int64_t k = 0; k < K; k++)
        for (int64_t n = 0; n < N; n++)
            t[n * K + k] = ((const int8_t *)w->data)[k * N + n];
    const float zero = 0;
    const int64_t one = 1;
    const int c = graph_add_const(g, arena_printf(&g->arena, "%s_t", w->name), 1, &one, &zero);
    Value *v = &g->values[c];
    v->dtype = DT_I8;
    v->rank = 2;
    v->dims[0] = N;
    v->dims[1] = K;
    v->data = t;
    v->nbytes = K * N;
    return c;
}

int fuse_qgemm(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *mm = &g->nodes[i];
        if (mm->dead || (mm->op != OP_GEMM && mm->op != OP_MATMUL) || mm->nin < 2 || mm->act != ACT_NONE)
            continue;
        const bool gemm = mm->op == OP_GEMM;
        const bool has_c = gemm && mm->nin > 2 && mm->in[2] >= 0;
        if (gemm && (attr_int(g, mm, "transA", 0) != 0 || attr_float(g, mm, "alpha", 1.0f) != 1.0f ||
                     (has_c && attr_float(g, mm, "beta", 1.0f) != 1.0f)))
            continue;
        Node *dx = made_by(g, mm->in[0], OP_DEQUANTIZELINEAR);
        Node *dw = made_by(g, mm->in[1], OP_DEQUANTIZELINEAR);
        Node *db = has_c ? made_by(g, mm->in[2], OP_DEQUANTIZELINEAR) : NULL;
        if (!dx || !dw || (has_c && !db))
            continue;
        const Value *x = val(g, dx->in[0]), *w = val(g, dw->in[0]);
        if (x->dtype != DT_U8 || w->dtype != DT_I8 || !is_const(w) || w->rank != 2 || x->rank < 1 ||
            (gemm && x->rank != 2))
            continue;
        const bool wt = gemm && attr_int(g, mm, "transB", 0) != 0; /* w is [N][K] */
        const int64_t K = wt ? w->dims[1] : w->dims[0], N = wt ? w->dims[0] : w->dims[1];
        if (x->dims[x->rank - 1] != K || K < 1 || K >= 65536 || N < 1 || N >= (1 << 30) ||
            value_numel(x) / K >= (1 << 30))
            continue;
        if (!dq_ok(g, dx, -1, 0) || !dq_ok(g, dw, wt ? 0 : 1, N) ||
            !all_zero(dw->nin > 2 && dw->in[2] >= 0 ? val(g, dw->in[2]) : NULL))
            continue;
        if (db && !bias_ok(g, db, val(g, dx->in[1]), val(g, dw->in[1]), N))
            continue;
        /* The output: requantized by a QuantizeLinear (through a Relu), or float. */
        Node *relu = NULL, *q = NULL;
        int yf = mm->out[0];
        if (private_value(g, yf)) {
            const Value *y = val(g, yf);
            const Node *r = y->uses ? &g->nodes[y->uses[0]] : NULL;
            if (r && !r->dead && r->op == OP_RELU && private_value(g, r->out[0])) {
                relu = (Node *)r;
                yf = r->out[0];
            }
            const Value *y2 = val(g, yf);
            Node *c = y2->uses ? &g->nodes[y2->uses[0]] : NULL;
            if (c && !c->dead && c->op == OP_QUANTIZELINEAR && c->in[0] == yf && c->nin > 2 && c->in[2] >= 0) {
                const Value *ys = val(g, c->in[1]), *yz = val(g, c->in[2]);
                if (is_const(ys) && is_const(yz) && ys->dtype == DT_F32 && yz->dtype == DT_U8 && per_tensor(ys) &&
                    per_tensor(yz) && (!relu || *(const uint8_t *)yz->data == 0))
                    q = c;
            }
            if (relu && !q)
                relu = NULL; /* a float Relu after a float QGemm stays as it is */
        }
        const int wi = wt ? dw->in[0] : transposed(g, dw->in[0]);
        const int src[9] = {dx->in[0], dx->in[1], dx->nin > 2 ? dx->in[2] : -1, wi, dw->in[1],
                            dw->nin > 2 ? dw->in[2] : -1, db ? db->in[0] : -1, q ? q->in[1] : -1, q ? q->in[2] : -1};
        become(g, mm, OP_QGEMM, "QGemm", src, q ? 9 : 7);
        mm->nattrs = 0;
        if (q) {
            mm->out[0] = q->out[0];
            q->dead = true;
        }
        if (relu)
            relu->dead = true;
        changed++;
    }
    if (changed) /* DequantizeLinears no longer read by anything go */
        drop_unread_dq(g);
    return changed;
}
