# A whole-graph float32 -> float16 conversion for when onnxruntime's converter is not importable (or fails).
#
# Everything float becomes float16, inputs and outputs included (Glimpse feeds float16 directly, no Cast at the
# input). No op is kept in float32: ONNX Runtime's CUDA kernels for LayerNormalization, SkipLayerNormalization,
# Softmax and the fused Attention accumulate in float32 internally, and on the CPU ORT runs float16 nodes that
# lack a float16 kernel through float32 casts it inserts itself. The cosine check against the float32 torch
# model is what guards that choice.
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

FLOAT16_MAX = 65504.0  # largest finite float16; larger weights would become inf


def _tensor_to_float16(t: TensorProto) -> TensorProto:
    arr = numpy_helper.to_array(t)
    if not arr.flags.writeable:  # a view of the protobuf's bytes; torch wants memory it may own
        arr = arr.copy()
    # torch rather than numpy for the cast: it is multi-threaded, and ViT-H has 632 M values to convert.
    # -inf / +inf (e.g. a causal mask's fill value) survive the clamp as +-65504, which masks just the same.
    half = torch.from_numpy(np.ascontiguousarray(arr)).clamp(-FLOAT16_MAX, FLOAT16_MAX).half().numpy()
    return numpy_helper.from_array(half, t.name)


def _retype(value_infos) -> None:
    for vi in value_infos:
        tt = vi.type.tensor_type
        if tt.elem_type == TensorProto.FLOAT:
            tt.elem_type = TensorProto.FLOAT16


def convert_to_float16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Converts `model` in place and returns it."""
    g = model.graph
    for i, init in enumerate(g.initializer):
        if init.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(_tensor_to_float16(init))
    for node in g.node:
        if node.op_type == 'Cast':
            for attr in node.attribute:
                if attr.name == 'to' and attr.i == TensorProto.FLOAT:
                    attr.i = TensorProto.FLOAT16
        if node.op_type == 'Constant':
            for attr in node.attribute:
                if attr.name == 'value_float':
                    # Constant's scalar form has no float16 variant: rewrite it as a tensor.
                    value = np.array(attr.f, dtype=np.float16)
                    node.attribute.remove(attr)
                    node.attribute.append(helper.make_attribute('value', numpy_helper.from_array(value)))
                    break
                if attr.name == 'value_floats':
                    value = np.array(list(attr.floats), dtype=np.float16)
                    node.attribute.remove(attr)
                    node.attribute.append(helper.make_attribute('value', numpy_helper.from_array(value)))
                    break
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT:
                attr.t.CopyFrom(_tensor_to_float16(attr.t))
    _retype(g.input)
    _retype(g.output)
    _retype(g.value_info)
    return model
