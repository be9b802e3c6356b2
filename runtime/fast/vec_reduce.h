/* vec_reduce.h — reductions over the vectors of vec_<isa>.h (included
 * first), for the row kernels written once for every ISA (softmax_rows.h,
 * layernorm_rows.h): horizontal max; long sums of positive terms taken in
 * float vectors whose partial sums go to a double every VR_FLUSH vectors,
 * so the error of a row's sum does not grow with its length; and
 * compensated sums (each lane's rounding error kept by TwoSum in a second
 * vector) for terms of both signs.  Lanes are added in a fixed order: a
 * row gets the same bits wherever it sits.  The file including this one
 * must be compiled without contraction (-ffp-contract=off). */
#ifndef ONNXCC_VEC_REDUCE_H
#define ONNXCC_VEC_REDUCE_H

#define VR_FLUSH 16 /* vectors added in float before their sum goes to double */

/* The largest lane (NaN lanes may or may not win). */
static inline float vr_hmax(DV v)
{
    float l[DL];
    dv_storeu(l, v);
    float m = l[0];
    FAST_UNROLL /* a loop of DL steps cost more than the softmax of a short row */
    for (int i = 1; i < DL; i++)
        m = l[i] > m ? l[i] : m;
    return m;
}

static inline double vr_hsum(DV v)
{
    float l[DL];
    dv_storeu(l, v);
    double s = 0.0;
    FAST_UNROLL
    for (int i = 0; i < DL; i++)
        s += (double)l[i];
    return s;
}

typedef struct {
    DV s;       /* float partial sums */
    int n;      /* vectors in s */
    double sum; /* flushed */
} VrSum;

static inline VrSum vr_sum_new(void)
{
    VrSum a = {dv_set1(0.0f), 0, 0.0};
    return a;
}

static inline void vr_sum_add(VrSum *a, DV v)
{
    a->s = dv_add(a->s, v);
    if (++a->n == VR_FLUSH) {
        a->sum += vr_hsum(a->s);
        a->s = dv_set1(0.0f);
        a->n = 0;
    }
}

static inline double vr_sum_total(const VrSum *a)
{
    return a->sum + vr_hsum(a->s);
}

/* A compensated sum: s + c is the lanes' sum almost exactly. */
typedef struct {
    DV s, c;
} VrCSum;

static inline VrCSum vr_csum_new(void)
{
    VrCSum a = {dv_set1(0.0f), dv_set1(0.0f)};
    return a;
}

static inline void vr_csum_add(VrCSum *a, DV v)
{
    const DV t = dv_add(a->s, v), z = dv_sub(t, a->s);
    a->c = dv_add(a->c, dv_add(dv_sub(a->s, dv_sub(t, z)), dv_sub(v, z))); /* TwoSum's error */
    a->s = t;
}

static inline double vr_csum_total(const VrCSum *a)
{
    return vr_hsum(a->s) + vr_hsum(a->c);
}

#endif /* ONNXCC_VEC_REDUCE_H */
