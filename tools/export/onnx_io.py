# Turns one tower into an ONNX file with a dynamic batch axis, and saves ONNX models of any size.
from __future__ import annotations

import inspect
import shutil
import warnings
from pathlib import Path

import onnx
import torch

from .model import matmul_form

# Opset 17 is the first with a LayerNormalization op, and the TorchScript exporter's opset-17 graphs are what
# onnxruntime.transformers' fusions are written against; onnxruntime-node 1.29 runs it, and so does onnx 1.12.
OPSET = 17
# The dynamo exporter starts at opset 18.
DYNAMO_OPSET = 18
# Protobuf cannot serialise a message over 2 GiB; keep a margin for the graph itself (ViT-H's FP32 image tower
# is 2.5 GB of weights and needs external data, its FP16 version and both text towers do not).
EXTERNAL_DATA_THRESHOLD_BYTES = 1_900_000_000
EXPORTERS = ('auto', 'torchscript', 'dynamo')


def _has_dynamo_flag() -> bool:
    return 'dynamo' in inspect.signature(torch.onnx.export).parameters


def export_tower(
    module: torch.nn.Module,
    example: torch.Tensor,
    path: Path,
    input_name: str,
    output_name: str,
    dynamic_sequence: bool,
    exporter: str = 'auto',
) -> str:
    """Exports `module(example)` to `path` (weights may land in files beside it) and returns the exporter used.

    'auto' takes the TorchScript exporter (its graphs are the ones ORT's fusions match) and falls back to the
    dynamo exporter only if this torch no longer has it."""
    if exporter not in EXPORTERS:
        raise ValueError(f'--exporter: unknown "{exporter}" ({", ".join(EXPORTERS)})')
    axes = {0: 'batch', 1: 'sequence'} if dynamic_sequence else {0: 'batch'}
    common = dict(
        input_names=[input_name],
        output_names=[output_name],
        dynamic_axes={input_name: axes, output_name: {0: 'batch'}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    module.eval()
    with matmul_form(module):
        return _export(module, example, path, common, exporter)


def _export(module: torch.nn.Module, example: torch.Tensor, path: Path, common: dict, exporter: str) -> str:
    if exporter in ('auto', 'torchscript'):
        kwargs = dict(common, opset_version=OPSET, do_constant_folding=True)
        if _has_dynamo_flag():
            kwargs['dynamo'] = False
        try:
            with torch.no_grad(), warnings.catch_warnings():
                # torch >= 2.9 warns that this exporter is legacy; the tracer warns about shape-derived ints,
                # which is how the dynamic axes are meant to work here.
                warnings.simplefilter('ignore')
                torch.onnx.export(module, (example,), str(path), **kwargs)
            return 'torchscript'
        except Exception as e:  # noqa: BLE001 -- whatever a torch without the legacy exporter raises
            if exporter == 'torchscript':
                raise
            print(f'  the TorchScript exporter failed ({type(e).__name__}: {e}); trying dynamo=True', flush=True)
            _clear_dir(path.parent)
    with torch.no_grad():
        torch.onnx.export(
            module, (example,), str(path), opset_version=DYNAMO_OPSET, dynamo=True, external_data=True, **common
        )
    return 'dynamo'


def _clear_dir(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# Bytes per element of the ONNX element types a CLIP graph holds (float, uint8, int8, int32, int64, bool,
# float16, double); onnx.mapping, which knows them all, is gone from recent onnx releases.
ELEMENT_BYTES = {1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8}


def tensor_bytes(t: onnx.TensorProto) -> int:
    if t.HasField('raw_data'):
        return len(t.raw_data)
    elem = ELEMENT_BYTES.get(t.data_type, 4)
    count = 1
    for d in t.dims:
        count *= d
    return count * elem


def weight_bytes(model: onnx.ModelProto) -> int:
    return sum(tensor_bytes(t) for t in model.graph.initializer)


def save_model(model: onnx.ModelProto, path: Path) -> list[Path]:
    """Writes `path`, and `path.data` beside it when the weights would break protobuf's 2 GiB limit.
    Returns the files written."""
    data = path.with_name(path.name + '.data')
    for stale in (path, data):
        # onnx appends to an existing external-data file, so a leftover from an earlier run must go first.
        if stale.exists():
            stale.unlink()
    if weight_bytes(model) <= EXTERNAL_DATA_THRESHOLD_BYTES:
        onnx.save_model(model, str(path))
        return [path]
    # Saving as external data empties the tensors it moves out; callers keep using `model`, so save a copy.
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    onnx.save_model(
        copy,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data.name,
        size_threshold=1024,
    )
    return [path, data]


def files_size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)
