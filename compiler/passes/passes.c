/* passes.c — the optimization pipeline, in the order the passes run.
 *
 * Each pass is a function `int pass(Graph *)` in a file of its own, with
 * its contract at the top; it returns how many rewrites it made.  After
 * every pass the graph is compacted, relinked and verified.  Every pass can
 * be switched off (--disable-pass NAME, -O0 switches all off). */
#include "onnxcc.h"

#include <string.h>

const Pass passes[] = {
    {"cleanup", "drop Identity, inference Dropout, all-zero Pad, one-input Concat, dead nodes", cleanup},
    {"fold_bn", "fold BatchNormalization into the preceding Conv's weights and bias", fold_bn},
    {"fuse_qconv", "run DequantizeLinear -> Conv -> [Relu] -> QuantizeLinear as one integer QLinearConv", fuse_qconv},
    {"fuse_qpreact", "read a quantized BatchNormalization(+Relu) before a QLinearConv through a per-channel byte table", fuse_qpreact},
    {"fuse_qconcat", "run a Concat between DequantizeLinears and a QuantizeLinear of one scale and zero point on the bytes", fuse_qconcat},
    {"fuse_qadd", "run DequantizeLinear x2 -> Add -> [Relu] -> QuantizeLinear on the bytes as onnxruntime's QLinearAdd", fuse_qadd},
    {"fuse_qgemm", "run DequantizeLinear -> Gemm/MatMul -> [Relu] -> [QuantizeLinear] as one integer QGemm on int8 weights", fuse_qgemm},
    {"fuse_qpool", "run DequantizeLinear -> MaxPool / AveragePool / GlobalAveragePool -> QuantizeLinear on the bytes, as onnxruntime does", fuse_qpool},
    {"fuse_qrequant", "run a uint8 DequantizeLinear -> QuantizeLinear (a change of scale) as one byte table", fuse_qrequant},
    {"fold_dq", "compute a DequantizeLinear of constant weights no integer kernel took (a depthwise conv's, a Gemm fuse_qgemm left) once, as float32 weights", fold_dq},
    {"fuse_pad", "move a zero Pad of the spatial axes into the Conv or AveragePool after it", fuse_pad},
    {"fuse_gate", "compute Mul(x, Sigmoid(x)) as SiLU, Mul(x, HardSigmoid(x)) as HardSwish and the Erf form of GELU as GELU, one pass over x", fuse_gate},
    {"fuse_layernorm", "compute the ReduceMean/Sub/Pow/.../Add form of LayerNorm over the last axis as one LayerNormalization", fuse_layernorm},
    {"fuse_matmul_bias", "add a constant vector after a MatMul by a weight (a Linear layer) in the product's epilogue", fuse_matmul_bias},
    {"fuse_act", "apply an activation after a Conv or a MatMul as its epilogue", fuse_act},
    {"fuse_add", "run a same-shape (residual) Add, and the Relu/Clip/LeakyRelu after it, in the epilogue of the Conv before it", fuse_add},
    {"fuse_scale", "read a channel-broadcast Mul by a run-time [1,C,1,1] scale (squeeze-and-excitation) as the next Conv's per-input-channel scale", fuse_scale},
    {"fuse_preact", "apply BatchNormalization(+Relu) before a Conv or pool while it reads its input", fuse_preact},
    {"commute_pool", "compute Conv1x1 -> AveragePool as AveragePool -> Conv1x1 (a quarter of the MACs)", commute_pool},
    {"slice_concats", "let Concat inputs be written straight into channel slices of its output", slice_concats},
    {"merge_convs", "run sibling 1x1 Convs of one input as one Conv, each output a channel slice of the merged one", merge_convs},
};
const int npasses = (int)(sizeof passes / sizeof *passes);

int pass_index(const char *name)
{
    for (int i = 0; i < npasses; i++)
        if (strcmp(passes[i].name, name) == 0)
            return i;
    return -1;
}

void run_passes(Graph *g, const bool *enabled, int *changes)
{
    for (int i = 0; i < npasses; i++) {
        changes[i] = 0;
        if (!enabled[i])
            continue;
        changes[i] = passes[i].run(g);
        graph_compact(g);
        verify_graph(g);
    }
}
