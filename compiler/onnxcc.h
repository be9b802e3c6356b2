/* onnxcc.h — the compiler's one internal header, sectioned by source file.
 *
 * The IR is a Graph that owns arrays of Values and Nodes; nodes refer to
 * values by index and values to their producer/uses by node index.  All
 * memory of a compilation comes from the graph's arena and is released at
 * once by graph_free().  User errors (a bad model, a bad option) go through
 * fatal()/fatal_node(): one line on stderr, exit status 1.  Internal bugs
 * assert. */
#ifndef ONNXCC_H
#define ONNXCC_H

#include <assert.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ONNXCC_VERSION "0.1.0"

/* Sane caps for untrusted models (design §6). */
#define MAX_RANK 8
#define MAX_NODES 100000
#define MAX_VALUES 400000
#define MAX_ATTR_LEN 65536         /* elements of an ints/floats attribute */
#define MAX_ELEMS ((int64_t)1 << 34) /* elements of any one tensor */
#define MAX_NESTING 32             /* protobuf message nesting depth */

/* ---- util.c: arena, errors, strings ------------------------------------ */

typedef struct ArenaBlock ArenaBlock;
typedef struct {
    ArenaBlock *head;
    size_t total; /* bytes handed out, for limits */
} Arena;

void *arena_alloc(Arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_free_all(Arena *a);

/* Where fatal() jumps instead of exiting (set by the fuzzer/tests). */
extern jmp_buf *fatal_jmp;
/* The path printed in front of every error. */
extern const char *fatal_path;
/* When set, fatal() prints nothing (the fuzzer). */
extern bool fatal_silent;

_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A string from the model made safe to print: printable ASCII, escaped,
 * truncated to a sane length.  Returns a static rotating buffer. */
const char *printable(const char *s);
/* a*b and a+b for sizes, or -1 on overflow / negative operands. */
int64_t mul_ck(int64_t a, int64_t b);
int64_t add_ck(int64_t a, int64_t b);

/* ---- ir.c: the IR ------------------------------------------------------ */

/* Element types use ONNX TensorProto.DataType numbers. */
typedef enum {
    DT_UNDEF = 0, DT_F32 = 1, DT_U8 = 2, DT_I8 = 3, DT_U16 = 4, DT_I16 = 5,
    DT_I32 = 6, DT_I64 = 7, DT_STRING = 8, DT_BOOL = 9, DT_F16 = 10,
    DT_F64 = 11, DT_U32 = 12, DT_U64 = 13, DT_C64 = 14, DT_C128 = 15,
    DT_BF16 = 16,
} DType;
const char *dtype_name(int dt);
size_t dtype_size(int dt); /* 0 for types we cannot hold */

typedef enum {
#define X(e, s, a, b, c, d, fam) e,
#include "ops.h"
    OPS(X)
#undef X
    OP_COUNT,
    OP_UNKNOWN = OP_COUNT,
} Op;

typedef struct {
    const char *name;
    int min_in, max_in, min_out, max_out;
} OpInfo;
extern const OpInfo op_info[OP_COUNT];
Op op_lookup(const char *op_type); /* OP_UNKNOWN if not in the table */
bool op_internal(Op op);           /* made by passes only, never loaded */

enum { V_INPUT = 1, V_OUTPUT = 2, V_CONST = 4 };

typedef struct {
    char *name;    /* as in the model: never emitted unescaped */
    int dtype;     /* DType */
    int rank;      /* -1 while unknown */
    int64_t dims[MAX_RANK]; /* -1 for an unknown dim */
    char *dim_param[MAX_RANK]; /* symbolic dim names, for messages */
    unsigned flags;  /* V_INPUT | V_OUTPUT | V_CONST */
    int producer;    /* node index, -1 for inputs and constants */
    int *uses;       /* node indices (a node using it twice appears twice) */
    int nuses;
    const void *data; /* V_CONST: little-endian elements, numel*dtype_size */
    int64_t nbytes;
    int64_t offset;   /* after plan_memory: workspace byte offset, -1 if none */
    int base;         /* slice_concats: lives inside this value's buffer, or -1 */
    int64_t base_chan; /* ... starting at this channel (axis 1) */
} Value;

typedef enum {
    ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_TENSOR = 4,
    ATTR_GRAPH = 5, ATTR_FLOATS = 6, ATTR_INTS = 7, ATTR_STRINGS = 8,
    ATTR_TENSORS = 9, ATTR_GRAPHS = 10,
} AttrKind; /* ONNX AttributeProto.AttributeType numbers */

typedef struct {
    char *name;
    int kind;        /* AttrKind */
    float f;
    int64_t i;
    char *s;
    float *floats;
    int64_t *ints;
    char **strs;     /* ATTR_STRINGS (RNN activations) */
    int n;           /* elements of floats/ints/strs */
    int tensor;      /* ATTR_TENSOR: index of a V_CONST value, else -1 */
} Attr;

typedef struct {
    Op op;
    char *op_type;   /* as in the model */
    char *name;      /* as in the model, may be "" */
    int *in;         /* value indices; -1 for an omitted optional input */
    int nin;
    int *out;
    int nout;
    Attr *attrs;
    int nattrs;
    /* Fusions recorded by passes (-1 / 0 when none).  pre_*: Conv and pools;
     * act: Conv and Add; res: Conv only. */
    int pre_scale, pre_shift; /* per-input-channel affine applied while reading;
                               * QLinearConv: pre_scale is a uint8 [C][256] table (fuse_qpreact) */
    bool pre_relu;            /* max(0, .) after that affine */
    int act;                  /* epilogue: ACT_*; on a Sigmoid, ACT_SILU: x*sigmoid(x), on
                               * an Erf, ACT_GELU: x*(1+erf(x/sqrt 2))/2 (fuse_gate) */
    float act_a, act_b;       /* clip min/max, leakyrelu alpha, hardsigmoid alpha/beta */
    bool res;                 /* in[3] (past the optional bias) is a residual
                               * added before act (fuse_add) */
    bool scale_in;            /* Conv: in[4] (past the residual or -1) is a
                               * per-input-channel scale made at run time, also
                               * its pre_scale (fuse_scale) */
    bool colbias;             /* MatMul: in[2] is a bias per output column,
                               * added after the product (fuse_matmul_bias) */
    int slices;               /* Conv: out[1 .. slices] are channel slices of
                               * out[0] (merge_convs) */
    bool dead;                /* removed by a pass; gone after graph_compact() */
    bool elided;              /* Concat whose inputs already sit in its output */
} Node;

/* = the runtime's ONNXCC_ACT_* */
enum {
    ACT_NONE, ACT_RELU, ACT_CLIP, ACT_LEAKYRELU, ACT_SIGMOID, ACT_HARDSIGMOID, ACT_HARDSWISH, ACT_SILU,
    ACT_TANH, ACT_GELU, ACT_EXP, ACT_ERF, NUM_ACTS
};
/* The lower-case name of an ACT_* ("relu", "silu", ...). */
const char *act_name(int kind);

typedef struct Graph {
    Arena arena;
    const char *path;     /* model file, for messages */
    char *name;           /* graph name as in the model */
    int64_t ir_version;
    int64_t opset;        /* opset of the default domain; 7 for opsets 1-6 (legacy.c) */
    Value *values;
    int nvalues, cap_values;
    Node *nodes;          /* in a topological order once verified */
    int nnodes, cap_nodes;
    int *inputs;          /* graph inputs that are not initializers */
    int ninputs;
    int *outputs;
    int noutputs;
    void *proto;          /* the unpacked ModelProto; constants point into it */
    int64_t macs_loaded;  /* MACs and params of the graph before passes */
    int64_t params_loaded;
    const bool *pass_on;  /* which passes ran, and how much each changed */
    const int *pass_changes;
    int64_t arena_bytes;  /* after plan_memory: workspace size */
    int64_t naive_bytes;  /* sum of all intermediates, for the report */
    bool planned;         /* plan_memory ran: every intermediate has its offset */
    void **extbufs;       /* external-data buffers (malloc'd), freed with the graph */
    int nextbufs;
    int weights;          /* emit: WEIGHTS_FILE writes NAME.c.weights */
    int isa;              /* emit: ISA_* cap written into the fast layers */
    int weights_layout;   /* emit: LAYOUT_COMPACT packs 3x3 convs for the
                           * direct path (no Winograd-transformed copies) */
    int *vhash;           /* open-addressing name -> value index table */
    int vhash_cap;
} Graph;

Graph *graph_new(const char *path);
void graph_free(Graph *g);
/* The most recent graph not yet freed: what a fatal_jmp handler frees. */
extern Graph *graph_live;
int graph_add_value(Graph *g, const char *name);   /* returns index */
int graph_find_value(const Graph *g, const char *name); /* -1 if none */
int graph_add_node(Graph *g, Op op, const char *op_type, const char *name,
                   int nin, int nout);
/* Recompute producer/uses of every value from the nodes. */
void graph_link(Graph *g);
/* Drops dead nodes (keeping the order of the rest) and relinks. */
void graph_compact(Graph *g);
/* Makes every node input that reads `from` read `to` instead. */
void graph_replace_uses(Graph *g, int from, int to);
/* A new float32 constant of the given shape; data is copied. */
int graph_add_const(Graph *g, const char *name, int rank, const int64_t *dims, const float *data);
/* Element count of a value with known shape, or -1. */
int64_t value_numel(const Value *v);
/* Attribute lookups; the default when absent.  A present attribute of the
 * wrong kind is a user error naming the node. */
const Attr *node_attr(const Graph *g, const Node *n, const char *name);
/* Sets (adds or replaces) n's attribute name: ints v[0..cnt), or the int
 * v[0] when cnt < 0 (passes rewriting a node). */
void node_set_ints(Graph *g, Node *n, const char *name, const int64_t *v, int cnt);
int64_t attr_int(const Graph *g, const Node *n, const char *name, int64_t def);
float attr_float(const Graph *g, const Node *n, const char *name, float def);
const char *attr_str(const Graph *g, const Node *n, const char *name, const char *def);
/* ints attribute: returns count (or -1 if absent) and sets *v. */
int attr_ints(const Graph *g, const Node *n, const char *name, const int64_t **v);
/* Every value of ints attribute name is want (true when it is absent). */
bool attr_ints_all(const Graph *g, const Node *n, const char *name, int64_t want);
/* No padding: pads all 0 (or absent) and auto_pad NOTSET or VALID. */
bool attr_unpadded(const Graph *g, const Node *n);
/* strings attribute: returns count (or -1 if absent) and sets *v. */
int attr_strs(const Graph *g, const Node *n, const char *name, char *const **v);
/* Read a constant integer tensor input (Reshape shape, Pad pads, ...):
 * returns element count, fills out[] up to cap; fatal if not constant. */
int const_ints(const Graph *g, const Node *n, int value, int64_t *out, int cap);
/* Read a constant scalar float input (Clip min/max); returns false if absent. */
bool const_float(const Graph *g, const Node *n, int value, float *out);
/* For passes matching patterns, never fatal: whether value is a float32
 * constant of one element (any rank), its value in *out; whether it is one
 * within float rounding (2^-22 relative) of want. */
bool scalar_const(const Graph *g, int value, float *out);
bool scalar_const_is(const Graph *g, int value, double want);
/* The live node that alone reads value (one use, not a graph output): a
 * node whose output a pass may fold into another, or NULL. */
Node *sole_reader(Graph *g, int value);

_Noreturn void fatal_node(const Graph *g, const Node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- wire.c: bounded protobuf pre-scan ------------------------------------ */

/* NULL if buf is wire format protobuf-c can unpack safely as the message of
 * `descriptor` (a ProtobufCMessageDescriptor), else the reason.  Sets
 * *unpacked_bytes to an upper estimate of the memory unpacking it and
 * building the IR from it takes. */
const char *wire_check(const uint8_t *buf, size_t len, const void *descriptor, uint64_t *unpacked_bytes);

/* ---- load.c: ONNX file -> IR ------------------------------------------- */

/* Loads, checks every structural property design §6 lists, topologically
 * sorts the nodes.  Errors are fatal. */
Graph *load_model(const char *path);
/* Kahn's order of the nodes (graph_link'ed first) into order[]; returns
 * how many were placed (fewer than nnodes: the rest lie on or after a cycle). */
int topo_order(Graph *g, int *order);
/* Frees what the loader allocated outside the arena (called by graph_free). */
void load_release(Graph *g);

/* ---- legacy.c: operator forms of opsets 1 to 6 ---------------------------- */

/* Rewrites every node of a model of opset < 7 into its opset 7 form with
 * the same meaning (the contract at the top of legacy.c lists the forms)
 * and sets g->opset to 7; refuses, naming the node, old forms it cannot
 * express.  Nothing for newer models.  load_model() calls it once every
 * node is read, before sorting. */
void upgrade_legacy(Graph *g);
/* Widens the table's input count range of op to its old form's in the
 * model's opset (Tile before opset 6 takes 3 inputs); load.c's arity check. */
void legacy_arity(const Graph *g, Op op, int *min_in, int *max_in);

/* ---- inline_functions.c: ONNX local functions -------------------------- */

/* The graph's nodes with every call of a local function (ModelProto.functions)
 * replaced by the function's nodes, renamed for the call (arena memory);
 * the graph's own node array when the model has no functions. */
struct Onnx__ModelProto;
struct Onnx__NodeProto;
const struct Onnx__NodeProto *const *inline_functions(Graph *g, const struct Onnx__ModelProto *m, size_t *n);

/* ---- shapes.c: --shape / config overrides ------------------------------- */

typedef struct {
    char *input;   /* graph input name */
    int rank;
    int64_t dims[MAX_RANK];
} ShapeSpec;
/* Parses "NAME=1,3,224,224"; returns false with a reason on error. */
bool parse_shape_spec(Arena *a, const char *arg, ShapeSpec *out, const char **why);
void apply_shapes(Graph *g, const ShapeSpec *specs, int nspecs);

/* ---- verify.c ----------------------------------------------------------- */

/* Structural invariants: indices in range, single producer, producer/uses
 * consistent, nodes in topological order, arity per op table.  A violation
 * in a freshly loaded graph is a user error; after a pass it is a bug. */
void verify_graph(const Graph *g);

/* ---- infer.c: shape inference ------------------------------------------- */

/* Fills dtype/rank/dims of every value; fatal with node name and reason on
 * any inconsistency, and names input and axis if a dim stays unknown.
 * Shape computations on constants are evaluated and their nodes dropped. */
void infer_shapes(Graph *g);
/* Read by the emitter too, on an inferred node: Transpose's perm (default
 * reversed); Split's axis (returned) and part sizes, one per output;
 * ReduceMean's reduced axes, reduced[a] for a < rank. */
void transpose_perm(const Graph *g, const Node *n, int rank, int64_t *perm);
int split_parts(const Graph *g, const Node *n, int64_t *sizes);
void reduce_axes(const Graph *g, const Node *n, int rank, bool *reduced);
/* Normalizes axes[0..na) against rank in place; fatal on a repeat. */
void norm_axes(const Graph *g, const Node *n, int64_t *axes, int na, int rank);
/* Marks in sel[0..rank) the axes axes[0..na) (normalized against rank);
 * fatal on a repeat. */
void mark_axes(const Graph *g, const Node *n, const int64_t *axes, int na, int rank, bool *sel);
/* Unsqueeze's output dims: x's with a 1 at each of axes[0..na) (na < 0:
 * none given, fatal); returns the rank. */
int unsqueeze_dims(const Graph *g, const Node *n, const Value *x, const int64_t *axes, int na, int64_t *od);
/* A reduction's output dims: x's without the axes with reduced[a], or with
 * them as 1 under keepdims (default 1); returns the rank. */
int reduced_dims(const Graph *g, const Node *n, const Value *x, const bool *reduced, int64_t *od);
/* Concat's output dims along axis: x0's (input 0), with the other inputs'
 * extents along axis added; each must have x0's type, rank and other dims. */
void concat_dims(const Graph *g, const Node *n, const Value *x0, int axis, int64_t *od);
/* Reshape's output dims for input x from its constant shape input (0 copies
 * x's dim unless allowzero, one -1 is inferred); returns the rank. */
int reshape_dims(const Graph *g, const Node *n, const Value *x, int64_t *od);
/* Gather's output dims: x's with axis replaced by the dims of the indices
 * iv (fatal over MAX_RANK); returns the rank. */
int gather_dims(const Graph *g, const Node *n, const Value *x, const Value *iv, int axis, int64_t *od);
/* Helpers for the op families' inference (compiler/ops/): */
/* "[1,3,224,224]" for a message (a static rotating buffer). */
const char *dims_str(const int64_t *d, int n);
/* The name of v made printable, for messages. */
const char *vname(const Value *v);
/* Whether input k of n is present (not omitted). */
bool has_in(const Node *n, int k);
/* Input k, which must be present and already shaped (fatal otherwise). */
const Value *in_val(const Graph *g, const Node *n, int k);
/* Sets output k (if the node has it) to dtype and shape; refuses empty
 * tensors and tensors over MAX_ELEMS. */
void set_out(Graph *g, const Node *n, int k, int dtype, int rank, const int64_t *dims);
/* An axis in [-rank, rank-1] (or up to rank if end_ok), made non-negative. */
int norm_axis(const Graph *g, const Node *n, int64_t axis, int rank, bool end_ok);
/* Ints attribute `name`: exactly `count` values in [min, INT32_MAX] (strides,
 * pads, dilations, kernel sizes); all `def` when absent. */
void ints_attr(const Graph *g, const Node *n, const char *name, int count, int64_t def, int64_t min,
               int64_t *out);
/* numpy broadcasting of a and b into od; returns the rank. */
int broadcast_dims(const Graph *g, const Node *n, const Value *a, const Value *b, int64_t *od);
/* Sliding-window output size along each spatial axis of x (Conv, pools)
 * from kernel[] and the strides/dilations/pads/auto_pad attributes. */
void window_out(const Graph *g, const Node *n, const Value *x, const int64_t *kernel, bool ceil_mode,
                int64_t *out);
/* MaxPool's and AveragePool's output dims for x (N x C x D1 x ...) from
 * kernel_shape, ceil_mode and the window attributes. */
void pool_dims(const Graph *g, const Node *n, const Value *x, int64_t *od);
/* The float32-only inference of the core ops (ops.h's `core` family, and
 * the float32 forms of ops a family took over). */
void infer_core(Graph *g, Node *n);
/* Slice: first element, step and count along every axis of the input;
 * Gather: index i of the constant indices, checked and made non-negative. */
void slice_params(const Graph *g, const Node *n, int64_t *start, int64_t *step, int64_t *count);
int64_t gather_index(const Graph *g, const Node *n, int64_t i);

/* ---- fold.c: shape computations evaluated at compile time ----------------- */

/* Outputs of at most this many elements are folded. */
#define MAX_FOLD_ELEMS 4096
/* Evaluates node n (inputs inferred) if it is a shape computation: its op
 * one fold.c evaluates (found by op_type, whatever its family), every
 * input a constant (Shape, Size: any input), its output small and not a
 * graph output (Shape, Size: any).  Its output becomes a constant and n is
 * marked dead; returns whether it did.  Errors (overflow, bad attributes)
 * are fatal, naming the node. */
bool fold_node(Graph *g, Node *n);

/* ---- passes.c: the optimization pipeline ---------------------------------- */

typedef struct {
    const char *name;
    const char *what;                 /* one line for --help and the report */
    int (*run)(Graph *g);             /* returns how many rewrites it made */
} Pass;
extern const Pass passes[];
extern const int npasses;
/* Runs every pass whose enabled[i] is set, in order, verifying after each;
 * records changes[i] (rewrites) for the report. */
void run_passes(Graph *g, const bool *enabled, int *changes);
int pass_index(const char *name); /* -1 if unknown */

int cleanup(Graph *g);        /* cleanup.c */
int fuse_pad(Graph *g);       /* fuse_pad.c */
int fold_bn(Graph *g);        /* fold_bn.c */
int fuse_qconv(Graph *g);     /* fuse_qconv.c */
int fuse_qpreact(Graph *g);   /* fuse_qpreact.c */
int fuse_qconcat(Graph *g);   /* fuse_qconcat.c */
int fuse_qadd(Graph *g);      /* fuse_qadd.c */
int fuse_qgemm(Graph *g);     /* fuse_qgemm.c */
int fuse_qpool(Graph *g);     /* fuse_qpool.c */
int fuse_qrequant(Graph *g);  /* fuse_qrequant.c */
int fold_dq(Graph *g);        /* fold_dq.c */
int fuse_act(Graph *g);       /* fuse_act.c */
/* fuse_act.c: act's kind (ACT_*) and parameters when it is a float32
 * activation another node can apply as an epilogue or onnxcc_f32_act can
 * run: Relu, Clip (with constant bounds), LeakyRelu, Sigmoid (SiLU when
 * fuse_gate made it one), HardSigmoid, HardSwish, Tanh, Exp, Erf (GELU
 * when fuse_gate made it one). */
bool act_params(const Graph *g, const Node *act, int *kind, float *a, float *b);
int fuse_gate(Graph *g);      /* fuse_gate.c */
int fuse_layernorm(Graph *g); /* fuse_layernorm.c */
int fuse_add(Graph *g);       /* fuse_add.c */
int fuse_scale(Graph *g);     /* fuse_scale.c */
int fuse_matmul_bias(Graph *g); /* fuse_matmul_bias.c */
int fuse_preact(Graph *g);    /* fuse_preact.c */
int commute_pool(Graph *g);   /* commute_pool.c */
int slice_concats(Graph *g);  /* slice_concats.c */
/* Whether every reader of v can read it as a channel slice of a bigger
 * buffer (with batch > 1 that takes an image stride). */
bool slice_readers_ok(const Graph *g, const Value *v);
int merge_convs(Graph *g);    /* merge_convs.c */
/* Bytes of Concat outputs still written by copying (not elided). */
int64_t concat_copy_bytes(const Graph *g);

/* ---- plan.c: static memory plan ------------------------------------------ */

#define WS_ALIGN 64
/* Places every intermediate (not input, output or constant) at a 64-byte
 * aligned offset of one workspace; values live at the same time never
 * overlap.  Sets Value.offset, g->arena_bytes, g->naive_bytes. */
void plan_memory(Graph *g);
/* Checks the plan: aborts if two simultaneously live buffers overlap. */
void verify_plan(const Graph *g);
/* The planner's own view of the plan (for svg.c): one entry per workspace
 * buffer (values with an offset; slices live inside their base's), in value
 * order.  `out` has room for g->nvalues entries; returns the count. */
typedef struct {
    int value;
    int first, last; /* live range: node indices, inclusive; a base buffer's
                      * is widened by the slices inside it */
    int64_t bytes;   /* rounded up to WS_ALIGN */
} PlanBuf;
int plan_buffers(const Graph *g, PlanBuf *out);
/* A value's own live range: its producer to its last reader. */
void plan_live_range(const Graph *g, int value, int *first, int *last);

/* ---- report.c / dump.c: YAML output via libyaml -------------------------- */

int64_t node_macs(const Graph *g, const Node *n);
int64_t graph_macs(const Graph *g); /* sum over nodes; -1 if any is unknown */
int64_t graph_params(const Graph *g);
void write_report(const Graph *g, FILE *f);
/* `--report=table`: one aligned text line per node (after plan_memory). */
void write_report_table(const Graph *g, FILE *f);
void dump_ir(const Graph *g, const char *stage, FILE *f);

/* ---- config.c: YAML config file ------------------------------------------ */

/* `weights:` / --weights, `isa:` / --isa and `weights_layout:` /
 * --weights-layout; the names are indexed by the enums (0: not given).  An
 * ISA_* value minus ISA_AUTO is the cap the generated code hands the runtime
 * (OnnxccConv2dParams.isa_cap); LAYOUT_COMPACT sets its compact_weights. */
enum { WEIGHTS_UNSET, WEIGHTS_EMBEDDED, WEIGHTS_FILE, WEIGHTS_COUNT };
enum { ISA_UNSET, ISA_AUTO, ISA_SCALAR, ISA_AVX2, ISA_AVX512, ISA_COUNT };
enum { LAYOUT_UNSET, LAYOUT_FAST, LAYOUT_COMPACT, LAYOUT_COUNT };
extern const char *const weights_names[WEIGHTS_COUNT];
extern const char *const isa_names[ISA_COUNT];
extern const char *const layout_names[LAYOUT_COUNT];
/* Index of s in names[1..n), or -1. */
int name_index(const char *const *names, int n, const char *s);

typedef struct {
    const char *output;        /* graph output name */
    double tolerance;
    int line, col;             /* where the config names it, for messages */
} OutputTolerance;

typedef struct {
    const char *name;          /* model name, or NULL */
    ShapeSpec *shapes;
    int nshapes;
    signed char *passes;       /* per pass in passes[]: 1 on, 0 off, -1 not
                                * named; NULL without a passes: key */
    int weights;               /* WEIGHTS_*; WEIGHTS_UNSET without the key */
    int isa;                   /* ISA_*; ISA_UNSET without the key */
    int weights_layout;        /* LAYOUT_*; LAYOUT_UNSET without the key */
    bool has_tolerance;        /* compare: tolerance: */
    double tolerance;          /* max error relative to max |reference| */
    OutputTolerance *tols;     /* compare: outputs: */
    int ntols;
} Config;
/* Parses a config file; errors name file, line and column. */
void load_config(Arena *a, const char *path, Config *cfg);

/* ---- emit.c: C backend --------------------------------------------------- */

/* Writes OUTDIR/NAME.c and OUTDIR/NAME.h for an inferred graph. */
void emit_c(const Graph *g, const char *outdir, const char *name);
/* Bytes of scratch the fast kernels need, placed after the planned tensors
 * (64-byte multiple; the workspace is arena_bytes rounded up plus this). */
int64_t kernel_scratch_bytes(const Graph *g);
/* Bytes of constant data emit_c puts in the generated object: every weight
 * the code reads and every prepacked copy, laid out as the emitter lays them
 * out (with --weights=file: the size of NAME.c.weights).  Runs the lowering
 * without writing files; -1 if the backend cannot lower the graph. */
int64_t emitted_weights_bytes(const Graph *g);

/* Helpers for the op families' lowerings (compiler/ops/).  An Emitter
 * writes one model; a lowering writes C statements for its node into f. */
typedef struct Emitter Emitter;
const Graph *emit_graph(const Emitter *e);
/* The C expression of value vi as a pointer to its elements, typed by its
 * dtype (ctype()): `((const int64_t *)inputs[0])`, `((float *)(ws + 64))`,
 * a weight; marks constants as used. */
const char *emit_ref(Emitter *e, const Node *n, int vi);
/* An exact C literal for a float / double (NaN and infinities included). */
const char *emit_flit(Emitter *e, float f);
/* "ONNXCC_ACT_SILU" for ACT_SILU, ... */
const char *emit_act_enum(Emitter *e, int kind);
/* y = act(x) over n's dense float32 input 0 and output 0 (onnxcc_f32_act). */
void emit_act(Emitter *e, const Node *n, FILE *f, int kind, float a, float b);
const char *emit_dlit(Emitter *e, double d);
/* Spatial pads [begin..., end...] of a Conv or pool (x in, y out) with
 * auto_pad resolved. */
void window_pads(const Graph *g, const Node *n, const Value *x, const Value *y, const int64_t *kernel,
                 int64_t *pads);
/* ops/nn.c: whether Einsum n is one batched float32 matrix product: two
 * inputs whose axes (size 1 left out) are batch, rows, summed for input 0,
 * batch, summed, columns (or batch, columns, summed: B transposed) for
 * input 1 and batch, rows, columns for the output, each group in the same
 * order in every term; fills mm = {M, K, N, batch, B transposed}. */
bool einsum_as_matmul(const Graph *g, const Node *n, int64_t mm[5]);
/* emit.c: onnxcc_f32_matmul for node n over its inputs 0, 1 and output 0,
 * dense, with mm as einsum_as_matmul fills it. */
void emit_matmul_call(Emitter *e, const Node *n, FILE *f, const int64_t mm[5]);
int isa_cap_of(const Graph *g);
/* Emits the float32 lowering of a core op (see infer_core). */
void lower_core(Emitter *e, const Node *n, FILE *f);

/* ---- ops/cgen.c: typed C for the families' reference kernels ------------- */

/* The C type holding one element of dt: "float", "double", "int64_t", ...;
 * "uint8_t" for bool (0 or 1), "uint16_t" for float16 and bfloat16 (their
 * bits).  NULL for types the backend cannot hold. */
const char *ctype(int dt);
/* The type arithmetic on dt happens in: float for float16/bfloat16, else ctype. */
const char *calc_type(int dt);
/* x (a stored element of dt) as its calc type, and back. */
const char *load_expr(Arena *a, int dt, const char *x);
const char *store_expr(Arena *a, int dt, const char *x);
/* x (a stored element of dt) as a double expression, and a double
 * expression x stored as dt (float16/bfloat16 through float; no rounding
 * or saturation beyond a C cast for integers). */
const char *load_as_double(Arena *a, int dt, const char *x);
const char *store_from_double(Arena *a, int dt, const char *x);
bool dtype_is_float(int dt);   /* f16, bf16, f32, f64 */
bool dtype_is_int(int dt);     /* signed and unsigned integers (not bool) */
bool dtype_is_signed(int dt);  /* signed integers and floats */
/* Dense row-major strides of v (elements). */
void dense_strides_of(const Value *v, int64_t *st);
/* Strides of v read as if broadcast to y's shape (0 on broadcast axes). */
void broadcast_strides(const Value *v, const Value *y, int64_t *st);
/* An element-wise map: writes a loop over every element of value y (dense)
 * storing `expr`, a C expression in y's calc type in which $0 .. $9 stand
 * for the elements (loaded to their calc types) of the values ops[0..nops-1],
 * each broadcast to y's shape (numpy rules). */
void emit_map(Emitter *e, const Node *n, FILE *f, int nops, const int *ops, int y, const char *expr);
/* The loop emit_map writes, in full: each iteration reads operand k (ops[k],
 * broadcast to y's shape) into `vk`, of its calc type when `as` is NULL, of
 * its stored type (bits unconverted) when `as` is EMIT_RAW, else converted
 * to the C type `as`; runs `body` (statements, or NULL) and stores `store`
 * (already of y's type) into y's element; in body and store, $k stands for
 * vk.  Axes of extent 1 are dropped and an axis is merged into the one
 * before it where every operand walks the two as one. */
extern const char EMIT_RAW[];
void emit_loop(Emitter *e, const Node *n, FILE *f, int nops, const int *ops, int y, const char *as, const char *body,
               const char *store);
/* Elements between images (axis 0) of v: 0 when v is dense, the image size
 * of its buffer when slice_concats made it a channel slice of one. */
int64_t emit_img_stride(const Graph *g, const Value *v);
/* A dense copy of value x into value y (same number of bytes). */
void emit_copy(Emitter *e, const Node *n, FILE *f, int x, int y);

/* ---- ops/FAMILY.c: one inference and one lowering per op family ----------- */
#define F(fam) void infer_##fam(Graph *g, Node *n); void lower_##fam(Emitter *e, const Node *n, FILE *f);
OP_FAMILIES(F)
#undef F

/* ---- svg.c: `onnxcc --report-svg FILE` ------------------------------------- */

/* Draws the memory plan (after plan_memory) as SVG into `path` ("-":
 * stdout): one rectangle per buffer over its live steps and bytes.  A
 * failure to write is a user error naming the file. */
void write_svg(const Graph *g, const char *path);

/* ---- compare.c: `onnxcc compare` ----------------------------------------- */

/* argv[0] is "compare"; returns the exit status. */
int compare_main(int argc, char **argv);

#endif
