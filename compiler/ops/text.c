/* ops/text.c — TfIdfVectorizer over int32 / int64 tokens (string pools are
 * refused by the loader).
 *
 * The pool's n-grams (ngram_counts[i] starts the (i+1)-grams) get ids 1, 2,
 * ... in pool order; those of size min_gram_length..max_gram_length are
 * counted, into output ngram_indexes[id - 1] of their row.  An n-gram of size
 * k >= 2 matches at start i with skip s (1..max_skip_count + 1) when
 * x[i + j*s] == gram[j] for j < k; unigrams are counted once (skip 1).  This
 * is the reference's trie walk, where a repeated n-gram keeps its last id: so
 * an earlier copy is dropped here.  The kept n-grams become static tables in
 * the generated code; the output is float [C] or [B, C] (C = max index + 1):
 * TF the counts, IDF weight (or 1) where the count is nonzero, TFIDF
 * count * weight (or the count). */
#include "onnxcc.h"

#include <string.h>

enum { TF_TF, TF_IDF, TF_TFIDF };

typedef struct {
    int mode;
    int64_t C, maxskip;
    int G;                       /* kept n-grams */
    const int64_t *pool;         /* the pool */
    int64_t *start, *size, *out; /* per kept n-gram: offset in pool, size, output index */
    const float *w;              /* weights or NULL */
} TfIdf;

static void tfidf_spec(const Graph *g, const Node *n, TfIdf *t)
{
    Arena *a = (Arena *)&g->arena;
    memset(t, 0, sizeof *t);
    const char *mode = attr_str(g, n, "mode", NULL);
    if (!mode)
        fatal_node(g, n, "attribute 'mode' is missing");
    if (!strcmp(mode, "TF"))
        t->mode = TF_TF;
    else if (!strcmp(mode, "IDF"))
        t->mode = TF_IDF;
    else if (!strcmp(mode, "TFIDF"))
        t->mode = TF_TFIDF;
    else
        fatal_node(g, n, "mode '%s' is not TF, IDF or TFIDF", mode);
    static const char *req[] = {"min_gram_length", "max_gram_length", "max_skip_count"};
    for (int i = 0; i < 3; i++)
        if (!node_attr(g, n, req[i]))
            fatal_node(g, n, "attribute '%s' is missing", req[i]);
    int64_t mn = attr_int(g, n, "min_gram_length", -1), mx = attr_int(g, n, "max_gram_length", -1);
    t->maxskip = attr_int(g, n, "max_skip_count", -1);
    if (mn < 1 || mx < mn || mx > 1000)
        fatal_node(g, n, "min_gram_length %lld and max_gram_length %lld: expected 1 <= min <= max <= 1000",
                   (long long)mn, (long long)mx);
    if (t->maxskip < 0 || t->maxskip > 1000000)
        fatal_node(g, n, "max_skip_count is %lld; expected 0 to 1000000",
                   (long long)t->maxskip);
    if (node_attr(g, n, "pool_strings"))
        fatal_node(g, n, "pool_strings: string tensors are not supported");
    const int64_t *counts, *idx;
    int P = attr_ints(g, n, "pool_int64s", &t->pool);
    int nc = attr_ints(g, n, "ngram_counts", &counts);
    int ni = attr_ints(g, n, "ngram_indexes", &idx);
    if (P < 1)
        fatal_node(g, n, "attribute 'pool_int64s' is missing or empty");
    if (nc < 1)
        fatal_node(g, n, "attribute 'ngram_counts' is missing or empty");
    if (ni < 1)
        fatal_node(g, n, "attribute 'ngram_indexes' is missing or empty");
    t->C = 0;
    for (int i = 0; i < ni; i++) {
        if (idx[i] < 0 || idx[i] >= MAX_ELEMS)
            fatal_node(g, n, "ngram_indexes[%d] is %lld; expected 0 or more", i, (long long)idx[i]);
        if (idx[i] + 1 > t->C)
            t->C = idx[i] + 1;
    }
    for (int i = 0; i < nc; i++)
        if (counts[i] < (i ? counts[i - 1] : 0) || counts[i] > P)
            fatal_node(g, n, "ngram_counts[%d] is %lld; expected a non-decreasing offset into the pool of %d",
                       i, (long long)counts[i], P);
    t->start = arena_alloc(a, sizeof(int64_t) * 3 * (size_t)P);
    t->size = t->start + P;
    t->out = t->size + P;
    int64_t id = 0; /* 0-based n-gram id */
    for (int i = 0; i < nc; i++) {
        int64_t k = i + 1, end = i + 1 < nc ? counts[i + 1] : P, cnt = (end - counts[i]) / k;
        for (int64_t j = 0; j < cnt; j++, id++) {
            if (k < mn || k > mx)
                continue;
            if (id >= ni)
                fatal_node(g, n, "ngram_indexes has %d entries; the pool's n-gram %lld has none", ni,
                           (long long)id);
            int64_t s = counts[i] + j * k;
            int d = 0; /* a previous copy of this n-gram loses its id */
            for (int q = 0; q < t->G; q++) {
                if (t->size[q] == k && !memcmp(t->pool + t->start[q], t->pool + s, sizeof(int64_t) * (size_t)k))
                    continue;
                t->start[d] = t->start[q], t->size[d] = t->size[q], t->out[d] = t->out[q];
                d++;
            }
            t->G = d;
            t->start[t->G] = s, t->size[t->G] = k, t->out[t->G] = idx[id];
            t->G++;
        }
    }
    const Attr *w = node_attr(g, n, "weights");
    if (w && w->n > 0) {
        if (w->kind != ATTR_FLOATS)
            fatal_node(g, n, "attribute 'weights' is not a list of floats");
        if (w->n < t->C)
            fatal_node(g, n, "weights has %d entries; expected one per output (%lld)", w->n, (long long)t->C);
        t->w = w->floats;
    }
}

void infer_text(Graph *g, Node *n)
{
    if (n->op != OP_TFIDFVECTORIZER)
        fatal_node(g, n, "unsupported operator");
    const Value *x = in_val(g, n, 0);
    if (x->dtype != DT_I32 && x->dtype != DT_I64)
        fatal_node(g, n, "input '%s' has data type %s; expected int32 or int64", vname(x), dtype_name(x->dtype));
    if (x->rank != 1 && x->rank != 2)
        fatal_node(g, n, "input '%s' has shape %s; expected [N] or [B, N]", vname(x), dims_str(x->dims, x->rank));
    TfIdf t;
    tfidf_spec(g, n, &t);
    int64_t d[2] = {x->dims[0], t.C};
    if (x->rank == 1)
        set_out(g, n, 0, DT_F32, 1, &t.C);
    else
        set_out(g, n, 0, DT_F32, 2, d);
}

static void print_table(FILE *f, const char *name, const int64_t *v, int cnt)
{
    fprintf(f, "        static const int64_t %s[%d] = {", name, cnt);
    for (int i = 0; i < cnt; i++)
        fprintf(f, "%s%lld", i ? ", " : "", (long long)v[i]);
    fprintf(f, "};\n");
}

void lower_text(Emitter *e, const Node *n, FILE *f)
{
    const Graph *g = emit_graph(e);
    if (n->op != OP_TFIDFVECTORIZER)
        fatal_node(g, n, "operator is not supported by the C backend");
    const Value *x = &g->values[n->in[0]];
    TfIdf t;
    tfidf_spec(g, n, &t);
    int64_t B = x->rank == 2 ? x->dims[0] : 1, N = x->dims[x->rank - 1];
    fprintf(f, "    {\n");
    fprintf(f, "        float *y = %s;\n", emit_ref(e, n, n->out[0]));
    fprintf(f, "        int64_t i;\n");
    fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)(B * t.C));
    fprintf(f, "            y[i] = 0.0f;\n");
    if (t.G > 0) {
        int P = attr_ints(g, n, "pool_int64s", &t.pool);
        print_table(f, "pool", t.pool, P);
        print_table(f, "gstart", t.start, t.G);
        print_table(f, "gsize", t.size, t.G);
        print_table(f, "gout", t.out, t.G);
        fprintf(f, "        const %s *x = %s;\n", ctype(x->dtype), emit_ref(e, n, n->in[0]));
        fprintf(f, "        int64_t b, k, s, j;\n");
        fprintf(f, "        for (b = 0; b < %lld; b++) {\n", (long long)B);
        fprintf(f, "            const %s *r = x + b * %lld;\n", ctype(x->dtype), (long long)N);
        fprintf(f, "            float *yo = y + b * %lld;\n", (long long)t.C);
        fprintf(f, "            for (k = 0; k < %d; k++) {\n", t.G);
        fprintf(f, "                const int64_t sz = gsize[k], ns = sz == 1 ? 1 : %lld;\n",
                (long long)(t.maxskip + 1));
        fprintf(f, "                const int64_t *p = pool + gstart[k];\n");
        fprintf(f, "                for (s = 1; s <= ns; s++)\n");
        fprintf(f, "                    for (i = 0; i + (sz - 1) * s < %lld; i++) {\n", (long long)N);
        fprintf(f, "                        for (j = 0; j < sz && (int64_t)r[i + j * s] == p[j]; j++)\n");
        fprintf(f, "                            ;\n");
        fprintf(f, "                        if (j == sz)\n");
        fprintf(f, "                            yo[gout[k]] += 1.0f;\n");
        fprintf(f, "                    }\n");
        fprintf(f, "            }\n");
        fprintf(f, "        }\n");
    }
    if (t.mode != TF_TF && (t.w || t.mode == TF_IDF)) {
        if (t.w) {
            fprintf(f, "        static const float w[%lld] = {", (long long)t.C);
            for (int64_t c = 0; c < t.C; c++)
                fprintf(f, "%s%s", c ? ", " : "", emit_flit(e, t.w[c]));
            fprintf(f, "};\n");
        }
        fprintf(f, "        for (i = 0; i < %lld; i++)\n", (long long)(B * t.C));
        const char *wv = t.w ? arena_printf((Arena *)&g->arena, "w[i %% %lld]", (long long)t.C) : "1.0f";
        if (t.mode == TF_IDF)
            fprintf(f, "            y[i] = y[i] > 0.0f ? %s : 0.0f;\n", wv);
        else
            fprintf(f, "            y[i] *= %s;\n", wv);
    }
    fprintf(f, "    }\n");
}
