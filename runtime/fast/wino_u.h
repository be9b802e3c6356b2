/* wino_u.h — Winograd weights made at run time (FastWinoU in fast.h, lazy
 * packing in winograd.c), written once over the vector helpers of
 * vec_<isa>.h, which the including file includes first (DV, DL, dv_set1,
 * dv_add, dv_sub, dv_mul, dv_load, dv_storeu): U = G g G^T lane-wise, with
 * the operations of winograd.c's g6, DL output channels at a time. */
#ifndef ONNXCC_WINO_U_H
#define ONNXCC_WINO_U_H

/* The rows of G applied to (a0, a1, a2). */
static inline __attribute__((always_inline)) void g6_v(DV a0, DV a1, DV a2, DV r[6])
{
    const DV s = dv_add(a0, a2);
    const DV q = dv_add(dv_mul(a0, dv_set1(1.0f / 24)), dv_mul(a2, dv_set1(1.0f / 6)));
    const DV h = dv_mul(a1, dv_set1(1.0f / 12));
    r[0] = dv_mul(a0, dv_set1(1.0f / 4));
    r[1] = dv_mul(dv_add(s, a1), dv_set1(-1.0f / 6));
    r[2] = dv_mul(dv_sub(s, a1), dv_set1(-1.0f / 6));
    r[3] = dv_add(q, h);
    r[4] = dv_sub(q, h);
    r[5] = a2;
}

static void wino_u_rows(const FastWinoU *u)
{
    for (int c = 0; c < u->n; c++) {
        for (int half = 0; half < FAST_PANEL; half += DL) {
            const float *g = u->g + (size_t)c * 9 * FAST_PANEL + half;
            float *dst = u->u + (size_t)c * FAST_PANEL + half;
            DV t[6][3], r[6];
            FAST_UNROLL
            for (int b = 0; b < 3; b++) {
                g6_v(dv_load(g + b * FAST_PANEL), dv_load(g + (3 + b) * FAST_PANEL),
                     dv_load(g + (6 + b) * FAST_PANEL), r);
                FAST_UNROLL
                for (int i = 0; i < 6; i++)
                    t[i][b] = r[i];
            }
            FAST_UNROLL
            for (int i = 0; i < 6; i++) {
                g6_v(t[i][0], t[i][1], t[i][2], r);
                FAST_UNROLL
                for (int j = 0; j < 6; j++)
                    dv_storeu(dst + (size_t)(6 * i + j) * u->xi_stride, r[j]);
            }
        }
    }
}

#endif
