/* compare.c — `onnxcc compare MODEL.onnx`: compile a model, build the C
 * against the runtime, run it and onnxruntime on the same inputs, print the
 * errors, exit 1 beyond tolerance.
 *
 * Everything runs as child processes with argument vectors (no shell): this
 * program itself to compile, the C compiler ($CC, default cc) to build,
 * the generated program, and node with tools/ort_run.js for onnxruntime.
 * Inputs are seeded uniform random in [-1, 1) unless --input files are given
 * (raw little-endian float32, one per graph input, in order).
 *
 * The tolerance of an output: --tolerance, else the config's
 * compare: outputs: NAME: tolerance, else compare: tolerance, else 1e-5. */
#include "onnxcc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ONNXCC_BUILD_RT_INCLUDE
#define ONNXCC_BUILD_RT_INCLUDE ""
#endif
#ifndef ONNXCC_BUILD_RT_LIB
#define ONNXCC_BUILD_RT_LIB ""
#endif
#ifndef ONNXCC_BUILD_TOOLS_DIR
#define ONNXCC_BUILD_TOOLS_DIR ""
#endif

static const char compare_usage[] =
    "usage: onnxcc compare MODEL.onnx [--config FILE.yaml] [--shape INPUT=DIMS]...\n"
    "                      [--input FILE]... [--seed N] [--tolerance REL]\n"
    "                      [--quant-steps K] [--keep DIR]\n"
    "                      [--weights=MODE] [--isa=LEVEL] [--weights-layout=L]\n"
    "                      [-O0|-O1|-O2] [--disable-pass NAME]...\n"
    "\n"
    "Compiles MODEL.onnx, builds it against the runtime, runs it and onnxruntime\n"
    "on the same inputs and prints, per output, the max absolute error, the max\n"
    "error relative to max |reference|, top-1 agreement and PASS or FAIL.  Exit\n"
    "status 1 if an error exceeds its tolerance or top-1 disagrees.  Top-1 is\n"
    "taken over the class axis: the last of a [N, classes] output, axis 1 of an\n"
    "image-shaped one (per pixel of a segmentation map); a pick that ties with\n"
    "the reference's within the tolerance agrees (counted as top1_ties).\n"
    "\n"
    "  --config FILE.yaml  passed on to the compiler (name excepted); its shapes:\n"
    "                      apply, and its compare: key sets the tolerances\n"
    "  --shape INPUT=DIMS  fix an input's dims (as for onnxcc)\n"
    "  --input FILE        raw float32 data for the next graph input\n"
    "  --seed N            seed of the random inputs (default 1)\n"
    "  --tolerance REL     allowed max error relative to max |reference|, for\n"
    "                      every output (default: the config's, else 1e-5)\n"
    "  --quant-steps K     for a quantized model: allowed max absolute error is\n"
    "                      K quantization steps of each output, the scale of the\n"
    "                      per-tensor DequantizeLinear that makes it (two integer\n"
    "                      programs may round a tie or near-tie either way)\n"
    "  --keep DIR          build in DIR and keep it (default: a temporary folder)\n"
    "  --weights=MODE, --isa=LEVEL, --weights-layout=L, -O0, -O1, -O2,\n"
    "  --disable-pass NAME passed on to the compiler\n"
    "environment: CC (C compiler), NODE (node binary), ONNXCC_NODE_MODULES\n"
    "(folder holding onnxruntime-node), ONNXCC_RT_INCLUDE / ONNXCC_RT_LIB.\n"
    "\n"
    "example:\n"
    "  onnxcc compare densenet121.onnx --config densenet.yaml --isa=scalar\n";

/* Runs argv[0] with argv; returns its exit status (or -1).  stdout of the
 * child goes to out_path when given. */
static int run(char *const argv[], const char *out_path)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (out_path && !freopen(out_path, "w", stdout))
            _exit(127);
        execvp(argv[0], argv);
        fprintf(stderr, "onnxcc compare: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Folder of this executable. */
static char *exe_dir(Arena *a)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return arena_strdup(a, ".");
    buf[n] = 0;
    char *s = strrchr(buf, '/');
    if (s)
        *s = 0;
    return arena_strdup(a, buf);
}

static float *read_f32(const char *path, int64_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal("cannot open '%s': %s", printable(path), strerror(errno));
    float *p = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!p)
        fatal("out of memory");
    size_t got = fread(p, sizeof(float), (size_t)n, f);
    int extra = fgetc(f);
    fclose(f);
    if ((int64_t)got != n || extra != EOF)
        fatal("'%s' does not hold exactly %lld float32 values", printable(path), (long long)n);
    return p;
}

static void write_f32(const char *path, const float *p, int64_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, sizeof(float), (size_t)n, f) != (size_t)n || fclose(f) != 0)
        fatal("cannot write '%s'", printable(path));
}

/* The harness that loads inputs, runs the model and writes outputs. */
static void write_harness(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fatal("cannot write '%s'", printable(path));
    fputs("#define _POSIX_C_SOURCE 200112L\n#include <stdio.h>\n#include <stdlib.h>\n#include \"model.h\"\n"
          "/* usage: run IN... OUT... (raw float32) */\n"
          "int main(int argc, char **argv)\n{\n"
          "    const float *in[model_NUM_INPUTS + 1];\n    float *out[model_NUM_OUTPUTS + 1];\n"
          "    if (argc != 1 + model_NUM_INPUTS + model_NUM_OUTPUTS) return 2;\n"
          "    for (int i = 0; i < model_NUM_INPUTS; i++) {\n"
          "        size_t n = (size_t)model_inputs[i].size;\n"
          "        float *p = malloc(n * sizeof *p + 1);\n"
          "        FILE *f = fopen(argv[1 + i], \"rb\");\n"
          "        if (!p || !f || fread(p, sizeof *p, n, f) != n) return 3;\n"
          "        fclose(f);\n        in[i] = p;\n    }\n"
          "    for (int i = 0; i < model_NUM_OUTPUTS; i++)\n"
          "        if (!(out[i] = malloc((size_t)model_outputs[i].size * sizeof(float) + 1))) return 3;\n"
          "    size_t ws = model_workspace_size();\n"
          "    void *w = NULL;\n"
          "    if (posix_memalign(&w, 64, ws + 64) != 0) return 3;\n"
          "    int rc = model_run(in, out, w);\n"
          "    if (rc) { fprintf(stderr, \"model_run returned %d\\n\", rc); return 4; }\n"
          "    for (int i = 0; i < model_NUM_OUTPUTS; i++) {\n"
          "        size_t n = (size_t)model_outputs[i].size;\n"
          "        FILE *f = fopen(argv[1 + model_NUM_INPUTS + i], \"wb\");\n"
          "        if (!f || fwrite(out[i], sizeof(float), n, f) != n || fclose(f)) return 3;\n"
          "    }\n"
          "    for (int i = 0; i < model_NUM_INPUTS; i++) free((void *)in[i]);\n"
          "    for (int i = 0; i < model_NUM_OUTPUTS; i++) free(out[i]);\n"
          "    free(w);\n    return 0;\n}\n",
          f);
    if (fclose(f) != 0)
        fatal("cannot write '%s'", printable(path));
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Per graph output: --tolerance (cli >= 0), else the config's.  An output
 * the config names that the model lacks is an error at its line. */
static double *output_tolerances(Arena *a, const Graph *g, const Config *cfg, const char *config,
                                 double cli)
{
    double *t = arena_alloc(a, sizeof(double) * (size_t)(g->noutputs + 1));
    for (int i = 0; i < g->noutputs; i++)
        t[i] = cli >= 0 ? cli : cfg->has_tolerance ? cfg->tolerance : 1e-5;
    for (int k = 0; k < cfg->ntols; k++) {
        const OutputTolerance *ot = &cfg->tols[k];
        int i = 0;
        while (i < g->noutputs && strcmp(g->values[g->outputs[i]].name, ot->output) != 0)
            i++;
        if (i == g->noutputs)
            fatal("%s:%d:%d: the model has no output '%s' (compare: outputs:)", printable(config),
                  ot->line, ot->col, printable(ot->output));
        if (cli < 0)
            t[i] = ot->tolerance;
    }
    return t;
}

/* --quant-steps: the quantization step of each graph output, the constant
 * per-tensor float32 scale of the DequantizeLinear that produces it. */
static double *output_steps(Arena *a, const Graph *g)
{
    double *s = arena_alloc(a, sizeof(double) * (size_t)(g->noutputs + 1));
    for (int i = 0; i < g->noutputs; i++) {
        const Value *v = &g->values[g->outputs[i]];
        const Node *n = v->producer >= 0 ? &g->nodes[v->producer] : NULL;
        const Value *sc = n && n->op == OP_DEQUANTIZELINEAR && n->nin > 1 && n->in[1] >= 0
                              ? &g->values[n->in[1]] : NULL;
        float f;
        if (!sc || !(sc->flags & V_CONST) || sc->dtype != DT_F32 || value_numel(sc) != 1 ||
            sc->nbytes != 4)
            fatal("compare: --quant-steps: output '%s' is not made by a DequantizeLinear with one "
                  "constant float scale", printable(v->name));
        memcpy(&f, sc->data, 4);
        if (!(f > 0) || !isfinite(f))
            fatal("compare: --quant-steps: output '%s' has scale %g", printable(v->name), (double)f);
        s[i] = f;
    }
    return s;
}

int compare_main(int argc, char **argv)
{
    Arena a = {0};
    const char *model = NULL, *keep = NULL;
    const char **shapes = arena_alloc(&a, sizeof(char *) * (size_t)argc);
    const char **inputs = arena_alloc(&a, sizeof(char *) * (size_t)argc);
    const char **copts = arena_alloc(&a, sizeof(char *) * (size_t)argc); /* for the compiler */
    int ncopts = 0;
    int nshapes = 0, ninputs = 0;
    uint64_t seed = 1;
    double tol = -1; /* --tolerance */
    double qsteps = -1; /* --quant-steps */
    const char *config = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool more = i + 1 < argc;
        const char *val = NULL;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(compare_usage, stdout);
            return 0;
        } else if (!strcmp(arg, "--shape") && more) {
            shapes[nshapes++] = argv[++i];
        } else if (!strncmp(arg, "--shape=", 8)) {
            shapes[nshapes++] = arg + 8;
        } else if ((!strcmp(arg, "--config") && more && (val = argv[++i])) ||
                   (!strncmp(arg, "--config=", 9) && (val = arg + 9))) {
            config = val;
            copts[ncopts++] = "--config";
            copts[ncopts++] = val;
        } else if (!strncmp(arg, "--weights=", 10) || !strncmp(arg, "--isa=", 6) ||
                   !strncmp(arg, "--weights-layout=", 17) || !strcmp(arg, "-O1") || !strcmp(arg, "-O2")) {
            copts[ncopts++] = arg;
        } else if (!strcmp(arg, "--input") && more) {
            inputs[ninputs++] = argv[++i];
        } else if (!strcmp(arg, "--seed") && more) {
            char *end;
            seed = strtoull(argv[++i], &end, 10);
            if (*end || !*argv[i])
                fatal("compare: --seed needs a number");
        } else if (!strcmp(arg, "--tolerance") && more) {
            char *end;
            tol = strtod(argv[++i], &end);
            if (*end || !(tol >= 0))
                fatal("compare: --tolerance needs a non-negative number");
        } else if (!strcmp(arg, "--quant-steps") && more) {
            char *end;
            qsteps = strtod(argv[++i], &end);
            if (*end || !(qsteps >= 0))
                fatal("compare: --quant-steps needs a non-negative number");
        } else if (!strcmp(arg, "-O0")) {
            copts[ncopts++] = arg;
        } else if (!strcmp(arg, "--disable-pass") && more) {
            copts[ncopts++] = arg;
            copts[ncopts++] = argv[++i];
        } else if (!strcmp(arg, "--keep") && more) {
            keep = argv[++i];
        } else if (arg[0] == '-') {
            fatal("compare: unknown option or missing value '%s' (try 'onnxcc compare --help')", printable(arg));
        } else if (!model) {
            model = arg;
        } else {
            fatal("compare: more than one model given");
        }
    }
    if (!model)
        fatal("compare: no model given (try 'onnxcc compare --help')");
    Config cfg = {0};
    if (config)
        load_config(&a, config, &cfg);

    /* Shapes of inputs and outputs, from the same pipeline the compiler runs. */
    Graph *g = load_model(model);
    apply_shapes(g, cfg.shapes, cfg.nshapes);
    for (int i = 0; i < nshapes; i++) {
        ShapeSpec s;
        const char *why;
        if (!parse_shape_spec(&a, shapes[i], &s, &why))
            fatal("--shape: %s", why);
        apply_shapes(g, &s, 1);
    }
    infer_shapes(g);
    fatal_path = NULL;
    if (ninputs && ninputs != g->ninputs)
        fatal("compare: %d --input files for %d graph inputs", ninputs, g->ninputs);
    double *tols = output_tolerances(&a, g, &cfg, config, tol);
    double *steps = qsteps >= 0 ? output_steps(&a, g) : NULL;

    char *dir;
    if (keep) {
        if (mkdir(keep, 0777) != 0 && errno != EEXIST)
            fatal("compare: cannot create '%s': %s", printable(keep), strerror(errno));
        dir = arena_strdup(&a, keep);
    } else {
        const char *tmp = getenv("TMPDIR");
        dir = arena_printf(&a, "%s/onnxcc-compare-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            fatal("compare: cannot create a temporary folder: %s", strerror(errno));
    }

    /* 1. compile */
    char *exe = arena_printf(&a, "%s/onnxcc", exe_dir(&a));
    char **cargv = arena_alloc(&a, sizeof(char *) * (size_t)(8 + 2 * nshapes + ncopts));
    int k = 0;
    cargv[k++] = exe;
    cargv[k++] = (char *)model;
    cargv[k++] = "-o";
    cargv[k++] = dir;
    for (int i = 0; i < ncopts; i++)
        cargv[k++] = (char *)copts[i];
    for (int i = 0; i < nshapes; i++) {
        cargv[k++] = "--shape";
        cargv[k++] = (char *)shapes[i];
    }
    cargv[k++] = "--name"; /* after --config: the command line wins */
    cargv[k++] = "model";
    cargv[k] = NULL;
    if (run(cargv, NULL) != 0)
        fatal("compare: compiling '%s' failed", printable(model));

    /* 2. build against the runtime */
    const char *ed = exe_dir(&a);
    const char *rt_inc = getenv("ONNXCC_RT_INCLUDE");
    const char *rt_lib = getenv("ONNXCC_RT_LIB");
    char *inst_inc = arena_printf(&a, "%s/../include", ed);
    char *inst_lib = arena_printf(&a, "%s/../lib/libonnxcc_rt.a", ed);
    if (!rt_inc)
        rt_inc = file_exists(arena_printf(&a, "%s/onnxcc/rt.h", inst_inc)) ? inst_inc : ONNXCC_BUILD_RT_INCLUDE;
    if (!rt_lib)
        rt_lib = file_exists(inst_lib) ? inst_lib : ONNXCC_BUILD_RT_LIB;
    const char *cc = getenv("CC");
    char *harness = arena_printf(&a, "%s/harness.c", dir);
    char *prog = arena_printf(&a, "%s/run", dir);
    write_harness(harness);
    char *bargv[] = {(char *)(cc && *cc ? cc : "cc"), "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror",
                     arena_printf(&a, "-I%s", rt_inc), arena_printf(&a, "-I%s", dir),
                     harness, arena_printf(&a, "%s/model.c", dir), (char *)rt_lib, "-lm", "-pthread",
                     "-o", prog, NULL};
    if (run(bargv, NULL) != 0)
        fatal("compare: building the generated C failed");

    /* 3. inputs */
    char **in_paths = arena_alloc(&a, sizeof(char *) * (size_t)(g->ninputs + 1));
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < g->ninputs; i++) {
        const Value *v = &g->values[g->inputs[i]];
        int64_t n = value_numel(v);
        if (ninputs) {
            float *p = read_f32(inputs[i], n);
            free(p);
            in_paths[i] = (char *)inputs[i];
            continue;
        }
        float *p = malloc(sizeof(float) * (size_t)(n ? n : 1));
        if (!p)
            fatal("out of memory");
        for (int64_t j = 0; j < n; j++)
            p[j] = (float)((double)(rng_next(&s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        in_paths[i] = arena_printf(&a, "%s/input_%d.bin", dir, i);
        write_f32(in_paths[i], p, n);
        free(p);
    }

    /* 4. run ours */
    char **rargv = arena_alloc(&a, sizeof(char *) * (size_t)(g->ninputs + g->noutputs + 2));
    k = 0;
    rargv[k++] = prog;
    for (int i = 0; i < g->ninputs; i++)
        rargv[k++] = in_paths[i];
    for (int i = 0; i < g->noutputs; i++)
        rargv[k++] = arena_printf(&a, "%s/ours_%d.bin", dir, i);
    rargv[k] = NULL;
    if (run(rargv, NULL) != 0)
        fatal("compare: the generated program failed");

    /* 5. run onnxruntime */
    const char *tools = file_exists(arena_printf(&a, "%s/../share/onnxcc/ort_run.js", ed))
                            ? arena_printf(&a, "%s/../share/onnxcc", ed)
                            : ONNXCC_BUILD_TOOLS_DIR;
    const char *node = getenv("NODE");
    char *ortdir = arena_printf(&a, "%s/ort", dir);
    if (mkdir(ortdir, 0777) != 0 && errno != EEXIST)
        fatal("compare: cannot create '%s'", printable(ortdir));
    char **oargv = arena_alloc(&a, sizeof(char *) * (size_t)(8 + 2 * g->ninputs + g->ninputs));
    k = 0;
    oargv[k++] = (char *)(node && *node ? node : "node");
    oargv[k++] = arena_printf(&a, "%s/ort_run.js", tools);
    oargv[k++] = (char *)model;
    oargv[k++] = "--out";
    oargv[k++] = ortdir;
    for (int i = 0; i < g->ninputs; i++) {
        const Value *v = &g->values[g->inputs[i]];
        char *spec = arena_printf(&a, "%s=", v->name);
        for (int d = 0; d < v->rank; d++)
            spec = arena_printf(&a, "%s%s%lld", spec, d ? "," : "", (long long)v->dims[d]);
        oargv[k++] = "--shape";
        oargv[k++] = spec;
    }
    for (int i = 0; i < g->ninputs; i++)
        oargv[k++] = in_paths[i];
    oargv[k] = NULL;
    if (run(oargv, "/dev/null") != 0)
        fatal("compare: onnxruntime failed on '%s'", printable(model));

    /* 6. compare */
    int bad = 0;
    printf("model: %s\noutputs:\n", printable(model));
    for (int i = 0; i < g->noutputs; i++) {
        const Value *v = &g->values[g->outputs[i]];
        int64_t n = value_numel(v);
        float *ours = read_f32(arena_printf(&a, "%s/ours_%d.bin", dir, i), n);
        float *ref = read_f32(arena_printf(&a, "%s/output_%d.bin", ortdir, i), n);
        double max_abs = 0, max_ref = 0;
        bool nonfinite = false;
        for (int64_t j = 0; j < n; j++) {
            if (!isfinite(ours[j]) || !isfinite(ref[j]))
                nonfinite = nonfinite || isfinite(ours[j]) != isfinite(ref[j]);
            double d = fabs((double)ours[j] - (double)ref[j]);
            if (d > max_abs || d != d)
                max_abs = d;
            if (fabs(ref[j]) > max_ref)
                max_ref = fabs(ref[j]);
        }
        double rel = max_ref > 0 ? max_abs / max_ref : max_abs;
        /* top-1 over the class axis: the last one of a [N, classes] output,
         * axis 1 of an image-shaped one (a segmentation map [N, C, H, W]:
         * per pixel).  Our pick agrees when it is the reference's, or ties
         * with it within the tolerance (upsampled maps and random weights
         * have exact and near ties; the values themselves were checked
         * above). */
        const int ax = v->rank >= 3 ? 1 : v->rank - 1;
        const int64_t cls = v->rank > 0 ? v->dims[ax] : 1;
        const int64_t inner = v->rank >= 3 ? n / (v->dims[0] * cls) : 1;
        const int64_t rows = cls ? n / cls : 0;
        int64_t agree = 0, ties = 0;
        for (int64_t r = 0; r < rows; r++) {
            const int64_t base = r / inner * cls * inner + r % inner;
            int64_t ao = 0, ar = 0;
            for (int64_t c = 1; c < cls; c++) {
                if (ours[base + c * inner] > ours[base + ao * inner]) ao = c;
                if (ref[base + c * inner] > ref[base + ar * inner]) ar = c;
            }
            const double slack = steps ? qsteps * steps[i] : tols[i] * max_ref;
            const bool tie = ao != ar && ref[base + ao * inner] >= ref[base + ar * inner] - slack;
            agree += ao == ar || tie;
            ties += tie;
        }
        /* In steps, with room for the float rounding of (q - zp) * scale. */
        bool ok = !nonfinite && (steps ? max_abs / steps[i] <= qsteps + 1e-4 : rel <= tols[i]) &&
                  agree == rows;
        bad += !ok;
        printf("  - name: \"%s\"\n    elements: %lld\n    max_abs_error: %.3g\n    max_rel_error: %.3g\n"
               "    tolerance: %g\n    top1_agreement: %lld/%lld\n    top1_ties: %lld\n    result: %s\n",
               printable(v->name), (long long)n, max_abs, rel, tols[i], (long long)agree, (long long)rows,
               (long long)ties, ok ? "PASS" : "FAIL");
        if (steps)
            printf("    quant_step: %.6g\n    max_error_steps: %.3g\n    allowed_steps: %g\n", steps[i],
                   max_abs / steps[i], qsteps);
        free(ours);
        free(ref);
    }
    if (!keep) {
        char *rm[] = {"rm", "-rf", dir, NULL};
        run(rm, NULL);
    }
    graph_free(g);
    arena_free_all(&a);
    printf("result: %s\n", bad ? "FAIL" : "PASS");
    if (bad) {
        fprintf(stderr, "onnxcc compare: %s: %d output(s) beyond tolerance or top-1 disagreeing\n",
                printable(model), bad);
        return 1;
    }
    return 0;
}
