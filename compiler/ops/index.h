/* ops/index.h — gathers and scatters by run-time indices: the family's op list (see ops.h). */
#define INDEX_OPS(X) \
    X(OP_GATHERELEMENTS, "GatherElements", 2, 2, 1, 1, index) \
    X(OP_GATHERND, "GatherND", 2, 2, 1, 1, index) \
    X(OP_SCATTER, "Scatter", 3, 3, 1, 1, index) \
    X(OP_SCATTERELEMENTS, "ScatterElements", 3, 3, 1, 1, index) \
    X(OP_SCATTERND, "ScatterND", 3, 3, 1, 1, index) \
    X(OP_ONEHOT, "OneHot", 3, 3, 1, 1, index) \
    /* end */
