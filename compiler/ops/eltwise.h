/* ops/eltwise.h — element-wise math, logic, activations and casts: the family's op list (see ops.h). */
#define ELTWISE_OPS(X) \
    X(OP_RELU, "Relu", 1, 1, 1, 1, eltwise) \
    X(OP_CLIP, "Clip", 1, 3, 1, 1, eltwise) \
    X(OP_LEAKYRELU, "LeakyRelu", 1, 1, 1, 1, eltwise) \
    X(OP_SIGMOID, "Sigmoid", 1, 1, 1, 1, eltwise) \
    X(OP_ADD, "Add", 2, 2, 1, 1, eltwise) \
    X(OP_MUL, "Mul", 2, 2, 1, 1, eltwise) \
    X(OP_DIV, "Div", 2, 2, 1, 1, eltwise) \
    /* end */
