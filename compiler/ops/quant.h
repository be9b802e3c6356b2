/* ops/quant.h — quantization: the family's op list (see ops.h). */
#define QUANT_OPS(X) \
    X(OP_QUANTIZELINEAR, "QuantizeLinear", 2, 3, 1, 1, quant) \
    X(OP_DEQUANTIZELINEAR, "DequantizeLinear", 2, 3, 1, 1, quant) \
    X(OP_DYNAMICQUANTIZELINEAR, "DynamicQuantizeLinear", 1, 1, 3, 3, quant) \
    X(OP_MATMULINTEGER, "MatMulInteger", 2, 4, 1, 1, quant) \
    X(OP_QLINEARMATMUL, "QLinearMatMul", 8, 8, 1, 1, quant) \
    X(OP_CONVINTEGER, "ConvInteger", 2, 4, 1, 1, quant) \
    X(OP_QLINEARCONV, "QLinearConv", 8, 9, 1, 1, quant) \
    /* com.microsoft's QLinearAdd, made by fuse_qadd only (not loaded) */ \
    X(OP_QLINEARADD, "QLinearAdd", 8, 8, 1, 1, quant) \
    /* com.microsoft's QGemm (transB, B int8), made by fuse_qgemm only */ \
    X(OP_QGEMM, "QGemm", 7, 9, 1, 1, quant) \
    /* com.microsoft's QLinearAveragePool and QLinearGlobalAveragePool (x, \
     * x_scale, x_zp, y_scale, y_zp), made by fuse_qpool only (not loaded) */ \
    X(OP_QLINEARAVGPOOL, "QLinearAveragePool", 5, 5, 1, 1, quant) \
    X(OP_QLINEARGLOBALAVGPOOL, "QLinearGlobalAveragePool", 5, 5, 1, 1, quant) \
    /* DequantizeLinear -> QuantizeLinear as a byte table (x, x_scale, x_zp, \
     * y_scale, y_zp), made by fuse_qrequant only (not loaded) */ \
    X(OP_QREQUANT, "QRequantize", 5, 5, 1, 1, quant) \
    /* end */

/* The ops above that only the quantization passes make: a model cannot
 * load them (com.microsoft's forms take other inputs) and --ops does not
 * list them (op_internal). */
#define QUANT_INTERNAL_OPS(X) X(OP_QLINEARADD) X(OP_QGEMM) X(OP_QLINEARAVGPOOL) X(OP_QLINEARGLOBALAVGPOOL) X(OP_QREQUANT)
