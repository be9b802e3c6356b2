/* ops/nn.h — Conv beyond the core, ConvTranspose, the other pools, Einsum, GridSample, RoiAlign: the family's op list (see ops.h). */
#define NN_OPS(X) \
    X(OP_CONV, "Conv", 2, 3, 1, 1, nn) \
    X(OP_CONVTRANSPOSE, "ConvTranspose", 2, 3, 1, 1, nn) \
    X(OP_GLOBALMAXPOOL, "GlobalMaxPool", 1, 1, 1, 1, nn) \
    X(OP_LPPOOL, "LpPool", 1, 1, 1, 1, nn) \
    X(OP_GLOBALLPPOOL, "GlobalLpPool", 1, 1, 1, 1, nn) \
    X(OP_MAXUNPOOL, "MaxUnpool", 2, 3, 1, 1, nn) \
    X(OP_EINSUM, "Einsum", 1, 64, 1, 1, nn) \
    X(OP_GRIDSAMPLE, "GridSample", 2, 2, 1, 1, nn) \
    X(OP_ROIALIGN, "RoiAlign", 3, 3, 1, 1, nn) \
    /* end */
