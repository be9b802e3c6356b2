/* ops/loss.h — the loss functions: the family's op list (see ops.h). */
#define LOSS_OPS(X) \
    /* end */
