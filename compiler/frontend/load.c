/* load.c — reads an ONNX file (untrusted) into the IR.
 *
 * Order: read the file whole; pre-scan the wire format (wire.c); unpack with
 * protobuf-c; check versions and opsets; turn initializers and Constant nodes
 * into V_CONST values (every storage form, external data confined to the
 * model's folder); graph inputs and outputs; nodes with their attributes;
 * resolve every node input; make the forms of opsets 1 to 6 opset 7 ones
 * (legacy.c); sort the nodes topologically.  Every size is
 * checked before anything is allocated from it: the file is refused if
 * unpacking it would take more than MAX_EXPANSION times its size (wire.c's
 * estimate), or if its nodes read far more constant bytes than it holds.  Constants point into the
 * unpacked ModelProto (kept until graph_free) to avoid a third copy of the
 * weights.  Assumes a little-endian host, as ONNX raw_data is little-endian. */
#include "onnxcc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx.pb-c.h"

#define MIN_IR_VERSION 3
#define MAX_IR_VERSION 10
#define MIN_OPSET 1 /* opsets 1 to 6: old forms made opset 7 ones (legacy.c) */
#define MAX_OPSET 18
#define MAX_FILE_BYTES ((int64_t)1 << 34)
/* A model may take at most MAX_EXPANSION times its size (plus a fixed
 * allowance for tiny models) once unpacked, as wire_check() estimates. */
#define MAX_EXPANSION 16
#define EXPANSION_SLACK ((uint64_t)64 << 20)
/* The bytes of constants all nodes read together (a weight read twice
 * counts twice), at most MAX_WEIGHT_READS times the file plus a little. */
#define MAX_WEIGHT_READS 4
#define WEIGHT_READS_SLACK ((uint64_t)16 << 20)

typedef struct {
    Graph *g;
    Onnx__ModelProto *model;
    char *dir;      /* canonical folder of the model, for external data */
    void **extbufs; /* external-data buffers, freed with the graph */
    int nextbufs, capext;
    uint64_t ext_bytes; /* their total size: part of the model's size */
} Loader;

/* Reads a whole regular file; NULL with errno-based reason on failure. */
static uint8_t *read_file(const char *path, size_t *len, int64_t max)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        fatal("cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        fatal("not a regular file");
    }
    if (st.st_size > max) {
        close(fd);
        fatal("file is too large (%lld bytes)", (long long)st.st_size);
    }
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        fatal("out of memory reading the file");
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return buf;
}

/* ---- tensors ----------------------------------------------------------- */

static bool storable_dtype(int dt)
{
    return dtype_size(dt) != 0;
}

/* Looks up a key of external_data; NULL if absent. */
static const char *ext_key(const Onnx__TensorProto *t, const char *key)
{
    for (size_t i = 0; i < t->n_external_data; i++)
        if (t->external_data[i]->key && strcmp(t->external_data[i]->key, key) == 0)
            return t->external_data[i]->value ? t->external_data[i]->value : "";
    return NULL;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* Reads external data of tensor `t` (name for messages), `nbytes` long.
 * Only a relative path to a regular, singly linked file inside the model's
 * folder is accepted, and offset/length must lie inside that file. */
static const void *load_external(Loader *L, const Onnx__TensorProto *t, const char *name, int64_t nbytes)
{
    const char *tn = printable(name);
    if (t->n_external_data > 4) /* at most the four known keys, once each */
        fatal("tensor '%s': %zu external_data entries; at most location, offset, length and checksum",
              tn, t->n_external_data);
    for (size_t i = 0; i < t->n_external_data; i++) {
        const char *k = t->external_data[i]->key ? t->external_data[i]->key : "";
        if (strcmp(k, "location") && strcmp(k, "offset") && strcmp(k, "length") && strcmp(k, "checksum"))
            fatal("tensor '%s': unknown external_data key '%s'", tn, printable(k));
        for (size_t j = 0; j < i; j++)
            if (t->external_data[j]->key && strcmp(t->external_data[j]->key, k) == 0)
                fatal("tensor '%s': external_data key '%s' appears twice", tn, k);
    }
    const char *loc = ext_key(t, "location");
    if (!loc || !*loc)
        fatal("tensor '%s': external data has no location", tn);
    if (loc[0] == '/')
        fatal("tensor '%s': external data path '%s' is absolute; it must be inside the model's folder", tn, printable(loc));
    for (const char *p = loc; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            fatal("tensor '%s': external data path '%s' leaves the model's folder", tn, printable(loc));
        p += n + (e ? 1 : 0);
    }
    char *full = arena_printf(&L->g->arena, "%s/%s", L->dir, loc);
    struct stat lst;
    if (lstat(full, &lst) != 0)
        fatal("tensor '%s': external data file '%s': %s", tn, printable(loc), strerror(errno));
    if (S_ISLNK(lst.st_mode))
        fatal("tensor '%s': external data file '%s' is a symbolic link; it must be inside the model's folder", tn, printable(loc));
    if (!S_ISREG(lst.st_mode))
        fatal("tensor '%s': external data file '%s' is not a regular file", tn, printable(loc));
    if (lst.st_nlink != 1)
        fatal("tensor '%s': external data file '%s' has several hard links; refused", tn, printable(loc));
    char real[PATH_MAX];
    if (!realpath(full, real))
        fatal("tensor '%s': external data file '%s': %s", tn, printable(loc), strerror(errno));
    size_t dl = strlen(L->dir);
    if (strncmp(real, L->dir, dl) != 0 || real[dl] != '/')
        fatal("tensor '%s': external data path '%s' leaves the model's folder", tn, printable(loc));

    uint64_t off = 0, length = (uint64_t)nbytes;
    const char *s;
    if ((s = ext_key(t, "offset")) && !parse_u64(s, &off))
        fatal("tensor '%s': external data offset '%s' is not a number", tn, printable(s));
    if ((s = ext_key(t, "length")) && !parse_u64(s, &length))
        fatal("tensor '%s': external data length '%s' is not a number", tn, printable(s));
    if (length != (uint64_t)nbytes)
        fatal("tensor '%s': external data length %llu does not match its %lld bytes of dims x dtype",
              tn, (unsigned long long)length, (long long)nbytes);
    if (off > (uint64_t)lst.st_size || length > (uint64_t)lst.st_size - off)
        fatal("tensor '%s': external data offset %llu + length %llu is beyond the end of '%s' (%lld bytes)",
              tn, (unsigned long long)off, (unsigned long long)length, printable(loc), (long long)lst.st_size);

    int fd = open(real, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        fatal("tensor '%s': cannot open external data '%s': %s", tn, printable(loc), strerror(errno));
    uint8_t *buf = malloc(length ? (size_t)length : 1);
    if (!buf)
        fatal("tensor '%s': out of memory for external data", tn);
    size_t got = 0;
    while (got < length) {
        ssize_t r = pread(fd, buf + got, (size_t)(length - got), (off_t)(off + got));
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != length) {
        free(buf);
        fatal("tensor '%s': short read of external data '%s'", tn, printable(loc));
    }
    if (L->nextbufs == L->capext) {
        int cap = L->capext ? 2 * L->capext : 16;
        void **nb = arena_alloc(&L->g->arena, sizeof(void *) * (size_t)cap);
        if (L->extbufs)
            memcpy(nb, L->extbufs, sizeof(void *) * (size_t)L->nextbufs);
        L->extbufs = nb;
        L->capext = cap;
    }
    L->extbufs[L->nextbufs++] = buf;
    L->ext_bytes += length;
    return buf;
}

/* Turns a TensorProto into the constant value `vi`: dims, dtype and data in
 * one little-endian array of numel elements. */
static void load_tensor(Loader *L, const Onnx__TensorProto *t, int vi)
{
    Graph *g = L->g;
    Value *v = &g->values[vi];
    const char *tn = printable(v->name);
    if (t->n_dims > MAX_RANK)
        fatal("tensor '%s': rank %zu exceeds the supported %d", tn, t->n_dims, MAX_RANK);
    int64_t numel = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0)
            fatal("tensor '%s': negative dim %lld at axis %zu", tn, (long long)t->dims[i], i);
        numel = mul_ck(numel, t->dims[i]);
        if (numel < 0 || numel > MAX_ELEMS)
            fatal("tensor '%s': element count overflows (dims too large)", tn);
        v->dims[i] = t->dims[i];
    }
    v->rank = (int)t->n_dims;
    int dt = t->data_type;
    if (!storable_dtype(dt))
        fatal("tensor '%s': unsupported data type %s (%d)", tn, dtype_name(dt), dt);
    v->dtype = dt;
    v->flags |= V_CONST;
    size_t es = dtype_size(dt);
    int64_t nbytes = mul_ck(numel, (int64_t)es);
    v->nbytes = nbytes;
    if (t->segment)
        fatal("tensor '%s': segmented tensors are not supported", tn);

    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        v->data = load_external(L, t, v->name, nbytes);
        return;
    }
    if (t->n_external_data)
        fatal("tensor '%s': has external_data but data_location is not EXTERNAL", tn);
    if (t->has_raw_data) {
        if ((int64_t)t->raw_data.len != nbytes)
            fatal("tensor '%s': raw_data has %zu bytes but dims x %s need %lld", tn,
                  t->raw_data.len, dtype_name(dt), (long long)nbytes);
        v->data = t->raw_data.data;
        return;
    }
    /* Typed storage: which repeated field holds this dtype (onnx.proto). */
    size_t have = 0;
    switch (dt) {
    case DT_F32: have = t->n_float_data; break;
    case DT_I64: have = t->n_int64_data; break;
    case DT_F64: have = t->n_double_data; break;
    case DT_U32: case DT_U64: have = t->n_uint64_data; break;
    default: have = t->n_int32_data; break; /* int32 and narrower, f16, bf16, bool */
    }
    if ((int64_t)have != numel)
        fatal("tensor '%s': has %zu data elements but dims need %lld", tn, have, (long long)numel);
    if (dt == DT_F32) { v->data = t->float_data; return; }
    if (dt == DT_I64) { v->data = t->int64_data; return; }
    if (dt == DT_F64) { v->data = t->double_data; return; }
    if (dt == DT_U64) { v->data = t->uint64_data; return; }
    if (dt == DT_I32) { v->data = t->int32_data; return; }
    uint8_t *out = arena_alloc(&g->arena, (size_t)nbytes + 1);
    for (int64_t i = 0; i < numel; i++) {
        if (dt == DT_U32) {
            uint32_t x = (uint32_t)t->uint64_data[i];
            memcpy(out + 4 * i, &x, 4);
        } else if (es == 2) {
            uint16_t x = (uint16_t)t->int32_data[i];
            memcpy(out + 2 * i, &x, 2);
        } else {
            out[i] = (uint8_t)t->int32_data[i];
        }
    }
    v->data = out;
}

/* ---- values ------------------------------------------------------------ */

static int new_named_value(Loader *L, const char *name, const char *what)
{
    if (!name || !*name)
        fatal("%s has an empty name", what);
    if (graph_find_value(L->g, name) >= 0)
        fatal("duplicate tensor name '%s' (%s)", printable(name), what);
    return graph_add_value(L->g, name);
}

static void load_value_info(Loader *L, const Onnx__ValueInfoProto *vi, int idx, const char *what)
{
    Value *v = &L->g->values[idx];
    const char *vn = printable(v->name);
    const Onnx__TypeProto *tp = vi->type;
    if (!tp)
        fatal("%s '%s' has no type", what, vn);
    if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        fatal("%s '%s' is not a tensor (sequence, map and optional types are not supported)", what, vn);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    int dt = tt->elem_type;
    if (!storable_dtype(dt)) /* infer.c decides which types an op accepts */
        fatal("%s '%s' has unsupported data type %s (%d)", what, vn, dtype_name(dt), dt);
    v->dtype = dt;
    if (!tt->shape) {
        v->rank = -1;
        return;
    }
    if (tt->shape->n_dim > MAX_RANK)
        fatal("%s '%s' has rank %zu, more than the supported %d", what, vn, tt->shape->n_dim, MAX_RANK);
    v->rank = (int)tt->shape->n_dim;
    int64_t numel = 1;
    for (int i = 0; i < v->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        v->dims[i] = -1;
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (d->dim_value < 0)
                fatal("%s '%s' has negative dim %lld at axis %d", what, vn, (long long)d->dim_value, i);
            if (d->dim_value == 0)
                fatal("%s '%s' has a zero dim at axis %d", what, vn, i);
            v->dims[i] = d->dim_value;
            numel = mul_ck(numel, d->dim_value);
            if (numel < 0 || numel > MAX_ELEMS)
                fatal("%s '%s': element count overflows (dims too large)", what, vn);
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param) {
            v->dim_param[i] = arena_strdup(&L->g->arena, d->dim_param);
        }
    }
}

/* ---- nodes ------------------------------------------------------------- */

static void load_attrs(Loader *L, const Onnx__NodeProto *np, Node *n)
{
    Graph *g = L->g;
    if (np->n_attribute > 4096)
        fatal_node(g, n, "too many attributes (%zu)", np->n_attribute);
    n->nattrs = (int)np->n_attribute;
    n->attrs = arena_alloc(&g->arena, sizeof(Attr) * (np->n_attribute + 1));
    for (size_t i = 0; i < np->n_attribute; i++) {
        const Onnx__AttributeProto *ap = np->attribute[i];
        Attr *a = &n->attrs[i];
        if (!ap->name || !*ap->name)
            fatal_node(g, n, "attribute %zu has no name", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(n->attrs[j].name, ap->name) == 0)
                fatal_node(g, n, "attribute '%s' appears twice", printable(ap->name));
        a->name = arena_strdup(&g->arena, ap->name);
        a->tensor = -1;
        int kind = ap->has_type ? (int)ap->type : 0;
        if (kind == 0) { /* very old files: infer the kind from what is set */
            if (ap->has_f) kind = ATTR_FLOAT;
            else if (ap->has_i) kind = ATTR_INT;
            else if (ap->has_s) kind = ATTR_STRING;
            else if (ap->t) kind = ATTR_TENSOR;
            else if (ap->g) kind = ATTR_GRAPH;
            else if (ap->n_floats) kind = ATTR_FLOATS;
            else if (ap->n_ints) kind = ATTR_INTS;
            else if (ap->n_strings) kind = ATTR_STRINGS;
        }
        a->kind = kind;
        switch (kind) {
        case ATTR_FLOAT: a->f = ap->f; break;
        case ATTR_INT: a->i = ap->i; break;
        case ATTR_STRING: {
            if (ap->s.len && memchr(ap->s.data, 0, ap->s.len))
                fatal_node(g, n, "attribute '%s' contains a NUL byte", printable(a->name));
            a->s = arena_alloc(&g->arena, ap->s.len + 1);
            if (ap->s.len)
                memcpy(a->s, ap->s.data, ap->s.len);
            break;
        }
        case ATTR_FLOATS:
        case ATTR_INTS: {
            size_t cnt = kind == ATTR_FLOATS ? ap->n_floats : ap->n_ints;
            if (cnt > MAX_ATTR_LEN)
                fatal_node(g, n, "attribute '%s' has %zu elements, more than %d", printable(a->name), cnt, MAX_ATTR_LEN);
            a->n = (int)cnt;
            if (kind == ATTR_FLOATS) {
                a->floats = arena_alloc(&g->arena, sizeof(float) * (cnt + 1));
                if (cnt)
                    memcpy(a->floats, ap->floats, sizeof(float) * cnt);
            } else {
                a->ints = arena_alloc(&g->arena, sizeof(int64_t) * (cnt + 1));
                if (cnt)
                    memcpy(a->ints, ap->ints, sizeof(int64_t) * cnt);
            }
            break;
        }
        case ATTR_TENSOR: {
            if (!ap->t)
                fatal_node(g, n, "tensor attribute '%s' has no tensor", printable(a->name));
            if (n->op == OP_CONSTANT) { /* the tensor is the node's output */
                a->tensor = n->out[0];
            } else {
                /* No model name contains '#' followed by the attribute's name
                 * and a unique suffix; this is the loader's own name. */
                char *vn = arena_printf(&g->arena, "%s#%s", n->name[0] ? n->name : "node", a->name);
                while (graph_find_value(g, vn) >= 0)
                    vn = arena_printf(&g->arena, "%s'", vn);
                a->tensor = graph_add_value(g, vn);
            }
            load_tensor(L, ap->t, a->tensor);
            break;
        }
        case ATTR_STRINGS: {
            if (ap->n_strings > MAX_ATTR_LEN)
                fatal_node(g, n, "attribute '%s' has %zu elements, more than %d", printable(a->name),
                           ap->n_strings, MAX_ATTR_LEN);
            a->n = (int)ap->n_strings;
            a->strs = arena_alloc(&g->arena, sizeof(char *) * (ap->n_strings + 1));
            for (size_t j = 0; j < ap->n_strings; j++) {
                const ProtobufCBinaryData *d = &ap->strings[j];
                if (d->len && memchr(d->data, 0, d->len))
                    fatal_node(g, n, "attribute '%s' contains a NUL byte", printable(a->name));
                a->strs[j] = arena_alloc(&g->arena, d->len + 1);
                if (d->len)
                    memcpy(a->strs[j], d->data, d->len);
            }
            break;
        }
        case ATTR_GRAPH:
        case ATTR_GRAPHS:
        case ATTR_TENSORS:
            break; /* kept as a kind only; no op we support reads them */
        default:
            fatal_node(g, n, "attribute '%s' has unsupported type %d", printable(a->name), kind);
        }
    }
}

/* A Constant node becomes its output value, with the data of its one
 * value* attribute. */
static void load_constant(Loader *L, Node *n, int out)
{
    Graph *g = L->g;
    Value *v = &g->values[out];
    if (n->nattrs != 1)
        fatal_node(g, n, "Constant needs exactly one value attribute, has %d", n->nattrs);
    const Attr *a = &n->attrs[0];
    if (strcmp(a->name, "value") == 0 && a->kind == ATTR_TENSOR) {
        assert(a->tensor == out); /* loaded in place by load_attrs */
    } else if ((strcmp(a->name, "value_float") == 0 && a->kind == ATTR_FLOAT) ||
               (strcmp(a->name, "value_int") == 0 && a->kind == ATTR_INT)) {
        v->rank = 0;
        if (a->kind == ATTR_FLOAT) {
            v->dtype = DT_F32;
            v->data = &a->f;
            v->nbytes = 4;
        } else {
            v->dtype = DT_I64;
            v->data = &a->i;
            v->nbytes = 8;
        }
    } else if ((strcmp(a->name, "value_floats") == 0 && a->kind == ATTR_FLOATS) ||
               (strcmp(a->name, "value_ints") == 0 && a->kind == ATTR_INTS)) {
        v->rank = 1;
        v->dims[0] = a->n;
        v->dtype = a->kind == ATTR_FLOATS ? DT_F32 : DT_I64;
        v->data = a->kind == ATTR_FLOATS ? (const void *)a->floats : (const void *)a->ints;
        v->nbytes = (int64_t)a->n * (a->kind == ATTR_FLOATS ? 4 : 8);
    } else {
        fatal_node(g, n, "unsupported Constant attribute '%s'", printable(a->name));
    }
    v->flags |= V_CONST;
}

/* ---- topological order ------------------------------------------------- */

int topo_order(Graph *g, int *order)
{
    int nn = g->nnodes;
    int *indeg = arena_alloc(&g->arena, sizeof(int) * (size_t)(nn + 1));
    graph_link(g);
    for (int i = 0; i < nn; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] >= 0 && g->values[n->in[k]].producer >= 0)
                indeg[i]++;
    }
    int head = 0, tail = 0;
    for (int i = 0; i < nn; i++)
        if (indeg[i] == 0)
            order[tail++] = i;
    while (head < tail) {
        const Node *n = &g->nodes[order[head++]];
        for (int k = 0; k < n->nout; k++) {
            if (n->out[k] < 0) /* an omitted optional output */
                continue;
            const Value *v = &g->values[n->out[k]];
            for (int u = 0; u < v->nuses; u++)
                if (--indeg[v->uses[u]] == 0)
                    order[tail++] = v->uses[u];
        }
    }
    return tail;
}

static void sort_nodes(Graph *g)
{
    int nn = g->nnodes;
    int *order = arena_alloc(&g->arena, sizeof(int) * (size_t)(nn + 1));
    int sorted_n = topo_order(g, order);
    if (sorted_n < nn) {
        bool *placed = arena_alloc(&g->arena, sizeof(bool) * (size_t)(nn + 1));
        for (int i = 0; i < sorted_n; i++)
            placed[order[i]] = true;
        for (int i = 0; i < nn; i++)
            if (!placed[i])
                fatal_node(g, &g->nodes[i], "is part of a cycle in the graph");
    }
    Node *sorted = arena_alloc(&g->arena, sizeof(Node) * (size_t)(nn + 1));
    for (int i = 0; i < nn; i++)
        sorted[i] = g->nodes[order[i]];
    g->nodes = sorted;
    g->cap_nodes = nn + 1;
    graph_link(g);
}

/* Passes and the emitter make a copy of a constant per node that reads it
 * (folded, prepacked, written out), so one weight read by many nodes would
 * expand far beyond the file: the bytes read per node are capped. */
static void check_weight_reads(const Graph *g, uint64_t file_bytes)
{
    uint64_t reads = 0;
    for (int i = 0; i < g->nnodes; i++)
        for (int k = 0; k < g->nodes[i].nin; k++) {
            int v = g->nodes[i].in[k];
            if (v >= 0 && (g->values[v].flags & V_CONST))
                reads += (uint64_t)g->values[v].nbytes;
        }
    if (reads > MAX_WEIGHT_READS * file_bytes + WEIGHT_READS_SLACK)
        fatal("the nodes read %llu MiB of constants, more than %d times the model's size "
              "(one weight shared by many nodes?); refused",
              (unsigned long long)(reads >> 20), MAX_WEIGHT_READS);
}

/* ---- the model --------------------------------------------------------- */

static void check_versions(Loader *L)
{
    Onnx__ModelProto *m = L->model;
    if (!m->has_ir_version || m->ir_version < MIN_IR_VERSION)
        fatal("ir_version %lld is too old (supported: %d to %d)", (long long)m->ir_version, MIN_IR_VERSION, MAX_IR_VERSION);
    if (m->ir_version > MAX_IR_VERSION)
        fatal("ir_version %lld is newer than supported (%d to %d)", (long long)m->ir_version, MIN_IR_VERSION, MAX_IR_VERSION);
    L->g->ir_version = m->ir_version;
    int64_t opset = -1;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *d = o->domain ? o->domain : "";
        if (*d == 0 || strcmp(d, "ai.onnx") == 0) {
            if (opset >= 0)
                fatal("the default opset is imported twice");
            opset = o->version;
        }
    }
    if (opset < 0)
        fatal("the model imports no opset of the default ONNX domain");
    if (opset < MIN_OPSET || opset > MAX_OPSET)
        fatal("opset %lld is not supported (supported: %d to %d)", (long long)opset, MIN_OPSET, MAX_OPSET);
    L->g->opset = opset;
}

static char *model_dir(Graph *g, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        fatal("cannot resolve path: %s", strerror(errno));
    char *slash = strrchr(real, '/');
    if (slash == real)
        slash[1] = 0;
    else
        *slash = 0;
    return arena_strdup(&g->arena, real);
}

Graph *load_model(const char *path)
{
    fatal_path = path;
    size_t len = 0;
    uint8_t *buf = read_file(path, &len, MAX_FILE_BYTES);
    if (len == 0) {
        free(buf);
        fatal("empty file: not an ONNX model");
    }
    uint64_t need = 0;
    const char *why = wire_check(buf, len, &onnx__model_proto__descriptor, &need);
    if (why) {
        free(buf);
        fatal("%s", why);
    }
    if (need > MAX_EXPANSION * (uint64_t)len + EXPANSION_SLACK) {
        free(buf);
        fatal("the model would take %llu MiB of memory to load, more than %d times its size; refused",
              (unsigned long long)(need >> 20), MAX_EXPANSION);
    }
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    free(buf);
    if (!m)
        fatal("not a valid ONNX model (protobuf parse failed)");

    Graph *g = graph_new(path);
    g->proto = m;
    Loader L = {.g = g, .model = m};
    /* From here on constants may point into m: free it with the graph. */
    check_versions(&L);
    if (!m->graph)
        fatal("the model has no graph");
    const Onnx__GraphProto *gp = m->graph;
    g->name = arena_strdup(&g->arena, gp->name ? gp->name : "");
    L.dir = model_dir(g, path);
    if (gp->n_sparse_initializer)
        fatal("sparse initializers are not supported");

    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        int vi = new_named_value(&L, t->name, "initializer");
        load_tensor(&L, t, vi);
    }
    int *inputs = arena_alloc(&g->arena, sizeof(int) * (gp->n_input + 1));
    int ninputs = 0;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi->name || !*vi->name)
            fatal("graph input %zu has an empty name", i);
        int idx = graph_find_value(g, vi->name);
        if (idx >= 0 && (g->values[idx].flags & V_CONST))
            continue; /* older exporters list initializers as inputs too */
        idx = new_named_value(&L, vi->name, "graph input");
        load_value_info(&L, vi, idx, "graph input");
        g->values[idx].flags |= V_INPUT;
        inputs[ninputs++] = idx;
    }
    g->inputs = inputs;
    g->ninputs = ninputs;

    /* Nodes: create all outputs first (nodes may come in any order). */
    size_t n_node;
    const Onnx__NodeProto *const *node = inline_functions(g, m, &n_node);
    for (size_t i = 0; i < n_node; i++) {
        const Onnx__NodeProto *np = node[i];
        const char *op_type = np->op_type ? np->op_type : "";
        const char *domain = np->domain ? np->domain : "";
        Op op = op_lookup(op_type);
        if (op_internal(op))
            op = OP_UNKNOWN; /* only the quantization passes make it */
        if (np->n_input > 4096 || np->n_output > 4096)
            fatal("node '%s' (%s): too many inputs or outputs", printable(np->name), printable(op_type));
        int ni = graph_add_node(g, op, op_type, np->name, (int)np->n_input, (int)np->n_output);
        Node *n = &g->nodes[ni];
        if (*domain && strcmp(domain, "ai.onnx") != 0)
            fatal_node(g, n, "operator domain '%s' is not supported (no local function of that name either; "
                             "onnxcc --ops lists the default domain's supported ops)", printable(domain));
        if (op == OP_UNKNOWN) {
            int supported = 0; /* what --ops lists */
            for (int k = 0; k < OP_COUNT; k++)
                supported += !op_internal((Op)k);
            fatal_node(g, n, "unsupported operator (onnxcc --ops lists the %d supported ones)", supported);
        }
        const OpInfo *oi = &op_info[op];
        int min_in = oi->min_in, max_in = oi->max_in;
        legacy_arity(g, op, &min_in, &max_in);
        if ((int)np->n_input < min_in || (int)np->n_input > max_in)
            fatal_node(g, n, "has %zu inputs, expected %d to %d", np->n_input, min_in, max_in);
        if ((int)np->n_output < oi->min_out || (int)np->n_output > oi->max_out)
            fatal_node(g, n, "has %zu outputs, expected %d to %d", np->n_output, oi->min_out, oi->max_out);
        for (size_t k = 0; k < np->n_output; k++) {
            const char *on = np->output[k];
            if (!on || !*on) {
                if (k == 0 && op != OP_RNN && op != OP_GRU && op != OP_LSTM) /* all their outputs are optional */
                    fatal_node(g, n, "output 0 has an empty name");
                continue; /* an omitted optional output */
            }
            if (graph_find_value(g, on) >= 0)
                fatal_node(g, n, "duplicate tensor name '%s': it is already produced by another node, an initializer or an input", printable(on));
            n = &g->nodes[ni];
            n->out[k] = graph_add_value(g, on);
        }
        load_attrs(&L, np, &g->nodes[ni]);
    }
    /* Then resolve the inputs. */
    for (int ni = 0; ni < g->nnodes; ni++) {
        Node *n = &g->nodes[ni];
        const Onnx__NodeProto *np = node[ni];
        for (int k = 0; k < n->nin; k++) {
            const char *in = np->input[k];
            if (!in || !*in)
                continue;
            int vi = graph_find_value(g, in);
            if (vi < 0)
                fatal_node(g, n, "input '%s' is not produced by any node, initializer or graph input", printable(in));
            n->in[k] = vi;
        }
    }
    /* Constant nodes become constant values and leave the node list. */
    int kept = 0;
    for (int ni = 0; ni < g->nnodes; ni++) {
        Node *n = &g->nodes[ni];
        if (n->op == OP_CONSTANT) {
            load_constant(&L, n, n->out[0]);
            continue;
        }
        g->nodes[kept++] = *n;
    }
    g->nnodes = kept;

    if (gp->n_output == 0)
        fatal("the graph has no outputs");
    g->outputs = arena_alloc(&g->arena, sizeof(int) * gp->n_output);
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vo = gp->output[i];
        int idx = vo->name ? graph_find_value(g, vo->name) : -1;
        if (idx < 0)
            fatal("graph output '%s' is not produced by any node", printable(vo->name));
        Value *v = &g->values[idx];
        if (v->flags & V_INPUT)
            fatal("graph output '%s' is a graph input; not supported", printable(v->name));
        if (v->flags & V_OUTPUT)
            fatal("graph output '%s' is listed twice", printable(v->name));
        if (vo->type && vo->type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && vo->type->tensor_type &&
            vo->type->tensor_type->has_elem_type && !ctype(vo->type->tensor_type->elem_type))
            fatal("graph output '%s' has data type %s; not supported",
                  printable(v->name), dtype_name(vo->type->tensor_type->elem_type));
        v->flags |= V_OUTPUT;
        g->outputs[i] = idx;
    }
    g->noutputs = (int)gp->n_output;

    /* value_info only repeats what shape inference derives; it is not
     * trusted, so it is not read. */

    /* Keep the external buffers with the graph. */
    g->extbufs = L.extbufs;
    g->nextbufs = L.nextbufs;
    upgrade_legacy(g); /* opsets 1 to 6: every node in its opset 7 form */
    sort_nodes(g);
    check_weight_reads(g, len + L.ext_bytes);
    return g;
}

void load_release(Graph *g)
{
    for (int i = 0; i < g->nextbufs; i++)
        free(g->extbufs[i]);
    g->nextbufs = 0;
    if (g->proto)
        onnx__model_proto__free_unpacked(g->proto, NULL);
    g->proto = NULL;
}
