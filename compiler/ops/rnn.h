/* ops/rnn.h — recurrent networks: the family's op list (see ops.h). */
#define RNN_OPS(X) \
    /* end */
