/* Shape inference against the ONNX backend node tests: for every test of an
 * op the compiler claims (selected by directory name), load model.onnx, run
 * infer_shapes() and compare each graph output's dtype and dims with those of
 * test_data_set_0/output_<k>.pb — data written by ONNX, independent of us.
 *
 * The test models feed what real models store as initializers (Reshape
 * shape, Pad pads, Clip bounds, Dropout ratio/training_mode) as graph
 * inputs; the harness turns every graph input of rank 0 or dtype int64 into a
 * constant holding test_data_set_0/input_<k>.pb before inference.
 *
 * A case the compiler refuses must be in `expected_refusals` with a reason
 * and a substring of the error; the run fails if any other case is refused or
 * mismatches, if a listed case passes, is refused for another reason, or no
 * longer exists.  Usage: test_infer_testdata ONNX_TESTDATA_NODE_DIR */
#include "onnxcc.h"
#include "onnx.pb-c.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tests selected: "test_<op>" or "test_<op>_*" for these. Other ops that share
 * a prefix (ConvInteger, ConvTranspose, MatMulInteger) do not match because
 * the op name must be followed by '_' or the end; "*_expanded" tests are the
 * op rewritten into other ops (ReduceMax, Exp, ...) and are skipped. */
static const char *const ops[] = {
    "conv", "basic_conv", "batchnorm", "relu", "clip", "leakyrelu", "sigmoid",
    "add", "mul", "concat", "maxpool", "averagepool", "globalaveragepool",
    "flatten", "reshape", "gemm", "matmul", "pad", "constant_pad", "edge_pad",
    "reflect_pad", "softmax", "identity", "dropout", "training_dropout",
};

static const struct {
    const char *test, *error, *reason;
} expected_refusals[] = {
    {"test_reshape_allowzero_reordered", "zero dim", "empty tensors (a 0 dim) are not supported"},
    {"test_training_dropout", "training_mode is true", "training-mode Dropout is random"},
    {"test_training_dropout_default", "training_mode is true", "training-mode Dropout is random"},
    {"test_training_dropout_mask", "training_mode is true", "training-mode Dropout is random"},
    {"test_training_dropout_default_mask", "training_mode is true", "training-mode Dropout is random"},
    {"test_identity_opt", "not a tensor", "optional type: tensors only"},
    {"test_identity_sequence", "not a tensor", "sequence type: tensors only"},
};
#define NREFUSALS ((int)(sizeof expected_refusals / sizeof *expected_refusals))

static bool selected(const char *name)
{
    size_t len = strlen(name);
    if (strncmp(name, "test_", 5) != 0 || (len > 9 && !strcmp(name + len - 9, "_expanded")))
        return false;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        size_t ol = strlen(ops[i]);
        if (!strncmp(name + 5, ops[i], ol) && (name[5 + ol] == 0 || name[5 + ol] == '_'))
            return true;
    }
    return false;
}

static int refusal_index(const char *name)
{
    for (int i = 0; i < NREFUSALS; i++)
        if (!strcmp(expected_refusals[i].test, name))
            return i;
    return -1;
}

static Onnx__TensorProto *read_tensor(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, r;
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        r = fread(buf + len, 1, cap - len, f);
        len += r;
    } while (r > 0);
    fclose(f);
    Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, len, buf);
    free(buf);
    return t;
}

/* The bytes of t as a little-endian array (typed fields or raw_data). */
static const void *tensor_bytes(const Onnx__TensorProto *t, size_t *n)
{
    if (t->has_raw_data) {
        *n = t->raw_data.len;
        return t->raw_data.data;
    }
    switch (t->data_type) {
    case DT_F32: *n = 4 * t->n_float_data; return t->float_data;
    case DT_I64: *n = 8 * t->n_int64_data; return t->int64_data;
    case DT_F64: *n = 8 * t->n_double_data; return t->double_data;
    default: *n = 0; return NULL;
    }
}

/* Graph inputs of rank 0 or int64 become constants with the test's data.
 * Returns NULL or why not. */
static const char *freeze_inputs(Graph *g, const char *dir)
{
    int kept = 0;
    for (int k = 0; k < g->ninputs; k++) {
        Value *v = &g->values[g->inputs[k]];
        if (v->rank != 0 && v->dtype != DT_I64) {
            g->inputs[kept++] = g->inputs[k];
            continue;
        }
        char *path = arena_printf(&g->arena, "%s/test_data_set_0/input_%d.pb", dir, k);
        Onnx__TensorProto *t = read_tensor(path);
        if (!t)
            return arena_printf(&g->arena, "cannot read %s", path);
        size_t n = 0;
        const void *src = NULL;
        if (t->data_type == DT_BOOL && !t->has_raw_data && t->n_int32_data == 1) {
            static const uint8_t yes = 1, no = 0;
            src = t->int32_data[0] ? &yes : &no;
            n = 1;
        } else {
            src = tensor_bytes(t, &n);
        }
        if (!src || t->data_type != v->dtype || (int)t->n_dims != v->rank) {
            onnx__tensor_proto__free_unpacked(t, NULL);
            return arena_printf(&g->arena, "input_%d.pb does not match input '%s'", k, v->name);
        }
        void *data = arena_alloc(&g->arena, n + 1);
        memcpy(data, src, n);
        for (size_t i = 0; i < t->n_dims; i++)
            v->dims[i] = t->dims[i];
        v->data = data;
        v->nbytes = (int64_t)n;
        v->flags = (v->flags & ~(unsigned)V_INPUT) | V_CONST;
        onnx__tensor_proto__free_unpacked(t, NULL);
    }
    g->ninputs = kept;
    return NULL;
}

/* Compares each graph output with output_<k>.pb; NULL or the mismatch. */
static const char *compare_outputs(Graph *g, const char *dir)
{
    for (int k = 0; k < g->noutputs; k++) {
        const Value *v = &g->values[g->outputs[k]];
        char *path = arena_printf(&g->arena, "%s/test_data_set_0/output_%d.pb", dir, k);
        Onnx__TensorProto *t = read_tensor(path);
        if (!t)
            return arena_printf(&g->arena, "cannot read %s", path);
        const char *why = NULL;
        bool same = (int)t->n_dims == v->rank && t->data_type == v->dtype;
        for (int i = 0; same && i < v->rank; i++)
            same = t->dims[i] == v->dims[i];
        if (!same) {
            char want[200] = "", got[200] = "";
            size_t o = 0;
            for (size_t i = 0; i < t->n_dims && o < 150; i++)
                o += (size_t)snprintf(want + o, sizeof want - o, "%s%lld", i ? "," : "", (long long)t->dims[i]);
            o = 0;
            for (int i = 0; i < v->rank && o < 150; i++)
                o += (size_t)snprintf(got + o, sizeof got - o, "%s%lld", i ? "," : "", (long long)v->dims[i]);
            why = arena_printf(&g->arena, "output %d '%s': inferred %s [%s], expected %s [%s]", k,
                               v->name, dtype_name(v->dtype), got, dtype_name(t->data_type), want);
        }
        onnx__tensor_proto__free_unpacked(t, NULL);
        if (why)
            return why;
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum { PASS, MISMATCH, REFUSED };

/* Runs one case; the error message of a refusal goes to msg. */
static int run_case(const char *dir, char *msg, size_t msgcap)
{
    static jmp_buf jb;
    /* fatal() prints to stderr: catch it in a file to report it on one line. */
    fflush(stderr);
    int saved = dup(2);
    FILE *errf = tmpfile();
    if (saved < 0 || !errf)
        abort();
    dup2(fileno(errf), 2);
    volatile int result = REFUSED;
    msg[0] = 0;
    fatal_jmp = &jb;
    if (setjmp(jb) == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        Graph *g = load_model(path);
        const char *why = freeze_inputs(g, dir);
        if (!why) {
            infer_shapes(g);
            why = compare_outputs(g, dir);
        }
        result = why ? MISMATCH : PASS;
        if (why)
            snprintf(msg, msgcap, "%s", why);
        graph_free(g);
    } else if (graph_live) {
        graph_free(graph_live); /* the loader leaks what it had not yet attached */
    }
    fatal_jmp = NULL;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (result == REFUSED) {
        rewind(errf);
        if (!fgets(msg, (int)msgcap, errf))
            snprintf(msg, msgcap, "(no message)");
        msg[strcspn(msg, "\n")] = 0;
        const char *p = strstr(msg, "model.onnx: "); /* drop the path prefix */
        if (p)
            memmove(msg, p + 12, strlen(p + 12) + 1);
    }
    fclose(errf);
    return result;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ONNX_TESTDATA_NODE_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        printf("SKIP: no ONNX test data at %s\n", argv[1]);
        return 77;
    }
    char **names = NULL;
    int nnames = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!selected(e->d_name))
            continue;
        if (nnames == cap) {
            cap = cap ? 2 * cap : 256;
            names = realloc(names, sizeof *names * (size_t)cap);
            if (!names)
                abort();
        }
        names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    if (nnames)
        qsort(names, (size_t)nnames, sizeof *names, cmp_str);

    int npass = 0, nrefused = 0, bad = 0;
    bool seen[NREFUSALS] = {0};
    for (int i = 0; i < nnames; i++) {
        char dir[4096], msg[1024];
        snprintf(dir, sizeof dir, "%s/%s", argv[1], names[i]);
        int r = run_case(dir, msg, sizeof msg);
        int ri = refusal_index(names[i]);
        if (ri >= 0)
            seen[ri] = true;
        if (r == PASS && ri < 0) {
            printf("PASS     %s\n", names[i]);
            npass++;
        } else if (r == PASS) {
            printf("FAIL     %s: passes but is in the expected-refusal list (%s); remove it\n",
                   names[i], expected_refusals[ri].reason);
            bad++;
        } else if (r == MISMATCH) {
            printf("FAIL     %s: %s\n", names[i], msg);
            bad++;
        } else if (ri < 0) {
            printf("FAIL     %s: refused but not in the expected-refusal list: %s\n", names[i], msg);
            bad++;
        } else if (!strstr(msg, expected_refusals[ri].error)) {
            printf("FAIL     %s: refused for another reason than '%s' (%s): %s\n", names[i],
                   expected_refusals[ri].error, expected_refusals[ri].reason, msg);
            bad++;
        } else {
            printf("REFUSED  %s: %s  [expected: %s]\n", names[i], msg, expected_refusals[ri].reason);
            nrefused++;
        }
        free(names[i]);
    }
    free(names);
    for (int i = 0; i < NREFUSALS; i++)
        if (!seen[i]) {
            printf("FAIL     %s: in the expected-refusal list but not in the test data\n",
                   expected_refusals[i].test);
            bad++;
        }
    printf("%d cases: %d passed, %d refused as expected, %d failed\n", nnames, npass, nrefused, bad);
    if (nnames < 100) {
        printf("FAIL: only %d cases selected; is the test data complete?\n", nnames);
        bad++;
    }
    return bad ? 1 : 0;
}
