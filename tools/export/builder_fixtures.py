# Writes the reference fixtures for the TypeScript graph builder (src/core/model-store/build): small random CLIP
# checkpoints as safetensors, in open_clip's or transformers' naming, plus probe inputs and the embeddings this
# package's PyTorch towers (model.py, loaded through weights.py's mappings) compute for them.
#
# Run once from the repository root: python3 -m tools.export.builder_fixtures [--out DIR]
# The outputs are committed; the builder's tests compare its ONNX graphs against them.
from __future__ import annotations

import argparse
import json
import struct
from pathlib import Path

import torch

from .configs import ClipConfig, TextConfig, VisionConfig
from .model import ClipModel
from .weights import init_random, map_hf_state_dict, map_open_clip_state_dict

DEFAULT_OUT = Path('src/core/model-store/build/fixtures')
VOCAB = 256  # small so the fixtures stay small; the probes put the end-of-text id (VOCAB - 1) in by hand


def tiny(key: str, activation: str, image_size: int, patch_size: int, vision_layers: int, text_layers: int) -> ClipConfig:
    # Head size 16 (not open_clip's 64) so that 48 wide still has 3 heads: multi-head reshapes get exercised.
    return ClipConfig(
        key=key,
        title=key,
        embed_dim=24,
        vision=VisionConfig(width=48, layers=vision_layers, heads=3, mlp_dim=192, image_size=image_size, patch_size=patch_size),
        text=TextConfig(width=32, layers=text_layers, heads=2, mlp_dim=128, context_length=16, vocab_size=VOCAB),
        activation=activation,
    )


# (config, naming, stored dtype)
FIXTURES = (
    (tiny('openclip-gelu-f32', 'gelu', 32, 8, 2, 2), 'open_clip', 'F32'),
    (tiny('hf-quickgelu-f16', 'quick_gelu', 24, 6, 2, 1), 'transformers', 'F16'),
    (tiny('openclip-gelu-bf16', 'gelu', 28, 7, 1, 2), 'open_clip', 'BF16'),
)

TORCH_DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16}


def open_clip_state_dict(model: ClipModel) -> dict[str, torch.Tensor]:
    """The inverse of weights.map_open_clip_state_dict: our [in, out] Linear weights back to [out, in]."""
    sd: dict[str, torch.Tensor] = {}
    v, t = model.visual, model.textual
    sd['visual.conv1.weight'] = v.conv1.weight
    sd['visual.class_embedding'] = v.class_embedding
    sd['visual.positional_embedding'] = v.positional_embedding
    sd['visual.proj'] = v.proj
    for name in ('ln_pre', 'ln_post'):
        sd[f'visual.{name}.weight'] = getattr(v, name).weight
        sd[f'visual.{name}.bias'] = getattr(v, name).bias
    sd['token_embedding.weight'] = t.token_embedding.weight
    sd['positional_embedding'] = t.positional_embedding
    sd['text_projection'] = t.text_projection
    sd['ln_final.weight'] = t.ln_final.weight
    sd['ln_final.bias'] = t.ln_final.bias
    for prefix, tower in (('visual.transformer.resblocks', v), ('transformer.resblocks', t)):
        for i, b in enumerate(tower.blocks):
            p = f'{prefix}.{i}'
            a = b.attn
            sd[f'{p}.attn.in_proj_weight'] = torch.cat([a.q_proj.weight.t(), a.k_proj.weight.t(), a.v_proj.weight.t()])
            sd[f'{p}.attn.in_proj_bias'] = torch.cat([a.q_proj.bias, a.k_proj.bias, a.v_proj.bias])
            sd[f'{p}.attn.out_proj.weight'] = a.out_proj.weight.t()
            sd[f'{p}.attn.out_proj.bias'] = a.out_proj.bias
            for ln in ('ln_1', 'ln_2'):
                sd[f'{p}.{ln}.weight'] = getattr(b, ln).weight
                sd[f'{p}.{ln}.bias'] = getattr(b, ln).bias
            sd[f'{p}.mlp.c_fc.weight'] = b.mlp.fc1.weight.t()
            sd[f'{p}.mlp.c_fc.bias'] = b.mlp.fc1.bias
            sd[f'{p}.mlp.c_proj.weight'] = b.mlp.fc2.weight.t()
            sd[f'{p}.mlp.c_proj.bias'] = b.mlp.fc2.bias
    sd['logit_scale'] = torch.tensor(4.6052)  # present in real checkpoints; the builder must skip it
    return sd


def hf_state_dict(model: ClipModel) -> dict[str, torch.Tensor]:
    """The inverse of weights.map_hf_state_dict."""
    sd: dict[str, torch.Tensor] = {}
    v, t = model.visual, model.textual
    sd['vision_model.embeddings.patch_embedding.weight'] = v.conv1.weight
    sd['vision_model.embeddings.class_embedding'] = v.class_embedding
    sd['vision_model.embeddings.position_embedding.weight'] = v.positional_embedding
    sd['vision_model.embeddings.position_ids'] = torch.arange(v.positional_embedding.shape[0]).reshape(1, -1)
    for ours, theirs in (('ln_pre', 'pre_layrnorm'), ('ln_post', 'post_layernorm')):
        sd[f'vision_model.{theirs}.weight'] = getattr(v, ours).weight
        sd[f'vision_model.{theirs}.bias'] = getattr(v, ours).bias
    sd['visual_projection.weight'] = v.proj.t()
    sd['text_model.embeddings.token_embedding.weight'] = t.token_embedding.weight
    sd['text_model.embeddings.position_embedding.weight'] = t.positional_embedding
    sd['text_model.embeddings.position_ids'] = torch.arange(t.positional_embedding.shape[0]).reshape(1, -1)
    sd['text_model.final_layer_norm.weight'] = t.ln_final.weight
    sd['text_model.final_layer_norm.bias'] = t.ln_final.bias
    sd['text_projection.weight'] = t.text_projection.t()
    for prefix, tower in (('vision_model.encoder.layers', v), ('text_model.encoder.layers', t)):
        for i, b in enumerate(tower.blocks):
            p = f'{prefix}.{i}'
            for name in ('q_proj', 'k_proj', 'v_proj', 'out_proj'):
                lin = getattr(b.attn, name)
                sd[f'{p}.self_attn.{name}.weight'] = lin.weight.t()
                sd[f'{p}.self_attn.{name}.bias'] = lin.bias
            for ours, theirs in (('ln_1', 'layer_norm1'), ('ln_2', 'layer_norm2')):
                sd[f'{p}.{theirs}.weight'] = getattr(b, ours).weight
                sd[f'{p}.{theirs}.bias'] = getattr(b, ours).bias
            for name in ('fc1', 'fc2'):
                lin = getattr(b.mlp, name)
                sd[f'{p}.mlp.{name}.weight'] = lin.weight.t()
                sd[f'{p}.mlp.{name}.bias'] = lin.bias
    sd['logit_scale'] = torch.tensor(4.6052)
    return sd


def write_safetensors(path: Path, tensors: dict[str, torch.Tensor], dtype: str | None) -> None:
    """The safetensors layout by hand (this machine has no safetensors package): u64 header length, JSON
    header of dtype / shape / byte range per tensor, then the data. `dtype` None keeps each tensor's own."""
    header: dict[str, object] = {'__metadata__': {'format': 'pt'}}
    blobs: list[bytes] = []
    offset = 0
    names = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64'}
    for name, value in tensors.items():
        x = value.detach().contiguous()
        if dtype is not None and x.is_floating_point():
            x = x.to(TORCH_DTYPES[dtype])
        raw = x.view(torch.int16).numpy().tobytes() if x.dtype == torch.bfloat16 else x.numpy().tobytes()
        header[name] = {'dtype': names[x.dtype], 'shape': list(x.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors writer does it
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def probe_ids(cfg: ClipConfig) -> torch.Tensor:
    """Three captions: start id, a few word ids, the end id (the highest id: argmax pools there), zero padding.
    The end sits at different positions, and one caption fills the whole context."""
    n, eot, sot = cfg.text.context_length, cfg.text.vocab_size - 1, cfg.text.vocab_size - 2
    g = torch.Generator().manual_seed(7)
    rows = []
    for length in (3, 9, n):
        ids = torch.zeros(n, dtype=torch.long)
        ids[0] = sot
        ids[1 : length - 1] = torch.randint(1, sot, (length - 2,), generator=g)
        ids[length - 1] = eot
        rows.append(ids)
    return torch.stack(rows)


def make(cfg: ClipConfig, naming: str, dtype: str, out: Path, seed: int) -> None:
    source = ClipModel(cfg).eval()
    init_random(source, seed)
    sd = open_clip_state_dict(source) if naming == 'open_clip' else hf_state_dict(source)
    write_safetensors(out / f'{cfg.key}.safetensors', sd, dtype)
    # The reference runs on the weights as stored (rounded to the stored dtype), loaded by the mapping code.
    stored = {k: (v.detach().to(TORCH_DTYPES[dtype]).float() if v.is_floating_point() else v) for k, v in sd.items()}
    model = ClipModel(cfg).eval()
    loader = map_open_clip_state_dict if naming == 'open_clip' else map_hf_state_dict
    loader(model, stored, cfg.key)
    g = torch.Generator().manual_seed(seed + 1)
    pixels = torch.randn(2, 3, cfg.vision.image_size, cfg.vision.image_size, generator=g)
    ids = probe_ids(cfg)
    with torch.no_grad():
        image = torch.nn.functional.normalize(model.visual(pixels), dim=-1)
        text = torch.nn.functional.normalize(model.textual(ids), dim=-1)
    probes = {'pixel_values': pixels, 'input_ids': ids, 'image_embeds': image, 'text_embeds': text}
    write_safetensors(out / f'{cfg.key}.probes.safetensors', probes, None)
    meta = {
        'naming': naming,
        'dtype': dtype,
        'activation': cfg.activation,
        'headDim': cfg.vision.head_dim,
    }
    (out / f'{cfg.key}.json').write_text(json.dumps(meta, indent=2) + '\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, (cfg, naming, dtype) in enumerate(FIXTURES):
        make(cfg, naming, dtype, args.out, seed=100 + i)
        print(f'{cfg.key}: {naming}, {dtype}')
    total = sum(p.stat().st_size for p in args.out.iterdir())
    print(f'{args.out}: {total} bytes')


if __name__ == '__main__':
    main()
