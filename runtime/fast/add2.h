/* add2.h — the last pass of a conv whose K is split in two (FastAdd2 in
 * fast.h, ksplit_run in conv2d.c), written once over the vector helpers of
 * vec_<isa>.h, which the including file includes first:
 *
 *   DV, DM, DL        vector of DL floats, lane mask
 *   dv_set1(f), dv_add(a, b), dv_min(a, v), dv_max(a, v), dv_leaky(v, a)
 *   dv_lanes(c, w)    lanes k with 0 <= c + k < w
 *   dv_loadz(p, m)    p[k] in lanes of m, 0 elsewhere (no fault outside m)
 *   dv_store(p, v, n) store of the first n lanes
 *
 * y = act(((p1 + bias) + p0) + res), the activation in the operand order
 * of the GEMM epilogues (max(0, v) and min(b, max(a, v)) keep NaN). */
#ifndef ONNXCC_ADD2_H
#define ONNXCC_ADD2_H

static void add2_rows(const FastAdd2 *a)
{
    const DV bias = dv_set1(a->bias), zero = dv_set1(0.0f);
    const DV lo = dv_set1(a->act.a), hi = dv_set1(a->act.b);
    for (size_t q = 0; q < a->n; q += DL) {
        const int n = a->n - q < DL ? (int)(a->n - q) : DL;
        const DM m = dv_lanes(0, n);
        DV v = dv_add(dv_add(dv_loadz(a->p1 + q, m), bias), dv_loadz(a->p0 + q, m));
        if (a->res)
            v = dv_add(v, dv_loadz(a->res + q, m));
        switch (a->act.kind) {
        case ONNXCC_ACT_RELU:
            v = dv_max(zero, v);
            break;
        case ONNXCC_ACT_CLIP:
            v = dv_min(hi, dv_max(lo, v));
            break;
        case ONNXCC_ACT_LEAKYRELU:
            v = dv_leaky(v, lo);
            break;
        default:
            break;
        }
        dv_store(a->y + q, v, n);
    }
}

#endif /* ONNXCC_ADD2_H */
