/* ops/nn.h — ConvTranspose, the other pools, Einsum: the family's op list (see ops.h). */
#define NN_OPS(X) \
    /* end */
