/* matmul.c — fast MatMul, Y_t[M][N] = A_t[M][K] B_t[K][N] for t < batch,
 * on the convolution's GEMM kernels (fast.h, one per ISA level).
 *
 * Those multiply packed panels of 16 rows, [panel][k][16], by rows of B
 * read in place, so A — the operand that changes at run time as much as B
 * does — is packed here, in scratch, panel by panel by the task that uses
 * it; on AVX-512 (matmul_avx512.c) A is read in place instead, each k's 8
 * values broadcast from 8 rows, which costs less than packing it.  B is read as it is, in column blocks that stay in L2 across the row
 * panels; its last columns (N mod 16 of them, which the kernels would read
 * past the end of B as whole vectors) are copied to a zero-padded strip of
 * 16 first.  A B_t stored transposed ([N][K], ONNXCC_MATMUL_B_NK) is
 * copied instead to a [K][N rounded up to 16] strip, zero-padded, read
 * whole.  Weights come packed at compile time (ONNXCC_MATMUL_B_PACKED):
 * each column block [K][width] in one run, so that it streams from memory
 * in order instead of as K short pieces N floats apart, and no strip is
 * needed.
 *
 * A deep product (K over MM_KC_MAX) runs in chunks of k, each over all of
 * Y: a chunk of packed A (M x kc) and a block of B (kc x block) stay in L2
 * together, where a whole-K block of B pushed A out and every block
 * re-read all of A from L3 (197 x 3072 x 768, ViT's MLP).  Chunk c > 0
 * adds its sums to Y as the kernels add a residual: Y = (sum over chunk)
 * + Y.  The chunks depend on K alone, not on threads.
 *
 * A bias per column (a Linear layer's: MatMul then Add) goes into the
 * last chunk's epilogue, after its residual: the same bits as the Add
 * after the product.  An activation after it (fuse_act: ConvNeXt's and
 * ViT's GELU) runs over each block of Y right after the last chunk's GEMM
 * stored it, with onnxcc_f32_act's kernel: the same bits as the
 * activation node.
 *
 * Threads split one product's row panels or column blocks; a batch of small
 * products (attention heads, windows) is split instead by whole products,
 * each task with its own scratch.  Each output is one float sum over k in
 * order, so every thread count gives the same bits. */
#include "fast.h"
#include "matmul_pack.h"

#define MM_BLOCK_FLOATS 98304 /* B floats per column block (384 KiB) */
#define MM_TILE_COLS 48       /* columns of the kernels' main tile */
#define MM_SLOTS 8            /* batch tasks at most (scratch sets) */
#define MM_ITEM_FLOPS 4e6     /* products below this are not split */
#define MM_KC_MAX 1024        /* K up to this runs in one chunk */
#define MM_KC 512             /* else chunks of about this many k */
#ifndef MM_GROUP_FLOATS
#define MM_GROUP_FLOATS 32768   /* packed A per group (pack_multiply) */
#endif
#define MM_GROUP_MIN 262144     /* packed A (floats) above which it goes by groups, */
#define MM_GROUP_B_MAX 262144   /* if B (floats) stays in L2 all along */

typedef struct {
    const OnnxccMatmulParams *p;
    const FastKernels *kern;
    void (*gemm)(const FastGemm *g); /* kern->gemm, or matmul_avx512.c's or conv2d_avx2.c's */
    int gemm_cbias;                  /* gemm adds g->cbias itself */
    FastPack16Fn pack16;             /* A's blocks into panels (unless direct) */
    const float *a; /* this product's A */
    const float *b; /* B's columns 0 .. nmain-1, rows ldb apart (packed: the blocks) */
    size_t ldb, nmain;
    size_t pw;      /* packed B: columns per block (the last may be narrower) */
    float *y;
    const float *bias; /* N values added to every row, or NULL */
    const OnnxccAct *act; /* after the bias, or NULL */
    FastActFn act_fn;     /* act's kernel at the product's ISA level */
    float *packed; /* panels of A */
    float *strip;  /* B's last N % 16 columns [K][16], or B_t^T [K][ldb] */
    size_t block;  /* columns per block, a multiple of 16 */
    int by_rows;   /* tasks split row panels (1) or column blocks (0) */
    size_t group;  /* by rows: panels packed and multiplied at a time (0: all at once) */
    int direct;    /* A read in place, not packed (onnxcc_f32_mm_gemm_rows_avx512) */
    int ntasks;
    size_t t0;     /* batch tasks: products per task, split by fast_split */
} MatmulJob;

static size_t panels_of(const OnnxccMatmulParams *p)
{
    return ((size_t)p->M + FAST_PANEL - 1) / FAST_PANEL;
}

/* Floats of one scratch set: the panels, then the B strip. */
static size_t set_floats(const OnnxccMatmulParams *p)
{
    const size_t K = (size_t)p->K;
    const size_t strip = p->b_layout == ONNXCC_MATMUL_B_NK   ? K * fast_round_up((size_t)p->N, 16)
                         : p->b_layout == ONNXCC_MATMUL_B_KN ? 16 * K
                                                            : 0;
    return fast_round_up(panels_of(p) * FAST_PANEL * K + strip, 16);
}

/* k per chunk (the last chunk may be shorter). */
static size_t k_chunk(size_t K)
{
    if (K <= MM_KC_MAX)
        return K;
    const size_t n = (K + MM_KC - 1) / MM_KC;
    return fast_round_up((K + n - 1) / n, 16);
}

/* Columns per block of B: as many as fill MM_BLOCK_FLOATS, in whole main
 * tiles (48 columns: a block of 64 ran its last 16 on the 1-vector tile,
 * half as fast; 197x3072x768: 92 -> 190 GFLOP/s), and two tiles at least
 * (narrower blocks re-stream A more than they save). */
static size_t block_cols(size_t K)
{
    const size_t block = MM_BLOCK_FLOATS / k_chunk(K) / MM_TILE_COLS * MM_TILE_COLS;
    return block < 2 * MM_TILE_COLS ? 2 * MM_TILE_COLS : block;
}

size_t onnxcc_f32_matmul_packed_b_size(const OnnxccMatmulParams *p)
{
    const size_t N = (size_t)p->N, K = (size_t)p->K, w = block_cols(K);
    return (N / w * w + fast_round_up(N % w, 16)) * K;
}

void onnxcc_f32_matmul_pack_b(const OnnxccMatmulParams *p, const float *b, float *packed)
{
    const size_t N = (size_t)p->N, K = (size_t)p->K, w = block_cols(K);
    const int nk = p->b_layout == ONNXCC_MATMUL_B_NK;
    for (size_t c0 = 0; c0 < N; c0 += w) {
        const size_t n = N - c0 < w ? N - c0 : w, ld = n < w ? fast_round_up(n, 16) : w;
        for (size_t k = 0; k < K; k++, packed += ld)
            for (size_t c = 0; c < ld; c++)
                packed[c] = c >= n ? 0.0f : nk ? b[(c0 + c) * K + k] : b[k * N + c0 + c];
    }
}

static size_t slots_of(const OnnxccMatmulParams *p)
{
    return p->batch < MM_SLOTS ? p->batch : MM_SLOTS;
}

/* Panels p0 .. p1-1 of A into packed, chunk by chunk of k: chunk c (at
 * k0 = c*kc, kn k) holds all panels, [panel][kn][16], from k0 * panels * 16
 * on; rows past M zero.  Blocks of 16 rows x 16 k, so that each row is
 * read along and the block written stays in L1. */
static void pack_panels(const MatmulJob *j, size_t p0, size_t p1, size_t shift)
{
    if (j->direct)
        return;
    const size_t M = (size_t)j->p->M, K = (size_t)j->p->K, kc = k_chunk(K), panels = panels_of(j->p);
    const FastPack16Fn pack16 = j->pack16;
    for (size_t c0 = 0; c0 < K; c0 += kc) {
        const size_t cn = K - c0 < kc ? K - c0 : kc;
        for (size_t pn = p0; pn < p1; pn++) {
            float *dst = j->packed + c0 * panels * FAST_PANEL + (pn - shift) * cn * FAST_PANEL;
            const size_t r0 = pn * FAST_PANEL, rows = M - r0 < FAST_PANEL ? M - r0 : FAST_PANEL;
            for (size_t k0 = 0; k0 < cn; k0 += 16)
                pack16(j->a + r0 * K + c0 + k0, K, rows, cn - k0 < 16 ? cn - k0 : 16, dst + k0 * FAST_PANEL);
        }
    }
}

/* The B strip of product bt: its last N % 16 columns, or all of it
 * transposed. */
static void fill_strip(const MatmulJob *j, const float *bt)
{
    const size_t N = (size_t)j->p->N, K = (size_t)j->p->K;
    if (j->p->b_layout == ONNXCC_MATMUL_B_NK) {
        const size_t ld = j->ldb;
#ifdef ONNXCC_RT_X86_64
        /* tiles transposed in registers: a 49 x 32 K of attention took
         * about as long to transpose element by element as the product
         * (128 heads of 49 x 32 x 49, MaxViT's Q K^T: 0.245 -> 0.205 ms) */
        if (onnxcc_rt_isa_capped(j->p->isa_cap) >= ONNXCC_ISA_AVX512) {
            for (size_t n0 = 0; n0 < N; n0 += 16)
                for (size_t k0 = 0; k0 < K; k0 += 16)
                    onnxcc_f32_transpose16_avx512(bt + n0 * K + k0, K, N - n0 < 16 ? N - n0 : 16,
                                                  K - k0 < 16 ? K - k0 : 16, j->strip + k0 * ld + n0, ld);
            if (N < ld)
                for (size_t k = 0; k < K; k++)
                    memset(j->strip + k * ld + N, 0, (ld - N) * sizeof *j->strip);
            return;
        }
#endif
        for (size_t n0 = 0; n0 < ld; n0 += 16)
            for (size_t k0 = 0; k0 < K; k0 += 16) {
                const size_t kn = K - k0 < 16 ? K - k0 : 16;
                for (size_t n = n0; n < n0 + 16; n++)
                    for (size_t k = k0; k < k0 + kn; k++)
                        j->strip[k * ld + n] = n < N ? bt[n * K + k] : 0.0f;
            }
        return;
    }
    const size_t n16 = N / 16 * 16;
    for (size_t k = 0; k < K; k++) {
        size_t c = 0;
        for (; c < N - n16; c++)
            j->strip[k * 16 + c] = bt[k * N + n16 + c];
        for (; c < 16; c++)
            j->strip[k * 16 + c] = 0.0f;
    }
}

/* The bias of one GEMM's block, after it, for kernels without cbias. */
static void add_cbias(const FastGemm *g, const float *bias)
{
    for (int r = 0; r < g->m; r++) {
        float *y = g->y + (size_t)r * g->ldy + g->q0;
        for (int c = 0; c < g->ncols; c++)
            y[c] += bias[g->q0 + (size_t)c];
    }
}

/* One GEMM of a chunk, with the bias where it is due (g->cbias). */
static void run_gemm(const MatmulJob *j, const FastGemm *g)
{
#ifdef ONNXCC_RT_X86_64
    if (j->direct) {
        onnxcc_f32_mm_gemm_rows_avx512(g, (size_t)j->p->K);
        return;
    }
#endif
    j->gemm(g);
    if (g->cbias && !j->gemm_cbias)
        add_cbias(g, g->cbias);
}

/* The activation over one GEMM's block of Y, once its last chunk of k
 * (and the bias) is in: rows of g->ncols values from column q0. */
static void act_block(const MatmulJob *j, const FastGemm *g)
{
    for (int r = 0; r < g->m; r++) {
        float *y = g->y + (size_t)r * g->ldy + g->q0;
        j->act_fn((size_t)g->ncols, j->act, y, y);
    }
}

/* Rows r0 .. r1-1 (r0 a multiple of 16) times columns c0 .. c1-1, k in
 * k0 .. k0+kn-1 (a chunk): plus Y unless k0 is 0; plus the bias in the
 * last chunk. */
static void multiply_chunk(const MatmulJob *j, size_t r0, size_t r1, size_t c0, size_t c1, size_t k0, size_t kn,
                           size_t shift)
{
    const OnnxccMatmulParams *p = j->p;
    const size_t N = (size_t)p->N, K = (size_t)p->K, nmain = j->nmain;
    static const int tap0[1] = {0};
    FastGemm g;
    memset(&g, 0, sizeof g);
    g.a = j->direct ? j->a + r0 * K + k0
                    : j->packed + k0 * panels_of(p) * FAST_PANEL + (r0 / FAST_PANEL - shift) * kn * FAST_PANEL;
    g.m = (int)(r1 - r0);
    g.nc = (int)kn;
    g.ntaps = 1;
    g.taps = tap0;
    g.frame_w = g.out_w = (int)N;
    g.y = j->y + r0 * N;
    g.ldy = N;
    g.res = k0 ? g.y : NULL;
    g.cbias = k0 + kn == K ? j->bias : NULL;
    g.act.kind = ONNXCC_ACT_NONE; /* the kernels' own: act_block applies j->act after the bias */
    const int last = k0 + kn == K && j->act;
    for (size_t c = c0; c < c1; c += j->block) {
        const size_t end = c + j->block < c1 ? c + j->block : c1;
        g.q0 = c;
        if (p->b_layout == ONNXCC_MATMUL_B_PACKED) { /* in block c / pw */
            for (size_t q = c; q < end;) {
                const size_t b0 = q / j->pw * j->pw, w = N - b0 < j->pw ? fast_round_up(N - b0, 16) : j->pw;
                const size_t e = end < b0 + j->pw ? end : b0 + j->pw;
                g.q0 = q;
                g.b = j->b + b0 * K + k0 * w + (q - b0);
                g.cstride = w;
                g.ncols = (int)(e - q);
                run_gemm(j, &g);
                if (last)
                    act_block(j, &g);
                q = e;
            }
            continue;
        }
        if (c < nmain) { /* whole vectors of B (or the transposed strip) */
            const size_t e = end < nmain ? end : nmain;
            g.b = j->b + k0 * j->ldb + c;
            g.cstride = j->ldb;
            g.ncols = (int)(e - c);
            run_gemm(j, &g);
            if (last)
                act_block(j, &g);
        }
        if (end > nmain) { /* the padded strip */
            g.q0 = nmain;
            g.b = j->strip + k0 * 16;
            g.cstride = 16;
            g.ncols = (int)(N - nmain);
            run_gemm(j, &g);
            if (last)
                act_block(j, &g);
        }
    }
}

/* Rows r0 .. r1-1 (r0 a multiple of 16) times columns c0 .. c1-1, over
 * every chunk of k; A's panels read `shift` panels before their place. */
static void multiply(const MatmulJob *j, size_t r0, size_t r1, size_t c0, size_t c1, size_t shift)
{
    const size_t K = (size_t)j->p->K, kc = k_chunk(K);
    for (size_t k0 = 0; k0 < K; k0 += kc)
        multiply_chunk(j, r0, r1, c0, c1, k0, K - k0 < kc ? K - k0 : kc, shift);
}

/* Panels lo .. hi-1 of A packed and multiplied by all of B: all packed
 * first, or (j->group) a group at a time into the place of panel lo, so
 * that a tall A (3136 x 384, ConvNeXt's and Swin's first stage) is packed
 * into a buffer that stays in L2 instead of one of A's size that goes out
 * to L3 and comes back (3136 x 384 x 96: 106 -> 200 GFLOP/s). */
static void pack_multiply(const MatmulJob *j, size_t lo, size_t hi)
{
    const size_t M = (size_t)j->p->M, N = (size_t)j->p->N;
    const size_t step = j->group ? j->group : hi - lo;
    for (size_t p0 = lo; p0 < hi; p0 += step) {
        const size_t p1 = hi - p0 < step ? hi : p0 + step, shift = j->group ? p0 - lo : 0;
        pack_panels(j, p0, p1, shift);
        multiply(j, p0 * FAST_PANEL, p1 * FAST_PANEL < M ? p1 * FAST_PANEL : M, 0, N, shift);
    }
}

/* Points j at product t (its A, B and Y); fills the strip unless the
 * product before, `prev` (or none: SIZE_MAX), had the same B. */
static void select_product(MatmulJob *j, const float *a, const float *b, float *y, size_t t, size_t prev)
{
    const OnnxccMatmulParams *p = j->p;
    const size_t M = (size_t)p->M, N = (size_t)p->N;
    const float *bt = b + t * p->b_batch_stride;
    j->a = a + t * p->a_batch_stride;
    j->y = y + t * M * N;
    j->b = p->b_layout == ONNXCC_MATMUL_B_NK ? j->strip : bt;
    if (p->b_layout != ONNXCC_MATMUL_B_PACKED && (p->b_layout == ONNXCC_MATMUL_B_NK || j->nmain < N) &&
        (prev == (size_t)-1 || p->b_batch_stride))
        fill_strip(j, bt);
}

static void matmul_task(void *ctx, int t)
{
    const MatmulJob *j = ctx;
    const size_t M = (size_t)j->p->M, N = (size_t)j->p->N;
    const size_t panels = panels_of(j->p);
    size_t lo, hi;
    if (j->by_rows) {
        fast_split(panels, 1, j->ntasks, t, &lo, &hi);
        if (lo == hi)
            return;
        pack_multiply(j, lo, hi);
    } else {
        fast_split(N, j->block, j->ntasks, t, &lo, &hi);
        if (lo < hi)
            multiply(j, 0, M, lo, hi, 0);
    }
}

/* Column-block tasks: first all of A packed, each task a share of the
 * panels (they move values only, so any split gives the same bits). */
static void pack_task(void *ctx, int t)
{
    const MatmulJob *j = ctx;
    size_t lo, hi;
    fast_split(panels_of(j->p), 1, j->ntasks, t, &lo, &hi);
    if (lo < hi)
        pack_panels(j, lo, hi, 0);
}

/* Whether threads taking whole row panels get about the same rows: not
 * when M is a few panels and a part one (49 rows on 2 threads: 32 and 17),
 * and B is wide enough to split by columns instead. */
static int rows_balanced(size_t M, size_t panels, int threads, size_t N)
{
    if (threads <= 1 || N < (size_t)threads * 2 * MM_TILE_COLS)
        return 1;
    size_t most = 0;
    for (int t = 0; t < threads; t++) {
        size_t lo, hi;
        fast_split(panels, 1, threads, t, &lo, &hi);
        const size_t rows = (hi * FAST_PANEL < M ? hi * FAST_PANEL : M) - (lo * FAST_PANEL < M ? lo * FAST_PANEL : M);
        most = rows > most ? rows : most;
    }
    return most * (size_t)threads * 8 <= M * 9; /* within 12.5% of an even share */
}

/* Batch tasks: task t runs its share of the products alone, in scratch set t. */
typedef struct {
    MatmulJob proto;
    const float *a, *b;
    float *y, *scratch;
    int ntasks;
} BatchJob;

static void batch_task(void *ctx, int t)
{
    const BatchJob *bj = ctx;
    const OnnxccMatmulParams *p = bj->proto.p;
    MatmulJob j = bj->proto;
    size_t lo, hi;
    fast_split(p->batch, 1, bj->ntasks, t, &lo, &hi);
    j.packed = bj->scratch + (size_t)t * set_floats(p);
    j.strip = j.packed + panels_of(p) * FAST_PANEL * (size_t)p->K;
    for (size_t i = lo; i < hi; i++) {
        select_product(&j, bj->a, bj->b, bj->y, i, i == lo ? (size_t)-1 : i - 1);
        if (i == lo || p->a_batch_stride)
            pack_panels(&j, 0, panels_of(p), 0);
        multiply(&j, 0, (size_t)p->M, 0, (size_t)p->N, 0);
    }
}

size_t onnxcc_f32_matmul_scratch_size(const OnnxccMatmulParams *p)
{
    return set_floats(p) * (p->batch > 1 ? slots_of(p) : 1);
}

void onnxcc_f32_matmul(const OnnxccMatmulParams *p, const float *a, const float *b, float *y, float *scratch)
{
    onnxcc_f32_matmul_bias(p, a, b, NULL, y, scratch);
}

void onnxcc_f32_matmul_bias(const OnnxccMatmulParams *p, const float *a, const float *b, const float *bias,
                            float *y, float *scratch)
{
    onnxcc_f32_matmul_bias_act(p, a, b, bias, NULL, y, scratch);
}

void onnxcc_f32_matmul_bias_act(const OnnxccMatmulParams *p, const float *a, const float *b, const float *bias,
                                const OnnxccAct *act, float *y, float *scratch)
{
    const size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K;
    if (M == 0 || N == 0 || p->batch == 0)
        return;
    const int isa = onnxcc_rt_isa_capped(p->isa_cap);
    if (act && act->kind == ONNXCC_ACT_NONE)
        act = NULL;
    if (K == 0) { /* empty sums: 0 + bias */
        for (size_t r = 0; r < M * p->batch; r++) {
            for (size_t c = 0; c < N; c++)
                y[r * N + c] = bias ? 0.0f + bias[c] : 0.0f;
            if (act)
                onnxcc_fast_act_fn(isa)(N, act, y + r * N, y + r * N);
        }
        return;
    }
    const size_t panels = panels_of(p);
    MatmulJob j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.bias = bias;
    j.act = act;
    j.act_fn = onnxcc_fast_act_fn(isa);
    j.kern = onnxcc_fast_kernels(isa);
    j.gemm = j.kern->gemm;
    j.pack16 = fast_pack16_scalar;
#ifdef ONNXCC_RT_X86_64
    if (isa >= ONNXCC_ISA_AVX2)
        j.pack16 = onnxcc_f32_pack16_avx2;
    /* later chunks of k go on from the sums in y, so that AVX2's GEMM
     * keeps them in y between its blocks of k there too (197 x 3072 x
     * 768, ViT's MLP, one Zen 2 core: 63 -> 76% of the peak) */
    if (isa == ONNXCC_ISA_AVX2)
        j.gemm = onnxcc_f32_mm_gemm_avx2;
    if (isa >= ONNXCC_ISA_AVX512) {
        j.gemm = onnxcc_f32_mm_gemm_avx512;
        j.gemm_cbias = 1;
        /* A read in place: packing a small A (an attention head's Q or
         * scores) cost as much as the product (128 heads of 49 x 32 x 49,
         * Q K^T: 0.198 -> 0.172 ms; their A V, 49 x 49 x 32: 0.157 ->
         * 0.092), and a large one gains too (3136 x 384 x 96: 1.21 ->
         * 1.00 ms, 197 x 3072 x 768: 4.25 -> 3.98) */
        j.direct = 1;
    }
#endif
    j.packed = scratch;
    j.strip = scratch + panels * FAST_PANEL * K;
    j.ldb = p->b_layout == ONNXCC_MATMUL_B_NK ? fast_round_up(N, 16) : N;
    j.nmain = p->b_layout == ONNXCC_MATMUL_B_KN ? N / 16 * 16 : N;
    j.block = j.pw = block_cols(K);
    const int threads = onnxcc_num_threads();
    const double flops = 2.0 * (double)M * (double)N * (double)K;

    /* a batch of products that are small, or at least one per thread:
     * whole products per task */
    if (p->batch > 1 && threads > 1 && (flops < MM_ITEM_FLOPS || p->batch >= (size_t)threads)) {
        BatchJob bj = {j, a, b, y, scratch, 0};
        const size_t tasks = (size_t)threads * TASKS_PER_THREAD;
        const size_t slots = slots_of(p);
        bj.ntasks = (int)(tasks < slots ? tasks : slots);
        onnxcc_fast_parallel(bj.ntasks, batch_task, &bj);
        return;
    }

    j.by_rows = panels >= (size_t)threads && rows_balanced(M, panels, threads, N);
    if (j.by_rows && k_chunk(K) == K && panels * FAST_PANEL * K > MM_GROUP_MIN && K * N <= MM_GROUP_B_MAX) {
        j.group = MM_GROUP_FLOATS / (FAST_PANEL * K);
        j.group = j.group ? j.group : 1;
    }
    size_t units = j.by_rows ? panels : (N + j.block - 1) / j.block;
    if (!j.by_rows && units < (size_t)threads) { /* few rows and columns: narrower blocks */
        j.block = fast_round_up((N + (size_t)threads - 1) / (size_t)threads, 16);
        units = (N + j.block - 1) / j.block;
    }
    j.ntasks = threads <= 1 || flops < 2e6 ? 1 : units < (size_t)threads ? (int)units : threads;
    for (size_t t = 0; t < p->batch; t++) {
        select_product(&j, a, b, y, t, t == 0 ? (size_t)-1 : t - 1);
        if (!j.by_rows && (t == 0 || p->a_batch_stride)) {
            if (j.ntasks > 1 && panels > 1)
                onnxcc_fast_parallel(j.ntasks, pack_task, &j);
            else
                pack_panels(&j, 0, panels, 0);
        }
        if (j.ntasks == 1 && j.by_rows) {
            pack_multiply(&j, 0, panels);
        } else if (j.ntasks == 1) {
            multiply(&j, 0, M, 0, N, 0);
        } else {
            onnxcc_fast_parallel(j.ntasks, matmul_task, &j);
        }
    }
}
