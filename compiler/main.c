/* main.c — the onnxcc command line and the compilation pipeline.
 *
 * The whole pipeline is compile() below, one stage per line:
 * load → verify → shapes → infer → (passes) → emit. */
#include "onnxcc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: onnxcc MODEL.onnx -o OUTDIR [options]\n"
    "       onnxcc MODEL.onnx --report[=table] [options]\n"
    "       onnxcc MODEL.onnx --report-svg FILE.svg [options]\n"
    "       onnxcc compare MODEL.onnx [options]   (see onnxcc compare --help)\n"
    "\n"
    "Compiles an ONNX model into standalone C: OUTDIR/NAME.c and OUTDIR/NAME.h\n"
    "(and OUTDIR/NAME.c.weights with --weights=file).\n"
    "\n"
    "options:\n"
    "  -o, --output DIR        write the generated C into DIR (created if missing)\n"
    "  --name NAME             C prefix of the generated API (default: the model\n"
    "                          file's stem, made a valid C identifier)\n"
    "  --config FILE.yaml      read options from a YAML config file (see\n"
    "                          schemas/example-config.yaml): name, shapes, passes,\n"
    "                          weights, isa, weights_layout, compare; the command\n"
    "                          line wins\n"
    "  --shape INPUT=N,C,H,W   fix the dims of a graph input (repeatable)\n"
    "  --weights=MODE          embedded (default): weights as string literals in\n"
    "                          NAME.c; file: in NAME.c.weights, pulled in by an\n"
    "                          assembler .incbin (gcc/clang, ELF) from the path\n"
    "                          NAME_WEIGHTS_FILE (default: __FILE__ \".weights\")\n"
    "  --isa=LEVEL             highest SIMD level the generated code may use:\n"
    "                          auto (default: the CPU's best), scalar, avx2, avx512\n"
    "  --weights-layout=L      fast (default): weights prepacked for the fastest\n"
    "                          kernels, 3x3 convs Winograd-transformed (4x their\n"
    "                          size); compact: the weights' own size, Winograd\n"
    "                          layers transform theirs in the workspace per call\n"
    "  --dump-ir[=STAGE]       print the IR as YAML after STAGE (load, infer,\n"
    "                          passes; default: the last stage) on stdout\n"
    "  -O0                     run no optimization pass\n"
    "  -O1, -O2                run every pass (the default)\n"
    "  --disable-pass NAME     switch one pass off (repeatable); passes, in order:\n"
    "                          cleanup, fold_bn, fuse_q* and fold_dq (QDQ models),\n"
    "                          fuse_pad, fuse_gate, fuse_layernorm,\n"
    "                          fuse_matmul_bias, fuse_act, fuse_add, fuse_scale,\n"
    "                          fuse_preact, commute_pool, slice_concats, merge_convs\n"
    "  --report[=FORMAT]       print a report on stdout: yaml (the default: ops,\n"
    "                          params, MACs, shapes, memory, weights bytes) or\n"
    "                          table (one aligned line per node: op, output\n"
    "                          shape, MACs, bytes and where the output lives)\n"
    "  --report-svg FILE       draw the memory plan as SVG into FILE ('-': stdout):\n"
    "                          schedule step across, workspace offset down\n"
    "  -h, --help              show this help and exit\n"
    "  --version               print the version and exit\n"
    "  --ops                   list the supported operators (default ONNX domain,\n"
    "                          opsets 1 to 18), one per line, and exit\n"
    "\n"
    "environment: ONNXCC_ISA=scalar|avx2|avx512 caps the SIMD level at run time\n"
    "(read by the runtime on every call; --isa caps it at compile time).\n"
    "\n"
    "examples:\n"
    "  onnxcc densenet121.onnx --report=table\n"
    "  onnxcc densenet121.onnx --report-svg plan.svg\n"
    "  onnxcc densenet121.onnx -o out --name densenet\n"
    "  onnxcc model.onnx -o out --shape input=1,3,224,224\n"
    "  onnxcc vgg16.onnx -o out --weights=file --isa=avx2\n"
    "  onnxcc densenet121.onnx -o out --config densenet.yaml -O0\n"
    "  onnxcc compare densenet121.onnx --config densenet.yaml\n"
    "\n"
    "Exit status: 0 on success, 1 on a bad model or bad usage (one line on stderr).\n";

typedef struct {
    const char *model;
    const char *outdir;
    const char *name;
    const char *config;
    ShapeSpec *shapes;
    int nshapes;
    const char *dump_stage; /* NULL: no dump */
    int report;             /* REPORT_* */
    const char *report_svg; /* NULL: no SVG */
    bool *pass_on;          /* per pass in passes[]: the outcome, set in compile() */
    signed char *pass_cli;  /* per pass: 0/1 as -O0/-O2/--disable-pass left it, -1 untouched */
    int weights;            /* WEIGHTS_*, WEIGHTS_UNSET: the config's or embedded */
    int isa;                /* ISA_*, ISA_UNSET: the config's or auto */
    int weights_layout;     /* LAYOUT_*, LAYOUT_UNSET: the config's or fast */
} Options;

enum { REPORT_NONE, REPORT_YAML, REPORT_TABLE };

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "onnxcc: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try 'onnxcc --help')\n");
    exit(1);
}

/* The file's stem as a C identifier: [A-Za-z_][A-Za-z0-9_]*. */
static char *default_name(Arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    char *s = arena_alloc(a, n + 3);
    size_t o = 0;
    if (n == 0 || isdigit((unsigned char)base[0]))
        s[o++] = 'm', s[o++] = '_';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)base[i];
        s[o++] = (isalnum(c) && c < 0x80) ? (char)c : '_';
    }
    return s;
}

static bool is_c_identifier(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_') || (unsigned char)*s >= 0x80)
            return false;
    return true;
}

static void parse_args(Arena *a, int argc, char **argv, Options *o)
{
    o->shapes = arena_alloc(a, sizeof(ShapeSpec) * (size_t)argc);
    o->pass_on = arena_alloc(a, sizeof(bool) * (size_t)npasses);
    o->pass_cli = arena_alloc(a, (size_t)npasses);
    for (int i = 0; i < npasses; i++)
        o->pass_cli[i] = -1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
#define TAKES(opt) (strcmp(arg, opt) == 0 ? (i + 1 < argc ? (val = argv[++i]) : (usage_error("option '%s' needs a value", opt), NULL)) \
                    : (strncmp(arg, opt "=", sizeof opt) == 0 ? (val = arg + sizeof opt) : NULL))
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(arg, "--ops") == 0) {
            for (int k = 0; k < OP_COUNT; k++)
                if (!op_internal((Op)k))
                    printf("%s\n", op_info[k].name);
            exit(0);
        } else if (strcmp(arg, "--version") == 0) {
            printf("onnxcc %s\n", ONNXCC_VERSION);
            exit(0);
        } else if (TAKES("-o") || TAKES("--output")) {
            o->outdir = val;
        } else if (TAKES("--name")) {
            if (!is_c_identifier(val))
                usage_error("--name '%s' is not a C identifier", printable(val));
            o->name = val;
        } else if (TAKES("--config")) {
            o->config = val;
        } else if (TAKES("--shape")) {
            const char *why = NULL;
            if (!parse_shape_spec(a, val, &o->shapes[o->nshapes], &why))
                usage_error("--shape: %s", why);
            o->nshapes++;
        } else if (strcmp(arg, "--dump-ir") == 0) {
            o->dump_stage = "final";
        } else if (strncmp(arg, "--dump-ir=", 10) == 0) {
            o->dump_stage = arg + 10;
            if (strcmp(o->dump_stage, "load") && strcmp(o->dump_stage, "infer") && strcmp(o->dump_stage, "passes") &&
                strcmp(o->dump_stage, "final"))
                usage_error("--dump-ir: unknown stage '%s' (stages: load, infer, passes, final)", printable(o->dump_stage));
        } else if (strcmp(arg, "-O0") == 0) {
            for (int k = 0; k < npasses; k++)
                o->pass_cli[k] = 0;
        } else if (strcmp(arg, "-O1") == 0 || strcmp(arg, "-O2") == 0) {
            for (int k = 0; k < npasses; k++)
                o->pass_cli[k] = 1;
        } else if (TAKES("--disable-pass")) {
            int k = pass_index(val);
            if (k < 0)
                usage_error("--disable-pass: unknown pass '%s' (see --help)", printable(val));
            o->pass_cli[k] = 0;
        } else if (strcmp(arg, "--report") == 0 || strcmp(arg, "--report=yaml") == 0) {
            o->report = REPORT_YAML;
        } else if (strcmp(arg, "--report=table") == 0) {
            o->report = REPORT_TABLE;
        } else if (strncmp(arg, "--report=", 9) == 0) {
            usage_error("--report: unknown format '%s' (formats: yaml, table)", printable(arg + 9));
        } else if (TAKES("--weights")) {
            if ((o->weights = name_index(weights_names, WEIGHTS_COUNT, val)) < 0)
                usage_error("--weights: unknown mode '%s' (modes: embedded, file)", printable(val));
        } else if (TAKES("--isa")) {
            if ((o->isa = name_index(isa_names, ISA_COUNT, val)) < 0)
                usage_error("--isa: unknown level '%s' (levels: auto, scalar, avx2, avx512)", printable(val));
        } else if (TAKES("--weights-layout")) {
            if ((o->weights_layout = name_index(layout_names, LAYOUT_COUNT, val)) < 0)
                usage_error("--weights-layout: unknown layout '%s' (layouts: fast, compact)", printable(val));
        } else if (TAKES("--report-svg")) {
            if (!*val)
                usage_error("%s", "--report-svg needs a file name");
            o->report_svg = val;
        } else if (arg[0] == '-' && arg[1]) {
            usage_error("unknown option '%s'", printable(arg));
        } else if (!o->model) {
            o->model = arg;
        } else {
            usage_error("more than one model given: '%s'", printable(arg));
        }
#undef TAKES
    }
    if (!o->model)
        usage_error("%s", "no model given");
    if (!o->outdir && !o->report && !o->dump_stage && !o->report_svg)
        usage_error("%s", "nothing to do: give -o OUTDIR, --report, --report-svg or --dump-ir");
}

/* Config shapes, then command-line ones; a --shape for an input replaces the
 * config's (apply_shapes lets the later of two specs win). */
static const ShapeSpec *merged_shapes(Arena *a, const Config *cfg, const Options *o)
{
    ShapeSpec *all = arena_alloc(a, sizeof(ShapeSpec) * (size_t)(cfg->nshapes + o->nshapes + 1));
    for (int i = 0; i < cfg->nshapes; i++)
        all[i] = cfg->shapes[i];
    for (int i = 0; i < o->nshapes; i++)
        all[cfg->nshapes + i] = o->shapes[i];
    return all;
}

static void maybe_dump(const Graph *g, const Options *o, const char *stage)
{
    if (o->dump_stage && strcmp(o->dump_stage, stage) == 0)
        dump_ir(g, stage, stdout);
}

/* The pipeline, top to bottom. */
static int compile(const Options *o, Arena *a)
{
    Config cfg = {0};
    if (o->config)
        load_config(a, o->config, &cfg);
    /* Passes: all on, then the config's passes:, then the command line. */
    for (int k = 0; k < npasses; k++) {
        int on = o->pass_cli[k] >= 0 ? o->pass_cli[k] : cfg.passes ? cfg.passes[k] : -1;
        o->pass_on[k] = on != 0;
    }

    Graph *g = load_model(o->model);
    verify_graph(g);
    maybe_dump(g, o, "load");

    apply_shapes(g, merged_shapes(a, &cfg, o), cfg.nshapes + o->nshapes);
    infer_shapes(g);
    verify_graph(g);
    maybe_dump(g, o, "infer");

    g->macs_loaded = graph_macs(g);
    g->params_loaded = graph_params(g);
    g->pass_on = o->pass_on;
    g->weights = o->weights ? o->weights : cfg.weights ? cfg.weights : WEIGHTS_EMBEDDED;
    g->isa = o->isa ? o->isa : cfg.isa ? cfg.isa : ISA_AUTO;
    g->weights_layout = o->weights_layout ? o->weights_layout
                        : cfg.weights_layout ? cfg.weights_layout : LAYOUT_FAST;
    int *changes = arena_alloc(a, sizeof(int) * (size_t)npasses);
    run_passes(g, o->pass_on, changes);
    g->pass_changes = changes;
    maybe_dump(g, o, "passes");

    plan_memory(g);
    verify_plan(g);

    maybe_dump(g, o, "final");
    if (o->report == REPORT_YAML)
        write_report(g, stdout);
    else if (o->report == REPORT_TABLE)
        write_report_table(g, stdout);
    if (o->report_svg)
        write_svg(g, o->report_svg);
    if (o->outdir) {
        const char *name = o->name ? o->name : cfg.name ? cfg.name : default_name(a, o->model);
        if (mkdir(o->outdir, 0777) != 0 && errno != EEXIST)
            fatal("cannot create output folder '%s': %s", printable(o->outdir), strerror(errno));
        emit_c(g, o->outdir, name);
    }
    graph_free(g);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "compare") == 0)
        return compare_main(argc - 1, argv + 1);
    Arena a = {0};
    Options o = {0};
    parse_args(&a, argc, argv, &o);
    int rc = compile(&o, &a);
    arena_free_all(&a);
    return rc;
}
