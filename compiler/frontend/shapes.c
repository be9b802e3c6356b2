/* shapes.c — input shape overrides (`--shape NAME=1,3,224,224` and the
 * config's `shapes:`): parse them, check them against what the model
 * declares, and fix the dims of the graph inputs.
 *
 * Needs: a loaded graph (inputs with their declared rank/dims, -1 where
 * unknown).  Changes: rank and dims of the named inputs. */
#include "onnxcc.h"

#include <string.h>

#define MAX_SPEC_DIM ((int64_t)1 << 31)

bool parse_shape_spec(Arena *a, const char *arg, ShapeSpec *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const char *eq = strrchr(arg, '=');
    if (!eq) {
        *why = arena_printf(a, "'%s' is not NAME=D1,D2,... (no '=')", printable(arg));
        return false;
    }
    if (eq == arg) {
        *why = arena_printf(a, "'%s' has an empty input name", printable(arg));
        return false;
    }
    size_t nlen = (size_t)(eq - arg);
    out->input = arena_alloc(a, nlen + 1);
    memcpy(out->input, arg, nlen);
    const char *name = arena_strdup(a, printable(out->input));
    const char *p = eq + 1;
    if (!*p) {
        *why = arena_printf(a, "'%s': no dims after '='", name);
        return false;
    }
    for (;;) {
        if (out->rank == MAX_RANK) {
            *why = arena_printf(a, "'%s': more than %d dims", name, MAX_RANK);
            return false;
        }
        const char *start = p;
        int64_t d = 0;
        bool big = false;
        while (*p >= '0' && *p <= '9') {
            d = d * 10 + (*p - '0');
            if (d > MAX_SPEC_DIM)
                big = true, d = MAX_SPEC_DIM;
            p++;
        }
        size_t len = strcspn(start, ",");
        if (p == start || (*p && *p != ',')) {
            *why = arena_printf(a, "'%s': dim %d '%s' is not a positive integer", name,
                                out->rank, printable(arena_printf(a, "%.*s", (int)len, start)));
            return false;
        }
        if (d == 0 || big) {
            *why = arena_printf(a, "'%s': dim %d is %.*s, must be 1 to %lld", name, out->rank,
                                (int)(len > 24 ? 24 : len), start, (long long)MAX_SPEC_DIM);
            return false;
        }
        out->dims[out->rank++] = d;
        if (!*p)
            return true;
        p++; /* the ',' */
    }
}

/* "a, b, c" — the graph inputs, for a message. */
static const char *input_list(Graph *g)
{
    size_t cap = 512, o = 0;
    char *s = arena_alloc(&g->arena, cap);
    for (int i = 0; i < g->ninputs && o + 8 < cap; i++) {
        int n = snprintf(s + o, cap - o, "%s'%s'", i ? ", " : "",
                         printable(g->values[g->inputs[i]].name));
        o = n < 0 || (size_t)n >= cap - o ? cap - 1 : o + (size_t)n;
    }
    if (o + 1 >= cap)
        memcpy(s + cap - 5, "...", 4);
    return g->ninputs ? s : "none";
}

static int find_input(const Graph *g, const char *name)
{
    for (int i = 0; i < g->ninputs; i++)
        if (strcmp(g->values[g->inputs[i]].name, name) == 0)
            return g->inputs[i];
    return -1;
}

/* All specs are checked against the model's declared shapes before any is
 * applied; if one input is named twice, the later spec wins. */
void apply_shapes(Graph *g, const ShapeSpec *specs, int nspecs)
{
    for (int s = 0; s < nspecs; s++) {
        const ShapeSpec *sp = &specs[s];
        int vi = find_input(g, sp->input);
        if (vi < 0)
            fatal("--shape: no graph input named '%s' (inputs: %s)", printable(sp->input),
                  input_list(g));
        const Value *v = &g->values[vi];
        const char *vn = printable(v->name);
        if (v->rank >= 0 && v->rank != sp->rank)
            fatal("--shape %s: the model declares rank %d, got %d dims", vn, v->rank, sp->rank);
        for (int i = 0; i < sp->rank && v->rank >= 0; i++)
            if (v->dims[i] >= 0 && v->dims[i] != sp->dims[i])
                fatal("--shape %s: axis %d is %lld in the model, got %lld", vn, i,
                      (long long)v->dims[i], (long long)sp->dims[i]);
        int64_t numel = 1;
        for (int i = 0; i < sp->rank; i++)
            numel = mul_ck(numel, sp->dims[i]);
        if (numel < 0 || numel > MAX_ELEMS)
            fatal("--shape %s: %s elements, more than the supported %lld", vn,
                  numel < 0 ? "too many" : arena_printf(&g->arena, "%lld", (long long)numel),
                  (long long)MAX_ELEMS);
    }
    for (int s = 0; s < nspecs; s++) {
        const ShapeSpec *sp = &specs[s];
        Value *v = &g->values[find_input(g, sp->input)];
        v->rank = sp->rank;
        for (int i = 0; i < MAX_RANK; i++) {
            v->dims[i] = i < sp->rank ? sp->dims[i] : 0;
            if (i >= sp->rank)
                v->dim_param[i] = NULL;
        }
    }
}
