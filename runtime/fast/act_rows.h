/* act_rows.h — the loops of onnxcc_f32_act and onnxcc_f32_scale_rows for one
 * ISA level, written once over vec_<isa>.h and vmath.h (included first) and
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

#endif /* ONNXCC_ACT_ROWS_H */
