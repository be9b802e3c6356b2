/* Shape inference on hand-built IR graphs: the shapes the ONNX test data does
 * not reach (groups, SAME_LOWER, ceil_mode's dropped last window as
 * onnxruntime 1.30 computes it, 1-D MatMul operands, Pad axes, Reshape 0/-1)
 * and every class of error, each checked for its message.  Expected shapes
 * are worked out by hand from the ONNX operator specs. */
#include "onnxcc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Graph *g;
static int failures;

#define D(...) (const int64_t[]){__VA_ARGS__}, (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

static void begin(int64_t opset)
{
    g = graph_new("case.onnx");
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

static int input(const char *name, const int64_t *dims, int rank)
{
    int v = value(name, DT_F32, dims, rank);
    g->values[v].flags |= V_INPUT;
    g->inputs[g->ninputs++] = v;
    return v;
}

static int typed_input(const char *name, int dtype, const int64_t *dims, int rank)
{
    int v = value(name, dtype, dims, rank);
    g->values[v].flags |= V_INPUT;
    g->inputs[g->ninputs++] = v;
    return v;
}

/* A constant; data from `ints` (int64) or zeros. */
static int constant(const char *name, int dtype, const int64_t *dims, int rank, const int64_t *ints)
{
    int v = value(name, dtype, dims, rank);
    Value *p = &g->values[v];
    int64_t n = value_numel(p);
    size_t es = dtype_size(dtype);
    void *data = arena_alloc(&g->arena, (size_t)n * es + 1);
    if (ints)
        memcpy(data, ints, (size_t)n * es);
    p->flags |= V_CONST;
    p->data = data;
    p->nbytes = n * (int64_t)es;
    return v;
}

static int ints1(const char *name, const int64_t *v, int n)
{
    return constant(name, DT_I64, (int64_t[]){n}, 1, v);
}

/* A node with the given inputs (-1: omitted) and nout fresh outputs y0.. */
static int node(Op op, const int *in, int nin, int nout)
{
    static int count;
    int ni = graph_add_node(g, op, op_info[op].name, "n", nin, nout);
    int outs[4];
    for (int k = 0; k < nout; k++) {
        char name[32];
        snprintf(name, sizeof name, "y%d_%d", count++, k);
        outs[k] = graph_add_value(g, name);
    }
    Node *n = &g->nodes[ni];
    for (int k = 0; k < nin; k++)
        n->in[k] = in[k];
    for (int k = 0; k < nout; k++)
        n->out[k] = outs[k];
    n->attrs = arena_alloc(&g->arena, 8 * sizeof(Attr));
    return ni;
}
#define NODE(op, nout, ...) node(op, (const int[]){__VA_ARGS__}, (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)), nout)

static Attr *attr(int ni, const char *name, int kind)
{
    Node *n = &g->nodes[ni];
    Attr *a = &n->attrs[n->nattrs++];
    a->name = (char *)name;
    a->kind = kind;
    a->tensor = -1;
    return a;
}
static void attr_i(int ni, const char *name, int64_t v) { attr(ni, name, ATTR_INT)->i = v; }
static void attr_s(int ni, const char *name, const char *s) { attr(ni, name, ATTR_STRING)->s = (char *)s; }
static void attr_is(int ni, const char *name, const int64_t *v, int n)
{
    Attr *a = attr(ni, name, ATTR_INTS);
    a->ints = (int64_t *)v;
    a->n = n;
}

/* Runs inference; returns NULL on success or the error message. */
static const char *run(void)
{
    static char msg[1024];
    static jmp_buf jb;
    int last = g->nodes[g->nnodes - 1].out[0];
    g->values[last].flags |= V_OUTPUT;
    g->outputs[g->noutputs++] = last;
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

/* The last node's output k must get `dims`. */
static void expect_shape_k(int line, int k, int dtype, const int64_t *dims, int rank)
{
    int ni = g->nnodes - 1;
    const char *err = run();
    if (err) {
        printf("FAIL line %d: unexpected error: %s\n", line, err);
        failures++;
    } else {
        const Value *v = &g->values[g->nodes[ni].out[k]];
        bool same = v->rank == rank && v->dtype == dtype;
        for (int i = 0; same && i < rank; i++)
            same = v->dims[i] == dims[i];
        if (!same) {
            printf("FAIL line %d: got %s rank %d [", line, dtype_name(v->dtype), v->rank);
            for (int i = 0; i < v->rank; i++)
                printf("%s%lld", i ? "," : "", (long long)v->dims[i]);
            printf("]\n");
            failures++;
        } else {
            printf("ok   line %d\n", line);
        }
    }
    graph_free(g);
}
#define EXPECT_SHAPE(...) expect_shape_k(__LINE__, 0, DT_F32, D(__VA_ARGS__))

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

int main(void)
{
    int x, w, b, n;

    /* ---- Conv ---- */
    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_is(n, "pads", D(1, 1, 1, 1));
    EXPECT_SHAPE(1, 4, 8, 8);

    begin(13); /* groups, strides, bias */
    x = input("x", D(2, 4, 5, 5));
    w = constant("w", DT_F32, D(6, 2, 3, 3), NULL);
    b = constant("b", DT_F32, D(6), NULL);
    n = NODE(OP_CONV, 1, x, w, b);
    attr_i(n, "group", 2);
    attr_is(n, "strides", D(2, 2));
    EXPECT_SHAPE(2, 6, 2, 2);

    begin(13); /* SAME_LOWER: ceil(7/2) */
    x = input("x", D(1, 1, 7, 6));
    w = constant("w", DT_F32, D(1, 1, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_s(n, "auto_pad", "SAME_LOWER");
    attr_is(n, "strides", D(2, 2));
    EXPECT_SHAPE(1, 1, 4, 3);

    begin(13); /* 1-D, dilation 2: 10 - (2*2+1) + 1 */
    x = input("x", D(1, 1, 10));
    w = constant("w", DT_F32, D(5, 1, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_is(n, "dilations", D(2));
    EXPECT_SHAPE(1, 5, 6);

    begin(13); /* VALID with asymmetric strides */
    x = input("x", D(1, 1, 7, 5));
    w = constant("w", DT_F32, D(1, 1, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_s(n, "auto_pad", "VALID");
    attr_is(n, "strides", D(2, 1));
    EXPECT_SHAPE(1, 1, 3, 3);

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 4, 3, 3), NULL);
    NODE(OP_CONV, 1, x, w);
    EXPECT_ERROR("input 'x' has 3 channels but weight 'w' expects 4 (group 1)");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 1, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_i(n, "group", 2);
    EXPECT_ERROR("group 2 does not divide 3 input channels");

    begin(13);
    x = input("x", D(1, 4, 8, 8));
    w = constant("w", DT_F32, D(3, 2, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_i(n, "group", 2);
    EXPECT_ERROR("group 2 does not divide 3 output channels");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 5, 5), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_is(n, "kernel_shape", D(3, 3));
    EXPECT_ERROR("kernel_shape [3,3] does not match weight dims [5,5]");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_is(n, "pads", D(1, 1, 1));
    EXPECT_ERROR("pads has 3 values, expected 4");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_is(n, "strides", D(1, 0));
    EXPECT_ERROR("strides[1] is 0");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    b = constant("b", DT_F32, D(5), NULL);
    NODE(OP_CONV, 1, x, w, b);
    EXPECT_ERROR("bias 'b' has shape [5], expected [4]");

    begin(13);
    x = input("x", D(1, 1, 2, 2));
    w = constant("w", DT_F32, D(1, 1, 3, 3), NULL);
    NODE(OP_CONV, 1, x, w);
    EXPECT_ERROR("input 'x' axis 2 is 2, smaller than the window 3");

    begin(13);
    x = input("x", D(1, 3, 8, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    n = NODE(OP_CONV, 1, x, w);
    attr_s(n, "auto_pad", "SAME_UPPER");
    attr_is(n, "pads", D(1, 1, 1, 1));
    EXPECT_ERROR("pads [1,1,1,1] and auto_pad SAME_UPPER cannot both be given");

    begin(13);
    x = input("x", D(1, 3, 8));
    w = constant("w", DT_F32, D(4, 3, 3, 3), NULL);
    NODE(OP_CONV, 1, x, w);
    EXPECT_ERROR("weight 'w' has rank 4 but input 'x' has rank 3");

    /* ---- pools ---- */
    begin(13); /* DenseNet stem */
    x = input("x", D(1, 64, 112, 112));
    n = NODE(OP_MAXPOOL, 1, x);
    attr_is(n, "kernel_shape", D(3, 3));
    attr_is(n, "strides", D(2, 2));
    attr_is(n, "pads", D(1, 1, 1, 1));
    EXPECT_SHAPE(1, 64, 56, 56);

    begin(13); /* ceil: ceil((4+2-2)/3)+1 = 3, but window 3 would start at 6 >= 4+1 */
    x = input("x", D(1, 1, 4));
    n = NODE(OP_AVGPOOL, 1, x);
    attr_is(n, "kernel_shape", D(2));
    attr_is(n, "strides", D(3));
    attr_is(n, "pads", D(1, 1));
    attr_i(n, "ceil_mode", 1);
    EXPECT_SHAPE(1, 1, 2);

    begin(13); /* MaxPool Indices output */
    x = input("x", D(1, 2, 5, 5));
    n = NODE(OP_MAXPOOL, 2, x);
    attr_is(n, "kernel_shape", D(2, 2));
    attr_is(n, "strides", D(2, 2));
    attr_i(n, "ceil_mode", 1);
    expect_shape_k(__LINE__, 1, DT_I64, D(1, 2, 3, 3));

    begin(13);
    x = input("x", D(1, 64, 8, 8));
    NODE(OP_AVGPOOL, 1, x);
    EXPECT_ERROR("attribute 'kernel_shape' is required");

    begin(13);
    x = input("x", D(1, 64, 8, 8));
    NODE(OP_GLOBALAVGPOOL, 1, x);
    EXPECT_SHAPE(1, 64, 1, 1);

    /* ---- BatchNormalization ---- */
    begin(13);
    x = input("x", D(2, 3, 4, 4));
    {
        int s = constant("s", DT_F32, D(3), NULL), bb = constant("bb", DT_F32, D(3), NULL);
        int m = constant("m", DT_F32, D(4), NULL), v = constant("v", DT_F32, D(3), NULL);
        NODE(OP_BATCHNORM, 1, x, s, bb, m, v);
    }
    EXPECT_ERROR("mean 'm' has shape [4], expected [3]");

    /* ---- elementwise ---- */
    begin(13);
    x = input("x", D(3, 1, 5));
    w = constant("w", DT_F32, D(4, 1), NULL);
    NODE(OP_ADD, 1, x, w);
    EXPECT_SHAPE(3, 4, 5);

    begin(13);
    x = input("x", D(3, 4));
    w = constant("w", DT_F32, D(5), NULL);
    NODE(OP_MUL, 1, x, w);
    EXPECT_ERROR("inputs 'x' [3,4] and 'w' [5] cannot be broadcast together");

    begin(13);
    x = input("x", D(3, 4));
    w = constant("w", DT_F64, D(4), NULL);
    NODE(OP_ADD, 1, x, w);
    EXPECT_ERROR("inputs 'x' (float32) and 'w' (float64) differ in type");

    begin(13); /* Clip bounds must be constants */
    x = input("x", D(3, 4));
    w = input("lo", NULL, 0);
    NODE(OP_CLIP, 1, x, w);
    EXPECT_ERROR("input 'lo' must be a constant");

    begin(13);
    x = input("x", D(3, 4));
    w = constant("lo", DT_F32, NULL, 0, NULL);
    NODE(OP_CLIP, 1, x, w, -1);
    EXPECT_SHAPE(3, 4);

    /* ---- Concat ---- */
    begin(13);
    x = input("x", D(1, 8, 4, 4));
    w = input("z", D(1, 2, 4, 4));
    n = NODE(OP_CONCAT, 1, x, w, x);
    attr_i(n, "axis", -3);
    EXPECT_SHAPE(1, 18, 4, 4);

    begin(13);
    x = input("x", D(1, 8, 4, 4));
    w = input("z", D(1, 8, 7, 4));
    n = NODE(OP_CONCAT, 1, x, x, w);
    attr_i(n, "axis", 1);
    EXPECT_ERROR("(Concat): input 2 'z' has dim 2 = 7, expected 4");

    begin(13);
    x = input("x", D(1, 8, 4, 4));
    n = NODE(OP_CONCAT, 1, x, x);
    attr_i(n, "axis", 4);
    EXPECT_ERROR("axis 4 is out of range for rank 4");

    begin(13); /* 3 x 2^33 elements */
    x = input("x", D(1, (int64_t)1 << 33));
    n = NODE(OP_CONCAT, 1, x, x, x);
    attr_i(n, "axis", 0);
    EXPECT_ERROR("would have more than 17179869184 elements");

    /* ---- Flatten, Reshape ---- */
    begin(13);
    x = input("x", D(2, 3, 4));
    n = NODE(OP_FLATTEN, 1, x);
    attr_i(n, "axis", -1);
    EXPECT_SHAPE(6, 4);

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_FLATTEN, 1, x);
    EXPECT_SHAPE(2, 12);

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_RESHAPE, 1, x, ints1("s", D(0, -1, 2)));
    EXPECT_SHAPE(2, 6, 2);

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_RESHAPE, 1, x, ints1("s", D(5, 5)));
    EXPECT_ERROR("shape [5,5] has 25 elements but input 'x' [2,3,4] has 24");

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_RESHAPE, 1, x, ints1("s", D(-1, -1)));
    EXPECT_ERROR("more than one -1");

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_RESHAPE, 1, x, ints1("s", D(-1, 5)));
    EXPECT_ERROR("cannot infer the -1 of shape [-1,5]");

    begin(13);
    x = input("x", D(2, 3, 4));
    NODE(OP_RESHAPE, 1, x, input("s", D(2)));
    EXPECT_ERROR("input 's' must be a constant");

    /* ---- Gemm, MatMul ---- */
    begin(13);
    x = input("x", D(3, 6));
    w = constant("w", DT_F32, D(4, 6), NULL);
    b = constant("b", DT_F32, D(4), NULL);
    n = NODE(OP_GEMM, 1, x, w, b);
    attr_i(n, "transB", 1);
    EXPECT_SHAPE(3, 4);

    begin(13);
    x = input("x", D(3, 6));
    w = constant("w", DT_F32, D(6, 4), NULL);
    b = constant("b", DT_F32, D(2, 4), NULL);
    NODE(OP_GEMM, 1, x, w, b);
    EXPECT_ERROR("C 'b' [2,4] cannot be broadcast to [3,4]");

    begin(13);
    x = input("x", D(3, 6));
    w = constant("w", DT_F32, D(4, 6), NULL);
    NODE(OP_GEMM, 1, x, w);
    EXPECT_ERROR("disagree on K: 6 vs 4");

    begin(13);
    x = input("x", D(4));
    w = constant("w", DT_F32, D(2, 4, 5), NULL);
    NODE(OP_MATMUL, 1, x, w);
    EXPECT_SHAPE(2, 5);

    begin(13);
    x = input("x", D(2, 3, 4));
    w = constant("w", DT_F32, D(4), NULL);
    NODE(OP_MATMUL, 1, x, w);
    EXPECT_SHAPE(2, 3);

    begin(13);
    x = input("x", D(2, 1, 3, 4));
    w = constant("w", DT_F32, D(5, 4, 6), NULL);
    NODE(OP_MATMUL, 1, x, w);
    EXPECT_SHAPE(2, 5, 3, 6);

    begin(13);
    x = input("x", D(2, 3, 4));
    w = constant("w", DT_F32, D(3, 4, 6), NULL);
    NODE(OP_MATMUL, 1, x, w);
    EXPECT_ERROR("cannot be broadcast together");

    /* ---- Pad ---- */
    begin(18); /* axes: axis 3 gets (1,2), axis 2 gets (1,2) */
    x = input("x", D(1, 3, 4, 5));
    NODE(OP_PAD, 1, x, ints1("p", D(1, 1, 2, 2)), -1, ints1("a", D(-1, 2)));
    EXPECT_SHAPE(1, 3, 7, 8);

    begin(10);
    x = input("x", D(1, 3, 4, 5));
    n = NODE(OP_PAD, 1, x);
    attr_is(n, "pads", D(0, 0, 1, -1, 0, 0, 1, -1));
    EXPECT_SHAPE(1, 3, 6, 3);

    begin(13);
    x = input("x", D(1, 3, 4, 5));
    NODE(OP_PAD, 1, x, ints1("p", D(0, 0, 1, 1, 0, 0, 1)));
    EXPECT_ERROR("pads has 7 values, expected 8");

    begin(13);
    x = input("x", D(1, 3, 4, 5));
    n = NODE(OP_PAD, 1, x, ints1("p", D(0, 0, 4, 0, 0, 0, 0, 0)));
    attr_s(n, "mode", "reflect"); /* pads past the axis reflect again (numpy) */
    EXPECT_SHAPE(1, 3, 8, 5);

    /* ---- Softmax, Dropout ---- */
    begin(11);
    x = input("x", D(2, 5));
    n = NODE(OP_SOFTMAX, 1, x);
    attr_i(n, "axis", 2);
    EXPECT_ERROR("axis 2 is out of range for rank 2");

    begin(13);
    x = input("x", D(2, 5));
    NODE(OP_DROPOUT, 2, x);
    expect_shape_k(__LINE__, 1, DT_BOOL, D(2, 5));

    begin(13);
    x = input("x", D(2, 5));
    {
        int r = constant("r", DT_F32, NULL, 0, NULL);
        int t = constant("t", DT_BOOL, NULL, 0, NULL);
        ((uint8_t *)g->values[t].data)[0] = 1;
        ((float *)g->values[r].data)[0] = 0.5f;
        NODE(OP_DROPOUT, 1, x, r, t);
    }
    EXPECT_ERROR("training_mode is true");

    begin(13); /* training with ratio 0 drops nothing: inference */
    x = input("x", D(2, 5));
    {
        int r = constant("r", DT_F32, NULL, 0, NULL);
        int t = constant("t", DT_BOOL, NULL, 0, NULL);
        ((uint8_t *)g->values[t].data)[0] = 1;
        NODE(OP_DROPOUT, 2, x, r, t);
    }
    expect_shape_k(__LINE__, 1, DT_BOOL, D(2, 5));

    /* ---- movement family: other element types, new shape ops ---- */
#define TINPUT(name, dt, ...) typed_input(name, dt, D(__VA_ARGS__))
    begin(13);
    x = TINPUT("x", DT_I32, 3, 4);
    NODE(OP_UNSQUEEZE, 1, x, ints1("a", D(-1, 0)));
    expect_shape_k(__LINE__, 0, DT_I32, D(1, 3, 4, 1));

    begin(11);
    x = TINPUT("x", DT_BOOL, 1, 3, 1, 4);
    n = NODE(OP_SQUEEZE, 1, x);
    attr_is(n, "axes", D(0));
    expect_shape_k(__LINE__, 0, DT_BOOL, D(3, 1, 4));

    begin(13);
    x = TINPUT("x", DT_U16, 1, 3, 1, 4);
    NODE(OP_SQUEEZE, 1, x);
    expect_shape_k(__LINE__, 0, DT_U16, D(3, 4));

    begin(13);
    x = TINPUT("x", DT_U16, 1, 3, 1, 4);
    NODE(OP_SQUEEZE, 1, x, ints1("a", D(1)));
    EXPECT_ERROR("axis 1 of input 'x' [1,3,1,4] has size 3, not 1");

    begin(13);
    x = TINPUT("x", DT_I8, 3, 1, 2);
    NODE(OP_EXPAND, 1, x, ints1("s", D(2, 1, 4, 1)));
    expect_shape_k(__LINE__, 0, DT_I8, D(2, 3, 4, 2));

    begin(13);
    x = TINPUT("x", DT_U8, 3, 1, 2);
    NODE(OP_TILE, 1, x, ints1("r", D(2, 3, 1)));
    expect_shape_k(__LINE__, 0, DT_U8, D(6, 3, 2));

    begin(13);
    x = TINPUT("x", DT_F16, 2, 8, 2, 3);
    n = NODE(OP_DEPTHTOSPACE, 1, x);
    attr_i(n, "blocksize", 2);
    attr_s(n, "mode", "CRD");
    expect_shape_k(__LINE__, 0, DT_F16, D(2, 2, 4, 6));

    begin(13);
    x = TINPUT("x", DT_F16, 2, 6, 2, 3);
    n = NODE(OP_DEPTHTOSPACE, 1, x);
    attr_i(n, "blocksize", 2);
    EXPECT_ERROR("blocksize 2 squared does not divide the 6 channels of 'x'");

    begin(13);
    x = TINPUT("x", DT_BF16, 2, 3, 4, 6);
    n = NODE(OP_SPACETODEPTH, 1, x);
    attr_i(n, "blocksize", 2);
    expect_shape_k(__LINE__, 0, DT_BF16, D(2, 12, 2, 3));

    begin(14);
    x = TINPUT("x", DT_I64, 2, 4, 5);
    NODE(OP_TRILU, 1, x);
    expect_shape_k(__LINE__, 0, DT_I64, D(2, 4, 5));

    begin(9);
    x = TINPUT("x", DT_I32, 3, 5);
    n = NODE(OP_EYELIKE, 1, x);
    attr_i(n, "dtype", DT_F16);
    expect_shape_k(__LINE__, 0, DT_F16, D(3, 5));

    begin(13); /* run-time indices */
    x = input("x", D(3, 4, 5));
    w = TINPUT("i", DT_I32, 2, 2);
    n = NODE(OP_GATHER, 1, x, w);
    attr_i(n, "axis", -2);
    EXPECT_SHAPE(3, 2, 2, 5);

    begin(13); /* reflect pads past the axis size reflect again (numpy) */
    x = TINPUT("x", DT_I32, 2, 3);
    n = NODE(OP_PAD, 1, x, ints1("p", D(0, 5, 0, 4)));
    attr_s(n, "mode", "reflect");
    expect_shape_k(__LINE__, 0, DT_I32, D(2, 12));

    begin(11);
    x = TINPUT("x", DT_I16, 3, 4);
    w = constant("c", DT_BOOL, D(3), NULL);
    ((uint8_t *)g->values[w].data)[0] = ((uint8_t *)g->values[w].data)[2] = 1;
    n = NODE(OP_COMPRESS, 1, x, w);
    attr_i(n, "axis", 0);
    expect_shape_k(__LINE__, 0, DT_I16, D(2, 4));

    begin(10);
    x = TINPUT("x", DT_F64, 4, 3);
    n = NODE(OP_REVERSESEQUENCE, 1, x, TINPUT("l", DT_I64, 3));
    attr_i(n, "batch_axis", 1);
    expect_shape_k(__LINE__, 0, DT_F64, D(4, 3));

    begin(13);
    x = TINPUT("x", DT_F32, 3, 4);
    NODE(OP_NONZERO, 1, x);
    EXPECT_ERROR("output shape depends on the input's values");

    begin(11);
    x = TINPUT("x", DT_F32, 3, 4);
    NODE(OP_UNIQUE, 1, x);
    EXPECT_ERROR("output shape depends on the input's values");
#undef TINPUT

    /* ---- graph inputs ---- */
    begin(13);
    x = input("input", D(-1, 3, 224, 224));
    g->values[x].dim_param[0] = "batch_size";
    NODE(OP_RELU, 1, x);
    EXPECT_ERROR("input 'input' axis 0 (batch_size) is unknown; give it with --shape input=N,3,224,224 or in the config file");

    begin(13);
    x = input("x", NULL, 0);
    g->values[x].rank = -1;
    NODE(OP_RELU, 1, x);
    EXPECT_ERROR("input 'x' has no declared shape");

    begin(13);
    x = input("x", D(2, 3));
    g->values[x].dtype = DT_C64;
    NODE(OP_RELU, 1, x);
    EXPECT_ERROR("input 'x' has data type complex64; not supported");

    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
