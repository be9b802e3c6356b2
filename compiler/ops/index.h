/* ops/index.h — gathers and scatters by run-time indices: the family's op list (see ops.h). */
#define INDEX_OPS(X) \
    /* end */
