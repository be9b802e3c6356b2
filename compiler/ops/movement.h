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
    X(OP_SIZE, "Size", 1, 1, 1, 1, movement) \
    X(OP_UNSQUEEZE, "Unsqueeze", 1, 2, 1, 1, movement) \
    X(OP_SQUEEZE, "Squeeze", 1, 2, 1, 1, movement) \
    X(OP_EXPAND, "Expand", 2, 2, 1, 1, movement) \
    X(OP_TILE, "Tile", 2, 2, 1, 1, movement) \
    X(OP_CONSTANTOFSHAPE, "ConstantOfShape", 1, 1, 1, 1, movement) \
    X(OP_RANGE, "Range", 3, 3, 1, 1, movement) \
    X(OP_EYELIKE, "EyeLike", 1, 1, 1, 1, movement) \
    X(OP_TRILU, "Trilu", 1, 2, 1, 1, movement) \
    X(OP_DEPTHTOSPACE, "DepthToSpace", 1, 1, 1, 1, movement) \
    X(OP_SPACETODEPTH, "SpaceToDepth", 1, 1, 1, 1, movement) \
    X(OP_REVERSESEQUENCE, "ReverseSequence", 2, 2, 1, 1, movement) \
    X(OP_COMPRESS, "Compress", 2, 2, 1, 1, movement) \
    X(OP_NONZERO, "NonZero", 1, 1, 1, 1, movement) \
    X(OP_UNIQUE, "Unique", 1, 1, 1, 4, movement) \
    /* end */
