/* legacy.c — operator forms of opsets 1 to 6 rewritten into their opset 7
 * equivalents, so that every later stage sees only forms of opset 7 or newer.
 *
 * Needs: the graph as load_model() builds it, before sorting: nodes in file
 * order with resolved inputs, Constant nodes already constants, graph
 * inputs with their declared ranks and dims; g->opset the model's default
 * opset.  Changes nothing when g->opset >= 7.  Otherwise each node keeps its
 * meaning and takes its opset 7 form:
 *   - 'consumed_inputs' (an in-place hint of opset 1) is dropped everywhere;
 *   - Add Sub Mul Div Pow And Or Xor Equal Greater Less: 'broadcast' and
 *     'axis' give way to numpy broadcasting.  With an axis, B (rank rb) lines
 *     up with A (rank ra) from that axis, so B gets ra - axis - rb trailing
 *     1 dims: a reshaped copy of a constant B, else a new Reshape node.
 *     Without broadcast the shapes must be equal, and with it B must fit A:
 *     checked here where both are graph inputs or constants (elsewhere
 *     numpy broadcasting, a superset, decides in shape inference);
 *   - Gemm: 'broadcast' dropped (C broadcasts by itself from opset 7);
 *   - PRelu: a slope [C] of an N x C x D1... input is per channel: [C,1,...];
 *   - BatchNormalization: is_test=1 dropped (is_test=0 is training: refused);
 *     Dropout: is_test=1 dropped (inference: the identity; is_test=0, the
 *     default, is training: refused unless the ratio is 0);
 *   - Reshape (< 5): the 'shape' attribute becomes a constant input;
 *   - Pad (1): 'paddings' is 'pads'; Concat (< 4): axis 1 made explicit;
 *   - Split (1): a constant second input becomes the 'split' attribute;
 *   - Tile (< 6): the scalar tiles and axis inputs become a repeats input;
 *   - Upsample (< 7): height_scale/width_scale become scales [1,1,h,w]
 *     (mode nearest; bilinear, Caffe2's align-corners kind, is refused);
 *   - Cast (< 6): 'to' by name becomes 'to' by number; LpPool and
 *     GlobalLpPool (1): the float p becomes an int;
 *   - Selu (< 6): opset 1's own alpha and gamma defaults made explicit;
 *   - Sum, Max, Min, Mean: inputs of one shape (checked as for Add);
 *   - RNN, GRU, LSTM: 'output_sequence' dropped (the outputs say it).
 * Ranks are what the rewrites need of shapes; they are followed from the
 * graph inputs through the nodes here (shape inference comes later).  Any
 * old form the opset 7 forms cannot express, or whose attributes disagree,
 * is refused with one line naming the node.  Then g->opset becomes 7: every
 * node is an opset 7 node now, and the later stages decide semantics and
 * what they accept by comparing g->opset with versions (Clip's attributes
 * before 11, the folder's first version of each op, ...), which must see
 * the version of the forms, not the file's (the report shows 7 too).  New
 * nodes and values are appended; the loader sorts the nodes afterwards. */
#include "onnxcc.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define LEGACY_BEFORE 7 /* the first opset whose forms the compiler reads */

typedef struct {
    Graph *g;
    int *rank; /* per value of the loaded graph: rank, -1 if unknown */
    int nrank;
} Legacy;

static bool is(const Node *n, const char *op_type)
{
    return strcmp(n->op_type, op_type) == 0;
}

static bool is_any(const Node *n, const char *const *ops)
{
    for (; *ops; ops++)
        if (is(n, *ops))
            return true;
    return false;
}

/* "opset 6 form of Add: " for messages. */
#define OLD "opset %lld form of %s: "
#define OLDA(g, n) (long long)(g)->opset, printable((n)->op_type)

/* ---- attributes ---------------------------------------------------------- */

static void drop_attr(Node *n, const char *name)
{
    for (int i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0) {
            memmove(&n->attrs[i], &n->attrs[i + 1], sizeof(Attr) * (size_t)(n->nattrs - i - 1));
            n->nattrs--;
            return;
        }
}

/* A new attribute `name` of `kind` (replacing one of that name); the caller
 * fills its value. */
static Attr *put_attr(Graph *g, Node *n, const char *name, int kind)
{
    drop_attr(n, name);
    Attr *a = arena_alloc(&g->arena, sizeof(Attr) * (size_t)(n->nattrs + 2));
    if (n->nattrs)
        memcpy(a, n->attrs, sizeof(Attr) * (size_t)n->nattrs);
    n->attrs = a;
    a = &n->attrs[n->nattrs++];
    memset(a, 0, sizeof *a);
    a->name = arena_strdup(&g->arena, name);
    a->kind = kind;
    a->tensor = -1;
    return a;
}

static void put_ints(Graph *g, Node *n, const char *name, const int64_t *v, int cnt)
{
    Attr *a = put_attr(g, n, name, ATTR_INTS);
    a->ints = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)(cnt + 1));
    memcpy(a->ints, v, sizeof(int64_t) * (size_t)cnt);
    a->n = cnt;
}

/* ---- values -------------------------------------------------------------- */

/* A new value named after node n ("<node>#<what>", unique). */
static int new_value(Graph *g, const Node *n, const char *what)
{
    char *vn = arena_printf(&g->arena, "%s#%s", n->name[0] ? n->name : n->op_type, what);
    while (graph_find_value(g, vn) >= 0)
        vn = arena_printf(&g->arena, "%s'", vn);
    return graph_add_value(g, vn);
}

/* A new constant of dtype and dims whose elements are at data (not copied:
 * constants are never written). */
static int new_const(Graph *g, const Node *n, const char *what, int dtype, int rank, const int64_t *dims,
                     const void *data)
{
    int vi = new_value(g, n, what);
    Value *v = &g->values[vi];
    v->dtype = dtype;
    v->rank = rank;
    int64_t numel = 1;
    for (int i = 0; i < rank; i++)
        numel *= v->dims[i] = dims[i];
    v->data = data;
    v->nbytes = numel * (int64_t)dtype_size(dtype);
    v->flags = V_CONST;
    return vi;
}

static int new_i64_const(Graph *g, const Node *n, const char *what, const int64_t *x, int cnt)
{
    int64_t *copy = arena_alloc(&g->arena, sizeof(int64_t) * (size_t)(cnt + 1));
    memcpy(copy, x, sizeof(int64_t) * (size_t)cnt);
    int64_t dim = cnt;
    return new_const(g, n, what, DT_I64, 1, &dim, copy);
}

/* Fully known dims (graph inputs and constants; node outputs get theirs
 * only in shape inference). */
static bool known_dims(const Graph *g, int vi)
{
    const Value *v = &g->values[vi];
    if (!(v->flags & (V_INPUT | V_CONST)) || v->rank < 0)
        return false;
    for (int i = 0; i < v->rank; i++)
        if (v->dims[i] < 0)
            return false;
    return true;
}

static bool same_dims(const Value *a, const Value *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 31, m = h & 1023;
    float f = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m | 1024), e - 25);
    return (h & 0x8000) ? -f : f;
}

/* The elements of constant input k of n as integers (old forms keep counts
 * and axes in float tensors too); each must be a whole number.  Returns the
 * count, at most cap. */
static int const_whole(const Graph *g, const Node *n, int k, const char *what, int64_t *out, int cap)
{
    const Value *v = &g->values[n->in[k]];
    if (!(v->flags & V_CONST))
        fatal_node(g, n, OLD "%s '%s' must be a constant", OLDA(g, n), what, vname(v));
    int64_t cnt = value_numel(v);
    if (cnt < 0 || cnt > cap)
        fatal_node(g, n, OLD "%s '%s' has %lld elements, at most %d supported", OLDA(g, n), what, vname(v),
                   (long long)cnt, cap);
    if (v->dtype == DT_I64 || v->dtype == DT_I32)
        return const_ints(g, n, n->in[k], out, cap);
    for (int64_t i = 0; i < cnt; i++) {
        double d;
        if (v->dtype == DT_F32) {
            float f;
            memcpy(&f, (const char *)v->data + 4 * i, 4);
            d = f;
        } else if (v->dtype == DT_F64) {
            memcpy(&d, (const char *)v->data + 8 * i, 8);
        } else if (v->dtype == DT_F16) {
            uint16_t h;
            memcpy(&h, (const char *)v->data + 2 * i, 2);
            d = half_to_float(h);
        } else {
            fatal_node(g, n, OLD "%s '%s' has type %s; expected a number type", OLDA(g, n), what, vname(v),
                       dtype_name(v->dtype));
        }
        if (!(d == floor(d) && fabs(d) <= (double)INT32_MAX))
            fatal_node(g, n, OLD "%s '%s' holds %g, not a whole number", OLDA(g, n), what, vname(v), d);
        out[i] = (int64_t)d;
    }
    return (int)cnt;
}

/* ---- ranks --------------------------------------------------------------- */

/* Ops whose outputs have the rank of input 0 in every opset below 7. */
static const char *const same_rank[] = {
    "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Relu", "Sigmoid", "Tanh", "Elu",
    "Selu", "LeakyRelu", "PRelu", "HardSigmoid", "ThresholdedRelu", "Softplus", "Softsign", "Softmax",
    "LogSoftmax", "Hardmax", "Clip", "Not", "Cast", "Identity", "Dropout", "InstanceNormalization", "LRN",
    "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool",
    "GlobalLpPool", "Pad", "Transpose", "Tile", "Upsample", "Slice", "Split", "Concat", "DepthToSpace",
    "SpaceToDepth", "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less",
    "Sum", "Max", "Min", "Mean", "TopK", NULL,
};
static const char *const reductions[] = {
    "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", NULL,
};

static int rank_in(const Legacy *L, const Node *n, int k)
{
    return k < n->nin && n->in[k] >= 0 ? L->rank[n->in[k]] : -1;
}

/* The rank of output k of n (old form) from its inputs' ranks, or -1. */
static int out_rank(const Legacy *L, const Node *n, int k)
{
    const Graph *g = L->g;
    int r0 = rank_in(L, n, 0);
    const int64_t *v;
    if (is(n, "BatchNormalization"))
        return k == 0 ? r0 : 1;
    if (is_any(n, same_rank))
        return r0;
    if (is(n, "Flatten") || is(n, "Gemm"))
        return 2;
    if (is(n, "Shape"))
        return 1;
    if (is(n, "Size"))
        return 0;
    if (is(n, "MatMul")) {
        int r1 = rank_in(L, n, 1);
        if (r0 < 1 || r1 < 1)
            return -1;
        return r0 == 1 && r1 == 1 ? 0 : r0 == 1 ? r1 - 1 : r1 == 1 ? r0 - 1 : r0 > r1 ? r0 : r1;
    }
    if (is(n, "Reshape")) {
        int cnt = attr_ints(g, n, "shape", &v);
        if (cnt >= 0)
            return cnt;
        if (n->nin < 2 || n->in[1] < 0 || !(g->values[n->in[1]].flags & V_CONST))
            return -1;
        int64_t numel = value_numel(&g->values[n->in[1]]);
        return numel >= 0 && numel <= MAX_RANK ? (int)numel : -1;
    }
    if (is(n, "Squeeze") || is(n, "Unsqueeze")) {
        int cnt = attr_ints(g, n, "axes", &v);
        if (cnt < 0 || r0 < 0)
            return -1;
        return is(n, "Squeeze") ? r0 - cnt : r0 + cnt;
    }
    if (is_any(n, reductions)) {
        if (r0 < 0 || attr_int(g, n, "keepdims", 1))
            return r0;
        int cnt = attr_ints(g, n, "axes", &v);
        return cnt < 0 ? 0 : r0 - cnt;
    }
    if (is(n, "ArgMax") || is(n, "ArgMin"))
        return r0 < 0 || attr_int(g, n, "keepdims", 1) ? r0 : r0 - 1;
    if (is(n, "Gather")) {
        int r1 = rank_in(L, n, 1);
        return r0 < 1 || r1 < 0 ? -1 : r0 + r1 - 1;
    }
    if (is(n, "RNN") || is(n, "GRU") || is(n, "LSTM"))
        return k == 0 ? 4 : 3;
    return -1;
}

/* Ranks of every value: declared for inputs and constants, followed
 * through the nodes in a topological order (nodes on a cycle keep -1; the
 * loader's sort reports the cycle). */
static void follow_ranks(Legacy *L)
{
    Graph *g = L->g;
    int nn = g->nnodes;
    L->nrank = g->nvalues;
    L->rank = arena_alloc(&g->arena, sizeof(int) * (size_t)(L->nrank + 1));
    int *order = arena_alloc(&g->arena, sizeof(int) * (size_t)(nn + 1));
    int sorted = topo_order(g, order);
    for (int i = 0; i < L->nrank; i++)
        L->rank[i] = g->values[i].producer < 0 ? g->values[i].rank : -1;
    for (int t = 0; t < sorted; t++) {
        const Node *n = &g->nodes[order[t]];
        for (int k = 0; k < n->nout; k++) {
            if (n->out[k] < 0)
                continue;
            int r = out_rank(L, n, k);
            L->rank[n->out[k]] = r >= 0 && r <= MAX_RANK ? r : -1;
        }
    }
}

/* The rank of input k of node ni, which the rewrite cannot do without. */
static int need_rank(const Legacy *L, int ni, int k, const char *why)
{
    const Graph *g = L->g;
    const Node *n = &g->nodes[ni];
    if (k >= n->nin || n->in[k] < 0)
        fatal_node(g, n, OLD "input %d is missing", OLDA(g, n), k);
    int r = rank_in(L, n, k);
    if (r < 0)
        fatal_node(g, n, OLD "%s needs the rank of input '%s', which is not known before shape inference; "
                   "not supported", OLDA(g, n), why, vname(&g->values[n->in[k]]));
    return r;
}

/* Input k of node ni replaced by itself with `ones` trailing 1 dims: a
 * reshaped copy of a constant, else a new Reshape node (shape 0,..,0,1,..,1:
 * its own dims, then the ones). */
static void append_ones(Legacy *L, int ni, int k, int ones)
{
    Graph *g = L->g;
    int x = g->nodes[ni].in[k], r = L->rank[x];
    assert(r >= 0 && r + ones <= MAX_RANK);
    if (g->values[x].flags & V_CONST) {
        int64_t dims[MAX_RANK];
        memcpy(dims, g->values[x].dims, sizeof(int64_t) * (size_t)r);
        for (int i = 0; i < ones; i++)
            dims[r + i] = 1;
        const Value *xv = &g->values[x];
        int c = new_const(g, &g->nodes[ni], "aligned", xv->dtype, r + ones, dims, xv->data);
        g->nodes[ni].in[k] = c;
        return;
    }
    int64_t shape[MAX_RANK] = {0};
    for (int i = 0; i < ones; i++)
        shape[r + i] = 1;
    int sc = new_i64_const(g, &g->nodes[ni], "aligned_shape", shape, r + ones);
    int y = new_value(g, &g->nodes[ni], "aligned");
    const Node *n = &g->nodes[ni];
    const char *name = arena_printf(&g->arena, "%s#align", n->name[0] ? n->name : n->op_type);
    int ri = graph_add_node(g, OP_RESHAPE, "Reshape", name, 2, 1); /* may move g->nodes */
    g->nodes[ri].in[0] = x;
    g->nodes[ri].in[1] = sc;
    g->nodes[ri].out[0] = y;
    g->nodes[ni].in[k] = y;
}

/* ---- the rewrites ---------------------------------------------------------- */

static const char *const broadcast_ops[] = {
    "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less", NULL,
};

static bool bool_attr(const Graph *g, const Node *n, const char *name)
{
    int64_t b = attr_int(g, n, name, 0);
    if (b != 0 && b != 1)
        fatal_node(g, n, OLD "%s=%lld, expected 0 or 1", OLDA(g, n), name, (long long)b);
    return b != 0;
}

/* Add and the other binary ops: broadcast/axis → numpy broadcasting. */
static void upgrade_broadcast(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    if (n->nin != 2 || n->in[0] < 0 || n->in[1] < 0)
        return; /* arity: the loader's check */
    bool bc = bool_attr(g, n, "broadcast");
    const Attr *ax = node_attr(g, n, "axis");
    int64_t axis = attr_int(g, n, "axis", 0);
    int a = n->in[0], b = n->in[1];
    const Value *av = &g->values[a], *bv = &g->values[b];
    if (!bc) {
        if (ax)
            fatal_node(g, n, OLD "attribute 'axis' needs broadcast=1", OLDA(g, n));
        if (known_dims(g, a) && known_dims(g, b) && !same_dims(av, bv))
            fatal_node(g, n, OLD "inputs '%s' %s and '%s' %s differ in shape and broadcast is not set",
                       OLDA(g, n), vname(av), dims_str(av->dims, av->rank), vname(bv),
                       dims_str(bv->dims, bv->rank));
    } else {
        int ra = L->rank[a], rb = L->rank[b];
        if (ra >= 0 && rb > ra)
            fatal_node(g, n, OLD "B '%s' has rank %d, more than A's %d", OLDA(g, n), vname(bv), rb, ra);
        if (ax) {
            ra = need_rank(L, ni, 0, "broadcast with an axis");
            rb = need_rank(L, ni, 1, "broadcast with an axis");
            if (axis < 0)
                axis += ra;
            if (axis < 0 || axis > ra - rb)
                fatal_node(g, n, OLD "axis %lld does not fit B '%s' (rank %d) into A '%s' (rank %d)", OLDA(g, n),
                           (long long)ax->i, vname(bv), rb, vname(av), ra);
        } else if (ra >= 0 && rb >= 0) {
            axis = ra - rb; /* suffix */
        }
        if (known_dims(g, a) && known_dims(g, b) && value_numel(bv) != 1)
            for (int i = 0; i < rb; i++)
                if (bv->dims[i] != 1 && bv->dims[i] != av->dims[axis + i])
                    fatal_node(g, n, OLD "B '%s' %s does not broadcast to A '%s' %s from axis %lld", OLDA(g, n),
                               vname(bv), dims_str(bv->dims, rb), vname(av), dims_str(av->dims, ra),
                               (long long)axis);
        int ones = ax ? ra - (int)axis - rb : 0;
        if (ones > 0 && rb > 0 && !(known_dims(g, b) && value_numel(bv) == 1))
            append_ones(L, ni, 1, ones);
    }
    n = &g->nodes[ni];
    drop_attr(n, "broadcast");
    drop_attr(n, "axis");
}

static void upgrade_gemm(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    bool bc = bool_attr(g, n, "broadcast");
    if (!bc && n->nin == 3 && n->in[0] >= 0 && n->in[1] >= 0 && n->in[2] >= 0 && known_dims(g, n->in[0]) &&
        known_dims(g, n->in[1]) && known_dims(g, n->in[2])) {
        const Value *a = &g->values[n->in[0]], *b = &g->values[n->in[1]], *c = &g->values[n->in[2]];
        if (a->rank == 2 && b->rank == 2) {
            int64_t m = a->dims[attr_int(g, n, "transA", 0) != 0];
            int64_t nn = b->dims[attr_int(g, n, "transB", 0) == 0];
            if (c->rank != 2 || c->dims[0] != m || c->dims[1] != nn)
                fatal_node(g, n, OLD "C '%s' %s is not [%lld,%lld] and broadcast is not set", OLDA(g, n),
                           vname(c), dims_str(c->dims, c->rank), (long long)m, (long long)nn);
        }
    }
    drop_attr(n, "broadcast");
}

/* PRelu: a slope with more than one element is per channel (axis 1). */
static void upgrade_prelu(Legacy *L, int ni)
{
    Graph *g = L->g;
    const Node *n = &g->nodes[ni];
    if (n->nin != 2 || n->in[0] < 0 || n->in[1] < 0)
        return;
    int s = n->in[1];
    if (known_dims(g, s) && value_numel(&g->values[s]) == 1)
        return; /* shared by all channels: broadcasts as it is */
    int rs = need_rank(L, ni, 1, "a slope of more than one element");
    int rx = need_rank(L, ni, 0, "a slope of more than one element");
    if (rs != 1 || rx < 3)
        return; /* [C] against N x C, or already aligned: numpy broadcasting */
    int x = n->in[0];
    if (known_dims(g, x) && known_dims(g, s) && g->values[s].dims[0] != g->values[x].dims[1])
        fatal_node(g, n, OLD "slope '%s' %s has neither 1 element nor one per channel of '%s' %s", OLDA(g, n),
                   vname(&g->values[s]), dims_str(g->values[s].dims, 1), vname(&g->values[x]),
                   dims_str(g->values[x].dims, rx));
    append_ones(L, ni, 1, rx - 2);
}

static void upgrade_reshape(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    const int64_t *shape;
    int cnt = attr_ints(g, n, "shape", &shape);
    if (cnt < 0)
        return; /* the input form; infer.c needs the input */
    if (n->nin > 1 && n->in[1] >= 0)
        fatal_node(g, n, OLD "has both a 'shape' attribute and a shape input", OLDA(g, n));
    if (cnt > MAX_RANK)
        fatal_node(g, n, OLD "'shape' has %d dims, more than the supported %d", OLDA(g, n), cnt, MAX_RANK);
    int sc = new_i64_const(g, n, "shape", shape, cnt);
    n = &g->nodes[ni];
    int *in = arena_alloc(&g->arena, sizeof(int) * 2);
    in[0] = n->in[0];
    in[1] = sc;
    n->in = in;
    n->nin = 2;
    drop_attr(n, "shape");
}

static void upgrade_split(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    if (n->nin < 2 || n->in[1] < 0)
        return;
    if (node_attr(g, n, "split"))
        fatal_node(g, n, OLD "has both a 'split' attribute and a split input", OLDA(g, n));
    int64_t parts[4096];
    int cnt = const_whole(g, n, 1, "split", parts, 4096);
    put_ints(g, n, "split", parts, cnt);
    n->nin = 1;
}

static void upgrade_tile(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    if (n->nin != 3)
        return; /* the opset 6 form already */
    for (int k = 1; k < 3; k++)
        if (n->in[k] < 0)
            fatal_node(g, n, OLD "input %d (%s) is missing", OLDA(g, n), k, k == 1 ? "tiles" : "axis");
    int64_t tiles, axis;
    if (const_whole(g, n, 1, "tiles", &tiles, 1) != 1 || const_whole(g, n, 2, "axis", &axis, 1) != 1)
        fatal_node(g, n, OLD "tiles and axis must be scalars", OLDA(g, n));
    if (tiles < 1 || tiles > INT32_MAX)
        fatal_node(g, n, OLD "tiles is %lld; 1 to %d supported", OLDA(g, n), (long long)tiles, INT32_MAX);
    int r = need_rank(L, ni, 0, "tiles along an axis");
    if (axis < -r || axis >= r)
        fatal_node(g, n, OLD "axis %lld is out of range for rank %d", OLDA(g, n), (long long)axis, r);
    int64_t repeats[MAX_RANK];
    for (int i = 0; i < r; i++)
        repeats[i] = i == (axis < 0 ? axis + r : axis) ? tiles : 1;
    int rc = new_i64_const(g, n, "repeats", repeats, r);
    n = &g->nodes[ni];
    n->in[1] = rc;
    n->nin = 2;
}

static void upgrade_upsample(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    if (node_attr(g, n, "scales"))
        return; /* the opset 7 form already */
    if (!node_attr(g, n, "height_scale") || !node_attr(g, n, "width_scale"))
        fatal_node(g, n, OLD "attributes 'height_scale' and 'width_scale' are required", OLDA(g, n));
    float h = attr_float(g, n, "height_scale", 1), w = attr_float(g, n, "width_scale", 1);
    if (!(h >= 1 && w >= 1 && h <= 65536 && w <= 65536))
        fatal_node(g, n, OLD "height_scale %g and width_scale %g must be 1 to 65536", OLDA(g, n), (double)h,
                   (double)w);
    int r = rank_in(L, n, 0);
    if (r >= 0 && r != 4)
        fatal_node(g, n, OLD "input '%s' has rank %d; height_scale/width_scale need N x C x H x W", OLDA(g, n),
                   vname(&g->values[n->in[0]]), r);
    const char *mode = attr_str(g, n, "mode", "nearest");
    if (!strcmp(mode, "bilinear")) /* Caffe2's UpsampleBilinear: (in-1)/(out-1) */
        fatal_node(g, n, OLD "mode 'bilinear' interpolates with aligned corners, which opset 7's "
                   "linear mode does not; not supported", OLDA(g, n));
    if (strcmp(mode, "nearest"))
        fatal_node(g, n, OLD "mode '%s' is not nearest or bilinear", OLDA(g, n), printable(mode));
    Attr *a = put_attr(g, n, "scales", ATTR_FLOATS);
    a->floats = arena_alloc(&g->arena, sizeof(float) * 4);
    a->floats[0] = a->floats[1] = 1;
    a->floats[2] = h;
    a->floats[3] = w;
    a->n = 4;
    drop_attr(n, "height_scale");
    drop_attr(n, "width_scale");
}

static void upgrade_cast(Legacy *L, int ni)
{
    static const char *const names[] = {
        [DT_F32] = "FLOAT", [DT_U8] = "UINT8", [DT_I8] = "INT8", [DT_U16] = "UINT16", [DT_I16] = "INT16",
        [DT_I32] = "INT32", [DT_I64] = "INT64", [DT_STRING] = "STRING", [DT_BOOL] = "BOOL",
        [DT_F16] = "FLOAT16", [DT_F64] = "DOUBLE", [DT_U32] = "UINT32", [DT_U64] = "UINT64",
        [DT_C64] = "COMPLEX64", [DT_C128] = "COMPLEX128",
    };
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    const Attr *to = node_attr(g, n, "to");
    if (!to || to->kind != ATTR_STRING)
        return; /* the opset 6 form, or missing: infer's business */
    for (int dt = 1; dt < (int)(sizeof names / sizeof *names); dt++)
        if (names[dt] && strcasecmp(to->s, names[dt]) == 0) {
            put_attr(g, n, "to", ATTR_INT)->i = dt;
            return;
        }
    fatal_node(g, n, OLD "'to' is '%s', not a TensorProto data type name", OLDA(g, n), printable(to->s));
}

/* LpPool, GlobalLpPool (opset 1): p is a float. */
static void upgrade_lp(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    const Attr *p = node_attr(g, n, "p");
    if (!p || p->kind != ATTR_FLOAT)
        return;
    float f = p->f;
    if (!(f >= 1 && f <= 1024 && f == floorf(f)))
        fatal_node(g, n, OLD "p=%g; only whole numbers from 1 are supported", OLDA(g, n), (double)f);
    put_attr(g, n, "p", ATTR_INT)->i = (int64_t)f;
}

static void upgrade_node(Legacy *L, int ni)
{
    Graph *g = L->g;
    Node *n = &g->nodes[ni];
    int64_t opset = g->opset;
    drop_attr(n, "consumed_inputs");
    if (is_any(n, broadcast_ops)) {
        upgrade_broadcast(L, ni);
    } else if (is(n, "Gemm")) {
        upgrade_gemm(L, ni);
    } else if (is(n, "PRelu")) {
        upgrade_prelu(L, ni);
    } else if (is(n, "BatchNormalization")) {
        if (!bool_attr(g, n, "is_test"))
            fatal_node(g, n, OLD "is_test=0 is training mode; not supported (inference only)", OLDA(g, n));
        drop_attr(n, "is_test");
    } else if (is(n, "Dropout")) {
        /* is_test=0, the default, is training: random unless the ratio is 0 */
        if (!bool_attr(g, n, "is_test") && attr_float(g, n, "ratio", 0.5f) != 0.0f)
            fatal_node(g, n, OLD "is_test=0 is training mode (random); not supported (inference only)", OLDA(g, n));
        drop_attr(n, "is_test");
    } else if (is(n, "Reshape") && opset < 5) {
        upgrade_reshape(L, ni);
    } else if (is(n, "Pad") && opset < 2) {
        const Attr *p = node_attr(g, n, "paddings");
        if (p && node_attr(g, n, "pads"))
            fatal_node(g, n, OLD "has both 'paddings' and 'pads'", OLDA(g, n));
        if (p)
            ((Attr *)p)->name = arena_strdup(&g->arena, "pads");
    } else if (is(n, "Concat") && opset < 4) {
        if (!node_attr(g, n, "axis"))
            put_attr(g, n, "axis", ATTR_INT)->i = 1;
    } else if (is(n, "Split") && opset < 2) {
        upgrade_split(L, ni);
    } else if (is(n, "Tile") && opset < 6) {
        upgrade_tile(L, ni);
    } else if (is(n, "Upsample")) {
        upgrade_upsample(L, ni);
    } else if (is(n, "Cast") && opset < 6) {
        upgrade_cast(L, ni);
    } else if ((is(n, "LpPool") || is(n, "GlobalLpPool")) && opset < 2) {
        upgrade_lp(L, ni);
    } else if (is(n, "Selu") && opset < 6) {
        if (!node_attr(g, n, "alpha"))
            put_attr(g, n, "alpha", ATTR_FLOAT)->f = 1.6732f;
        if (!node_attr(g, n, "gamma"))
            put_attr(g, n, "gamma", ATTR_FLOAT)->f = 1.0507f;
    } else if (is(n, "Sum") || is(n, "Max") || is(n, "Min") || is(n, "Mean")) {
        for (int k = 1; k < n->nin; k++) { /* no broadcasting before opset 8 */
            if (n->in[0] < 0 || n->in[k] < 0 || !known_dims(g, n->in[0]) || !known_dims(g, n->in[k]))
                continue;
            const Value *a = &g->values[n->in[0]], *b = &g->values[n->in[k]];
            if (!same_dims(a, b))
                fatal_node(g, n, OLD "inputs '%s' %s and '%s' %s differ in shape", OLDA(g, n), vname(a),
                           dims_str(a->dims, a->rank), vname(b), dims_str(b->dims, b->rank));
        }
    } else if (is(n, "RNN") || is(n, "GRU") || is(n, "LSTM")) {
        drop_attr(n, "output_sequence");
    } else if (is(n, "MeanVarianceNormalization")) {
        fatal_node(g, n, OLD "the experimental MeanVarianceNormalization (across_channels, "
                   "normalize_variance) is not supported", OLDA(g, n));
    }
}

void upgrade_legacy(Graph *g)
{
    if (g->opset >= LEGACY_BEFORE)
        return;
    Legacy L = {.g = g};
    follow_ranks(&L);
    for (int ni = 0, nn = g->nnodes; ni < nn; ni++) /* not the Reshapes it adds */
        upgrade_node(&L, ni);
    g->opset = LEGACY_BEFORE;
}

void legacy_arity(const Graph *g, Op op, int *min_in, int *max_in)
{
    (void)min_in;
    if (g->opset < 6 && strcmp(op_info[op].name, "Tile") == 0)
        *max_in = 3; /* input, tiles, axis */
}
