/* ops/reduce.h — reductions, arg-reductions, softmax-like ops: the family's op list (see ops.h). */
#define REDUCE_OPS(X) \
    X(OP_REDUCEMEAN, "ReduceMean", 1, 2, 1, 1, reduce) \
    X(OP_SOFTMAX, "Softmax", 1, 1, 1, 1, reduce) \
    /* end */
