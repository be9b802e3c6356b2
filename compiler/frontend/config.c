/* config.c — the YAML config file (`--config FILE.yaml`), read with
 * libyaml's event parser.  The file is one mapping; each top-level key has
 * a handler in `keys[]` below that consumes its value.  Every mistake is a
 * user error "FILE:LINE:COL: what is wrong" (1-based), pointing at the
 * offending key or value.  schemas/config.schema.yaml documents the format.
 *
 * Errors are reported only after the parser and the file are released, so
 * a fatal_jmp handler (tests, fuzzer) leaks nothing. */
#include "onnxcc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

typedef struct {
    const char *path; /* printable, for messages */
    FILE *f;
    yaml_parser_t parser;
    yaml_event_t ev;  /* the current event */
    bool have_ev;
    Arena *a;
    Config *cfg;
    int cap_shapes;
} Cfg;

static void cfg_close(Cfg *P)
{
    if (P->have_ev)
        yaml_event_delete(&P->ev);
    P->have_ev = false;
    yaml_parser_delete(&P->parser);
    if (P->f)
        fclose(P->f);
    P->f = NULL;
}

static _Noreturn void cfg_error(Cfg *P, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void cfg_error(Cfg *P, yaml_mark_t m, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cfg_close(P);
    /* The message names the file itself: no second path in front of it. */
    fatal_path = NULL;
    fatal("%s:%zu:%zu: %s", P->path, m.line + 1, m.column + 1, msg);
}

/* Advances to the next event; malformed YAML is an error at its mark. */
static yaml_event_t *next(Cfg *P)
{
    if (P->have_ev)
        yaml_event_delete(&P->ev);
    P->have_ev = false;
    if (!yaml_parser_parse(&P->parser, &P->ev)) {
        yaml_mark_t m = P->parser.problem_mark;
        const char *problem = P->parser.problem ? P->parser.problem : "unknown problem";
        if (P->parser.error == YAML_READER_ERROR)
            m.line = 0, m.column = P->parser.problem_offset;
        if (P->parser.context)
            cfg_error(P, m, "malformed YAML: %s (%s at line %zu, column %zu)", problem,
                      P->parser.context, P->parser.context_mark.line + 1,
                      P->parser.context_mark.column + 1);
        cfg_error(P, m, "malformed YAML: %s", problem);
    }
    P->have_ev = true;
    if (P->ev.type == YAML_ALIAS_EVENT)
        cfg_error(P, P->ev.start_mark, "YAML aliases (*name) are not supported in a config");
    return &P->ev;
}

static const char *what(const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return "a scalar";
    case YAML_SEQUENCE_START_EVENT: return "a sequence";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "nothing";
    }
}

/* The current scalar's text (arena copy); NULs are not allowed. */
static char *scalar_text(Cfg *P)
{
    const yaml_event_t *e = &P->ev;
    size_t len = e->data.scalar.length;
    if (memchr(e->data.scalar.value, 0, len))
        cfg_error(P, e->start_mark, "string contains a NUL character");
    char *s = arena_alloc(P->a, len + 1);
    memcpy(s, e->data.scalar.value, len);
    return s;
}

/* The current event must be a plain (unquoted, untagged or !!int) scalar
 * holding an integer in [lo, hi]; `what_int` names it in messages. */
static int64_t scalar_int(Cfg *P, const char *what_int, int64_t lo, int64_t hi)
{
    const yaml_event_t *e = &P->ev;
    if (e->type != YAML_SCALAR_EVENT)
        cfg_error(P, e->start_mark, "%s must be an integer, not %s", what_int, what(e));
    const char *tag = (const char *)e->data.scalar.tag;
    char *s = scalar_text(P);
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        (tag && strcmp(tag, YAML_INT_TAG) != 0))
        cfg_error(P, e->start_mark, "%s must be an integer, not the string '%s'", what_int,
                  printable(s));
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        cfg_error(P, e->start_mark, "%s: '%s' is not an integer", what_int, printable(s));
    int64_t v = 0;
    bool big = false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            cfg_error(P, e->start_mark, "%s: '%s' is not an integer", what_int, printable(s));
        if (v > (INT64_MAX - 9) / 10)
            big = true;
        else
            v = v * 10 + (*p - '0');
    }
    if (neg)
        v = -v;
    if (big || v < lo || v > hi)
        cfg_error(P, e->start_mark, "%s is %s%s, must be %lld to %lld", what_int, printable(s),
                  big ? " (too large)" : "", (long long)lo, (long long)hi);
    return v;
}

/* ---- top-level keys ------------------------------------------------------ */

/* name: the C prefix of the generated API, as --name. */
static void key_name(Cfg *P)
{
    const yaml_event_t *e = next(P);
    if (e->type != YAML_SCALAR_EVENT)
        cfg_error(P, e->start_mark, "'name' must be a string, not %s", what(e));
    char *s = scalar_text(P);
    bool ok = (s[0] < '0' || s[0] > '9') && s[0];
    for (const char *p = s; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '_';
    if (!ok)
        cfg_error(P, e->start_mark, "name '%s' is not a C identifier", printable(s));
    P->cfg->name = s;
}

/* shapes: {input name: [dims...]}, as --shape. */
static void key_shapes(Cfg *P)
{
    Config *cfg = P->cfg;
    const yaml_event_t *e = next(P);
    if (e->type != YAML_MAPPING_START_EVENT)
        cfg_error(P, e->start_mark, "'shapes' must be a mapping of input name to dims, not %s",
                  what(e));
    int first = cfg->nshapes;
    yaml_mark_t *marks = NULL; /* where each input was named, for duplicates */
    int cap_marks = 0;
    for (e = next(P); e->type != YAML_MAPPING_END_EVENT; e = next(P)) {
        if (e->type != YAML_SCALAR_EVENT)
            cfg_error(P, e->start_mark, "an input name in 'shapes' must be a string, not %s",
                      what(e));
        char *input = scalar_text(P);
        yaml_mark_t at = e->start_mark;
        const char *in = arena_strdup(P->a, printable(input));
        for (int i = first; i < cfg->nshapes; i++)
            if (strcmp(cfg->shapes[i].input, input) == 0)
                cfg_error(P, at, "duplicate input '%s' in 'shapes' (first at %zu:%zu)", in,
                          marks[i - first].line + 1, marks[i - first].column + 1);
        if (cfg->nshapes == P->cap_shapes) {
            int ncap = P->cap_shapes ? 2 * P->cap_shapes : 8;
            ShapeSpec *ns = arena_alloc(P->a, sizeof *ns * (size_t)ncap);
            if (cfg->nshapes)
                memcpy(ns, cfg->shapes, sizeof *ns * (size_t)cfg->nshapes);
            cfg->shapes = ns;
            P->cap_shapes = ncap;
        }
        if (cfg->nshapes - first >= cap_marks) {
            int ncap = cap_marks ? 2 * cap_marks : 8;
            yaml_mark_t *nm = arena_alloc(P->a, sizeof *nm * (size_t)ncap);
            if (cap_marks)
                memcpy(nm, marks, sizeof *nm * (size_t)cap_marks);
            marks = nm;
            cap_marks = ncap;
        }
        marks[cfg->nshapes - first] = at;
        ShapeSpec *sp = &cfg->shapes[cfg->nshapes];
        memset(sp, 0, sizeof *sp);
        sp->input = input;

        e = next(P);
        if (e->type != YAML_SEQUENCE_START_EVENT)
            cfg_error(P, e->start_mark, "shape of '%s' must be a sequence of dims like "
                      "[1, 3, 224, 224], not %s", in, what(e));
        yaml_mark_t seq_at = e->start_mark;
        for (e = next(P); e->type != YAML_SEQUENCE_END_EVENT; e = next(P)) {
            if (sp->rank == MAX_RANK)
                cfg_error(P, e->start_mark, "shape of '%s' has more than %d dims", in, MAX_RANK);
            char dim[64];
            snprintf(dim, sizeof dim, "dim %d of '%.40s'", sp->rank, in);
            sp->dims[sp->rank++] = scalar_int(P, dim, 1, (int64_t)1 << 31);
        }
        if (sp->rank == 0)
            cfg_error(P, seq_at, "shape of '%s' has no dims", in);
        cfg->nshapes++;
    }
}

/* The current event must be a plain (or !!bool) scalar true or false, in
 * one of the YAML 1.2 core spellings; `what_bool` names it in messages. */
static bool scalar_bool(Cfg *P, const char *what_bool)
{
    const yaml_event_t *e = &P->ev;
    if (e->type != YAML_SCALAR_EVENT)
        cfg_error(P, e->start_mark, "%s must be true or false, not %s", what_bool, what(e));
    const char *tag = (const char *)e->data.scalar.tag;
    char *s = scalar_text(P);
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag && strcmp(tag, YAML_BOOL_TAG) != 0))
        cfg_error(P, e->start_mark, "%s must be true or false, not the string '%s'", what_bool,
                  printable(s));
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return true;
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return false;
    cfg_error(P, e->start_mark, "%s must be true or false, not '%s'", what_bool, printable(s));
}

static const char *pass_list(Arena *a)
{
    char *s = "";
    for (int i = 0; i < npasses; i++)
        s = arena_printf(a, "%s%s%s", s, i ? ", " : "", passes[i].name);
    return s;
}

/* passes: {pass name: true/false}; false is --disable-pass NAME.  The
 * command line wins (main.c): -O0, -O2 and --disable-pass override it. */
static void key_passes(Cfg *P)
{
    const yaml_event_t *e = next(P);
    if (e->type != YAML_MAPPING_START_EVENT)
        cfg_error(P, e->start_mark, "'passes' must be a mapping of pass name to true/false, not %s",
                  what(e));
    signed char *on = arena_alloc(P->a, (size_t)npasses + 1);
    yaml_mark_t *marks = arena_alloc(P->a, sizeof *marks * ((size_t)npasses + 1));
    memset(on, -1, (size_t)npasses + 1);
    for (e = next(P); e->type != YAML_MAPPING_END_EVENT; e = next(P)) {
        if (e->type != YAML_SCALAR_EVENT)
            cfg_error(P, e->start_mark, "a pass name in 'passes' must be a string, not %s", what(e));
        char *name = scalar_text(P);
        int k = pass_index(name);
        if (k < 0)
            cfg_error(P, e->start_mark, "unknown pass '%s' in 'passes' (passes: %s)", printable(name),
                      pass_list(P->a));
        if (on[k] >= 0)
            cfg_error(P, e->start_mark, "duplicate pass '%s' in 'passes' (first at %zu:%zu)",
                      passes[k].name, marks[k].line + 1, marks[k].column + 1);
        marks[k] = e->start_mark;
        next(P);
        char what_bool[96];
        snprintf(what_bool, sizeof what_bool, "pass '%s'", passes[k].name);
        on[k] = scalar_bool(P, what_bool);
    }
    P->cfg->passes = on;
}

const char *const weights_names[WEIGHTS_COUNT] = {NULL, "embedded", "file"};
const char *const isa_names[ISA_COUNT] = {NULL, "auto", "scalar", "avx2", "avx512"};
const char *const layout_names[LAYOUT_COUNT] = {NULL, "fast", "compact"};

int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 1; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* The next value must be a plain scalar naming one of names[1..n). */
static int scalar_choice(Cfg *P, const char *key, const char *const *names, int n)
{
    const yaml_event_t *e = next(P);
    char *list = "";
    for (int i = 1; i < n; i++)
        list = arena_printf(P->a, "%s%s%s", list, i > 1 ? ", " : "", names[i]);
    if (e->type != YAML_SCALAR_EVENT)
        cfg_error(P, e->start_mark, "'%s' must be one of %s, not %s", key, list, what(e));
    char *s = scalar_text(P);
    int k = name_index(names, n, s);
    if (k < 0 || e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        cfg_error(P, e->start_mark, "'%s' must be one of %s, not '%s'", key, list, printable(s));
    return k;
}

/* weights: embedded | file, as --weights. */
static void key_weights(Cfg *P)
{
    P->cfg->weights = scalar_choice(P, "weights", weights_names, WEIGHTS_COUNT);
}

/* isa: auto | scalar | avx2 | avx512, as --isa. */
static void key_isa(Cfg *P)
{
    P->cfg->isa = scalar_choice(P, "isa", isa_names, ISA_COUNT);
}

/* weights_layout: fast | compact, as --weights-layout. */
static void key_weights_layout(Cfg *P)
{
    P->cfg->weights_layout = scalar_choice(P, "weights_layout", layout_names, LAYOUT_COUNT);
}

/* The next value must be a plain scalar holding a finite number >= 0. */
static double scalar_tolerance(Cfg *P, const char *what_tol)
{
    const yaml_event_t *e = next(P);
    if (e->type != YAML_SCALAR_EVENT)
        cfg_error(P, e->start_mark, "%s must be a number, not %s", what_tol, what(e));
    char *s = scalar_text(P);
    char *end;
    double v = strtod(s, &end);
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !*s || *end || !(v >= 0) || v > 1e300)
        cfg_error(P, e->start_mark, "%s must be a number >= 0 such as 1e-4, not '%s'", what_tol,
                  printable(s));
    return v;
}

/* Current event: a mapping start.  Calls each(P, key, mark) for every key
 * with the key's event consumed, refusing non-string and repeated keys. */
static void each_key(Cfg *P, const char *in, void (*each)(Cfg *, const char *, yaml_mark_t, void *),
                     void *arg)
{
    typedef struct Seen { const char *k; yaml_mark_t m; struct Seen *next; } Seen;
    Seen *seen = NULL;
    for (const yaml_event_t *e = next(P); e->type != YAML_MAPPING_END_EVENT; e = next(P)) {
        if (e->type != YAML_SCALAR_EVENT)
            cfg_error(P, e->start_mark, "a key in '%s' must be a string, not %s", in, what(e));
        char *k = scalar_text(P);
        for (Seen *q = seen; q; q = q->next)
            if (strcmp(q->k, k) == 0)
                cfg_error(P, e->start_mark, "duplicate key '%s' in '%s' (first at %zu:%zu)",
                          printable(k), in, q->m.line + 1, q->m.column + 1);
        Seen *q = arena_alloc(P->a, sizeof *q);
        *q = (Seen){k, e->start_mark, seen};
        seen = q;
        each(P, k, e->start_mark, arg);
    }
}

static void expect_mapping(Cfg *P, const char *in, const char *of)
{
    const yaml_event_t *e = next(P);
    if (e->type != YAML_MAPPING_START_EVENT)
        cfg_error(P, e->start_mark, "'%s' must be a mapping%s, not %s", in, of, what(e));
}

/* compare: outputs: NAME: {tolerance: T} */
static void compare_output_key(Cfg *P, const char *k, yaml_mark_t at, void *arg)
{
    OutputTolerance *t = arg;
    if (strcmp(k, "tolerance") != 0)
        cfg_error(P, at, "unknown key '%s' for output '%s' in 'compare' (expected: tolerance)",
                  printable(k), printable(t->output));
    t->tolerance = scalar_tolerance(P, "the tolerance of an output");
}

static void compare_outputs_key(Cfg *P, const char *k, yaml_mark_t at, void *arg)
{
    Config *cfg = P->cfg;
    OutputTolerance *nt = arena_alloc(P->a, sizeof *nt * (size_t)(cfg->ntols + 1));
    if (cfg->ntols)
        memcpy(nt, cfg->tols, sizeof *nt * (size_t)cfg->ntols);
    cfg->tols = nt;
    OutputTolerance *t = &nt[cfg->ntols++];
    *t = (OutputTolerance){k, -1, (int)at.line + 1, (int)at.column + 1};
    expect_mapping(P, "outputs", " of output name to {tolerance: T}");
    each_key(P, "outputs", compare_output_key, t);
    if (t->tolerance < 0)
        cfg_error(P, at, "output '%s' in 'compare' has no tolerance", printable(k));
}

static void compare_key(Cfg *P, const char *k, yaml_mark_t at, void *arg)
{
    if (strcmp(k, "tolerance") == 0) {
        P->cfg->tolerance = scalar_tolerance(P, "'compare: tolerance'");
        P->cfg->has_tolerance = true;
    } else if (strcmp(k, "outputs") == 0) {
        expect_mapping(P, "outputs", " of output name to {tolerance: T}");
        each_key(P, "outputs", compare_outputs_key, NULL);
    } else {
        cfg_error(P, at, "unknown key '%s' in 'compare' (expected one of: tolerance, outputs)",
                  printable(k));
    }
}

/* compare: {tolerance: T, outputs: {NAME: {tolerance: T}}}, for
 * `onnxcc compare`; the compiler itself ignores it. */
static void key_compare(Cfg *P)
{
    expect_mapping(P, "compare", " with keys tolerance, outputs");
    each_key(P, "compare", compare_key, NULL);
}

/* The top-level keys, in the order of config.schema.yaml.  A new key gets
 * a field in Config, a handler here and an entry in the schema. */
static const struct {
    const char *key;
    void (*parse)(Cfg *P); /* current event: the key; consumes the value */
} keys[] = {
    {"name", key_name},
    {"shapes", key_shapes},
    {"passes", key_passes},
    {"weights", key_weights},
    {"isa", key_isa},
    {"weights_layout", key_weights_layout},
    {"compare", key_compare},
};
#define NKEYS (int)(sizeof keys / sizeof *keys)

static const char *key_list(Arena *a)
{
    char *s = "";
    for (int i = 0; i < NKEYS; i++)
        s = arena_printf(a, "%s%s%s", s, i ? ", " : "", keys[i].key);
    return s;
}

void load_config(Arena *a, const char *path, Config *cfg)
{
    const char *saved_path = fatal_path;
    fatal_path = NULL; /* messages start with "FILE:LINE:COL:" instead */
    memset(cfg, 0, sizeof *cfg);
    Cfg P = {.path = arena_strdup(a, printable(path)), .a = a, .cfg = cfg};
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        fatal("config '%s' is not a regular file", P.path);
    P.f = fopen(path, "rb");
    if (!P.f)
        fatal("cannot read config '%s': %s", P.path, strerror(errno));
    if (!yaml_parser_initialize(&P.parser)) {
        fclose(P.f);
        fatal("out of memory (YAML parser)");
    }
    yaml_parser_set_input_file(&P.parser, P.f);

    yaml_event_t *e = next(&P);
    assert(e->type == YAML_STREAM_START_EVENT);
    e = next(&P);
    if (e->type == YAML_STREAM_END_EVENT)
        cfg_error(&P, e->start_mark, "the config is empty; expected a mapping with keys: %s",
                  key_list(a));
    assert(e->type == YAML_DOCUMENT_START_EVENT);
    e = next(&P);
    if (e->type != YAML_MAPPING_START_EVENT)
        cfg_error(&P, e->start_mark, "the config must be a mapping with keys: %s; found %s",
                  key_list(a), what(e));
    yaml_mark_t seen[NKEYS];
    bool have[NKEYS] = {0};
    for (e = next(&P); e->type != YAML_MAPPING_END_EVENT; e = next(&P)) {
        if (e->type != YAML_SCALAR_EVENT)
            cfg_error(&P, e->start_mark, "a key must be a string, not %s", what(e));
        char *k = scalar_text(&P);
        int i = 0;
        while (i < NKEYS && strcmp(keys[i].key, k) != 0)
            i++;
        if (i == NKEYS)
            cfg_error(&P, e->start_mark, "unknown key '%s' (expected one of: %s)", printable(k),
                      key_list(a));
        if (have[i])
            cfg_error(&P, e->start_mark, "duplicate key '%s' (first at %zu:%zu)", keys[i].key,
                      seen[i].line + 1, seen[i].column + 1);
        have[i] = true;
        seen[i] = e->start_mark;
        keys[i].parse(&P);
    }
    e = next(&P);
    assert(e->type == YAML_DOCUMENT_END_EVENT);
    e = next(&P);
    if (e->type != YAML_STREAM_END_EVENT)
        cfg_error(&P, e->start_mark, "more than one YAML document in the config");
    cfg_close(&P);
    fatal_path = saved_path;
}
