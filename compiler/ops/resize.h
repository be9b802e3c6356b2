/* ops/resize.h — Resize and Upsample: the family's op list (see ops.h). */
#define RESIZE_OPS(X) \
    X(OP_RESIZE, "Resize", 1, 4, 1, 1, resize) \
    X(OP_UPSAMPLE, "Upsample", 1, 2, 1, 1, resize) \
    /* end */
