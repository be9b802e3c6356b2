/* ops/loss.h — the loss functions: the family's op list (see ops.h). */
#define LOSS_OPS(X) \
    X(OP_SCELOSS, "SoftmaxCrossEntropyLoss", 2, 3, 1, 2, loss) \
    X(OP_NLLLOSS, "NegativeLogLikelihoodLoss", 2, 3, 1, 1, loss) \
    /* end */
