/* ops/norm.h — normalizations: the family's op list (see ops.h). */
#define NORM_OPS(X) \
    /* end */
