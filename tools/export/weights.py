# Fills a ClipModel: seeded random weights (benchmarks), Hugging Face CLIPModel weights, or an open_clip checkpoint.
from __future__ import annotations

import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

from .configs import ClipConfig, TextConfig, VisionConfig
from .model import ClipModel

# Keys that carry no weights of the towers (temperature, cached index buffers).
IGNORED_KEYS = re.compile(r'^(logit_scale|logit_bias|attn_mask|.*position_ids)$')

# Biases and LayerNorm affine parameters get small random values instead of open_clip's zeros / ones, so the
# verification exercises every bias path of a fused graph: a fusion that dropped one would not go unnoticed.
RANDOM_BIAS_STD = 0.02
RANDOM_LN_GAIN_STD = 0.05


def init_random(model: ClipModel, seed: int) -> None:
    """open_clip's initialisation scales. Every tensor draws from its own generator seeded by (seed, position),
    so the weights are the same whatever the thread count, and the draws run in parallel: ViT-H's ~1 B values
    take ~20 s on one core."""
    cfg = model.config
    jobs: list[tuple[torch.Tensor, float, float]] = []  # (tensor, std, mean)

    def normal(p: torch.Tensor, std: float, mean: float = 0.0) -> None:
        jobs.append((p, std, mean))

    def layer_norm(ln: torch.nn.LayerNorm) -> None:
        normal(ln.weight, RANDOM_LN_GAIN_STD, mean=1.0)
        normal(ln.bias, RANDOM_BIAS_STD)

    def blocks(tower: torch.nn.Module, width: int, layers: int) -> None:
        proj_std = width**-0.5 * (2 * layers) ** -0.5
        for block in tower.blocks:
            for name in ('q_proj', 'k_proj', 'v_proj'):
                normal(getattr(block.attn, name).weight, width**-0.5)
            normal(block.attn.out_proj.weight, proj_std)
            normal(block.mlp.fc1.weight, (2 * width) ** -0.5)
            normal(block.mlp.fc2.weight, proj_std)
            for linear in (block.attn.q_proj, block.attn.k_proj, block.attn.v_proj, block.attn.out_proj):
                normal(linear.bias, RANDOM_BIAS_STD)
            normal(block.mlp.fc1.bias, RANDOM_BIAS_STD)
            normal(block.mlp.fc2.bias, RANDOM_BIAS_STD)
            layer_norm(block.ln_1)
            layer_norm(block.ln_2)

    v, t = model.visual, model.textual
    vw, tw = cfg.vision.width, cfg.text.width
    normal(v.conv1.weight, (3 * cfg.vision.patch_size**2) ** -0.5)
    normal(v.class_embedding, vw**-0.5)
    normal(v.positional_embedding, vw**-0.5)
    layer_norm(v.ln_pre)
    blocks(v, vw, cfg.vision.layers)
    layer_norm(v.ln_post)
    normal(v.proj, vw**-0.5)
    normal(t.token_embedding.weight, 0.02)
    normal(t.positional_embedding, 0.01)
    blocks(t, tw, cfg.text.layers)
    layer_norm(t.ln_final)
    normal(t.text_projection, tw**-0.5)

    def draw(index: int) -> None:
        p, std, mean = jobs[index]
        g = torch.Generator(device=p.device).manual_seed(seed * 1_000_003 + index)
        with torch.no_grad():
            p.normal_(mean, std, generator=g)

    # torch releases the GIL inside normal_, so threads give real parallelism.
    with ThreadPoolExecutor(max_workers=min(32, os.cpu_count() or 1)) as pool:
        list(pool.map(draw, range(len(jobs))))


# The weights of every Linear, which HF and open_clip store as [out, in] and we as [in, out].
LINEAR_WEIGHT = re.compile(r'\.(q_proj|k_proj|v_proj|out_proj|fc1|fc2)\.weight$')


def _block_keys(dst: str, src: str, names: dict[str, str]) -> dict[str, str]:
    return {f'{dst}.{d}.{p}': f'{src}.{s}.{p}' for d, s in names.items() for p in ('weight', 'bias')}


def _load_mapped(model: ClipModel, mapped: dict[str, torch.Tensor], source: str, unused: set[str]) -> None:
    """`mapped` holds Linear weights as their source stores them, [out, in]; they are transposed here."""
    mapped = {k: (v.t() if LINEAR_WEIGHT.search(k) else v) for k, v in mapped.items()}
    leftovers = sorted(k for k in unused if not IGNORED_KEYS.match(k))
    if leftovers:
        raise ValueError(f'{source}: {len(leftovers)} unexpected weights, e.g. {", ".join(leftovers[:5])}')
    expected = model.state_dict()
    for key, value in mapped.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise ValueError(
                f'{source}: {key} has shape {tuple(value.shape)}, the {model.config.title} architecture needs '
                f'{tuple(expected[key].shape)} (wrong --config?)'
            )
    missing = sorted(set(expected) - set(mapped))
    if missing:
        raise ValueError(f'{source}: missing weights (wrong --config?), e.g. {", ".join(missing[:5])}')
    model.load_state_dict({k: v.float().contiguous() for k, v in mapped.items()}, strict=True)


# ---- Hugging Face transformers CLIPModel ----

HF_BLOCK = {
    'ln_1': 'layer_norm1',
    'attn.q_proj': 'self_attn.q_proj',
    'attn.k_proj': 'self_attn.k_proj',
    'attn.v_proj': 'self_attn.v_proj',
    'attn.out_proj': 'self_attn.out_proj',
    'ln_2': 'layer_norm2',
    'mlp.fc1': 'mlp.fc1',
    'mlp.fc2': 'mlp.fc2',
}


def hf_key_map(cfg: ClipConfig) -> dict[str, str]:
    """Our key -> HF CLIPModel key, for every weight except the two projections (stored transposed in HF)."""
    m = {
        'visual.conv1.weight': 'vision_model.embeddings.patch_embedding.weight',
        'visual.class_embedding': 'vision_model.embeddings.class_embedding',
        'visual.positional_embedding': 'vision_model.embeddings.position_embedding.weight',
        'textual.token_embedding.weight': 'text_model.embeddings.token_embedding.weight',
        'textual.positional_embedding': 'text_model.embeddings.position_embedding.weight',
    }
    for p in ('weight', 'bias'):
        m[f'visual.ln_pre.{p}'] = f'vision_model.pre_layrnorm.{p}'  # sic: HF's spelling
        m[f'visual.ln_post.{p}'] = f'vision_model.post_layernorm.{p}'
        m[f'textual.ln_final.{p}'] = f'text_model.final_layer_norm.{p}'
    for i in range(cfg.vision.layers):
        m.update(_block_keys(f'visual.blocks.{i}', f'vision_model.encoder.layers.{i}', HF_BLOCK))
    for i in range(cfg.text.layers):
        m.update(_block_keys(f'textual.blocks.{i}', f'text_model.encoder.layers.{i}', HF_BLOCK))
    return m


def map_hf_state_dict(model: ClipModel, sd: dict[str, torch.Tensor], source: str) -> None:
    unused = set(sd)
    mapped: dict[str, torch.Tensor] = {}
    for ours, theirs in hf_key_map(model.config).items():
        if theirs in sd:
            mapped[ours] = sd[theirs]
            unused.discard(theirs)
    projections = (('visual.proj', 'visual_projection.weight'), ('textual.text_projection', 'text_projection.weight'))
    for ours, theirs in projections:
        if theirs in sd:
            mapped[ours] = sd[theirs].t()  # nn.Linear stores [out, in]; we multiply x @ proj
            unused.discard(theirs)
    _load_mapped(model, mapped, source, unused)


HF_ACTIVATIONS = {'gelu': 'gelu', 'quick_gelu': 'quick_gelu'}


def config_from_hf(hf_config, key: str) -> ClipConfig:
    """Reads the architecture from a transformers CLIPConfig."""
    v, t = hf_config.vision_config, hf_config.text_config
    acts = {v.hidden_act, t.hidden_act}
    if len(acts) != 1 or next(iter(acts)) not in HF_ACTIVATIONS:
        raise ValueError(f'config.json: hidden_act {sorted(acts)} is not supported (gelu or quick_gelu, both towers)')
    epss = {float(v.layer_norm_eps), float(t.layer_norm_eps)}
    if len(epss) != 1:
        raise ValueError(f'config.json: layer_norm_eps differs between towers ({sorted(epss)})')
    return ClipConfig(
        key=key,
        title=key,
        embed_dim=hf_config.projection_dim,
        vision=VisionConfig(
            width=v.hidden_size,
            layers=v.num_hidden_layers,
            heads=v.num_attention_heads,
            mlp_dim=v.intermediate_size,
            image_size=v.image_size,
            patch_size=v.patch_size,
        ),
        text=TextConfig(
            width=t.hidden_size,
            layers=t.num_hidden_layers,
            heads=t.num_attention_heads,
            mlp_dim=t.intermediate_size,
            context_length=t.max_position_embeddings,
            vocab_size=t.vocab_size,
        ),
        activation=HF_ACTIVATIONS[next(iter(acts))],
        layer_norm_eps=epss.pop(),
    )


def load_hf(source: str) -> tuple[ClipConfig, ClipModel]:
    """Loads a local HF CLIPModel folder (or an already-downloaded repo id) without touching the network."""
    try:
        from transformers import CLIPModel
    except ImportError as e:
        raise RuntimeError(f'--hf {source}: transformers is not importable ({e}); try --open-clip') from e
    hf = CLIPModel.from_pretrained(source, local_files_only=True)
    cfg = config_from_hf(hf.config, key=Path(source).name or source)
    model = ClipModel(cfg)
    map_hf_state_dict(model, hf.state_dict(), f'--hf {source}')
    return cfg, model


# ---- open_clip checkpoints ----

OPEN_CLIP_BLOCK = {
    'ln_1': 'ln_1',
    'attn.out_proj': 'attn.out_proj',
    'ln_2': 'ln_2',
    'mlp.fc1': 'mlp.c_fc',
    'mlp.fc2': 'mlp.c_proj',
}


def map_open_clip_state_dict(model: ClipModel, sd: dict[str, torch.Tensor], source: str) -> None:
    cfg = model.config
    unused = set(sd)
    mapped: dict[str, torch.Tensor] = {}

    def take(ours: str, theirs: str, transform=lambda x: x) -> None:
        if theirs in sd:
            mapped[ours] = transform(sd[theirs])
            unused.discard(theirs)

    same = ['visual.conv1.weight', 'visual.class_embedding', 'visual.positional_embedding', 'visual.proj']
    for p in ('weight', 'bias'):
        same += [f'visual.ln_pre.{p}', f'visual.ln_post.{p}']
    for key in same:
        take(key, key)
    take('textual.token_embedding.weight', 'token_embedding.weight')
    take('textual.positional_embedding', 'positional_embedding')
    take('textual.text_projection', 'text_projection')
    take('textual.text_projection', 'text_projection.weight', lambda w: w.t())  # some configs use nn.Linear
    for p in ('weight', 'bias'):
        take(f'textual.ln_final.{p}', f'ln_final.{p}')

    for ours_prefix, theirs_prefix, layers in (
        ('visual.blocks', 'visual.transformer.resblocks', cfg.vision.layers),
        ('textual.blocks', 'transformer.resblocks', cfg.text.layers),
    ):
        for i in range(layers):
            for ours, theirs in _block_keys(f'{ours_prefix}.{i}', f'{theirs_prefix}.{i}', OPEN_CLIP_BLOCK).items():
                take(ours, theirs)
            # nn.MultiheadAttention packs q, k, v row-wise into one in_proj.
            for p, suffix in (('weight', 'in_proj_weight'), ('bias', 'in_proj_bias')):
                key = f'{theirs_prefix}.{i}.attn.{suffix}'
                if key in sd:
                    q, k, v = sd[key].chunk(3, dim=0)
                    for name, part in (('q_proj', q), ('k_proj', k), ('v_proj', v)):
                        mapped[f'{ours_prefix}.{i}.attn.{name}.{p}'] = part
                    unused.discard(key)
    _load_mapped(model, mapped, source, unused)


def load_open_clip(path: str, cfg: ClipConfig) -> ClipModel:
    """Reads an open_clip checkpoint (.bin / .pt state dict, or .safetensors) into the given architecture."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f'--open-clip {path}: no such file')
    if p.suffix == '.safetensors':
        try:
            from safetensors.torch import load_file
        except ImportError as e:
            raise RuntimeError(f'--open-clip {path}: reading .safetensors needs the safetensors package') from e
        sd = load_file(str(p))
    else:
        sd = torch.load(str(p), map_location='cpu', weights_only=True)
    if isinstance(sd, dict) and 'state_dict' in sd:
        sd = sd['state_dict']
    sd = {k[len('module.') :] if k.startswith('module.') else k: v for k, v in sd.items()}
    model = ClipModel(cfg)
    map_open_clip_state_dict(model, sd, f'--open-clip {path}')
    return model


def parameter_count(module: torch.nn.Module) -> int:
    return sum(math.prod(p.shape) for p in module.parameters())
