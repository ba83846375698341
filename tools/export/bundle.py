# Writes a Glimpse bundle's model.json and tokenizer.json, and names the bundle after its weights and dtype.
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .configs import VIT_H_14, ClipConfig
from .verify import IMAGE_MEAN, IMAGE_STD

BUNDLE_FORMAT = 'glimpse-clip-bundle'
BUNDLE_FORMAT_VERSION = 1
VISUAL_FILE = 'visual.onnx'
TEXTUAL_FILE = 'textual.onnx'
TOKENIZER_FILE = 'tokenizer.json'
VISUAL_INPUT = 'pixel_values'
VISUAL_OUTPUT = 'image_embeds'
TEXTUAL_INPUT = 'input_ids'
TEXTUAL_OUTPUT = 'text_embeds'
DTYPE_SUFFIX = {'float16': 'fp16', 'float32': 'fp32'}
# Glimpse's bundle.ts accepts ids of letters, digits, '.', '_' and '-', at most 128 characters.
ID_MAX_CHARS = 128
LAION_H14_TAG = 'laion2bs32bb79k'  # laion2b_s32b_b79k with the separators removed, as repo names vary them


def bundle_identity(cfg: ClipConfig, source_kind: str, source: str, dtype: str) -> tuple[str, str]:
    """(id, name): the id changes with weights and dtype because Glimpse never mixes vectors of different ids."""
    suffix = DTYPE_SUFFIX[dtype]
    if source_kind == 'random':
        prefix = 'OpenCLIP ' if cfg == VIT_H_14 else ''
        return f'{cfg.key}-random-{suffix}', f'{prefix}{cfg.title} architecture, random weights ({dtype})'
    flat = re.sub(r'[^a-z0-9]', '', source.lower())
    if LAION_H14_TAG in flat and _same_architecture(cfg, VIT_H_14):
        return f'vit-h-14-laion2b-s32b-b79k-{suffix}', f'OpenCLIP ViT-H/14 laion2b_s32b_b79k ({dtype})'
    stem = Path(source.rstrip('/')).name or source
    slug = re.sub(r'[^a-z0-9._-]+', '-', stem.lower()).strip('-._') or 'clip'
    return f'{slug[: ID_MAX_CHARS - len(suffix) - 1]}-{suffix}', f'{stem} ({dtype})'


def _same_architecture(a: ClipConfig, b: ClipConfig) -> bool:
    return (a.embed_dim, a.vision, a.text, a.activation) == (b.embed_dim, b.vision, b.text, b.activation)


def model_json(bundle_id: str, name: str, cfg: ClipConfig, dtype: str) -> dict:
    """The exact shape Glimpse validates (src/core/runtime/bundle.ts); key order kept for readable diffs."""
    return {
        'format': BUNDLE_FORMAT,
        'formatVersion': BUNDLE_FORMAT_VERSION,
        'id': bundle_id,
        'name': name,
        'embedDim': cfg.embed_dim,
        'image': {
            'size': cfg.vision.image_size,
            'mean': list(IMAGE_MEAN),
            'std': list(IMAGE_STD),
            'resize': 'shortest-crop',
            'interpolation': 'bicubic',
        },
        'text': {'contextLength': cfg.text.context_length, 'tokenizer': TOKENIZER_FILE},
        'visual': {
            'file': VISUAL_FILE,
            'input': VISUAL_INPUT,
            'output': VISUAL_OUTPUT,
            'dtype': dtype,
            'dynamicBatch': True,
        },
        'textual': {
            'file': TEXTUAL_FILE,
            'input': TEXTUAL_INPUT,
            'idsDtype': 'int64',
            'output': TEXTUAL_OUTPUT,
            'dtype': dtype,
            'dynamicBatch': True,
        },
    }


def write_model_json(out: Path, doc: dict) -> Path:
    if not re.fullmatch(r'[A-Za-z0-9][A-Za-z0-9._-]{0,127}', doc['id']):
        raise ValueError(f'--id: "{doc["id"]}" must be letters, digits, ".", "_" or "-", at most {ID_MAX_CHARS} long')
    path = out / 'model.json'
    path.write_text(json.dumps(doc, indent=2) + '\n')
    return path


def place_tokenizer(out: Path, tokenizer: str | None, hf_dir: str | None) -> str:
    """Copies tokenizer.json into the bundle from --tokenizer, else from the HF folder; says what it did."""
    target = out / TOKENIZER_FILE
    candidates = [Path(tokenizer)] if tokenizer else []
    if not tokenizer and hf_dir and Path(hf_dir).is_dir():
        candidates.append(Path(hf_dir) / TOKENIZER_FILE)
    for source in candidates:
        if source.is_file():
            if source.resolve() != target.resolve():
                shutil.copyfile(source, target)
            return f'tokenizer.json copied from {source}'
        if tokenizer:
            raise FileNotFoundError(f'--tokenizer {tokenizer}: no such file')
    if target.is_file():
        return 'tokenizer.json already in the bundle (kept)'
    return (
        'WARNING: no tokenizer.json: Glimpse will refuse the bundle until one is added, e.g. '
        f'`npx tsx tools/clip-tokenizer/build.ts --out {target}`'
    )
