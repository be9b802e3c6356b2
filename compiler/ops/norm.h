/* ops/norm.h — normalizations: the family's op list (see ops.h). */
#define NORM_OPS(X) \
    X(OP_BATCHNORM, "BatchNormalization", 5, 5, 1, 5, norm) \
    X(OP_LAYERNORM, "LayerNormalization", 2, 3, 1, 3, norm) \
    X(OP_INSTANCENORM, "InstanceNormalization", 3, 3, 1, 1, norm) \
    X(OP_LRN, "LRN", 1, 1, 1, 1, norm) \
    X(OP_MVN, "MeanVarianceNormalization", 1, 1, 1, 1, norm) \
    /* end */
