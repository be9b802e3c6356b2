/* act_rows.h — the loops of onnxcc_f32_act, onnxcc_f32_scale_rows and
 * GlobalAveragePool's plane sums for one ISA level, written once over vec_<isa>.h and vmath.h (included first) and
 * instantiated by act_<isa>.c as onnxcc_f32_act_<isa> and
 * onnxcc_f32_scale_<isa>.  Tails are masked vectors, so an element gets the
 * same bits wherever a chunk boundary falls. */
#ifndef ONNXCC_ACT_ROWS_H
#define ONNXCC_ACT_ROWS_H

VM_INLINE void act_loop(int kind, const OnnxccAct *act, size_t n, const float *x, float *y)
{
    size_t i = 0;
    for (; i + 2 * DL <= n; i += 2 * DL) { /* two independent chains in flight */
        const DV v0 = dv_load(x + i), v1 = dv_load(x + i + DL);
        dv_storeu(y + i, vm_act(kind, act, v0));
        dv_storeu(y + i + DL, vm_act(kind, act, v1));
    }
    for (; i < n; i += DL) {
        const int r = n - i < DL ? (int)(n - i) : DL;
        dv_store(y + i, vm_act(kind, act, dv_loadz(x + i, dv_lanes(0, r))), r);
    }
}

#define ACT_CASE(k)                  \
    case k:                          \
        act_loop(k, act, n, x, y);   \
        break;

static void act_rows(size_t n, const OnnxccAct *act, const float *x, float *y)
{
    switch (act->kind) {
        ACT_CASE(ONNXCC_ACT_RELU)
        ACT_CASE(ONNXCC_ACT_CLIP)
        ACT_CASE(ONNXCC_ACT_LEAKYRELU)
        ACT_CASE(ONNXCC_ACT_SIGMOID)
        ACT_CASE(ONNXCC_ACT_HARDSIGMOID)
        ACT_CASE(ONNXCC_ACT_HARDSWISH)
        ACT_CASE(ONNXCC_ACT_SILU)
        ACT_CASE(ONNXCC_ACT_TANH)
        ACT_CASE(ONNXCC_ACT_GELU)
        ACT_CASE(ONNXCC_ACT_EXP)
        ACT_CASE(ONNXCC_ACT_ERF)
    default:
        if (y != x)
            memmove(y, x, sizeof(float) * n);
        break;
    }
}

#undef ACT_CASE

static void scale_rows(size_t n, const float *x, float s, float *y)
{
    const DV k = dv_set1(s);
    size_t i = 0;
    for (; i + DL <= n; i += DL)
        dv_storeu(y + i, dv_mul(dv_load(x + i), k));
    if (i < n)
        dv_store(y + i, dv_mul(dv_loadz(x + i, dv_lanes(0, (long)(n - i))), k), (int)(n - i));
}

/* The sum of pre(x[i]) for i < n in four vectors of lanes (a masked tail
 * into the second), then added in a fixed order: the same bits for a plane
 * wherever it sits and whichever task sums it. */
static float sum_row(size_t n, const float *x, int pre, float a, float b, float lo)
{
    const DV va = dv_set1(a), vb = dv_set1(b), vlo = dv_set1(lo);
    DV s0 = dv_set1(0.0f), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    if (pre) {
        for (; i + 4 * DL <= n; i += 4 * DL) {
            s0 = dv_add(s0, dv_max(vlo, dv_fma(dv_load(x + i), va, vb)));
            s1 = dv_add(s1, dv_max(vlo, dv_fma(dv_load(x + i + DL), va, vb)));
            s2 = dv_add(s2, dv_max(vlo, dv_fma(dv_load(x + i + 2 * DL), va, vb)));
            s3 = dv_add(s3, dv_max(vlo, dv_fma(dv_load(x + i + 3 * DL), va, vb)));
        }
        for (; i + DL <= n; i += DL)
            s0 = dv_add(s0, dv_max(vlo, dv_fma(dv_load(x + i), va, vb)));
    } else {
        for (; i + 4 * DL <= n; i += 4 * DL) {
            s0 = dv_add(s0, dv_load(x + i));
            s1 = dv_add(s1, dv_load(x + i + DL));
            s2 = dv_add(s2, dv_load(x + i + 2 * DL));
            s3 = dv_add(s3, dv_load(x + i + 3 * DL));
        }
        for (; i + DL <= n; i += DL)
            s0 = dv_add(s0, dv_load(x + i));
    }
    if (i < n) {
        const DM m = dv_lanes(0, (long)(n - i));
        DV v = dv_loadz(x + i, m);
        if (pre)
            v = dv_pre(v, m, va, vb, vlo); /* 0 outside m */
        s1 = dv_add(s1, v);
    }
    float l[DL];
    dv_storeu(l, dv_add(dv_add(s0, s1), dv_add(s2, s3)));
    FAST_UNROLL
    for (int w = DL / 2; w >= 1; w /= 2)
        FAST_UNROLL
        for (int k = 0; k < w; k++)
            l[k] += l[k + w];
    return l[0];
}

#endif /* ONNXCC_ACT_ROWS_H */
