/* ops/signal.h — windows, Fourier transforms, Det: the family's op list (see ops.h). */
#define SIGNAL_OPS(X) \
    /* end */
