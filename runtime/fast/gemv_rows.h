/* gemv_rows.h — the dot-form Gemm for a few rows of A (gemv.h), written
 * once over the vectors of vec_<isa>.h (included first).
 *
 * B's rows are taken one after another, so that B — megabytes of weights
 * used once, cold — streams from memory in one sequential run; the rows of
 * A (a few times K floats) stay in cache.  Each B row meets up to GV_MR rows
 * of A at a time, and is read again from cache for further groups.  Per
 * (A row, B row) pair, GV_U vector accumulators take the k vectors in turn
 * (vector v to accumulator v % GV_U; a masked last vector zero-padded past
 * K); they are added in a fixed tree, then their lanes: one order per
 * output element, whatever the split of N over threads. */

#define GV_U 4 /* accumulators per pair */
#define GV_PF_MAX_K 2048 /* B rows up to this long: one at a time, prefetched (gemv_rows) */

static inline float gv_hsum(DV v)
{
    float l[DL];
    dv_storeu(l, v);
    for (int w = DL / 2; w >= 1; w /= 2)
        for (int i = 0; i < w; i++)
            l[i] = l[i] + l[i + w];
    return l[0];
}

/* b_pf (floats, 0: none): how far ahead of bj its lines are requested
 * (gemv_rows). */
static inline __attribute__((always_inline)) void gv_pair_rows(const float *const ar[GV_MR], int mr,
                                                                const float *bj, size_t K, float out[GV_MR],
                                                                size_t b_pf)
{
    DV acc[GV_MR][GV_U];
    FAST_UNROLL
    for (int r = 0; r < GV_MR; r++)
        FAST_UNROLL
        for (int u = 0; u < GV_U; u++)
            acc[r][u] = dv_set1(0.0f);
    size_t k = 0;
    for (; k + GV_U * DL <= K; k += GV_U * DL) {
        FAST_UNROLL
        for (int u = 0; u < GV_U; u++) {
            const size_t at = k + (size_t)u * DL;
            if (b_pf)
                __builtin_prefetch(bj + at + b_pf);
            const DV bv = dv_load(bj + at);
            FAST_UNROLL
            for (int r = 0; r < GV_MR; r++)
                if (r < mr)
                    acc[r][u] = dv_fma(dv_load(ar[r] + at), bv, acc[r][u]);
        }
    }
    for (int u = 0; k < K; k += DL, u++) {
        const DM m = dv_lanes(0, (long)(K - k));
        const DV bv = dv_loadz(bj + k, m);
        FAST_UNROLL
        for (int r = 0; r < GV_MR; r++)
            if (r < mr)
                acc[r][u] = dv_fma(dv_loadz(ar[r] + k, m), bv, acc[r][u]);
    }
    FAST_UNROLL
    for (int r = 0; r < GV_MR; r++)
        if (r < mr)
            out[r] = gv_hsum(dv_add(dv_add(acc[r][0], acc[r][1]), dv_add(acc[r][2], acc[r][3])));
}

/* The pairs of A rows i < g->m and B rows j0 <= j < j1 (see gemv.h). */
static void gemv_rows(const FastGemv *g, size_t j0, size_t j1, float *acc, size_t ldacc)
{
    size_t j = j0;
    /* One row of A (batch 1) with long B rows: GV_MR B rows at once, in
     * the roles of A's rows (the same products, so the same sums per pair):
     * GV_MR streams of B in flight and each A vector loaded once for all of
     * them, where a single B stream left the core at 16 GB/s of the ~27 a
     * core can read (Zen 5, AlexNet's 9216 -> 4096 classifier).  Short rows
     * (GV_PF_MAX_K floats at most) go one at a time, each requesting the
     * next: B is then one sequential stream, where GV_MR streams of rows of
     * a 4 KB page or so each left the hardware's prefetchers restarting at
     * every row.  Cold weights, one thread, Zen 5, median: 1024 -> 1000
     * 0.157 -> 0.131 ms, 1280 -> 1000 0.172 -> 0.141, 960 -> 1280 0.172 ->
     * 0.136; 4096 -> 1000 0.49 ms in GV_MR streams, 0.63 in one. */
    if (g->m == 1 && g->K > GV_PF_MAX_K)
        for (; j + GV_MR <= j1; j += GV_MR) {
            const float *br[GV_MR];
            for (int c = 0; c < GV_MR; c++)
                br[c] = g->b + (j + (size_t)c) * g->K;
            gv_pair_rows(br, GV_MR, g->a, g->K, acc + (j - j0), 0);
        }
    const size_t next = g->K <= GV_PF_MAX_K ? g->K : 0;
    for (; j < j1; j++) {
        const float *bj = g->b + j * g->K;
        for (int i0 = 0; i0 < g->m; i0 += GV_MR) {
            const int mr = g->m - i0 < GV_MR ? g->m - i0 : GV_MR;
            const float *ar[GV_MR];
            float out[GV_MR];
            for (int r = 0; r < GV_MR; r++)
                ar[r] = g->a + (size_t)(i0 + (r < mr ? r : 0)) * g->lda;
            switch (mr) { /* one instance per row count: accumulators in registers */
#if GV_MR > 2
            case 4:
                gv_pair_rows(ar, 4, bj, g->K, out, j + 1 < j1 ? next : 0);
                break;
            case 3:
                gv_pair_rows(ar, 3, bj, g->K, out, j + 1 < j1 ? next : 0);
                break;
#endif
            case 2:
                gv_pair_rows(ar, 2, bj, g->K, out, j + 1 < j1 ? next : 0);
                break;
            default:
                gv_pair_rows(ar, 1, bj, g->K, out, j + 1 < j1 ? next : 0);
            }
            for (int r = 0; r < mr; r++)
                acc[(size_t)(i0 + r) * ldacc + (j - j0)] = out[r];
        }
    }
}
