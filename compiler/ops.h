/* ops.h — the one table of operators the compiler knows.
 *
 * X(enum, ONNX op_type, min inputs, max inputs, min outputs, max outputs)
 * Everything that needs a per-op property (parsing, dumps, shape inference
 * dispatch, the emitter) reads it from here.  Ops with domain "" only. */
#define OPS(X)                                             \
    X(OP_CONV, "Conv", 2, 3, 1, 1)                         \
    X(OP_BATCHNORM, "BatchNormalization", 5, 5, 1, 5)      \
    X(OP_RELU, "Relu", 1, 1, 1, 1)                         \
    X(OP_CLIP, "Clip", 1, 3, 1, 1)                         \
    X(OP_LEAKYRELU, "LeakyRelu", 1, 1, 1, 1)               \
    X(OP_SIGMOID, "Sigmoid", 1, 1, 1, 1)                   \
    X(OP_ADD, "Add", 2, 2, 1, 1)                           \
    X(OP_MUL, "Mul", 2, 2, 1, 1)                           \
    X(OP_CONCAT, "Concat", 1, 4096, 1, 1)                  \
    X(OP_MAXPOOL, "MaxPool", 1, 1, 1, 2)                   \
    X(OP_AVGPOOL, "AveragePool", 1, 1, 1, 1)               \
    X(OP_GLOBALAVGPOOL, "GlobalAveragePool", 1, 1, 1, 1)   \
    X(OP_FLATTEN, "Flatten", 1, 1, 1, 1)                   \
    X(OP_RESHAPE, "Reshape", 1, 2, 1, 1)                   \
    X(OP_GEMM, "Gemm", 2, 3, 1, 1)                         \
    X(OP_MATMUL, "MatMul", 2, 2, 1, 1)                     \
    X(OP_PAD, "Pad", 1, 4, 1, 1)                           \
    X(OP_SOFTMAX, "Softmax", 1, 1, 1, 1)                   \
    X(OP_IDENTITY, "Identity", 1, 1, 1, 1)                 \
    X(OP_DROPOUT, "Dropout", 1, 3, 1, 2)                   \
    X(OP_CONSTANT, "Constant", 0, 0, 1, 1)                 \
    X(OP_TRANSPOSE, "Transpose", 1, 1, 1, 1)               \
    X(OP_SPLIT, "Split", 1, 2, 1, 4096)                    \
    X(OP_REDUCEMEAN, "ReduceMean", 1, 2, 1, 1)             \
    X(OP_DIV, "Div", 2, 2, 1, 1)                           \
    X(OP_SHAPE, "Shape", 1, 1, 1, 1)                       \
    X(OP_GATHER, "Gather", 2, 2, 1, 1)                     \
    X(OP_SLICE, "Slice", 1, 5, 1, 1)
