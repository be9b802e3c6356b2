/* fuse_qrequant.c — a DequantizeLinear straight into a QuantizeLinear
 * (uint8 to uint8, two scales and zero points: a requantization the QDQ
 * form writes where a tensor changes scale, e.g. DenseNet's pool outputs
 * entering a dense block's shared scale) becomes one byte-to-byte table:
 *
 *   DequantizeLinear(x u8, xs, xz) → QuantizeLinear(ys, yz)
 *   ⇒ QRequantize(x, xs, xz, ys, yz)
 *
 * The generated code fills the 256-byte table at run time with the very
 * loops the two nodes would run (the DequantizeLinear's float product, the
 * runtime's QuantizeLinear), so every byte is what the unfused nodes give,
 * and the float tensor between them leaves the arena.
 *
 * Needs: shapes inferred.  Fires when both nodes have constant per-tensor
 * float32 scales and uint8 zero points, x is uint8 and the
 * DequantizeLinear's output is read by the QuantizeLinear alone and is not
 * a graph output.  The QuantizeLinear node becomes the QRequantize; the
 * DequantizeLinear goes. */
#include "onnxcc.h"
#include "qmatch.h"


int fuse_qrequant(Graph *g)
{
    int changed = 0;
    for (int i = 0; i < g->nnodes; i++) {
        Node *q = &g->nodes[i];
        float ys, xs;
        uint8_t yz, xz;
        if (!q_u8_sole_reader(g, q, &ys, &yz))
            continue;
        Node *d = made_by(g, q->in[0], OP_DEQUANTIZELINEAR);
        if (!d || !q_u8_params(g, d, &xs, &xz) || val(g, d->in[0])->dtype != DT_U8)
            continue;
        const int src[5] = {d->in[0], d->in[1], d->in[2], q->in[1], q->in[2]};
        become(g, q, OP_QREQUANT, "QRequantize", src, 5);
        d->dead = true;
        changed++;
    }
    if (changed)
        graph_link(g);
    return changed;
}
