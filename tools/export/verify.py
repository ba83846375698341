# Checks an exported graph against the torch model, and writes the verify/ folder a bundle carries for Node.
#
# verify/index.json describes raw little-endian tensors stored beside it (no header, C order):
#   {"format": "glimpse-clip-verify", "formatVersion": 1, "reference": "...", "minCosine": 0.999,
#    "visual":  {"input":    {"file": "visual_input.f32",     "dtype": "float32", "shape": [n, 3, S, S]},
#                "expected": {"file": "visual_expected.f32",  "dtype": "float32", "shape": [n, E]}},
#    "textual": {"input":    {"file": "textual_input.i64",    "dtype": "int64",   "shape": [n, 77]},
#                "expected": {"file": "textual_expected.f32", "dtype": "float32", "shape": [n, E]}}}
# Pixel inputs are already normalised (what the visual graph takes); a float16 tower gets them converted.
# Expected outputs are the float32 torch model's un-normalised embeddings; compare by cosine per row.
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .configs import ClipConfig
from .model import ClipModel

VERIFY_FORMAT = 'glimpse-clip-verify'
VERIFY_FORMAT_VERSION = 1
# float16 weights and activations keep ~3 significant digits; 0.999 is far above what a wrong graph reaches
# and below what rounding costs a 32-layer tower. float32 differs from torch only in summation order.
MIN_COSINE = {'float16': 0.999, 'float32': 0.99999}
CLIP_SOT = 49406
CLIP_EOT = 49407
# Token ids drawn for the random captions stay clear of the special tokens at the top of the vocabulary.
RANDOM_TOKEN_RANGE = (256, 49405)
IMAGE_MEAN = (0.48145466, 0.4578275, 0.40821073)
IMAGE_STD = (0.26862954, 0.26130258, 0.27577711)


def make_inputs(cfg: ClipConfig, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised random images and random captions of different lengths, padded with 0 like open_clip."""
    rng = np.random.default_rng(seed)
    size = cfg.vision.image_size
    pixels = np.empty((count, 3, size, size), dtype=np.float32)
    for i in range(count):
        # Coarse colour blocks plus fine noise, with a different grid per image: white noise alone looks the
        # same to a deep random network, and a check on near-identical outputs could not catch a broken graph.
        cells = 2 + i % 6
        blocks = rng.random((3, cells, cells), dtype=np.float32)
        coarse = blocks.repeat(-(-size // cells), axis=1).repeat(-(-size // cells), axis=2)[:, :size, :size]
        pixels[i] = np.clip(coarse + 0.1 * rng.standard_normal((3, size, size), dtype=np.float32), 0, 1)
    mean = np.array(IMAGE_MEAN, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array(IMAGE_STD, dtype=np.float32).reshape(1, 3, 1, 1)
    pixels = (pixels - mean) / std

    ctx = cfg.text.context_length
    ids = np.zeros((count, ctx), dtype=np.int64)
    for i in range(count):
        words = 1 + (i * 7 + 2) % (ctx - 2)  # 3, 10, 17, ... tokens: different EOT positions per row
        ids[i, 0] = CLIP_SOT
        ids[i, 1 : 1 + words] = rng.integers(*RANDOM_TOKEN_RANGE, size=words)
        ids[i, 1 + words] = CLIP_EOT
    return pixels.astype(np.float32), ids


def torch_reference(model: ClipModel, pixels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        image = model.visual(torch.from_numpy(pixels)).float().numpy()
        text = model.textual(torch.from_numpy(ids)).float().numpy()
    return image, text


def max_cross_cosine(embeds: np.ndarray) -> float:
    """Highest cosine between the outputs of different items: the check discriminates only below this."""
    if len(embeds) < 2:
        return 0.0
    n = embeds.astype(np.float64)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-30)
    sims = n @ n.T
    np.fill_diagonal(sims, -1.0)
    return float(sims.max())


def cosines(actual: np.ndarray, expected: np.ndarray) -> list[float]:
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    num = (a * e).sum(axis=1)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(e, axis=1)
    return [float(x) for x in num / np.maximum(den, 1e-30)]


def run_onnxruntime(path: Path, input_name: str, value: np.ndarray, float16_input: bool) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    feed = value.astype(np.float16) if float16_input else value
    return np.asarray(session.run(None, {input_name: feed})[0]).astype(np.float32)


def _write_tensor(folder: Path, name: str, array: np.ndarray) -> dict:
    # '<' pins little-endian whatever the machine.
    dtype = {np.dtype(np.float32): ('float32', '<f4'), np.dtype(np.int64): ('int64', '<i8')}[array.dtype]
    (folder / name).write_bytes(np.ascontiguousarray(array, dtype=dtype[1]).tobytes())
    return {'file': name, 'dtype': dtype[0], 'shape': list(array.shape)}


def write_verify_dir(
    out: Path,
    dtype: str,
    reference: str,
    pixels: np.ndarray,
    ids: np.ndarray,
    image_embeds: np.ndarray,
    text_embeds: np.ndarray,
) -> Path:
    folder = out / 'verify'
    folder.mkdir(parents=True, exist_ok=True)
    index = {
        'format': VERIFY_FORMAT,
        'formatVersion': VERIFY_FORMAT_VERSION,
        'reference': reference,
        'minCosine': MIN_COSINE[dtype],
        'visual': {
            'input': _write_tensor(folder, 'visual_input.f32', pixels),
            'expected': _write_tensor(folder, 'visual_expected.f32', image_embeds),
        },
        'textual': {
            'input': _write_tensor(folder, 'textual_input.i64', ids),
            'expected': _write_tensor(folder, 'textual_expected.f32', text_embeds),
        },
    }
    (folder / 'index.json').write_text(json.dumps(index, indent=2) + '\n')
    return folder


def read_verify_tensor(folder: Path, entry: dict) -> np.ndarray:
    dtype = {'float32': '<f4', 'int64': '<i8'}[entry['dtype']]
    return np.frombuffer((folder / entry['file']).read_bytes(), dtype=dtype).reshape(entry['shape'])
