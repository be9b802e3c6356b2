/* ops/signal.h — windows, Fourier transforms, Det: the family's op list (see ops.h). */
#define SIGNAL_OPS(X) \
    X(OP_HANNWINDOW, "HannWindow", 1, 1, 1, 1, signal) \
    X(OP_HAMMINGWINDOW, "HammingWindow", 1, 1, 1, 1, signal) \
    X(OP_BLACKMANWINDOW, "BlackmanWindow", 1, 1, 1, 1, signal) \
    X(OP_DFT, "DFT", 1, 3, 1, 1, signal) \
    X(OP_STFT, "STFT", 2, 4, 1, 1, signal) \
    X(OP_MELWEIGHTMATRIX, "MelWeightMatrix", 5, 5, 1, 1, signal) \
    X(OP_DET, "Det", 1, 1, 1, 1, signal) \
    /* end */
