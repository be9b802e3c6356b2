/* ops/rnn.h — recurrent networks: the family's op list (see ops.h). */
#define RNN_OPS(X) \
    X(OP_RNN, "RNN", 3, 6, 1, 2, rnn) \
    X(OP_GRU, "GRU", 3, 6, 1, 2, rnn) \
    X(OP_LSTM, "LSTM", 3, 8, 1, 3, rnn) \
    /* end */
