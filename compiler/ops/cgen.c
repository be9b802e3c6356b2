/* ops/cgen.c — typed C for the op families' reference kernels.
 *
 * The families outside the core write their kernels as C loops into the
 * generated code, with compile-time constant shapes and strides, once per
 * op and instantiated per element type by the helpers here: the C type that
 * holds an element (ctype), the type its arithmetic runs in (calc_type:
 * float16 and bfloat16 compute in float and are stored as their 16-bit
 * patterns through the runtime's onnxcc_f16/bf16 conversions), and a
 * broadcasting element-wise map over any number of operands (emit_map). */
#include "onnxcc.h"

#include <string.h>

const char *ctype(int dt)
{
    switch (dt) {
    case DT_F32: return "float";
    case DT_F64: return "double";
    case DT_I8: return "int8_t";
    case DT_I16: return "int16_t";
    case DT_I32: return "int32_t";
    case DT_I64: return "int64_t";
    case DT_U8: return "uint8_t";
    case DT_U16: return "uint16_t";
    case DT_U32: return "uint32_t";
    case DT_U64: return "uint64_t";
    case DT_BOOL: return "uint8_t";
    case DT_F16: return "uint16_t";
    case DT_BF16: return "uint16_t";
    default: return NULL;
    }
}

const char *calc_type(int dt)
{
    return dt == DT_F16 || dt == DT_BF16 ? "float" : ctype(dt);
}

const char *load_expr(Arena *a, int dt, const char *x)
{
    if (dt == DT_F16)
        return arena_printf(a, "onnxcc_f16_to_f32(%s)", x);
    if (dt == DT_BF16)
        return arena_printf(a, "onnxcc_bf16_to_f32(%s)", x);
    return x;
}

const char *store_expr(Arena *a, int dt, const char *x)
{
    if (dt == DT_F16)
        return arena_printf(a, "onnxcc_f32_to_f16(%s)", x);
    if (dt == DT_BF16)
        return arena_printf(a, "onnxcc_f32_to_bf16(%s)", x);
    if (dt == DT_BOOL)
        return arena_printf(a, "(uint8_t)((%s) != 0)", x);
    return arena_printf(a, "(%s)(%s)", ctype(dt), x);
}

const char *load_as_double(Arena *a, int dt, const char *x)
{
    return arena_printf(a, "(double)%s", load_expr(a, dt, x));
}

const char *store_from_double(Arena *a, int dt, const char *x)
{
    if (dt == DT_F16 || dt == DT_BF16)
        return store_expr(a, dt, arena_printf(a, "(float)(%s)", x));
    return store_expr(a, dt, x);
}

bool dtype_is_float(int dt)
{
    return dt == DT_F16 || dt == DT_BF16 || dt == DT_F32 || dt == DT_F64;
}

bool dtype_is_int(int dt)
{
    switch (dt) {
    case DT_I8: case DT_I16: case DT_I32: case DT_I64:
    case DT_U8: case DT_U16: case DT_U32: case DT_U64:
        return true;
    default:
        return false;
    }
}

bool dtype_is_signed(int dt)
{
    return dtype_is_float(dt) || dt == DT_I8 || dt == DT_I16 || dt == DT_I32 || dt == DT_I64;
}

void dense_strides_of(const Value *v, int64_t *st)
{
    int64_t s = 1;
    for (int d = v->rank - 1; d >= 0; d--) {
        st[d] = s;
        s *= v->dims[d];
    }
}

void broadcast_strides(const Value *v, const Value *y, int64_t *st)
{
    int off = y->rank - v->rank;
    int64_t s = 1;
    for (int d = y->rank - 1; d >= 0; d--) {
        int vd = d - off;
        if (vd < 0) {
            st[d] = 0;
            continue;
        }
        st[d] = (v->dims[vd] == 1 && y->dims[d] != 1) ? 0 : s;
        s *= v->dims[vd];
    }
}

const char EMIT_RAW[] = "raw";

void emit_loop(Emitter *e, const Node *n, FILE *f, int nops, const int *ops, int y, const char *as, const char *body,
               const char *store)
{
    const Graph *g = emit_graph(e);
    Arena *a = (Arena *)&g->arena;
    const Value *yv = &g->values[y];
    int64_t dims[MAX_RANK];
    int64_t (*st)[MAX_RANK] = arena_alloc(a, sizeof *st * (size_t)nops);
    int64_t (*full)[MAX_RANK] = arena_alloc(a, sizeof *full * (size_t)nops);
    for (int k = 0; k < nops; k++)
        broadcast_strides(&g->values[ops[k]], yv, full[k]);
    int r = 0;
    for (int d = 0; d < yv->rank; d++) {
        if (yv->dims[d] == 1)
            continue;
        bool merge = r > 0;
        for (int k = 0; k < nops && merge; k++)
            merge = st[k][r - 1] == full[k][d] * yv->dims[d];
        if (merge) {
            dims[r - 1] *= yv->dims[d];
            for (int k = 0; k < nops; k++)
                st[k][r - 1] = full[k][d];
            continue;
        }
        dims[r] = yv->dims[d];
        for (int k = 0; k < nops; k++)
            st[k][r] = full[k][d];
        r++;
    }
    fprintf(f, "    {\n");
    for (int k = 0; k < nops; k++)
        fprintf(f, "        const %s *x%d = %s;\n", ctype(g->values[ops[k]].dtype), k, emit_ref(e, n, ops[k]));
    fprintf(f, "        %s *y = %s;\n", ctype(yv->dtype), emit_ref(e, n, y));
    if (r > 0) {
        fprintf(f, "        int64_t o = 0");
        for (int d = 0; d < r; d++)
            fprintf(f, ", i%d", d);
        fprintf(f, ";\n");
        for (int d = 0; d < r; d++)
            fprintf(f, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s\n", 8 + 4 * d, "", d, d, (long long)dims[d], d,
                    d == r - 1 ? " {" : "");
    } else {
        fprintf(f, "        {\n");
    }
    int ind = 8 + 4 * (r > 0 ? r : 1);
    for (int k = 0; k < nops; k++) {
        int dt = g->values[ops[k]].dtype;
        char *idx = NULL;
        for (int d = 0; d < r; d++) {
            if (!st[k][d])
                continue;
            char *term = st[k][d] == 1 ? arena_printf(a, "i%d", d) : arena_printf(a, "i%d * %lld", d, (long long)st[k][d]);
            idx = idx ? arena_printf(a, "%s + %s", idx, term) : term;
        }
        const char *elem = arena_printf(a, "x%d[%s]", k, idx ? idx : "0");
        if (as == EMIT_RAW)
            fprintf(f, "%*sconst %s v%d = %s;\n", ind, "", ctype(dt), k, elem);
        else if (as)
            fprintf(f, "%*sconst %s v%d = (%s)%s;\n", ind, "", as, k, as, load_expr(a, dt, elem));
        else
            fprintf(f, "%*sconst %s v%d = %s;\n", ind, "", calc_type(dt), k, load_expr(a, dt, elem));
    }
    /* $k -> vk */
    for (int part = 0; part < 2; part++) {
        const char *s = part ? store : body;
        if (!s)
            continue;
        size_t len = strlen(s);
        char *t = arena_alloc(a, len + 1);
        for (size_t i = 0; i <= len; i++)
            t[i] = s[i] == '$' && s[i + 1] >= '0' && s[i + 1] <= '9' ? 'v' : s[i];
        if (part) {
            fprintf(f, "%*sy[%s] = %s;\n", ind, "", r > 0 ? "o++" : "0", t);
            continue;
        }
        for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(f, "%*s%s\n", ind, "", line);
    }
    fprintf(f, "%*s}\n    }\n", ind - 4, "");
}

void emit_map(Emitter *e, const Node *n, FILE *f, int nops, const int *ops, int y, const char *expr)
{
    const Graph *g = emit_graph(e);
    emit_loop(e, n, f, nops, ops, y, NULL, NULL, store_expr((Arena *)&g->arena, g->values[y].dtype, expr));
}

void emit_copy(Emitter *e, const Node *n, FILE *f, int x, int y)
{
    const Graph *g = emit_graph(e);
    int64_t bytes = value_numel(&g->values[y]) * (int64_t)dtype_size(g->values[y].dtype);
    fprintf(f, "    memcpy(%s, %s, %lld);\n", emit_ref(e, n, y), emit_ref(e, n, x), (long long)bytes);
}
