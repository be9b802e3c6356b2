/* report_dump: node_macs() of hand-computed convs (grouped, strided, 3-D),
 * gemms (transA) and matmuls (1-D and batched operands); graph_params()
 * counting constants; write_report() and dump_ir() on a small graph built
 * by hand (dims set here, no shape inference) read back with libyaml and
 * checked key by key, including model names that must stay strings. */
#include "harness.h"
#include "ytree.h"

static int value(Graph *g, const char *name, int dtype, int rank, const int64_t *dims,
                 unsigned flags)
{
    int i = graph_add_value(g, name);
    Value *v = &g->values[i];
    v->dtype = dtype;
    v->rank = rank;
    for (int k = 0; k < rank; k++)
        v->dims[k] = dims[k];
    v->flags = flags;
    if (flags & V_CONST) {
        v->nbytes = value_numel(v) * (int64_t)dtype_size(dtype);
        v->data = arena_alloc(&g->arena, (size_t)v->nbytes + 1); /* zeros */
    }
    return i;
}
#define DIMS(...) (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]){__VA_ARGS__}

static Node *node(Graph *g, Op op, const char *name, int nin, const int *in, int out)
{
    int ni = graph_add_node(g, op, op_info[op].name, name, nin, 1);
    Node *n = &g->nodes[ni];
    for (int k = 0; k < nin; k++)
        n->in[k] = in[k];
    n->out[0] = out;
    return n;
}

static Attr *attrs(Graph *g, Node *n, int count)
{
    n->attrs = arena_alloc(&g->arena, sizeof(Attr) * (size_t)count);
    n->nattrs = count;
    for (int i = 0; i < count; i++)
        n->attrs[i].tensor = -1;
    return n->attrs;
}

static void set_ints(Graph *g, Attr *a, const char *name, int count, const int64_t *v)
{
    a->name = arena_strdup(&g->arena, name);
    a->kind = ATTR_INTS;
    a->n = count;
    a->ints = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)count);
    memcpy(a->ints, v, sizeof(int64_t) * (size_t)count);
}

/* MACs of single nodes, each against a count worked out by hand. */
static void test_macs(void)
{
    Graph *g = graph_new("macs.onnx");
    /* Grouped strided conv: x [1,8,5,5], W [8,2,3,3], group 4, stride 2,
     * pad 1 -> [1,8,3,3]; 1*8*3*3 outputs x (8/4)*3*3 = 72*18. */
    int x = value(g, "x", DT_F32, DIMS(1, 8, 5, 5), V_INPUT);
    int w = value(g, "w", DT_F32, DIMS(8, 2, 3, 3), V_CONST);
    int y = value(g, "y", DT_F32, DIMS(1, 8, 3, 3), 0);
    Node *c = node(g, OP_CONV, "grouped", 2, (int[]){x, w}, y);
    EXPECT(node_macs(g, c) == 1296);
    /* 3-D conv, batch 2: out [2,2,4,4,4], W [2,1,3,3,3] -> 256 x 27. */
    int x3 = value(g, "x3", DT_F32, DIMS(2, 1, 6, 6, 6), V_INPUT);
    int w3 = value(g, "w3", DT_F32, DIMS(2, 1, 3, 3, 3), V_CONST);
    int y3 = value(g, "y3", DT_F32, DIMS(2, 2, 4, 4, 4), 0);
    EXPECT(node_macs(g, node(g, OP_CONV, "c3", 2, (int[]){x3, w3}, y3)) == 6912);
    /* Gemm with transA: A [256,3]^T, B [256,10] -> [3,10]: 3*10*256. */
    int ga = value(g, "ga", DT_F32, DIMS(256, 3), V_INPUT);
    int gb = value(g, "gb", DT_F32, DIMS(256, 10), V_CONST);
    int gy = value(g, "gy", DT_F32, DIMS(3, 10), 0);
    Node *gm = node(g, OP_GEMM, "gemm_t", 2, (int[]){ga, gb}, gy);
    Attr *at = attrs(g, gm, 1);
    at->name = "transA", at->kind = ATTR_INT, at->i = 1;
    EXPECT(node_macs(g, &g->nodes[g->nnodes - 1]) == 7680);
    /* MatMul 1-D x 2-D: [7] x [7,3] -> [3]: 21. */
    int ma = value(g, "ma", DT_F32, DIMS(7), V_INPUT);
    int mb = value(g, "mb", DT_F32, DIMS(7, 3), V_CONST);
    int my = value(g, "my", DT_F32, DIMS(3), 0);
    EXPECT(node_macs(g, node(g, OP_MATMUL, "mm1", 2, (int[]){ma, mb}, my)) == 21);
    /* Batched: [2,5,4,7] x [7,3] -> [2,5,4,3]: 120 x 7. */
    int ba = value(g, "ba", DT_F32, DIMS(2, 5, 4, 7), V_INPUT);
    int by = value(g, "by", DT_F32, DIMS(2, 5, 4, 3), 0);
    EXPECT(node_macs(g, node(g, OP_MATMUL, "mmb", 2, (int[]){ba, mb}, by)) == 840);
    /* 2-D x 1-D: [4,7] x [7] -> [4]: 28. */
    int va = value(g, "va", DT_F32, DIMS(4, 7), V_INPUT);
    int vy = value(g, "vy", DT_F32, DIMS(4), 0);
    EXPECT(node_macs(g, node(g, OP_MATMUL, "mmv", 2, (int[]){va, ma}, vy)) == 28);
    /* No MACs; unknown shape; overflow. */
    EXPECT(node_macs(g, node(g, OP_RELU, "r", 1, (int[]){x}, y)) == 0);
    int unk = graph_add_value(g, "unknown");
    EXPECT(node_macs(g, node(g, OP_CONV, "cu", 2, (int[]){x, w}, unk)) == -1);
    int big = value(g, "big", DT_F32, DIMS(1 << 30, 1 << 30, 1 << 30), 0);
    int wb = value(g, "wb", DT_F32, DIMS(1, 1024, 1), V_INPUT);
    EXPECT(node_macs(g, node(g, OP_CONV, "cbig", 2, (int[]){x, wb}, big)) == -1);
    graph_free(g);
}

/* The report/dump graph:
 *   x [1,3,8,8] -> Conv(W [4,3,3,3], B [4], pads 1) -> "y: a #b" [1,4,8,8]
 *   -> Relu "yes" -> r -> Reshape(shape [2] int64 const) -> f [1,256]
 *   -> Gemm(W2 [10,256] transB, B2 [10], alpha 0.5) -> out [1,10]
 *   f -> MatMul(W3 [256,5]) -> "123" [1,5]
 * MACs: conv 4*8*8 * 3*3*3 = 6912, gemm 10*256 = 2560, matmul 5*256 = 1280.
 * Params: 108 + 4 + 2 + 2560 + 10 + 1280 = 3964 (Relu's tensor attribute,
 * 7 elements, is not a parameter). */
static Graph *small_graph(int *idx)
{
    Graph *g = graph_new("models/small.onnx");
    g->name = "small\xff graph";
    g->ir_version = 8;
    g->opset = 13;
    int x = value(g, "x", DT_F32, DIMS(1, 3, 8, 8), V_INPUT);
    int w = value(g, "W", DT_F32, DIMS(4, 3, 3, 3), V_CONST);
    int b = value(g, "B", DT_F32, DIMS(4), V_CONST);
    int y = value(g, "y: a #b", DT_F32, DIMS(1, 4, 8, 8), 0);
    int r = value(g, "r", DT_F32, DIMS(1, 4, 8, 8), 0);
    int shape = value(g, "shape", DT_I64, DIMS(2), V_CONST);
    int f = value(g, "f", DT_F32, DIMS(1, 256), 0);
    int w2 = value(g, "W2", DT_F32, DIMS(10, 256), V_CONST);
    int b2 = value(g, "B2", DT_F32, DIMS(10), V_CONST);
    int out = value(g, "out", DT_F32, DIMS(1, 10), V_OUTPUT);
    int w3 = value(g, "W3", DT_F32, DIMS(256, 5), V_CONST);
    int out2 = value(g, "123", DT_F32, DIMS(1, 5), V_OUTPUT);
    int tv = value(g, "yes#value", DT_F32, DIMS(7), V_CONST);
    idx[0] = x, idx[1] = w, idx[2] = y, idx[3] = tv, idx[4] = out2;

    Node *conv = node(g, OP_CONV, "conv0", 3, (int[]){x, w, b}, y);
    Attr *ca = attrs(g, conv, 2);
    set_ints(g, &ca[0], "pads", 4, (int64_t[]){1, 1, 1, 1});
    set_ints(g, &ca[1], "kernel_shape", 2, (int64_t[]){3, 3});
    Node *relu = node(g, OP_RELU, "yes", 1, (int[]){y}, r);
    Attr *ra = attrs(g, relu, 1);
    ra->name = "value", ra->kind = ATTR_TENSOR, ra->tensor = tv;
    node(g, OP_RESHAPE, "", 2, (int[]){r, shape}, f);
    Node *gemm = node(g, OP_GEMM, "fc", 3, (int[]){f, w2, b2}, out);
    Attr *ga = attrs(g, gemm, 3);
    ga[0].name = "transB", ga[0].kind = ATTR_INT, ga[0].i = 1;
    ga[1].name = "alpha", ga[1].kind = ATTR_FLOAT, ga[1].f = 0.5f;
    ga[2].name = "beta", ga[2].kind = ATTR_FLOAT, ga[2].f = 1e-5f;
    node(g, OP_MATMUL, "mm\nline", 2, (int[]){f, w3}, out2);

    g->inputs = arena_alloc(&g->arena, sizeof(int));
    g->inputs[0] = x;
    g->ninputs = 1;
    g->outputs = arena_alloc(&g->arena, 2 * sizeof(int));
    g->outputs[0] = out, g->outputs[1] = out2;
    g->noutputs = 2;
    graph_link(g);
    return g;
}

/* Runs a writer into a temporary file and returns what it wrote. */
static char *capture(const Graph *g, int which)
{
    FILE *f = tmpfile();
    if (which == 0)
        write_report(g, f);
    else
        dump_ir(g, "infer", f);
    size_t n = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(n + 1);
    buf[fread(buf, 1, n, f)] = 0;
    fclose(f);
    return buf;
}

static bool shape_is(const YNode *t, const char *path, int rank, const long long *dims)
{
    YNode *s = ypath(t, path);
    if (!s || s->kind != Y_SEQ || s->n != rank)
        return false;
    for (int i = 0; i < rank; i++)
        if (!s->kids[i]->plain || atoll(s->kids[i]->s) != dims[i])
            return false;
    return true;
}
#define STREQ(a, b) ((a) && strcmp((a), (b)) == 0)

static void test_report(void)
{
    int idx[5];
    Graph *g = small_graph(idx);
    EXPECT(graph_params(g) == 3964);
    char *text = capture(g, 0);
    YNode *t = ytree_parse(text, strlen(text));
    EXPECT(t && t->kind == Y_MAP);
    EXPECT(STREQ(ystr(t, "model"), "models/small.onnx"));
    EXPECT(STREQ(ystr(t, "graph"), "small\\xff graph")); /* invalid UTF-8 made printable */
    EXPECT(yint(t, "ir_version") == 8);
    EXPECT(yint(t, "opset") == 13);
    EXPECT(STREQ(ystr(t, "inputs/0/name"), "x"));
    EXPECT(STREQ(ystr(t, "inputs/0/dtype"), "float32"));
    EXPECT(shape_is(t, "inputs/0/shape", 4, (long long[]){1, 3, 8, 8}));
    EXPECT(ypath(t, "inputs/1") == NULL);
    EXPECT(STREQ(ystr(t, "outputs/0/name"), "out"));
    EXPECT(shape_is(t, "outputs/0/shape", 2, (long long[]){1, 10}));
    /* "123" must read back as a string, not an int. */
    EXPECT(STREQ(ystr(t, "outputs/1/name"), "123") && !ypath(t, "outputs/1/name")->plain);
    EXPECT(yint(t, "nodes") == 5);
    YNode *ops = yget(t, "ops");
    EXPECT(ops && ops->kind == Y_MAP && ops->n == 10);
    if (ops && ops->n == 10) { /* op-table order */
        const char *order[] = {"Gemm", "MatMul", "Relu", "Reshape", "Conv"};
        for (int i = 0; i < 5; i++) {
            EXPECT(STREQ(ops->kids[2 * i]->s, order[i]));
            EXPECT(STREQ(ops->kids[2 * i + 1]->s, "1"));
        }
    }
    EXPECT(yint(t, "params") == 3964);
    EXPECT(yint(t, "macs") == 6912 + 2560 + 1280);
    EXPECT(yint(t, "macs_by_op/Conv") == 6912);
    EXPECT(yint(t, "macs_by_op/Gemm") == 2560);
    EXPECT(yint(t, "macs_by_op/MatMul") == 1280);
    EXPECT(yget(t, "macs_unknown_nodes") == NULL);
    if (failures)
        fprintf(stderr, "--- report ---\n%s", text);
    ytree_free(t);
    free(text);

    /* Unknown shapes: counted apart, the total stays an integer. */
    g->values[idx[2]].rank = -1;
    text = capture(g, 0);
    t = ytree_parse(text, strlen(text));
    EXPECT(yint(t, "macs") == 2560 + 1280);
    EXPECT(yint(t, "macs_unknown_nodes") == 1);
    ytree_free(t);
    free(text);
    graph_free(g);
}

static void test_dump(void)
{
    int idx[5];
    Graph *g = small_graph(idx);
    char *text = capture(g, 1);
    char *again = capture(g, 1);
    EXPECT(strcmp(text, again) == 0); /* deterministic */
    YNode *t = ytree_parse(text, strlen(text));
    EXPECT(t && t->kind == Y_MAP);
    EXPECT(STREQ(ystr(t, "stage"), "infer"));
    EXPECT(yint(t, "inputs/0") == idx[0]);
    EXPECT(yint(t, "outputs/1") == idx[4]);
    YNode *values = yget(t, "values");
    EXPECT(values && values->kind == Y_SEQ && values->n == g->nvalues);
    for (int i = 0; values && i < values->n && i < g->nvalues; i++) {
        EXPECT(yint(values->kids[i], "index") == i);
        EXPECT(STREQ(ystr(values->kids[i], "name"), g->values[i].name));
    }
    char p[64];
    snprintf(p, sizeof p, "values/%d/", idx[1]); /* W: const, used by conv0 */
    char q[96];
#define AT(s) (snprintf(q, sizeof q, "%s%s", p, s), q)
    EXPECT(STREQ(ystr(t, AT("flags/0")), "const"));
    EXPECT(STREQ(ystr(t, AT("producer")), "null"));
    EXPECT(yint(t, AT("uses/0")) == 0 && ypath(t, AT("uses/1")) == NULL);
    EXPECT(yint(t, AT("bytes")) == 432);
    EXPECT(shape_is(t, AT("shape"), 4, (long long[]){4, 3, 3, 3}));
    snprintf(p, sizeof p, "values/%d/", idx[2]); /* "y: a #b" */
    EXPECT(STREQ(ystr(t, AT("name")), "y: a #b"));
    EXPECT(yint(t, AT("producer")) == 0 && yint(t, AT("uses/0")) == 1);
    EXPECT(ypath(t, AT("flags/0")) == NULL);
    snprintf(p, sizeof p, "values/%d/", idx[0]);
    EXPECT(STREQ(ystr(t, AT("flags/0")), "input"));
    snprintf(p, sizeof p, "values/%d/", idx[4]);
    EXPECT(STREQ(ystr(t, AT("flags/0")), "output"));
    EXPECT(STREQ(ystr(t, AT("name")), "123") && !ypath(t, AT("name"))->plain);

    EXPECT(STREQ(ystr(t, "nodes/0/op"), "Conv"));
    EXPECT(STREQ(ystr(t, "nodes/0/name"), "conv0"));
    EXPECT(yint(t, "nodes/0/inputs/0/value") == idx[0]);
    EXPECT(STREQ(ystr(t, "nodes/0/inputs/0/name"), "x"));
    EXPECT(yint(t, "nodes/0/outputs/0/value") == idx[2]);
    EXPECT(yint(t, "nodes/0/attributes/pads/3") == 1);
    EXPECT(yint(t, "nodes/0/attributes/kernel_shape/1") == 3);
    EXPECT(STREQ(ystr(t, "nodes/1/name"), "yes") && !ypath(t, "nodes/1/name")->plain);
    EXPECT(yint(t, "nodes/1/attributes/value/tensor") == idx[3]);
    EXPECT(STREQ(ystr(t, "nodes/2/name"), ""));
    EXPECT(yint(t, "nodes/3/attributes/transB") == 1);
    EXPECT(STREQ(ystr(t, "nodes/3/attributes/alpha"), "0.5"));
    const char *beta = ystr(t, "nodes/3/attributes/beta");
    EXPECT(beta && strchr(beta, '.') && (float)strtod(beta, NULL) == 1e-5f);
    EXPECT(STREQ(ystr(t, "nodes/4/name"), "mm\nline"));
    EXPECT(STREQ(ystr(t, "nodes/4/op"), "MatMul"));
    EXPECT(ypath(t, "nodes/5") == NULL);
    if (failures)
        fprintf(stderr, "--- dump ---\n%s", text);
    ytree_free(t);
    free(text);
    free(again);
    graph_free(g);
}

int main(void)
{
    test_macs();
    test_report();
    test_dump();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("report_dump: all passed\n");
    return failures != 0;
}
