/* ops/movement.h — data movement (copies, views, shape ops): the family's op list (see ops.h). */
#define MOVEMENT_OPS(X) \
    X(OP_CONCAT, "Concat", 1, 4096, 1, 1, movement) \
    X(OP_FLATTEN, "Flatten", 1, 1, 1, 1, movement) \
    X(OP_RESHAPE, "Reshape", 1, 2, 1, 1, movement) \
    X(OP_PAD, "Pad", 1, 4, 1, 1, movement) \
    X(OP_IDENTITY, "Identity", 1, 1, 1, 1, movement) \
    X(OP_DROPOUT, "Dropout", 1, 3, 1, 2, movement) \
    X(OP_TRANSPOSE, "Transpose", 1, 1, 1, 1, movement) \
    X(OP_SPLIT, "Split", 1, 2, 1, 4096, movement) \
    X(OP_GATHER, "Gather", 2, 2, 1, 1, movement) \
    X(OP_SLICE, "Slice", 1, 5, 1, 1, movement) \
    /* end */
