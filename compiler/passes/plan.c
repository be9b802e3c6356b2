/* plan.c — the static memory plan.
 *
 * Needs: nodes in schedule (topological) order, shapes inferred, use lists.
 * Changes: Value.offset of every intermediate, g->arena_bytes,
 * g->naive_bytes and g->planned.  A value lives from its producer to its last use (both
 * inclusive, so no kernel's output aliases its inputs).  Placement is greedy
 * by size, largest first: each buffer takes the lowest aligned offset that
 * does not overlap a buffer already placed whose lifetime meets its own. */
#include "onnxcc.h"

#include <stdlib.h>

typedef struct {
    int value;
    int first, last;  /* node indices */
    int64_t bytes;    /* rounded up to WS_ALIGN */
    int64_t offset;
} Buf;

static bool in_workspace(const Value *v)
{
    return v->producer >= 0 && !(v->flags & (V_INPUT | V_OUTPUT | V_CONST));
}

static int by_size_desc(const void *a, const void *b)
{
    const Buf *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->value - y->value; /* deterministic */
}

static int by_offset(const void *a, const void *b)
{
    const Buf *x = *(const Buf *const *)a, *y = *(const Buf *const *)b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static int by_first(const void *a, const void *b)
{
    const Buf *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* Lifetime of value i, widened by every value that lives inside it. */
static void lifetime(const Graph *g, int i, int *first, int *last)
{
    const Value *v = &g->values[i];
    *first = *last = v->producer;
    for (int u = 0; u < v->nuses; u++)
        if (v->uses[u] > *last)
            *last = v->uses[u];
}

static int collect(const Graph *g, Buf *bufs)
{
    int n = 0;
    int *first = malloc(sizeof(int) * ((size_t)g->nvalues + 1));
    int *last = malloc(sizeof(int) * ((size_t)g->nvalues + 1));
    if (!first || !last)
        fatal("out of memory");
    for (int i = 0; i < g->nvalues; i++)
        lifetime(g, i, &first[i], &last[i]);
    for (int i = 0; i < g->nvalues; i++) {
        int b = g->values[i].base;
        if (b >= 0 && g->values[i].producer >= 0) {
            if (first[i] < first[b])
                first[b] = first[i];
            if (last[i] > last[b])
                last[b] = last[i];
        }
    }
    for (int i = 0; i < g->nvalues; i++) {
        const Value *v = &g->values[i];
        if (!in_workspace(v) || v->base >= 0)
            continue;
        int64_t bytes = mul_ck(value_numel(v), (int64_t)dtype_size(v->dtype));
        if (bytes < 0)
            fatal("tensor '%s': size unknown or too large", printable(v->name));
        Buf *b = &bufs[n++];
        b->value = i;
        b->first = first[i];
        b->last = last[i];
        b->bytes = (bytes + WS_ALIGN - 1) / WS_ALIGN * WS_ALIGN;
        b->offset = -1;
    }
    free(first);
    free(last);
    return n;
}

void plan_memory(Graph *g)
{
    Buf *bufs = malloc(sizeof(Buf) * ((size_t)g->nvalues + 1));
    Buf **placed = malloc(sizeof(Buf *) * ((size_t)g->nvalues + 1));
    if (!bufs || !placed)
        fatal("out of memory");
    int n = collect(g, bufs);
    qsort(bufs, (size_t)n, sizeof *bufs, by_size_desc);
    int np = 0;
    int64_t total = 0, naive = 0;
    Buf **live = malloc(sizeof(Buf *) * ((size_t)n + 1));
    if (!live)
        fatal("out of memory");
    for (int i = 0; i < n; i++) {
        Buf *b = &bufs[i];
        /* Buffers already placed whose lifetimes meet b's, by offset. */
        int nl = 0;
        for (int j = 0; j < np; j++)
            if (placed[j]->first <= b->last && b->first <= placed[j]->last)
                live[nl++] = placed[j];
        qsort(live, (size_t)nl, sizeof *live, by_offset);
        int64_t off = 0;
        for (int j = 0; j < nl; j++) {
            if (live[j]->offset - off >= b->bytes)
                break;
            int64_t end = live[j]->offset + live[j]->bytes;
            if (end > off)
                off = end;
        }
        b->offset = off;
        placed[np++] = b;
        if (off + b->bytes > total)
            total = off + b->bytes;
        naive = add_ck(naive, b->bytes);
    }
    for (int i = 0; i < g->nvalues; i++)
        g->values[i].offset = -1;
    for (int i = 0; i < n; i++)
        g->values[bufs[i].value].offset = bufs[i].offset;
    g->arena_bytes = total;
    g->naive_bytes = naive;
    g->planned = true;
    free(live);
    free(placed);
    free(bufs);
}

void verify_plan(const Graph *g)
{
    Buf *bufs = malloc(sizeof(Buf) * ((size_t)g->nvalues + 1));
    if (!bufs)
        fatal("out of memory");
    int n = collect(g, bufs);
    for (int i = 0; i < n; i++) {
        Buf *a = &bufs[i];
        a->offset = g->values[a->value].offset;
        if (a->offset < 0 || a->offset % WS_ALIGN || a->offset + a->bytes > g->arena_bytes) {
            fprintf(stderr, "onnxcc: internal error: value %d placed at %lld outside the workspace\n",
                    a->value, (long long)a->offset);
            abort();
        }
    }
    /* By first step: a buffer's pairs to check end at the first buffer that
     * starts after it ends (linear for a chain, not quadratic). */
    qsort(bufs, (size_t)n, sizeof *bufs, by_first);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n && bufs[j].first <= bufs[i].last; j++) {
            const Buf *a = &bufs[i], *b = &bufs[j];
            if (a->offset < b->offset + b->bytes && b->offset < a->offset + a->bytes) {
                fprintf(stderr, "onnxcc: internal error: values %d and %d overlap in the workspace\n",
                        a->value, b->value);
                abort();
            }
        }
    free(bufs);
}

/* The plan as the planner sees it, for --report-svg (svg.c). */
int plan_buffers(const Graph *g, PlanBuf *out)
{
    Buf *bufs = malloc(sizeof(Buf) * ((size_t)g->nvalues + 1));
    if (!bufs)
        fatal("out of memory");
    int n = collect(g, bufs);
    for (int i = 0; i < n; i++)
        out[i] = (PlanBuf){bufs[i].value, bufs[i].first, bufs[i].last, bufs[i].bytes};
    free(bufs);
    return n;
}

void plan_live_range(const Graph *g, int value, int *first, int *last)
{
    lifetime(g, value, first, last);
}
