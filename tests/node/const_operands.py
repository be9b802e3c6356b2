"""Operands the node tests may freeze into constants (used by prepare_case.py).

The ONNX backend node tests feed every operand as a graph input, including
those that real models store as initializers: weights, shapes, axes, pads,
bounds.  The harness may turn a graph input into an initializer only where it
feeds one of the positions below; every other operand (data, indices, masks,
conditions, initial states), int64 and bool ones included, stays a run-time
input of the generated code.

CONST_OPERANDS maps an op_type of the default domain to the input positions
(0-based, from the ONNX operator spec, opsets 7 to 18) that are initializer-
like.  An op that is not listed has none.  A position beyond a node's inputs,
or an empty (omitted) input, is ignored.
"""

CONST_OPERANDS = {
    # --- shapes, axes, counts -------------------------------------------
    "Reshape": (1,),                 # shape
    "Expand": (1,),                  # shape
    "Tile": (1,),                    # repeats
    "Unsqueeze": (1,),               # axes (an input since opset 13)
    "Squeeze": (1,),                 # axes (an input since opset 13)
    "ReduceSum": (1,),               # axes (an input since opset 13)
    "ReduceMean": (1,),              # axes (the other Reduce*: since opset 18)
    "ReduceMax": (1,),               # axes
    "ReduceMin": (1,),               # axes
    "ReduceProd": (1,),              # axes
    "ReduceL1": (1,),                # axes
    "ReduceL2": (1,),                # axes
    "ReduceLogSum": (1,),            # axes
    "ReduceLogSumExp": (1,),         # axes
    "ReduceSumSquare": (1,),         # axes
    "Slice": (1, 2, 3, 4),           # starts, ends, axes, steps (opset 10+)
    "Pad": (1, 2, 3),                # pads, constant_value, axes (opset 11+)
    "Resize": (1, 2, 3),             # roi, scales, sizes
    "Upsample": (1,),                # scales (opset 9)
    "ConstantOfShape": (0,),         # input: the shape to fill
    "Range": (0, 1, 2),              # start, limit, delta
    "OneHot": (1, 2),                # depth, values ([off, on]); indices are data
    "TopK": (1,),                    # K
    "Split": (1,),                   # split (an input since opset 13)
    "SplitToSequence": (1,),         # split, as for Split
    "CumSum": (1,),                  # axis
    "Trilu": (1,),                   # k
    "CenterCropPad": (1,),           # shape (opset 18)
    "Col2Im": (1, 2),                # image_shape, block_shape (opset 18)
    "MaxUnpool": (2,),               # output_shape; indices (1) are data
    "Gather": (1,),                  # indices: data in general, but the compiler
                                     # still needs them constant (shape gathers)
    # --- bounds, ratios, thresholds -------------------------------------
    "Clip": (1, 2),                  # min, max (inputs since opset 11)
    "Dropout": (1, 2),               # ratio, training_mode (opset 12+)
    "NonMaxSuppression": (2, 3, 4),  # max_output_boxes_per_class, iou_threshold,
                                     # score_threshold; boxes and scores are data
    # --- weights and their quantization parameters ----------------------
    "Conv": (1, 2),                  # W, B
    "ConvTranspose": (1, 2),         # W, B
    "ConvInteger": (1, 2, 3),        # w, x_zero_point, w_zero_point
    "QLinearConv": (1, 2, 3, 4, 5, 6, 7, 8),  # x_scale, x_zero_point, w, w_scale,
                                     # w_zero_point, y_scale, y_zero_point, B
    "QLinearMatMul": (1, 2, 4, 5, 6, 7),  # scales and zero points; a and b are data
                                     # (a run-time b is normal, as for MatMul)
    "MatMulInteger": (2, 3),         # a_zero_point, b_zero_point
    "QuantizeLinear": (1, 2),        # y_scale, y_zero_point
    "DequantizeLinear": (1, 2),      # x_scale, x_zero_point
    "BatchNormalization": (1, 2, 3, 4),  # scale, B, input_mean, input_var
    "InstanceNormalization": (1, 2),  # scale, B
    "LayerNormalization": (1, 2),    # Scale, B
    "GroupNormalization": (1, 2),    # scale, bias (opset 18)
    "PRelu": (1,),                   # slope
    "RNN": (1, 2, 3, 4),             # W, R, B, sequence_lens; initial_h (5) is data
    "GRU": (1, 2, 3, 4),             # W, R, B, sequence_lens; initial_h (5) is data
    "LSTM": (1, 2, 3, 4, 7),         # W, R, B, sequence_lens, P (peepholes);
                                     # initial_h (5) and initial_c (6) are data
    "NegativeLogLikelihoodLoss": (2,),  # weight (per class); target is data
    "SoftmaxCrossEntropyLoss": (2,),  # weights (per class); labels are data
    # --- per-model settings ---------------------------------------------
    "ReverseSequence": (1,),         # sequence_lens
    "Compress": (1,),                # condition
    "DFT": (1, 2),                   # dft_length, axis (an input from opset 20)
    "STFT": (1, 2, 3),               # frame_step, window, frame_length
    "HannWindow": (0,),              # size
    "HammingWindow": (0,),           # size
    "BlackmanWindow": (0,),          # size
    "MelWeightMatrix": (0, 1, 2, 3, 4),  # num_mel_bins, dft_length, sample_rate,
                                     # lower_edge_hertz, upper_edge_hertz
    # Data operands only (listed for completeness, nothing frozen): Gemm's and
    # MatMul's B and C (attention multiplies two activations), GatherElements,
    # GatherND, Scatter, ScatterElements and ScatterND indices, Where, If's and
    # Loop's conditions and trip counts, Scan, Einsum, Mod, BitShift, LRN,
    # EyeLike, RoiAlign, GridSample, Bernoulli, Det, TfIdfVectorizer, CastLike's
    # target, the Sequence* and Optional* ops, the training ops.
}


def const_positions(op_type, domain=""):
    """The input positions of an op that may be frozen (an empty tuple if none)."""
    if domain not in ("", "ai.onnx"):
        return ()
    return CONST_OPERANDS.get(op_type, ())
