/* yaml_config: load_config() reads a valid file into the expected
 * ShapeSpecs, and every kind of mistake is one line on stderr naming
 * FILE:LINE:COL (1-based, checked by hand against the text below) with
 * the file named only once.  The shipped example config loads, and the
 * schema documents exactly the keys the compiler accepts.
 *
 * usage: test_config TMPDIR [SCHEMA_DIR] */
#include "harness.h"
#include "ytree.h"

#define STREQ(a, b) ((a) && strcmp((a), (b)) == 0)

static char dir[256];

static const char *write_cfg(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    return path;
}

typedef struct {
    const char *path;
    Arena arena;
    Config cfg;
} Load;

static void do_load(void *p)
{
    Load *l = p;
    load_config(&l->arena, l->path, &l->cfg);
}

static void test_valid(void)
{
    Load l = {.path = write_cfg("valid",
        "# a comment\n"
        "name: densenet121\n"
        "shapes:\n"
        "  input: [1, 3, 224, 224]\n"
        "  \"odd: name \\u00e9\":\n"
        "    - 2\n"
        "    - +5\n"
        "  '123': [2147483648]\n"
        "passes:\n"
        "  slice_concats: false\n"
        "  fold_bn: True\n"
        "  fuse_act: !!bool FALSE\n"
        "weights: file\n"
        "isa: avx2\n"
        "weights_layout: compact\n"
        "compare:\n"
        "  tolerance: 2e-5\n"
        "  outputs:\n"
        "    out: {tolerance: 1e-4}\n"
        "    \"prob:0\": {tolerance: 0}\n")};
    char msg[1024];
    fatal_path = "model.onnx";
    bool failed = run_captured(do_load, &l, msg, sizeof msg);
    EXPECT(!failed);
    if (failed)
        fprintf(stderr, "  unexpected error: %s", msg);
    EXPECT(fatal_path && strcmp(fatal_path, "model.onnx") == 0); /* restored */
    fatal_path = NULL;
    if (!failed) {
        EXPECT(l.cfg.name && strcmp(l.cfg.name, "densenet121") == 0);
        EXPECT(l.cfg.nshapes == 3);
        if (l.cfg.nshapes == 3) {
            const ShapeSpec *s = l.cfg.shapes;
            EXPECT(strcmp(s[0].input, "input") == 0);
            EXPECT(s[0].rank == 4 && s[0].dims[0] == 1 && s[0].dims[1] == 3 &&
                   s[0].dims[2] == 224 && s[0].dims[3] == 224);
            EXPECT(strcmp(s[1].input, "odd: name \xc3\xa9") == 0);
            EXPECT(s[1].rank == 2 && s[1].dims[0] == 2 && s[1].dims[1] == 5);
            EXPECT(strcmp(s[2].input, "123") == 0);
            EXPECT(s[2].rank == 1 && s[2].dims[0] == 2147483648LL);
        }
        /* passes: named ones 0/1, the rest -1 (not named). */
        EXPECT(l.cfg.passes != NULL);
        for (int k = 0; l.cfg.passes && k < npasses; k++) {
            const char *p = passes[k].name;
            int want = -1;
            if (!strcmp(p, "slice_concats") || !strcmp(p, "fuse_act"))
                want = 0;
            else if (!strcmp(p, "fold_bn"))
                want = 1;
            if (l.cfg.passes[k] != want) {
                fprintf(stderr, "pass %s: got %d, want %d\n", p, l.cfg.passes[k], want);
                failures++;
            }
        }
    }
    if (!failed) {
        EXPECT(l.cfg.weights == WEIGHTS_FILE && l.cfg.isa == ISA_AVX2 && l.cfg.weights_layout == LAYOUT_COMPACT);
        EXPECT(l.cfg.has_tolerance && l.cfg.tolerance == 2e-5);
        EXPECT(l.cfg.ntols == 2);
        if (l.cfg.ntols == 2) {
            EXPECT(STREQ(l.cfg.tols[0].output, "out") && l.cfg.tols[0].tolerance == 1e-4);
            EXPECT(l.cfg.tols[0].line == 19 && l.cfg.tols[0].col == 5);
            EXPECT(STREQ(l.cfg.tols[1].output, "prob:0") && l.cfg.tols[1].tolerance == 0);
        }
    }
    arena_free_all(&l.arena);

    /* Keys are optional. */
    Load e = {.path = write_cfg("only_name", "name: m\n")};
    EXPECT(!run_captured(do_load, &e, msg, sizeof msg));
    EXPECT(e.cfg.nshapes == 0 && e.cfg.name && strcmp(e.cfg.name, "m") == 0);
    EXPECT(e.cfg.passes == NULL); /* no passes: key, nothing overridden */
    EXPECT(e.cfg.weights == WEIGHTS_UNSET && e.cfg.isa == ISA_UNSET && e.cfg.weights_layout == LAYOUT_UNSET &&
           !e.cfg.has_tolerance);
    arena_free_all(&e.arena);
    Load p = {.path = write_cfg("empty_passes", "passes: {}\n")};
    EXPECT(!run_captured(do_load, &p, msg, sizeof msg));
    EXPECT(p.cfg.passes != NULL);
    for (int k = 0; p.cfg.passes && k < npasses; k++)
        EXPECT(p.cfg.passes[k] == -1);
    arena_free_all(&p.arena);
    Load s = {.path = write_cfg("empty_map", "{}\n")};
    EXPECT(!run_captured(do_load, &s, msg, sizeof msg));
    EXPECT(s.cfg.nshapes == 0 && s.cfg.name == NULL);
    arena_free_all(&s.arena);
}

/* A bad config: `where` is "LINE:COL", `what` a piece of the message. */
static void bad(const char *name, const char *text, const char *where, const char *what)
{
    Load l = {.path = write_cfg(name, text)};
    char msg[2048];
    bool failed = run_captured(do_load, &l, msg, sizeof msg);
    arena_free_all(&l.arena);
    char want[700];
    snprintf(want, sizeof want, "onnxcc: %s:%s: ", l.path, where);
    bool ok = failed && strncmp(msg, want, strlen(want)) == 0 && strstr(msg, what) &&
              strchr(msg, '\n') == msg + strlen(msg) - 1 &&   /* one line */
              strstr(msg + strlen(want), l.path) == NULL;    /* path once */
    if (!ok) {
        fprintf(stderr, "case %s: want '%s...%s', got %s'%s'\n", name, want, what,
                failed ? "" : "(no error) ", msg);
        failures++;
    }
}

/* schemas/example-config.yaml loads; schemas/config.schema.yaml's
 * properties are the keys load_config() lists as expected. */
static void test_schemas(const char *sdir)
{
    char path[512], msg[1024];
    snprintf(path, sizeof path, "%s/example-config.yaml", sdir);
    Load ex = {.path = path};
    bool failed = run_captured(do_load, &ex, msg, sizeof msg);
    EXPECT(!failed);
    if (failed)
        fprintf(stderr, "  example config: %s", msg);
    EXPECT(ex.cfg.name && strcmp(ex.cfg.name, "densenet") == 0);
    EXPECT(ex.cfg.nshapes == 1 && ex.cfg.shapes[0].rank == 4);
    EXPECT(ex.cfg.passes != NULL); /* the example shows every key */
    EXPECT(ex.cfg.weights != WEIGHTS_UNSET && ex.cfg.isa != ISA_UNSET && ex.cfg.weights_layout != LAYOUT_UNSET);
    EXPECT(ex.cfg.has_tolerance && ex.cfg.ntols > 0);
    arena_free_all(&ex.arena);

    Load u = {.path = write_cfg("list_keys", "no_such_key: 1\n")};
    EXPECT(run_captured(do_load, &u, msg, sizeof msg));
    arena_free_all(&u.arena);
    const char *list = strstr(msg, "expected one of: ");
    char keys[512] = "";
    snprintf(path, sizeof path, "%s/config.schema.yaml", sdir);
    FILE *f = fopen(path, "rb");
    EXPECT(f != NULL);
    if (!f || !list)
        return;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    YNode *t = ytree_parse(text, n);
    YNode *props = ypath(t, "properties");
    EXPECT(props && props->kind == Y_MAP);
    for (int i = 0; props && i + 1 < props->n; i += 2)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", i ? ", " : "",
                 props->kids[i]->s);
    char want[600];
    snprintf(want, sizeof want, "expected one of: %s)\n", keys);
    if (strcmp(list, want) != 0) {
        fprintf(stderr, "schema properties '%s' differ from the compiler's keys: %s", keys, list);
        failures++;
    }
    EXPECT(STREQ(ystr(t, "additionalProperties"), "false"));
    /* passes: the schema names exactly the compiler's passes, in order. */
    YNode *pp = ypath(t, "properties/passes/properties");
    EXPECT(pp && pp->kind == Y_MAP);
    char names[512] = "", want_names[512] = "";
    for (int i = 0; pp && i + 1 < pp->n; i += 2)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 pp->kids[i]->s);
    for (int k = 0; k < npasses; k++)
        snprintf(want_names + strlen(want_names), sizeof want_names - strlen(want_names), "%s%s",
                 k ? ", " : "", passes[k].name);
    if (strcmp(names, want_names) != 0) {
        fprintf(stderr, "schema passes '%s' differ from the compiler's passes '%s'\n", names, want_names);
        failures++;
    }
    EXPECT(STREQ(ystr(t, "properties/passes/additionalProperties"), "false"));
    ytree_free(t);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "/tmp");
    test_valid();
    if (argc > 2)
        test_schemas(argv[2]);

    bad("unknown_key", "name: a\nfoo: 1\n", "2:1",
        "unknown key 'foo' (expected one of: name, shapes, passes, weights, isa, weights_layout, compare)");
    bad("wrong_type_shapes", "shapes: [1, 2]\n", "1:9", "'shapes' must be a mapping");
    bad("wrong_type_name", "name: [a]\n", "1:7", "'name' must be a string, not a sequence");
    bad("wrong_type_dims", "shapes:\n  x: 3\n", "2:6", "must be a sequence of dims");
    bad("wrong_type_dim", "shapes:\n  x: [1, [2]]\n", "2:10", "dim 1 of 'x' must be an integer, not a sequence");
    bad("bad_int", "shapes:\n  x: [1, 3x, 2]\n", "2:10", "dim 1 of 'x': '3x' is not an integer");
    bad("float_dim", "shapes:\n  x: [1.5]\n", "2:7", "'1.5' is not an integer");
    bad("hex_dim", "shapes:\n  x: [0x10]\n", "2:7", "'0x10' is not an integer");
    bad("quoted_dim", "shapes:\n  x: [1, \"3\"]\n", "2:10", "must be an integer, not the string '3'");
    bad("negative_dim", "shapes:\n  x:\n    - 1\n    - -3\n", "4:7", "dim 1 of 'x' is -3, must be 1 to 2147483648");
    bad("zero_dim", "shapes:\n  x: [0]\n", "2:7", "dim 0 of 'x' is 0, must be 1");
    bad("huge_dim", "shapes:\n  x: [2147483649]\n", "2:7", "is 2147483649, must be 1 to 2147483648");
    bad("overflow_dim", "shapes:\n  x: [99999999999999999999999]\n", "2:7", "(too large)");
    bad("no_dims", "shapes:\n  x: []\n", "2:6", "shape of 'x' has no dims");
    bad("too_many_dims", "shapes:\n  x: [1, 1, 1, 1, 1, 1, 1, 1, 1]\n", "2:31", "more than 8 dims");
    bad("duplicate_key", "name: a\nshapes: {}\nname: b\n", "3:1", "duplicate key 'name' (first at 1:1)");
    bad("duplicate_input", "shapes:\n  x: [1]\n  y: [1]\n  x: [2]\n", "4:3", "duplicate input 'x' in 'shapes' (first at 2:3)");
    bad("not_mapping_seq", "- name\n- shapes\n", "1:1", "the config must be a mapping");
    bad("not_mapping_scalar", "\n\nhello\n", "3:1", "the config must be a mapping");
    bad("empty_file", "", "1:1", "the config is empty");
    bad("comment_only", "# nothing\n", "2:1", "the config is empty");
    bad("malformed_flow", "name: a\nshapes: {x: [1, 2\n", "3:1", "malformed YAML");
    bad("malformed_colon", "name: a: b\n", "1:8", "malformed YAML: mapping values are not allowed");
    bad("malformed_tab", "shapes:\n\tx: [1]\n", "2:1", "malformed YAML");
    bad("alias", "name: &n a\nshapes: *n\n", "2:9", "aliases");
    bad("two_documents", "name: a\n---\nname: b\n", "2:1", "more than one YAML document");
    bad("key_not_string", "[a]: 1\n", "1:1", "a key must be a string, not a sequence");
    bad("name_not_identifier", "name: 3abc\n", "1:7", "name '3abc' is not a C identifier");
    bad("name_nul", "name: \"a\\0b\"\n", "1:7", "NUL");
    bad("input_not_string", "shapes:\n  [x]: [1]\n", "2:3", "an input name in 'shapes' must be a string");
    bad("bad_utf8", "name: a\xff\n", "1:8", "malformed YAML: invalid leading UTF-8 octet");
    /* passes: */
    bad("passes_unknown", "name: a\npasses:\n  fold_bn: false\n  nope: false\n", "4:3",
        "unknown pass 'nope' in 'passes' (passes: cleanup, fold_bn,");
    bad("passes_unknown_flow", "passes: {fold_bn: false, Fold_BN: true}\n", "1:26", "unknown pass 'Fold_BN'");
    bad("passes_yes", "passes:\n  slice_concats: yes\n", "2:18",
        "pass 'slice_concats' must be true or false, not 'yes'");
    bad("passes_int", "passes: {fold_bn: 0}\n", "1:19", "pass 'fold_bn' must be true or false, not '0'");
    bad("passes_empty_value", "passes:\n  fold_bn:\n", "2:11", "pass 'fold_bn' must be true or false, not ''");
    bad("passes_quoted", "passes:\n  fold_bn: \"false\"\n", "2:12",
        "pass 'fold_bn' must be true or false, not the string 'false'");
    bad("passes_tagged_str", "passes:\n  fold_bn: !!str true\n", "2:12", "not the string 'true'");
    bad("passes_seq_value", "passes:\n  fold_bn: [false]\n", "2:12",
        "pass 'fold_bn' must be true or false, not a sequence");
    bad("passes_not_mapping", "passes: [fold_bn]\n", "1:9", "'passes' must be a mapping of pass name to true/false");
    bad("passes_null", "passes:\n", "1:8", "'passes' must be a mapping of pass name to true/false, not a scalar");
    bad("passes_name_not_string", "passes:\n  {a: 1}: true\n", "2:3", "a pass name in 'passes' must be a string");
    bad("passes_duplicate", "passes:\n  fold_bn: false\n  cleanup: true\n  fold_bn: true\n", "4:3",
        "duplicate pass 'fold_bn' in 'passes' (first at 2:3)");
    bad("passes_duplicate_key", "passes: {}\nname: a\npasses: {}\n", "3:1", "duplicate key 'passes' (first at 1:1)");

    /* weights, isa */
    bad("weights_unknown", "weights: external\n", "1:10", "'weights' must be one of embedded, file, not 'external'");
    bad("weights_quoted", "weights: \"file\"\n", "1:10", "'weights' must be one of embedded, file, not 'file'");
    bad("weights_map", "weights: {file: 1}\n", "1:10", "'weights' must be one of embedded, file, not a mapping");
    bad("isa_unknown", "name: a\nisa: sse4\n", "2:6", "'isa' must be one of auto, scalar, avx2, avx512, not 'sse4'");
    bad("isa_case", "isa: AVX2\n", "1:6", "not 'AVX2'");
    bad("weights_layout_unknown", "weights_layout: small\n", "1:17",
        "'weights_layout' must be one of fast, compact, not 'small'");
    bad("isa_seq", "isa: [scalar]\n", "1:6", "'isa' must be one of auto, scalar, avx2, avx512, not a sequence");
    bad("isa_duplicate", "isa: auto\nweights: file\nisa: scalar\n", "3:1", "duplicate key 'isa' (first at 1:1)");
    /* compare */
    bad("compare_not_map", "compare: 1e-5\n", "1:10", "'compare' must be a mapping with keys tolerance, outputs");
    bad("compare_unknown", "compare:\n  tol: 1\n", "2:3", "unknown key 'tol' in 'compare' (expected one of: tolerance, outputs)");
    bad("tolerance_negative", "compare:\n  tolerance: -1e-5\n", "2:14",
        "'compare: tolerance' must be a number >= 0 such as 1e-4, not '-1e-5'");
    bad("tolerance_text", "compare: {tolerance: small}\n", "1:22", "not 'small'");
    bad("tolerance_quoted", "compare: {tolerance: '1e-5'}\n", "1:22", "not '1e-5'");
    bad("tolerance_nan", "compare: {tolerance: .nan}\n", "1:22", "not '.nan'");
    bad("tolerance_inf", "compare: {tolerance: 1e999}\n", "1:22", "not '1e999'");
    bad("tolerance_seq", "compare: {tolerance: [1]}\n", "1:22", "'compare: tolerance' must be a number, not a sequence");
    bad("tolerance_duplicate", "compare:\n  tolerance: 1\n  tolerance: 2\n", "3:3",
        "duplicate key 'tolerance' in 'compare' (first at 2:3)");
    bad("outputs_not_map", "compare:\n  outputs: [a]\n", "2:12", "'outputs' must be a mapping of output name");
    bad("output_not_map", "compare:\n  outputs:\n    a: 1e-4\n", "3:8", "'outputs' must be a mapping of output name");
    bad("output_unknown_key", "compare:\n  outputs:\n    a: {tol: 1}\n", "3:9",
        "unknown key 'tol' for output 'a' in 'compare' (expected: tolerance)");
    bad("output_no_tolerance", "compare:\n  outputs:\n    a: {}\n", "3:5", "output 'a' in 'compare' has no tolerance");
    bad("output_bad_tolerance", "compare:\n  outputs:\n    a: {tolerance: -2}\n", "3:20",
        "the tolerance of an output must be a number >= 0");
    bad("output_duplicate", "compare:\n  outputs:\n    a: {tolerance: 1}\n    a: {tolerance: 2}\n", "4:5",
        "duplicate key 'a' in 'outputs' (first at 3:5)");

    /* A missing file: one line naming it. */
    Load m = {.path = "/nonexistent/dir/cfg.yaml"};
    char msg[1024];
    EXPECT(run_captured(do_load, &m, msg, sizeof msg));
    EXPECT(strstr(msg, "onnxcc: cannot read config '/nonexistent/dir/cfg.yaml'") == msg);
    arena_free_all(&m.arena);
    Load d = {.path = dir};
    EXPECT(run_captured(do_load, &d, msg, sizeof msg));
    EXPECT(strstr(msg, "is not a regular file") != NULL);
    arena_free_all(&d.arena);

    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("yaml_config: all passed\n");
    return failures != 0;
}
