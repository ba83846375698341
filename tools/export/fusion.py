# Fuses attention, GELU and LayerNorm with onnxruntime.transformers, and converts to float16 with its converter.
from __future__ import annotations

import logging
from pathlib import Path

import onnx

from .configs import TowerConfig

# The ops the CLIP model type's statistics report; listed here too so a missing one prints as 0.
FUSED_OPS = (
    'Attention',
    'MultiHeadAttention',
    'Gelu',
    'FastGelu',
    'BiasGelu',
    'QuickGelu',
    'LayerNormalization',
    'SkipLayerNormalization',
)


def onnxruntime_version() -> str | None:
    try:
        import onnxruntime
    except ImportError:
        return None
    return onnxruntime.__version__


def ort_transformers_available() -> bool:
    try:
        from onnxruntime.transformers.optimizer import optimize_model  # noqa: F401
    except ImportError:
        return False
    return True


class FusedModel:
    """An onnxruntime.transformers OnnxModel after fusion, with what it fused."""

    def __init__(self, ort_model, stats: dict[str, int]):
        self.ort_model = ort_model
        self.stats = stats

    @property
    def proto(self) -> onnx.ModelProto:
        return self.ort_model.model


def fuse(path: Path, tower: TowerConfig) -> FusedModel:
    """Runs the 'clip' model type's Python fusions (opt_level 0: no onnxruntime session, so nothing in the
    graph becomes specific to the CPU the export runs on)."""
    from onnxruntime.transformers.optimizer import optimize_model

    # The optimizer logs every pattern it tried at INFO; its summary is what we print instead.
    logging.getLogger('onnxruntime.transformers').setLevel(logging.WARNING)
    m = optimize_model(
        str(path),
        model_type='clip',
        num_heads=tower.heads,
        hidden_size=tower.width,
        opt_level=0,
        use_gpu=False,  # with opt_level 0 this only matters for creating a session, which we do not want
    )
    reported = dict(m.get_fused_operator_statistics())
    counts = {op: len(m.get_nodes_by_op_type(op)) for op in FUSED_OPS}
    counts.update(reported)
    return FusedModel(m, counts)


def convert_float16_ort(fused: FusedModel, keep_fp32_ops: list[str]) -> onnx.ModelProto:
    """ORT's converter with float16 inputs and outputs (keep_io_types=False: no Cast at the graph input).
    `keep_fp32_ops` are added to its default block list and run in float32 behind Casts."""
    kwargs: dict = {'keep_io_types': False}
    if keep_fp32_ops:
        from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST

        kwargs['op_block_list'] = list(DEFAULT_OP_BLOCK_LIST) + list(keep_fp32_ops)
    fused.ort_model.convert_float_to_float16(**kwargs)
    return fused.ort_model.model


def expected_fusions(tower: TowerConfig) -> dict[str, int]:
    """What a complete fusion of a pre-LN CLIP tower looks like: one Attention per layer."""
    return {'Attention': tower.layers}
