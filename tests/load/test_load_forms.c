/* Initializers in every storage form load to the same little-endian values;
 * Constant nodes (value, value_float(s), value_int(s)) become constants;
 * graph inputs that are also initializers are constants; nodes given out of
 * order are sorted.  Models are built here with protobuf-c, so the expected
 * values are independent of the loader. */
#include "onnxcc.h"
#include "onnx.pb-c.h"

#include <stdlib.h>
#include <string.h>

static int failures;
#define EXPECT(c)                                                        \
    do {                                                                 \
        if (!(c)) {                                                      \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #c); \
            failures++;                                                  \
        }                                                                \
    } while (0)

static Onnx__TensorProto *tensor(const char *name, int dt, int64_t n)
{
    Onnx__TensorProto *t = calloc(1, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = (char *)name;
    t->has_data_type = 1;
    t->data_type = dt;
    t->n_dims = 1;
    t->dims = calloc(1, sizeof(int64_t));
    t->dims[0] = n;
    return t;
}

static Onnx__AttributeProto *attr(const char *name)
{
    Onnx__AttributeProto *a = calloc(1, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = (char *)name;
    a->has_type = 1;
    return a;
}

static Onnx__NodeProto *node(const char *op, const char *in, const char *out)
{
    Onnx__NodeProto *n = calloc(1, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = (char *)op;
    n->name = (char *)out;
    n->n_input = in ? 1 : 0;
    n->input = calloc(1, sizeof(char *));
    n->input[0] = (char *)in;
    n->n_output = 1;
    n->output = calloc(1, sizeof(char *));
    n->output[0] = (char *)out;
    return n;
}

static Onnx__ValueInfoProto *vinfo(const char *name)
{
    Onnx__ValueInfoProto *v = calloc(1, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = (char *)name;
    Onnx__TypeProto *tp = calloc(1, sizeof *tp);
    onnx__type_proto__init(tp);
    Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = 1;
    Onnx__TensorShapeProto *sh = calloc(1, sizeof *sh);
    onnx__tensor_shape_proto__init(sh);
    sh->n_dim = 1;
    sh->dim = calloc(1, sizeof(void *));
    sh->dim[0] = calloc(1, sizeof(Onnx__TensorShapeProto__Dimension));
    onnx__tensor_shape_proto__dimension__init(sh->dim[0]);
    sh->dim[0]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    sh->dim[0]->dim_value = 3;
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    v->type = tp;
    return v;
}

static const Value *find(const Graph *g, const char *name)
{
    int i = graph_find_value(g, name);
    EXPECT(i >= 0);
    return i >= 0 ? &g->values[i] : &g->values[0];
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "forms.onnx";
    static float f3[3] = {1.5f, -2.0f, 3.25f};
    static int64_t i3[3] = {7, -8, 1LL << 40};
    static double d3[3] = {0.5, -0.25, 8.0};
    static int32_t h3[3] = {0x3c00, 0xc000, 0x7bff}; /* f16 1, -2, 65504 */
    static int32_t b3[3] = {-1, 2, 127};             /* int8 */
    static uint8_t raw[12];
    memcpy(raw, f3, sizeof raw);

    Onnx__TensorProto *inits[8];
    int ni = 0;
    Onnx__TensorProto *t;
    t = tensor("f_float_data", 1, 3); t->n_float_data = 3; t->float_data = f3; inits[ni++] = t;
    t = tensor("f_raw", 1, 3); t->has_raw_data = 1; t->raw_data.len = 12; t->raw_data.data = raw; inits[ni++] = t;
    t = tensor("i_int64_data", 7, 3); t->n_int64_data = 3; t->int64_data = i3; inits[ni++] = t;
    t = tensor("d_double_data", 11, 3); t->n_double_data = 3; t->double_data = d3; inits[ni++] = t;
    t = tensor("h_int32_data", 10, 3); t->n_int32_data = 3; t->int32_data = h3; inits[ni++] = t;
    t = tensor("b_int32_data", 3, 3); t->n_int32_data = 3; t->int32_data = b3; inits[ni++] = t;

    /* Constant nodes of each attribute form; nodes listed out of order. */
    Onnx__NodeProto *nodes[5];
    Onnx__AttributeProto *a;
    nodes[0] = node("Relu", "y", "z"); /* uses y before it is produced */
    nodes[1] = node("Add", "x", "y");
    nodes[1]->n_input = 2;
    nodes[1]->input = calloc(2, sizeof(char *));
    nodes[1]->input[0] = "x";
    nodes[1]->input[1] = "c_value";
    nodes[2] = node("Constant", NULL, "c_value");
    a = attr("value"); a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    a->t = tensor("", 1, 3); a->t->n_float_data = 3; a->t->float_data = f3;
    nodes[2]->n_attribute = 1; nodes[2]->attribute = calloc(1, sizeof(void *)); nodes[2]->attribute[0] = a;
    nodes[3] = node("Constant", NULL, "c_float");
    a = attr("value_float"); a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT; a->has_f = 1; a->f = 0.75f;
    nodes[3]->n_attribute = 1; nodes[3]->attribute = calloc(1, sizeof(void *)); nodes[3]->attribute[0] = a;
    nodes[4] = node("Constant", NULL, "c_ints");
    a = attr("value_ints"); a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS; a->n_ints = 3; a->ints = i3;
    nodes[4]->n_attribute = 1; nodes[4]->attribute = calloc(1, sizeof(void *)); nodes[4]->attribute[0] = a;

    Onnx__GraphProto gp;
    onnx__graph_proto__init(&gp);
    gp.name = "forms";
    gp.n_node = 5; gp.node = nodes;
    gp.n_initializer = (size_t)ni; gp.initializer = inits;
    Onnx__ValueInfoProto *ins[2] = {vinfo("x"), vinfo("f_raw")}; /* f_raw: input that is an initializer */
    gp.n_input = 2; gp.input = ins;
    Onnx__ValueInfoProto *outs[1] = {vinfo("z")};
    gp.n_output = 1; gp.output = outs;
    Onnx__OperatorSetIdProto op;
    onnx__operator_set_id_proto__init(&op);
    op.domain = ""; op.has_version = 1; op.version = 13;
    Onnx__OperatorSetIdProto *ops[1] = {&op};
    Onnx__ModelProto m;
    onnx__model_proto__init(&m);
    m.has_ir_version = 1; m.ir_version = 7;
    m.n_opset_import = 1; m.opset_import = ops;
    m.graph = &gp;

    size_t len = onnx__model_proto__get_packed_size(&m);
    uint8_t *buf = malloc(len);
    onnx__model_proto__pack(&m, buf);
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);

    Graph *g = load_model(path);
    verify_graph(g);
    const Value *v;
    v = find(g, "f_float_data"); EXPECT(v->dtype == DT_F32 && memcmp(v->data, f3, 12) == 0);
    v = find(g, "f_raw"); EXPECT(v->dtype == DT_F32 && (v->flags & V_CONST) && !(v->flags & V_INPUT) && memcmp(v->data, f3, 12) == 0);
    v = find(g, "i_int64_data"); EXPECT(v->dtype == DT_I64 && memcmp(v->data, i3, 24) == 0);
    v = find(g, "d_double_data"); EXPECT(v->dtype == DT_F64 && memcmp(v->data, d3, 24) == 0);
    v = find(g, "h_int32_data");
    uint16_t h16[3] = {0x3c00, 0xc000, 0x7bff};
    EXPECT(v->dtype == DT_F16 && v->nbytes == 6 && memcmp(v->data, h16, 6) == 0);
    v = find(g, "b_int32_data");
    int8_t b8[3] = {-1, 2, 127};
    EXPECT(v->dtype == DT_I8 && v->nbytes == 3 && memcmp(v->data, b8, 3) == 0);
    v = find(g, "c_value"); EXPECT((v->flags & V_CONST) && v->rank == 1 && v->dims[0] == 3 && memcmp(v->data, f3, 12) == 0);
    v = find(g, "c_float"); EXPECT((v->flags & V_CONST) && v->rank == 0 && *(const float *)v->data == 0.75f);
    v = find(g, "c_ints"); EXPECT((v->flags & V_CONST) && v->dtype == DT_I64 && memcmp(v->data, i3, 24) == 0);
    EXPECT(g->ninputs == 1 && strcmp(g->values[g->inputs[0]].name, "x") == 0);
    EXPECT(g->nnodes == 2); /* the Constant nodes are gone */
    EXPECT(g->nnodes == 2 && g->nodes[0].op == OP_ADD && g->nodes[1].op == OP_RELU);
    EXPECT(g->ir_version == 7 && g->opset == 13);
    graph_free(g);
    printf("%s\n", failures ? "FAIL" : "ok");
    return failures != 0;
}
