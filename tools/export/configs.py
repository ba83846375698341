# The CLIP architectures the exporter knows, with a FLOP count that checks them against published numbers.
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TowerConfig:
    width: int
    layers: int
    heads: int
    mlp_dim: int

    @property
    def head_dim(self) -> int:
        return self.width // self.heads


@dataclass(frozen=True)
class VisionConfig(TowerConfig):
    image_size: int
    patch_size: int

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def tokens(self) -> int:
        # patches plus the class token
        return self.grid * self.grid + 1


@dataclass(frozen=True)
class TextConfig(TowerConfig):
    context_length: int
    vocab_size: int


@dataclass(frozen=True)
class ClipConfig:
    key: str
    title: str
    embed_dim: int
    vision: VisionConfig
    text: TextConfig
    # 'gelu' is the exact erf form OpenCLIP ViT-H/14 uses; 'quick_gelu' is OpenAI's x * sigmoid(1.702 x).
    activation: str = 'gelu'
    layer_norm_eps: float = 1e-5


VIT_H_14 = ClipConfig(
    key='vit-h-14',
    title='ViT-H/14',
    embed_dim=1024,
    vision=VisionConfig(width=1280, layers=32, heads=16, mlp_dim=5120, image_size=224, patch_size=14),
    text=TextConfig(width=1024, layers=24, heads=16, mlp_dim=4096, context_length=77, vocab_size=49408),
)

# Small enough to export and run in a second on a laptop CPU; keeps CLIP's vocabulary and 77-token context so the
# real tokenizer's ids work, and head sizes that are multiples of 8 like the real model's.
TINY = ClipConfig(
    key='tiny',
    title='tiny CLIP',
    embed_dim=32,
    vision=VisionConfig(width=64, layers=2, heads=4, mlp_dim=256, image_size=32, patch_size=8),
    text=TextConfig(width=64, layers=2, heads=4, mlp_dim=256, context_length=77, vocab_size=49408),
)

CONFIGS: dict[str, ClipConfig] = {c.key: c for c in (VIT_H_14, TINY)}


def get_config(key: str) -> ClipConfig:
    if key not in CONFIGS:
        raise ValueError(f'--config: unknown architecture "{key}" (known: {", ".join(CONFIGS)})')
    return CONFIGS[key]


def _block_macs(tokens: int, tower: TowerConfig) -> int:
    projections = 4 * tower.width * tower.width  # q, k, v, out
    mlp = 2 * tower.width * tower.mlp_dim
    attention = 2 * tokens * tower.width  # QK^T and attention x V, per query token
    return tokens * (projections + mlp + attention)


def vision_flops(cfg: ClipConfig) -> int:
    """FLOPs of one image through the image tower, counting a multiply-add as 2 (matrix products only)."""
    v = cfg.vision
    patch_embed = v.grid * v.grid * 3 * v.patch_size * v.patch_size * v.width
    projection = v.width * cfg.embed_dim
    return 2 * (patch_embed + v.layers * _block_macs(v.tokens, v) + projection)


def text_flops(cfg: ClipConfig) -> int:
    """FLOPs of one 77-token text through the text tower (matrix products only, multiply-add = 2)."""
    t = cfg.text
    return 2 * (t.layers * _block_macs(t.context_length, t) + t.width * cfg.embed_dim)
