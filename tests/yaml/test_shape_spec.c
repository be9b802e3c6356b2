/* shape_spec: parse_shape_spec() accepts NAME=D1,...,Dn (the last '='
 * separates; dims 1..2^31; rank 1..MAX_RANK) and rejects everything else
 * with a reason; apply_shapes() fixes the dims of a hand-built graph's
 * inputs and refuses unknown inputs, rank changes and dims that
 * contradict the model. */
#include "harness.h"

static void good(const char *arg, const char *name, int rank, const int64_t *dims)
{
    Arena a = {0};
    ShapeSpec s;
    const char *why = NULL;
    bool ok = parse_shape_spec(&a, arg, &s, &why);
    bool same = ok && strcmp(s.input, name) == 0 && s.rank == rank;
    for (int i = 0; same && i < rank; i++)
        same = s.dims[i] == dims[i];
    if (!same) {
        fprintf(stderr, "parse_shape_spec('%s'): %s\n", arg, ok ? "wrong result" : why);
        failures++;
    }
    arena_free_all(&a);
}

static void bad(const char *arg, const char *what)
{
    Arena a = {0};
    ShapeSpec s;
    const char *why = NULL;
    if (parse_shape_spec(&a, arg, &s, &why)) {
        fprintf(stderr, "parse_shape_spec('%s') accepted\n", arg);
        failures++;
    } else if (!why || !strstr(why, what)) {
        fprintf(stderr, "parse_shape_spec('%s'): reason '%s' lacks '%s'\n", arg,
                why ? why : "(null)", what);
        failures++;
    }
    arena_free_all(&a);
}

/* A graph with inputs data [-1(batch), 3, -1, -1], any (rank unknown) and
 * fixed [2, 2], and one Add node so it is a real graph. */
static Graph *graph(void)
{
    Graph *g = graph_new("m.onnx");
    int data = graph_add_value(g, "data");
    int any = graph_add_value(g, "any");
    int fixed = graph_add_value(g, "fixed");
    int out = graph_add_value(g, "out");
    Value *v = &g->values[data];
    v->dtype = DT_F32;
    v->rank = 4;
    v->dims[0] = -1;
    v->dim_param[0] = "batch";
    v->dims[1] = 3;
    v->dims[2] = v->dims[3] = -1;
    g->values[fixed].rank = 2;
    g->values[fixed].dims[0] = g->values[fixed].dims[1] = 2;
    g->values[data].flags = g->values[any].flags = g->values[fixed].flags = V_INPUT;
    g->values[out].flags = V_OUTPUT;
    g->inputs = arena_alloc(&g->arena, 3 * sizeof(int));
    g->inputs[0] = data, g->inputs[1] = any, g->inputs[2] = fixed;
    g->ninputs = 3;
    g->outputs = arena_alloc(&g->arena, sizeof(int));
    g->outputs[0] = out;
    g->noutputs = 1;
    int n = graph_add_node(g, OP_ADD, "Add", "add", 2, 1);
    g->nodes[n].in[0] = any, g->nodes[n].in[1] = fixed, g->nodes[n].out[0] = out;
    graph_link(g);
    return g;
}

typedef struct {
    Graph *g;
    const char *spec[3];
} Apply;

static void do_apply(void *p)
{
    Apply *ap = p;
    ShapeSpec s[3];
    int n = 0;
    const char *why;
    for (; n < 3 && ap->spec[n]; n++)
        if (!parse_shape_spec(&ap->g->arena, ap->spec[n], &s[n], &why))
            fatal("bad test spec %s", why);
    apply_shapes(ap->g, s, n);
}

static void apply_bad(const char *s1, const char *s2, const char *what)
{
    Apply ap = {graph(), {s1, s2, NULL}};
    char msg[1024];
    bool failed = run_captured(do_apply, &ap, msg, sizeof msg);
    if (!failed || !strstr(msg, what) || strchr(msg, '\n') != msg + strlen(msg) - 1) {
        fprintf(stderr, "apply %s %s: want '%s', got %s'%s'\n", s1, s2 ? s2 : "", what,
                failed ? "" : "(no error) ", msg);
        failures++;
    }
    /* The model's shapes are unchanged when a spec is refused. */
    EXPECT(ap.g->values[0].dims[0] == -1 && ap.g->values[0].dims[1] == 3);
    graph_free(ap.g);
}

int main(void)
{
    good("input=1,3,224,224", "input", 4, (int64_t[]){1, 3, 224, 224});
    good("x=7", "x", 1, (int64_t[]){7});
    good("a=b=2,3", "a=b", 2, (int64_t[]){2, 3});
    good("weird name: \xff=1", "weird name: \xff", 1, (int64_t[]){1});
    good("x=2147483648", "x", 1, (int64_t[]){2147483648LL});
    good("x=1,2,3,4,5,6,7,8", "x", 8, (int64_t[]){1, 2, 3, 4, 5, 6, 7, 8});
    good("x=007", "x", 1, (int64_t[]){7});

    bad("input", "no '='");
    bad("=1,2", "empty input name");
    bad("x=", "no dims");
    bad("x=1,,2", "dim 1 '' is not a positive integer");
    bad("x=1,2,", "dim 2 '' is not a positive integer");
    bad("x=0", "dim 0 is 0, must be 1 to 2147483648");
    bad("x=-1", "dim 0 '-1' is not a positive integer");
    bad("x=1.5", "dim 0 '1.5' is not a positive integer");
    bad("x= 1", "dim 0 ' 1' is not a positive integer");
    bad("x=0x10", "'0x10' is not a positive integer");
    bad("x=2147483649", "must be 1 to 2147483648");
    bad("x=99999999999999999999999999", "must be 1 to 2147483648");
    bad("x=1,2,3,4,5,6,7,8,9", "more than 8 dims");
    bad("x\n=0", "'x\\x0a': dim 0 is 0");  /* the name is made printable in the reason */

    /* apply_shapes */
    Apply ap = {graph(), {"data=2,3,32,32", "any=5", "fixed=2,2"}};
    char msg[1024];
    bool failed = run_captured(do_apply, &ap, msg, sizeof msg);
    EXPECT(!failed);
    const Value *v = &ap.g->values[0];
    EXPECT(v->rank == 4 && v->dims[0] == 2 && v->dims[1] == 3 && v->dims[2] == 32 &&
           v->dims[3] == 32);
    EXPECT(ap.g->values[1].rank == 1 && ap.g->values[1].dims[0] == 5);
    graph_free(ap.g);
    /* The later of two specs for one input wins. */
    Apply twice = {graph(), {"data=1,3,8,8", "data=4,3,16,16", NULL}};
    EXPECT(!run_captured(do_apply, &twice, msg, sizeof msg));
    EXPECT(twice.g->values[0].dims[0] == 4 && twice.g->values[0].dims[2] == 16);
    graph_free(twice.g);

    apply_bad("nope=1", NULL, "--shape: no graph input named 'nope' (inputs: 'data', 'any', 'fixed')");
    apply_bad("out=1", NULL, "no graph input named 'out'");
    apply_bad("data=1,4,32,32", NULL, "--shape data: axis 1 is 3 in the model, got 4");
    apply_bad("data=1,3,32", NULL, "--shape data: the model declares rank 4, got 3 dims");
    apply_bad("fixed=2,3", NULL, "axis 1 is 2 in the model, got 3");
    /* Checked before anything is applied. */
    apply_bad("data=2,3,4,4", "fixed=1,1", "axis 0 is 2 in the model, got 1");
    apply_bad("any=2147483648,2147483648,2147483648", NULL, "more than the supported");

    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("shape_spec: all passed\n");
    return failures != 0;
}
