/* conv2d_stem_rows.h — the row kernel of conv2d_stem.c for one ISA level,
 * written once over vec_<isa>.h and vmath.h (included first, with STEM_NV,
 * the vectors of output pixels per tile, and STEM_OCR, its output
 * channels: STEM_OCB or a divisor) and instantiated by conv2d_stem_<isa>.c
 * as onnxcc_fast_stem_rows_<isa>.
 *
 * The output rows' vectors of DL pixels (the last of a row partial) are
 * taken STEM_NV at a time, across row ends, as "slots"; a tile is STEM_OCR
 * output channels by those slots, STEM_OCR * STEM_NV accumulators; per tap,
 * STEM_NV loads from the frame, STEM_OCR broadcasts of weights, STEM_OCR *
 * STEM_NV FMAs.  Per group of STEM_OCR output channels, all the task's
 * slots in turn, so that their weights stay in L1.  Bands of rows with all
 * channels per band (the frame rows in L1 instead) measured no faster. */
#ifndef ONNXCC_CONV2D_STEM_ROWS_H
#define ONNXCC_CONV2D_STEM_ROWS_H

#define STEM_INLINE static inline __attribute__((always_inline))

/* One tile: nv slots (nv <= STEM_NV, a constant where inlined) from slot
 * (oh, c) (row oh, pixel c, a multiple of DL), output channels m0 ..
 * m0+rows-1 of packed block w. */
STEM_INLINE void stem_tile(const FastStem *s, int kind, const float *w, int m0, int rows, int oh, int c,
                           int nv)
{
    const float *bp[STEM_NV];
    size_t at[STEM_NV];
    int len[STEM_NV];
    FAST_UNROLL
    for (int v = 0; v < nv; v++) {
        bp[v] = s->frame + (size_t)oh * s->pws + (size_t)c;
        at[v] = (size_t)oh * (size_t)s->OW + (size_t)c;
        len[v] = s->OW - c < DL ? s->OW - c : DL;
        c += DL;
        if (c >= s->OW)
            c = 0, oh++;
    }
    DV acc[STEM_OCR][STEM_NV];
    FAST_UNROLL
    for (int r = 0; r < STEM_OCR; r++) {
        const DV b = dv_set1(s->bias && r < rows ? s->bias[m0 + r] : 0.0f);
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            acc[r][v] = b;
    }
    const int *off = s->off;
    for (int t = 0; t < s->K; t++, w += STEM_OCB) {
        const int o = off[t];
        DV in[STEM_NV];
        FAST_UNROLL
        for (int v = 0; v < nv; v++)
            in[v] = dv_load(bp[v] + o);
        FAST_UNROLL
        for (int r = 0; r < STEM_OCR; r++) {
            const DV wr = dv_set1(w[r]);
            FAST_UNROLL
            for (int v = 0; v < nv; v++)
                acc[r][v] = dv_fma(in[v], wr, acc[r][v]);
        }
    }
    FAST_UNROLL
    for (int r = 0; r < STEM_OCR; r++) {
        if (r < rows) {
            float *yr = s->y + (size_t)(m0 + r) * s->oplane;
            const float *rr = s->res ? s->res + (size_t)(m0 + r) * s->oplane : NULL;
            FAST_UNROLL
            for (int v = 0; v < nv; v++) {
                DV o = acc[r][v];
                if (rr)
                    o = dv_add(o, dv_loadz(rr + at[v], dv_lanes(0, len[v])));
                dv_store(yr + at[v], vm_act(kind, &s->act, o), len[v]);
            }
        }
    }
}

STEM_INLINE void stem_rows_kind(const FastStem *s, int kind, int oh0, int oh1)
{
    const int nvec = (s->OW + DL - 1) / DL;
    const size_t slots = (size_t)(oh1 - oh0) * (size_t)nvec;
    for (int m0 = 0; m0 < s->M; m0 += STEM_OCR) {
        const float *w = s->w + (size_t)(m0 / STEM_OCB) * (size_t)s->K * STEM_OCB + m0 % STEM_OCB;
        const int rows = s->M - m0 < STEM_OCR ? s->M - m0 : STEM_OCR;
        int oh = oh0, c = 0;
        size_t q = 0;
        for (; q + STEM_NV <= slots; q += STEM_NV) {
            stem_tile(s, kind, w, m0, rows, oh, c, STEM_NV);
            for (int v = 0; v < STEM_NV; v++) {
                c += DL;
                if (c >= s->OW)
                    c = 0, oh++;
            }
        }
        switch ((int)(slots - q)) {
#if STEM_NV > 5
        case 5:
            stem_tile(s, kind, w, m0, rows, oh, c, 5);
            break;
#endif
#if STEM_NV > 4
        case 4:
            stem_tile(s, kind, w, m0, rows, oh, c, 4);
            break;
#endif
#if STEM_NV > 3
        case 3:
            stem_tile(s, kind, w, m0, rows, oh, c, 3);
            break;
#endif
        case 2:
            stem_tile(s, kind, w, m0, rows, oh, c, 2);
            break;
        case 1:
            stem_tile(s, kind, w, m0, rows, oh, c, 1);
            break;
        default:
            break;
        }
    }
}

/* The epilogue's kind a compile-time constant in each copy. */
static void stem_rows(const FastStem *s, int oh0, int oh1)
{
    switch (s->act.kind) {
    case ONNXCC_ACT_NONE:
        stem_rows_kind(s, ONNXCC_ACT_NONE, oh0, oh1);
        break;
    case ONNXCC_ACT_RELU:
        stem_rows_kind(s, ONNXCC_ACT_RELU, oh0, oh1);
        break;
    case ONNXCC_ACT_CLIP:
        stem_rows_kind(s, ONNXCC_ACT_CLIP, oh0, oh1);
        break;
    case ONNXCC_ACT_HARDSWISH:
        stem_rows_kind(s, ONNXCC_ACT_HARDSWISH, oh0, oh1);
        break;
    case ONNXCC_ACT_SILU:
        stem_rows_kind(s, ONNXCC_ACT_SILU, oh0, oh1);
        break;
    default: /* the rest: vm_act's switch per vector, rare in stems */
        stem_rows_kind(s, s->act.kind, oh0, oh1);
        break;
    }
}

#endif /* ONNXCC_CONV2D_STEM_ROWS_H */
