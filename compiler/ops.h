/* ops.h — the one table of operators the compiler knows.
 *
 * X(enum, ONNX op_type, min inputs, max inputs, min outputs, max outputs, family)
 * Everything that needs a per-op property (parsing, dumps, shape inference
 * dispatch, the emitter) reads it from here.  Ops with domain "" only.
 *
 * `family` names where an op lives: `core` ops (the convolutions, pools and
 * what the DenseNet path is made of) are inferred in infer.c and lowered in
 * emit.c; every other family is one file compiler/ops/FAMILY.c holding its
 * ops' shape and type inference (infer_FAMILY), lowering (lower_FAMILY) and
 * typed reference kernels, with its op list in compiler/ops/FAMILY.h.  A
 * family may own ops whose float32 form the core already handles: it hands
 * those to infer_core / lower_core and does the other element types itself. */
#include "ops/eltwise.h"
#include "ops/index.h"
#include "ops/loss.h"
#include "ops/movement.h"
#include "ops/nn.h"
#include "ops/norm.h"
#include "ops/pooling.h"
#include "ops/quant.h"
#include "ops/reduce.h"
#include "ops/resize.h"
#include "ops/rnn.h"
#include "ops/signal.h"
#include "ops/text.h"

#define CORE_OPS(X)                                               \
    X(OP_GLOBALAVGPOOL, "GlobalAveragePool", 1, 1, 1, 1, core)    \
    X(OP_GEMM, "Gemm", 2, 3, 1, 1, core)                          \
    X(OP_MATMUL, "MatMul", 2, 2, 1, 1, core)                      \
    X(OP_CONSTANT, "Constant", 0, 0, 1, 1, core)                  \
    X(OP_SHAPE, "Shape", 1, 1, 1, 1, core)

#define OPS(X)          \
    CORE_OPS(X)         \
    POOLING_OPS(X)         \
    ELTWISE_OPS(X)      \
    MOVEMENT_OPS(X)     \
    REDUCE_OPS(X)       \
    INDEX_OPS(X)        \
    RESIZE_OPS(X)       \
    NORM_OPS(X)         \
    LOSS_OPS(X)         \
    NN_OPS(X)           \
    QUANT_OPS(X)        \
    RNN_OPS(X)          \
    SIGNAL_OPS(X)       \
    TEXT_OPS(X)

/* The families, for the dispatch tables (infer.c, emit.c). */
#define OP_FAMILIES(F) F(pooling) F(eltwise) F(movement) F(reduce) F(index) F(resize) F(norm) F(loss) F(nn) F(quant) F(rnn) F(signal) F(text)
