/* ops/pooling.h — MaxPool and AveragePool: the family's op list (see ops.h). */
#define POOLING_OPS(X) \
    X(OP_MAXPOOL, "MaxPool", 1, 1, 1, 2, pooling) \
    X(OP_AVGPOOL, "AveragePool", 1, 1, 1, 1, pooling) \
    /* end */
