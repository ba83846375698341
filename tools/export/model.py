# OpenCLIP's two towers in plain torch modules, written so the ONNX export is the graph ORT's CLIP fusions expect.
#
# Why not HF's CLIPModel for the export: the GPU host's transformers (5.x) routes attention through
# attention-interface dispatch whose exported graph changes between releases, and this machine has no
# transformers at all. Owning the modules gives one graph everywhere; HF and open_clip weights are mapped in
# (weights.py). Attention comes in two forms with the same weights:
#   'math' -- explicit MatMul/Softmax, the pattern onnxruntime.transformers' FusionAttentionClip rewrites into
#             its fused Attention kernel; used for every export (torch 1.13 has no SDPA either).
#   'sdpa' -- torch.nn.functional.scaled_dot_product_attention (flash / memory-efficient kernels); used by the
#             PyTorch baseline benchmark, where it is the fastest PyTorch can do.
from __future__ import annotations

import contextlib
import math

import torch
from torch import nn
from torch.nn import functional as F

from .configs import ClipConfig, TowerConfig

ATTENTION_IMPLS = ('math', 'sdpa')


def sdpa_available() -> bool:
    return hasattr(F, 'scaled_dot_product_attention')


def check_attention_impl(impl: str) -> None:
    if impl not in ATTENTION_IMPLS:
        raise ValueError(f'attention: unknown implementation "{impl}" ({" or ".join(ATTENTION_IMPLS)})')
    if impl == 'sdpa' and not sdpa_available():
        raise RuntimeError(f'attention: torch {torch.__version__} has no scaled_dot_product_attention (needs 2.0+)')


class Linear(nn.Module):
    """nn.Linear with the weight stored transposed, [in, out].

    Exported as MatMul(x, weight) + bias with the weight as a plain initializer: torch.nn.Linear's [out, in]
    weight makes the exporter transpose every matrix while constant folding, which for ViT-H's 2.5 GB of
    weights doubled the image tower's export time (104 s against 54 s on one core). Eager mode uses F.linear
    on a transposed view, which BLAS takes without a copy and with the bias fused into the matrix product."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        # A plain attribute rather than torch.onnx.is_in_onnx_export(), which torch.compile would trip over.
        self.matmul_form = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.matmul_form:
            return torch.matmul(x, self.weight) + self.bias
        return F.linear(x, self.weight.t(), self.bias)


@contextlib.contextmanager
def matmul_form(module: nn.Module):
    """Within the block, every Linear under `module` computes MatMul + Add, the form to export."""
    linears = [m for m in module.modules() if isinstance(m, Linear)]
    for m in linears:
        m.matmul_form = True
    try:
        yield module
    finally:
        for m in linears:
            m.matmul_form = False


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


def make_activation(name: str) -> nn.Module:
    if name == 'gelu':
        return nn.GELU()  # exact erf form; ORT fuses it into Gelu / BiasGelu
    if name == 'quick_gelu':
        return QuickGELU()
    raise ValueError(f'activation: unsupported "{name}" (gelu or quick_gelu)')


class Attention(nn.Module):
    def __init__(self, tower: TowerConfig, causal: bool, impl: str):
        super().__init__()
        check_attention_impl(impl)
        self.heads = tower.heads
        self.head_dim = tower.head_dim
        self.scale = 1.0 / math.sqrt(tower.head_dim)
        self.causal = causal
        self.impl = impl
        # Separate q/k/v projections (not one packed in_proj) because that is the shape ORT's fusion matches.
        self.q_proj = Linear(tower.width, tower.width)
        self.k_proj = Linear(tower.width, tower.width)
        self.v_proj = Linear(tower.width, tower.width)
        self.out_proj = Linear(tower.width, tower.width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, n, w = x.shape
        q = self.q_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        if self.impl == 'sdpa':
            k = self.k_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
            o = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)
        else:
            # K goes straight to [b, heads, head_dim, n] in one Transpose, as the fusion's K path expects.
            k = self.k_proj(x).reshape(b, n, self.heads, self.head_dim).permute(0, 2, 3, 1)
            scores = torch.matmul(q, k) * self.scale
            if mask is not None:
                scores = scores + mask
            o = torch.matmul(scores.softmax(dim=-1), v)
        return self.out_proj(o.transpose(1, 2).reshape(b, n, w))


class Mlp(nn.Module):
    def __init__(self, tower: TowerConfig, activation: str):
        super().__init__()
        self.fc1 = Linear(tower.width, tower.mlp_dim)
        self.act = make_activation(activation)
        self.fc2 = Linear(tower.mlp_dim, tower.width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """Pre-LayerNorm residual block; the residual is the Add's first input, as the fusion expects."""

    def __init__(self, tower: TowerConfig, cfg: ClipConfig, causal: bool, impl: str):
        super().__init__()
        self.ln_1 = nn.LayerNorm(tower.width, eps=cfg.layer_norm_eps)
        self.attn = Attention(tower, causal, impl)
        self.ln_2 = nn.LayerNorm(tower.width, eps=cfg.layer_norm_eps)
        self.mlp = Mlp(tower, cfg.activation)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class VisionTower(nn.Module):
    """pixel_values [batch, 3, size, size] (normalised) -> projected, un-normalised image_embeds [batch, embed]."""

    def __init__(self, cfg: ClipConfig, impl: str = 'math'):
        super().__init__()
        v = cfg.vision
        self.conv1 = nn.Conv2d(3, v.width, kernel_size=v.patch_size, stride=v.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(v.width))
        self.positional_embedding = nn.Parameter(torch.zeros(v.tokens, v.width))
        self.ln_pre = nn.LayerNorm(v.width, eps=cfg.layer_norm_eps)
        self.blocks = nn.ModuleList([Block(v, cfg, causal=False, impl=impl) for _ in range(v.layers)])
        self.ln_post = nn.LayerNorm(v.width, eps=cfg.layer_norm_eps)
        self.proj = nn.Parameter(torch.zeros(v.width, cfg.embed_dim))

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.conv1(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for block in self.blocks:
            x = block(x, None)
        # Only the class token is pooled, so ln_post runs on [batch, width] rather than every token.
        return self.ln_post(x[:, 0]) @ self.proj


def causal_mask(n: torch.Tensor | int, b: torch.Tensor | int, like: torch.Tensor) -> torch.Tensor:
    """Additive [b, 1, n, n] mask, built the way HF's CLIP builds it (Less -> Where -> Unsqueeze x2 -> Expand):
    FusionAttentionClip recognises exactly that chain as 'causal' and folds it into the fused kernel."""
    r = torch.arange(n, device=like.device)
    blocked = torch.full((n, n), float('-inf'), dtype=like.dtype, device=like.device)
    # torch.where, not masked_fill: masked_fill exports a Cast between Less and Where that breaks the chain.
    mask = torch.where(r < (r + 1).view(n, 1), torch.zeros_like(blocked), blocked)
    return mask.unsqueeze(0).unsqueeze(0).expand(b, 1, n, n)


class TextTower(nn.Module):
    """input_ids [batch, 77] int64 -> projected, un-normalised text_embeds [batch, embed], pooled at the EOT token
    (the highest id in CLIP's vocabulary, so argmax finds it, as open_clip and HF do)."""

    def __init__(self, cfg: ClipConfig, impl: str = 'math'):
        super().__init__()
        t = cfg.text
        self.impl = impl
        self.token_embedding = nn.Embedding(t.vocab_size, t.width)
        self.positional_embedding = nn.Parameter(torch.zeros(t.context_length, t.width))
        self.blocks = nn.ModuleList([Block(t, cfg, causal=True, impl=impl) for _ in range(t.layers)])
        self.ln_final = nn.LayerNorm(t.width, eps=cfg.layer_norm_eps)
        self.text_projection = nn.Parameter(torch.zeros(t.width, cfg.embed_dim))

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        b, n = input_ids.shape
        x = self.token_embedding(input_ids) + self.positional_embedding[:n]
        mask = None if self.impl == 'sdpa' else causal_mask(n, b, x)
        for block in self.blocks:
            x = block(x, mask)
        eot = input_ids.argmax(dim=-1)
        # gather rather than x[arange(b), eot]: no Range op, and GatherElements runs on every provider.
        # [:, 0] rather than squeeze(1), which exports as an If on the dynamic shape.
        x = x.gather(1, eot.reshape(b, 1, 1).expand(b, 1, x.shape[2]))[:, 0]
        # LayerNorm is per token, so normalising only the pooled token equals open_clip's ln_final-then-pool.
        return self.ln_final(x) @ self.text_projection


class ClipModel(nn.Module):
    def __init__(self, cfg: ClipConfig, impl: str = 'math'):
        super().__init__()
        self.config = cfg
        self.visual = VisionTower(cfg, impl)
        self.textual = TextTower(cfg, impl)

    def set_attention(self, impl: str) -> None:
        """Switches every attention layer between 'math' and 'sdpa' (same weights)."""
        check_attention_impl(impl)
        for tower in (self.visual, self.textual):
            for block in tower.blocks:
                block.attn.impl = impl
        self.textual.impl = impl
