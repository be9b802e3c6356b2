/* ops/resize.h — Resize and Upsample: the family's op list (see ops.h). */
#define RESIZE_OPS(X) \
    /* end */
