/* ops/quant.h — quantization: the family's op list (see ops.h). */
#define QUANT_OPS(X) \
    /* end */
