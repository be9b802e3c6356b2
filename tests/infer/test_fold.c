/* The shape-computation folder (fold.c) on hand-built IR graphs: chains as
 * exporters and ONNX function bodies write them (LayerNormalization's
 * reduced shape, torch's chunk sizes, ...), each op's corner cases, what must
 * not fold, and every class of error, checked for its message.  Expected
 * values are onnxruntime 1.30's results for the same graphs (floats bit for
 * bit).  Nodes are made from their op_type alone (op_lookup), so ops the op
 * table does not list yet fold here as they will once their family lists
 * them. */
#include "onnxcc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Graph *g;
static int failures;

#define D(...) (const int64_t[]){__VA_ARGS__}, (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define I64(...) (const int64_t[]){__VA_ARGS__}
#define SCALAR NULL, 0

static void begin(int64_t opset)
{
    g = graph_new("fold.onnx");
    g->opset = opset;
    g->inputs = arena_alloc(&g->arena, 16 * sizeof(int));
    g->outputs = arena_alloc(&g->arena, 16 * sizeof(int));
}

static int value(const char *name, int dtype, const int64_t *dims, int rank)
{
    int v = graph_add_value(g, name);
    Value *p = &g->values[v];
    p->dtype = dtype;
    p->rank = rank;
    for (int i = 0; i < rank; i++)
        p->dims[i] = dims[i];
    return v;
}

/* A float32 graph input of the given shape. */
static int input(const int64_t *dims, int rank)
{
    int v = value("X", DT_F32, dims, rank);
    g->values[v].flags |= V_INPUT;
    g->inputs[g->ninputs++] = v;
    return v;
}

/* A constant of any type; data copied from `data` (numel * element size). */
static int cst(int dtype, const int64_t *dims, int rank, const void *data)
{
    static int count;
    char name[32];
    snprintf(name, sizeof name, "c%d", count++);
    int v = value(name, dtype, dims, rank);
    Value *p = &g->values[v];
    size_t bytes = (size_t)value_numel(p) * dtype_size(dtype);
    void *copy = arena_alloc(&g->arena, bytes + 1);
    memcpy(copy, data, bytes);
    p->flags |= V_CONST;
    p->data = copy;
    p->nbytes = (int64_t)bytes;
    return v;
}
static int ints(const int64_t *v, int n) { return cst(DT_I64, (int64_t[]){n}, 1, v); }
static int scalar64(int64_t x) { return cst(DT_I64, SCALAR, &x); }

/* A node of op_type with the given inputs (-1: omitted); returns its output. */
static int node(const char *op_type, const int *in, int nin)
{
    static int count;
    int ni = graph_add_node(g, op_lookup(op_type), op_type, "n", nin, 1);
    char name[32];
    snprintf(name, sizeof name, "y%d", count++);
    int out = graph_add_value(g, name);
    Node *n = &g->nodes[ni];
    for (int k = 0; k < nin; k++)
        n->in[k] = in[k];
    n->out[0] = out;
    n->attrs = arena_alloc(&g->arena, 8 * sizeof(Attr));
    return out;
}
#define N(op, ...) node(op, (const int[]){__VA_ARGS__}, (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)))

static Attr *attr(const char *name, int kind)
{
    Node *n = &g->nodes[g->nnodes - 1];
    Attr *a = &n->attrs[n->nattrs++];
    a->name = (char *)name;
    a->kind = kind;
    a->tensor = -1;
    return a;
}
static void attr_i(const char *name, int64_t v) { attr(name, ATTR_INT)->i = v; }
static void attr_is(const char *name, const int64_t *v, int n)
{
    Attr *a = attr(name, ATTR_INTS);
    a->ints = (int64_t *)v;
    a->n = n;
}
static void attr_t(const char *name, int tensor) { attr(name, ATTR_TENSOR)->tensor = tensor; }

/* Runs inference; NULL on success or the error message. */
static const char *run(void)
{
    static char msg[1024];
    static jmp_buf jb;
    graph_link(g);
    fflush(stderr);
    int saved = dup(2);
    FILE *errf = tmpfile();
    if (saved < 0 || !errf)
        abort();
    dup2(fileno(errf), 2);
    volatile bool ok = false;
    fatal_jmp = &jb;
    if (setjmp(jb) == 0) {
        infer_shapes(g);
        ok = true;
    }
    fatal_jmp = NULL;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(errf);
    if (!fgets(msg, sizeof msg, errf))
        msg[0] = 0;
    fclose(errf);
    msg[strcspn(msg, "\n")] = 0;
    return ok ? NULL : msg;
}

static bool fail(int line, const char *what)
{
    printf("FAIL line %d: %s\n", line, what);
    failures++;
    graph_free(g);
    return false;
}

/* Value v must have become a constant of dtype and dims holding `data`
 * (bit for bit), and every node must have gone. */
static void expect(int line, int v, int dtype, const int64_t *dims, int rank, const void *data)
{
    const char *err = run();
    if (err) {
        fail(line, err);
        return;
    }
    const Value *p = &g->values[v];
    if (!(p->flags & V_CONST) || g->nnodes != 0) {
        fail(line, "not folded");
        return;
    }
    bool same = p->dtype == dtype && p->rank == rank;
    for (int i = 0; same && i < rank; i++)
        same = p->dims[i] == dims[i];
    if (!same) {
        printf("FAIL line %d: got %s %s\n", line, dtype_name(p->dtype), dims_str(p->dims, p->rank));
        failures++;
    } else if (memcmp(p->data, data, (size_t)value_numel(p) * dtype_size(dtype))) {
        printf("FAIL line %d: values differ\n", line);
        failures++;
    } else {
        printf("ok   line %d\n", line);
    }
    graph_free(g);
}
#define EXPECT(v, dt, dims, ...) expect(__LINE__, v, dt, dims, (const void *)(__VA_ARGS__))

/* Inference succeeds and leaves `nodes` nodes. */
static void expect_nodes(int line, int nodes)
{
    const char *err = run();
    if (err)
        fail(line, err);
    else if (g->nnodes != nodes)
        fail(line, "wrong number of nodes left");
    else {
        printf("ok   line %d\n", line);
        graph_free(g);
    }
}

static void expect_error(int line, const char *want)
{
    const char *err = run();
    if (!err) {
        printf("FAIL line %d: no error, expected '%s'\n", line, want);
        failures++;
    } else if (!strstr(err, want)) {
        printf("FAIL line %d: error '%s' does not contain '%s'\n", line, err, want);
        failures++;
    } else {
        printf("ok   line %d: %s\n", line, err);
    }
    graph_free(g);
}
#define EXPECT_ERROR(want) expect_error(__LINE__, want)

/* LayerNormalization's expansion (opset 17): the reduced shape, a prefix of
 * X's shape then ones; axis 0 makes the prefix empty. */
static void layernorm_shape(int64_t axis, const int64_t *want, int line)
{
    begin(17);
    int s = N("Shape", input(D(2, 3, 4, 5)));
    int rank = N("Size", s);
    int ax = ints(I64(axis), 1);
    int prefix = N("Slice", s, ints(I64(0), 1), ax);
    int nred = N("Sub", rank, ax);
    int suffix = N("ConstantOfShape", nred);
    attr_t("value", ints(I64(1), 1));
    int v = N("Concat", prefix, suffix);
    attr_i("axis", 0);
    expect(line, v, DT_I64, D(4), want);
}

int main(void)
{
    layernorm_shape(1, I64(2, 1, 1, 1), __LINE__);
    layernorm_shape(0, I64(1, 1, 1, 1), __LINE__);
    layernorm_shape(3, I64(2, 3, 4, 1), __LINE__);

    /* torch's chunk: (dim + 1) / 2 * 2 */
    begin(13);
    int d = N("Gather", N("Shape", input(D(2, 3, 4, 5))), scalar64(-1));
    int v = N("Mul", N("Div", N("Add", d, scalar64(1)), scalar64(2)), scalar64(2));
    EXPECT(v, DT_I64, SCALAR, I64(6));

    /* Reshape's shape from Shape -> Slice -> ReduceProd -> Concat (opset 14),
     * applied to a constant */
    begin(14);
    int hw = N("ReduceProd", N("Slice", N("Shape", input(D(2, 3, 4, 5))), ints(I64(2), 1), ints(I64(4), 1)));
    int sh = N("Concat", ints(I64(-1), 1), hw);
    attr_i("axis", 0);
    int64_t iota[40];
    for (int i = 0; i < 40; i++)
        iota[i] = i;
    v = N("Reshape", cst(DT_I64, D(40), iota), sh);
    EXPECT(v, DT_I64, D(2, 20), iota);

    /* Shape start/end (15), Size of a tensor, Unsqueeze and Concat */
    begin(15);
    int x = input(D(2, 3, 4, 5));
    v = N("Shape", x);
    attr_i("start", -3);
    attr_i("end", -1);
    EXPECT(v, DT_I64, D(2), I64(3, 4));
    begin(13);
    x = input(D(2, 3, 4, 5));
    v = N("Concat", N("Shape", x), N("Unsqueeze", N("Size", x), ints(I64(0), 1)));
    attr_i("axis", 0);
    EXPECT(v, DT_I64, D(5), I64(2, 3, 4, 5, 120));
    begin(11); /* axes attribute before opset 13 */
    v = N("Unsqueeze", N("Gather", N("Shape", input(D(2, 3, 4, 5))), scalar64(2)));
    attr_is("axes", I64(0, -1), 2);
    EXPECT(v, DT_I64, D(1, 1), I64(4));

    /* Range: int64, int32 counting down, float32 accumulating in float */
    begin(13);
    v = N("Range", scalar64(0), N("Size", N("Shape", input(D(2, 3, 4, 5)))), scalar64(1));
    EXPECT(v, DT_I64, D(4), I64(0, 1, 2, 3));
    begin(13);
    v = N("Range", cst(DT_I32, SCALAR, (int32_t[]){10}), cst(DT_I32, SCALAR, (int32_t[]){-3}),
          cst(DT_I32, SCALAR, (int32_t[]){-4}));
    EXPECT(v, DT_I32, D(4), (int32_t[]){10, 6, 2, -2});
    begin(13);
    v = N("Range", cst(DT_F32, SCALAR, (float[]){0.5f}), cst(DT_F32, SCALAR, (float[]){3.7f}),
          cst(DT_F32, SCALAR, (float[]){0.3f}));
    EXPECT(v, DT_F32, D(11), (float[]){0x1p-1f, 0x1.99999ap-1f, 0x1.19999ap+0f, 0x1.666668p+0f, 0x1.b33334p+0f,
                                      0x1p+1f, 0x1.266666p+1f, 0x1.4cccccp+1f, 0x1.733332p+1f, 0x1.999998p+1f,
                                      0x1.bffffep+1f});

    /* Cast: int -> float rounds once; float -> int truncates; bool */
    begin(13);
    int sf = N("Cast", N("Shape", input(D(2, 3, 4, 5))));
    attr_i("to", DT_F32);
    v = N("Cast", N("Mul", sf, cst(DT_F32, D(4), (float[]){1.5f, -0.7f, 2.25f, 0.3f})));
    attr_i("to", DT_I64);
    EXPECT(v, DT_I64, D(4), I64(3, -2, 9, 1));
    begin(13);
    v = N("Cast", ints(I64(((int64_t)1 << 53) + 1, (1 << 24) + 1, -((int64_t)1 << 60) - 1, 7), 4));
    attr_i("to", DT_F32);
    EXPECT(v, DT_F32, D(4), (float[]){0x1p53f, 0x1p24f, -0x1p60f, 7.0f});
    begin(13);
    v = N("Cast", cst(DT_I32, D(3), (int32_t[]){0, 3, -1}));
    attr_i("to", DT_BOOL);
    EXPECT(v, DT_BOOL, D(3), (uint8_t[]){0, 1, 1});

    /* Div truncates integers, rounds floats once */
    begin(13);
    v = N("Div", ints(I64(-7, 7, -7, 7, 0), 5), ints(I64(2, -2, -2, 2, 5), 5));
    EXPECT(v, DT_I64, D(5), I64(-3, -3, 3, 3, 0));
    begin(13);
    v = N("Div", cst(DT_F32, D(3), (float[]){1, -2, 10}), cst(DT_F32, D(1), (float[]){3}));
    EXPECT(v, DT_F32, D(3), (float[]){0x1.555556p-2f, -0x1.555556p-1f, 0x1.aaaaaap+1f});

    /* Mod: the divisor's sign (fmod 0, Swin's window pads), C's (fmod 1) */
    begin(13);
    v = N("Mod", ints(I64(-7, 7, -7, 7, 0, 5), 6), ints(I64(3, -3, -3, 3, 3, -1), 6));
    EXPECT(v, DT_I64, D(6), I64(2, -2, -1, 1, 0, 0));
    begin(13);
    v = N("Mod", ints(I64(-7, 7, -7, 7), 4), ints(I64(3, -3, -3, 3), 4));
    attr_i("fmod", 1);
    EXPECT(v, DT_I64, D(4), I64(-1, 1, -1, 1));
    begin(13);
    v = N("Mod", cst(DT_F32, D(2), (float[]){-7.5f, 7.5f}), cst(DT_F32, D(1), (float[]){2}));
    attr_i("fmod", 1);
    EXPECT(v, DT_F32, D(2), (float[]){-1.5f, 1.5f});
    begin(13);
    N("Mod", ints(I64(1, 2), 2), scalar64(0));
    EXPECT_ERROR("(Mod): integer division by zero: 1 mod 0");

    /* Transpose: a permutation and the default reversal */
    begin(13);
    v = N("Transpose", cst(DT_I32, D(2, 3, 1), (int32_t[]){1, 2, 3, 4, 5, 6}));
    attr_is("perm", I64(1, 2, 0), 3);
    EXPECT(v, DT_I32, D(3, 1, 2), (int32_t[]){1, 4, 2, 5, 3, 6});
    begin(13);
    v = N("Transpose", ints(I64(1, 2, 3, 4, 5, 6), 6));
    EXPECT(v, DT_I64, D(6), I64(1, 2, 3, 4, 5, 6));
    begin(13);
    v = N("Transpose", cst(DT_I32, D(2, 3), (int32_t[]){1, 2, 3, 4, 5, 6}));
    EXPECT(v, DT_I32, D(3, 2), (int32_t[]){1, 4, 2, 5, 3, 6});

    /* Equal, Less, Greater, Not, Where */
    begin(13);
    int s = N("Shape", input(D(2, 3, 4, 5)));
    int w1 = N("Where", N("Equal", s, scalar64(3)), scalar64(100), s);
    int w2 = N("Where", N("Less", s, scalar64(4)), w1, ints(I64(-1, -2, -3, -4), 4));
    v = N("Where", N("Not", N("Greater", s, scalar64(4))), w2, scalar64(0));
    EXPECT(v, DT_I64, D(4), I64(2, 100, -3, 0));
    begin(13);
    v = N("Equal", cst(DT_F32, D(3), (float[]){1, NAN, 3}), cst(DT_F32, D(3), (float[]){1, NAN, 2}));
    EXPECT(v, DT_BOOL, D(3), (uint8_t[]){1, 0, 0});

    /* Reductions: axes input (ReduceSum 13, ReduceProd 18), attribute,
     * all axes, noop_with_empty_axes */
    begin(13);
    int32_t a24[24];
    for (int i = 0; i < 24; i++)
        a24[i] = i - 7;
    v = N("ReduceSum", cst(DT_I32, D(2, 3, 4), a24), ints(I64(-1, 0), 2));
    EXPECT(v, DT_I32, D(1, 3, 1), (int32_t[]){4, 36, 68});
    begin(18);
    v = N("ReduceProd", cst(DT_F64, D(3, 4), (double[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), ints(I64(1), 1));
    attr_i("keepdims", 0);
    EXPECT(v, DT_F64, D(3), (double[]){24, 1680, 11880});
    begin(13);
    v = N("ReduceProd", N("Shape", input(D(2, 3, 4, 5))));
    attr_i("keepdims", 0);
    EXPECT(v, DT_I64, SCALAR, I64(120));
    begin(11);
    v = N("ReduceSum", cst(DT_I64, D(2, 3), I64(0, 1, 2, 3, 4, 5)));
    attr_is("axes", I64(1), 1);
    EXPECT(v, DT_I64, D(2, 1), I64(3, 12));
    begin(13);
    v = N("ReduceSum", cst(DT_I64, D(2, 3), I64(0, 1, 2, 3, 4, 5)));
    attr_i("noop_with_empty_axes", 1);
    EXPECT(v, DT_I64, D(2, 3), I64(0, 1, 2, 3, 4, 5));

    /* Max / Min: any number of inputs, broadcast; NaN propagates */
    begin(13);
    v = N("Min", N("Max", ints(I64(1, 5, -3), 3), cst(DT_I64, D(2, 1), I64(2, -9)), scalar64(0)), ints(I64(4), 1));
    EXPECT(v, DT_I64, D(2, 3), I64(2, 4, 2, 1, 4, 0));
    begin(13);
    v = N("Max", cst(DT_F32, D(4), (float[]){1, NAN, 3, -0.0f}), cst(DT_F32, D(4), (float[]){NAN, 1, 2, 0.0f}));
    {
        const char *err = run();
        const Value *p = &g->values[v];
        float y[4];
        if (!err && (p->flags & V_CONST))
            memcpy(y, p->data, sizeof y);
        if (err || !(p->flags & V_CONST) || !isnan(y[0]) || !isnan(y[1]) || y[2] != 3 || y[3] != 0 || signbit(y[3]))
            fail(__LINE__, "Max with NaN");
        else {
            printf("ok   line %d\n", __LINE__);
            graph_free(g);
        }
    }

    /* Neg, Abs, Sub */
    begin(13);
    int a = cst(DT_I32, D(4), (int32_t[]){-3, 0, 5, -2147483647});
    int ng = N("Neg", a);
    v = N("Sub", N("Abs", ng), ng);
    EXPECT(v, DT_I32, D(4), (int32_t[]){0, 0, 10, 0});

    /* Moving elements: Expand, Tile, Squeeze, Slice, Gather, Flatten,
     * Identity, ConstantOfShape (any element type) */
    begin(13);
    v = N("Expand", cst(DT_I64, D(3, 1), I64(1, 2, 3)), ints(I64(2, 1, 4), 3));
    EXPECT(v, DT_I64, D(2, 3, 4), I64(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3));
    begin(13);
    v = N("Tile", cst(DT_I32, D(2, 2), (int32_t[]){1, 2, 3, 4}), ints(I64(2, 2), 2));
    EXPECT(v, DT_I32, D(4, 4), (int32_t[]){1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4});
    begin(13);
    v = N("Squeeze", cst(DT_I64, D(1, 2, 1, 3, 1), I64(0, 1, 2, 3, 4, 5)), ints(I64(0, -1), 2));
    EXPECT(v, DT_I64, D(2, 1, 3), I64(0, 1, 2, 3, 4, 5));
    begin(13);
    v = N("Squeeze", cst(DT_I64, D(1, 2, 1, 3, 1), I64(0, 1, 2, 3, 4, 5)));
    EXPECT(v, DT_I64, D(2, 3), I64(0, 1, 2, 3, 4, 5));
    begin(13);
    v = N("Slice", N("Shape", input(D(2, 3, 4, 5))), ints(I64(-1), 1), ints(I64(-100), 1), ints(I64(0), 1),
          ints(I64(-2), 1));
    EXPECT(v, DT_I64, D(2), I64(5, 3));
    begin(13);
    int64_t a20[20];
    for (int i = 0; i < 20; i++)
        a20[i] = i;
    v = N("Slice", cst(DT_I64, D(4, 5), a20), ints(I64(1, -3), 2), ints(I64(1000, -1), 2), ints(I64(0, 1), 2));
    EXPECT(v, DT_I64, D(3, 2), I64(7, 8, 12, 13, 17, 18));
    begin(9);
    v = N("Slice", N("Shape", input(D(2, 3, 4, 5))));
    attr_is("starts", I64(1), 1);
    attr_is("ends", I64(3), 1);
    EXPECT(v, DT_I64, D(2), I64(3, 4));
    begin(13);
    v = N("Gather", cst(DT_I32, D(3, 4), (int32_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
          cst(DT_I64, D(2, 2), I64(-1, 0, 2, 2)));
    attr_i("axis", 1);
    EXPECT(v, DT_I32, D(3, 2, 2), (int32_t[]){3, 0, 2, 2, 7, 4, 6, 6, 11, 8, 10, 10});
    begin(13);
    int f = N("Flatten", cst(DT_U16, D(2, 3), (uint16_t[]){0, 1, 2, 3, 4, 5}));
    attr_i("axis", 0);
    v = N("Identity", f);
    EXPECT(v, DT_U16, D(1, 6), (uint16_t[]){0, 1, 2, 3, 4, 5});
    begin(13);
    v = N("ConstantOfShape", ints(I64(2, 3), 2));
    attr_t("value", cst(DT_F16, D(1), (uint16_t[]){0x3e00}));
    EXPECT(v, DT_F16, D(2, 3), (uint16_t[]){0x3e00, 0x3e00, 0x3e00, 0x3e00, 0x3e00, 0x3e00});
    begin(13);
    v = N("ConstantOfShape", cst(DT_I64, D(0), I64(0)));
    EXPECT(v, DT_F32, SCALAR, (float[]){0});

    /* What does not fold: an output of the graph (but Shape's), an output
     * over MAX_FOLD_ELEMS, a run-time input */
    begin(13);
    v = N("Add", scalar64(1), scalar64(2));
    g->values[v].flags |= V_OUTPUT;
    g->outputs[g->noutputs++] = v;
    expect_nodes(__LINE__, 1);
    begin(13);
    v = N("Shape", input(D(2, 3)));
    g->values[v].flags |= V_OUTPUT;
    g->outputs[g->noutputs++] = v;
    EXPECT(v, DT_I64, D(2), I64(2, 3));
    begin(13);
    static float big[3000];
    N("Concat", cst(DT_F32, D(3000), big), cst(DT_F32, D(3000), big));
    attr_i("axis", 0);
    expect_nodes(__LINE__, 1);
    begin(13);
    x = input(D(2, 3));
    N("Reshape", x, N("Shape", x));
    expect_nodes(__LINE__, 1);

    /* Errors: overflow, division by zero, bad conversions and attributes */
    begin(13);
    N("Add", scalar64((int64_t)1 << 62), scalar64((int64_t)1 << 62));
    EXPECT_ERROR("(Add): int64 overflow in 4611686018427387904 + 4611686018427387904");
    begin(13);
    N("Add", cst(DT_I32, D(1), (int32_t[]){INT32_MAX}), cst(DT_I32, D(1), (int32_t[]){1}));
    EXPECT_ERROR("(Add): the result 2147483648 does not fit int32");
    begin(14);
    N("Sub", cst(DT_U8, D(1), (uint8_t[]){1}), cst(DT_U8, D(1), (uint8_t[]){2}));
    EXPECT_ERROR("(Sub): the result -1 does not fit uint8");
    begin(13);
    N("Div", scalar64(3), scalar64(0));
    EXPECT_ERROR("(Div): integer division by zero");
    begin(13);
    N("Div", scalar64(INT64_MIN), scalar64(-1));
    EXPECT_ERROR("(Div): int64 overflow");
    begin(13);
    N("Neg", scalar64(INT64_MIN));
    EXPECT_ERROR("(Neg): int64 overflow");
    begin(13);
    N("ReduceProd", ints(I64((int64_t)1 << 32, (int64_t)1 << 32), 2));
    EXPECT_ERROR("(ReduceProd): int64 overflow");
    begin(13);
    N("Range", scalar64(0), scalar64(5), scalar64(0));
    EXPECT_ERROR("(Range): delta is 0");
    begin(10);
    N("Range", scalar64(0), scalar64(5), scalar64(1));
    EXPECT_ERROR("(Range): Range needs opset 11 or later");
    begin(13);
    N("Cast", cst(DT_F32, D(1), (float[]){NAN}));
    attr_i("to", DT_I64);
    EXPECT_ERROR("(Cast): nan cannot be converted to int64");
    begin(13);
    N("Cast", cst(DT_F32, D(1), (float[]){3e9f}));
    attr_i("to", DT_I32);
    EXPECT_ERROR("(Cast): the result 3000000000 does not fit int32");
    begin(13);
    N("Squeeze", cst(DT_I64, D(2, 1), I64(1, 2)), ints(I64(0), 1));
    EXPECT_ERROR("(Squeeze): axis 0 of input");
    begin(13);
    N("Unsqueeze", ints(I64(1, 2), 2), ints(I64(0, -3), 2));
    EXPECT_ERROR("(Unsqueeze): axes [0,-3] lists axis 0 twice");
    begin(13);
    N("Expand", ints(I64(1, 2, 3), 3), ints(I64(2), 1));
    EXPECT_ERROR("[3] cannot be expanded to shape [2]");
    begin(13);
    N("Add", ints(I64(1, 2), 2), ints(I64(1, 2, 3), 3));
    EXPECT_ERROR("(Add): input");
    begin(13);
    N("Gather", ints(I64(1, 2, 3), 3), scalar64(3));
    EXPECT_ERROR("(Gather): index 3 is out of range");
    begin(14);
    N("Shape", input(D(2, 3)));
    attr_i("start", 1);
    EXPECT_ERROR("(Shape): attributes 'start' and 'end' need opset 15");

    if (failures)
        printf("%d failure(s)\n", failures);
    return failures != 0;
}
