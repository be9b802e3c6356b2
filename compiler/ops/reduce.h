/* ops/reduce.h — reductions, arg-reductions, softmax-like ops: the family's op list (see ops.h). */
#define REDUCE_OPS(X) \
    X(OP_REDUCEMEAN, "ReduceMean", 1, 2, 1, 1, reduce) \
    X(OP_REDUCESUM, "ReduceSum", 1, 2, 1, 1, reduce) \
    X(OP_REDUCEMAX, "ReduceMax", 1, 2, 1, 1, reduce) \
    X(OP_REDUCEMIN, "ReduceMin", 1, 2, 1, 1, reduce) \
    X(OP_REDUCEPROD, "ReduceProd", 1, 2, 1, 1, reduce) \
    X(OP_REDUCEL1, "ReduceL1", 1, 2, 1, 1, reduce) \
    X(OP_REDUCEL2, "ReduceL2", 1, 2, 1, 1, reduce) \
    X(OP_REDUCELOGSUM, "ReduceLogSum", 1, 2, 1, 1, reduce) \
    X(OP_REDUCELOGSUMEXP, "ReduceLogSumExp", 1, 2, 1, 1, reduce) \
    X(OP_REDUCESUMSQUARE, "ReduceSumSquare", 1, 2, 1, 1, reduce) \
    X(OP_ARGMAX, "ArgMax", 1, 1, 1, 1, reduce) \
    X(OP_ARGMIN, "ArgMin", 1, 1, 1, 1, reduce) \
    X(OP_CUMSUM, "CumSum", 2, 2, 1, 1, reduce) \
    X(OP_TOPK, "TopK", 1, 2, 2, 2, reduce) \
    X(OP_SOFTMAX, "Softmax", 1, 1, 1, 1, reduce) \
    X(OP_LOGSOFTMAX, "LogSoftmax", 1, 1, 1, 1, reduce) \
    X(OP_HARDMAX, "Hardmax", 1, 1, 1, 1, reduce) \
    /* end */
