# The weight loaders put open_clip and HF weights where our modules compute what open_clip computes.
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

import torch
from torch.nn import functional as F

from tools.export.bundle import bundle_identity
from tools.export.configs import TINY, VIT_H_14, ClipConfig
from tools.export.model import ClipModel
from tools.export.weights import config_from_hf, init_random, load_open_clip, map_hf_state_dict


def random_open_clip_state_dict(cfg: ClipConfig, seed: int = 7) -> dict[str, torch.Tensor]:
    """An open_clip-format checkpoint (packed in_proj, c_fc/c_proj, x @ proj) with random values."""
    g = torch.Generator().manual_seed(seed)
    v, t = cfg.vision, cfg.text

    def r(*shape: int, std: float = 0.05) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * std

    sd = {
        'visual.conv1.weight': r(v.width, 3, v.patch_size, v.patch_size, std=0.1),
        'visual.class_embedding': r(v.width, std=0.3),
        'visual.positional_embedding': r(v.tokens, v.width, std=0.3),
        'visual.proj': r(v.width, cfg.embed_dim, std=0.2),
        'token_embedding.weight': r(t.vocab_size, t.width, std=0.3),
        'positional_embedding': r(t.context_length, t.width, std=0.1),
        'text_projection': r(t.width, cfg.embed_dim, std=0.2),
        'logit_scale': torch.tensor(4.6),
    }
    for ln in ('visual.ln_pre', 'visual.ln_post', 'ln_final'):
        width = t.width if ln == 'ln_final' else v.width
        sd[f'{ln}.weight'], sd[f'{ln}.bias'] = 1 + r(width), r(width)
    for prefix, tower in (('visual.transformer.resblocks', v), ('transformer.resblocks', t)):
        w, m = tower.width, tower.mlp_dim
        for i in range(tower.layers):
            p = f'{prefix}.{i}'
            sd.update({
                f'{p}.ln_1.weight': 1 + r(w), f'{p}.ln_1.bias': r(w),
                f'{p}.attn.in_proj_weight': r(3 * w, w, std=w**-0.5), f'{p}.attn.in_proj_bias': r(3 * w),
                f'{p}.attn.out_proj.weight': r(w, w, std=w**-0.5), f'{p}.attn.out_proj.bias': r(w),
                f'{p}.ln_2.weight': 1 + r(w), f'{p}.ln_2.bias': r(w),
                f'{p}.mlp.c_fc.weight': r(m, w, std=w**-0.5), f'{p}.mlp.c_fc.bias': r(m),
                f'{p}.mlp.c_proj.weight': r(w, m, std=m**-0.5), f'{p}.mlp.c_proj.bias': r(w),
            })  # fmt: skip
    return sd


def reference_blocks(sd: dict, prefix: str, x: torch.Tensor, heads: int, layers: int, mask) -> torch.Tensor:
    """open_clip's ResidualAttentionBlock through torch's own nn.MultiheadAttention maths."""
    w = x.shape[-1]
    for i in range(layers):
        p = f'{prefix}.{i}'
        h = F.layer_norm(x, (w,), sd[f'{p}.ln_1.weight'], sd[f'{p}.ln_1.bias'], 1e-5).transpose(0, 1)
        a, _ = F.multi_head_attention_forward(
            h, h, h, w, heads, sd[f'{p}.attn.in_proj_weight'], sd[f'{p}.attn.in_proj_bias'], None, None, False,
            0.0, sd[f'{p}.attn.out_proj.weight'], sd[f'{p}.attn.out_proj.bias'], training=False,
            need_weights=False, attn_mask=mask,
        )  # fmt: skip
        x = x + a.transpose(0, 1)
        h = F.layer_norm(x, (w,), sd[f'{p}.ln_2.weight'], sd[f'{p}.ln_2.bias'], 1e-5)
        h = F.linear(F.gelu(F.linear(h, sd[f'{p}.mlp.c_fc.weight'], sd[f'{p}.mlp.c_fc.bias'])), sd[f'{p}.mlp.c_proj.weight'])
        x = x + h + sd[f'{p}.mlp.c_proj.bias']
    return x


def reference_image(sd: dict, cfg: ClipConfig, pixels: torch.Tensor) -> torch.Tensor:
    v = cfg.vision
    x = F.conv2d(pixels, sd['visual.conv1.weight'], stride=v.patch_size).flatten(2).transpose(1, 2)
    x = torch.cat([sd['visual.class_embedding'].expand(x.shape[0], 1, -1), x], 1) + sd['visual.positional_embedding']
    x = F.layer_norm(x, (v.width,), sd['visual.ln_pre.weight'], sd['visual.ln_pre.bias'], 1e-5)
    x = reference_blocks(sd, 'visual.transformer.resblocks', x, v.heads, v.layers, None)
    return F.layer_norm(x[:, 0], (v.width,), sd['visual.ln_post.weight'], sd['visual.ln_post.bias'], 1e-5) @ sd['visual.proj']


def reference_text(sd: dict, cfg: ClipConfig, ids: torch.Tensor) -> torch.Tensor:
    t = cfg.text
    x = F.embedding(ids, sd['token_embedding.weight']) + sd['positional_embedding']
    mask = torch.full((t.context_length, t.context_length), float('-inf')).triu(1)
    x = reference_blocks(sd, 'transformer.resblocks', x, t.heads, t.layers, mask)
    x = F.layer_norm(x, (t.width,), sd['ln_final.weight'], sd['ln_final.bias'], 1e-5)
    return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ sd['text_projection']


def open_clip_to_hf(sd: dict, cfg: ClipConfig) -> dict[str, torch.Tensor]:
    """The same weights under transformers' CLIPModel names (separate q/k/v, projections as Linear)."""
    hf = {
        'vision_model.embeddings.patch_embedding.weight': sd['visual.conv1.weight'],
        'vision_model.embeddings.class_embedding': sd['visual.class_embedding'],
        'vision_model.embeddings.position_embedding.weight': sd['visual.positional_embedding'],
        'vision_model.embeddings.position_ids': torch.arange(cfg.vision.tokens)[None],
        'visual_projection.weight': sd['visual.proj'].t(),
        'text_model.embeddings.token_embedding.weight': sd['token_embedding.weight'],
        'text_model.embeddings.position_embedding.weight': sd['positional_embedding'],
        'text_projection.weight': sd['text_projection'].t(),
        'logit_scale': sd['logit_scale'],
    }
    for ours, theirs in (('visual.ln_pre', 'vision_model.pre_layrnorm'), ('visual.ln_post', 'vision_model.post_layernorm'),
                         ('ln_final', 'text_model.final_layer_norm')):  # fmt: skip
        for p in ('weight', 'bias'):
            hf[f'{theirs}.{p}'] = sd[f'{ours}.{p}']
    for src, dst, layers in (('visual.transformer.resblocks', 'vision_model.encoder.layers', cfg.vision.layers),
                             ('transformer.resblocks', 'text_model.encoder.layers', cfg.text.layers)):  # fmt: skip
        for i in range(layers):
            s, d = f'{src}.{i}', f'{dst}.{i}'
            for p in ('weight', 'bias'):
                q, k, v = sd[f'{s}.attn.in_proj_{p}'].chunk(3)
                hf.update({f'{d}.self_attn.q_proj.{p}': q, f'{d}.self_attn.k_proj.{p}': k, f'{d}.self_attn.v_proj.{p}': v})
                hf[f'{d}.self_attn.out_proj.{p}'] = sd[f'{s}.attn.out_proj.{p}']
                hf[f'{d}.layer_norm1.{p}'] = sd[f'{s}.ln_1.{p}']
                hf[f'{d}.layer_norm2.{p}'] = sd[f'{s}.ln_2.{p}']
                hf[f'{d}.mlp.fc1.{p}'] = sd[f'{s}.mlp.c_fc.{p}']
                hf[f'{d}.mlp.fc2.{p}'] = sd[f'{s}.mlp.c_proj.{p}']
    return hf


def sample_inputs(cfg: ClipConfig) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    pixels = torch.randn(2, 3, cfg.vision.image_size, cfg.vision.image_size, generator=g)
    ids = torch.zeros(2, cfg.text.context_length, dtype=torch.long)
    ids[0, :4] = torch.tensor([49406, 320, 1125, 49407])
    ids[1, :7] = torch.tensor([49406, 736, 2368, 530, 320, 3720, 49407])
    return pixels, ids


class OpenClipWeights(unittest.TestCase):
    def setUp(self) -> None:
        self.sd = random_open_clip_state_dict(TINY)
        self.pixels, self.ids = sample_inputs(TINY)

    def assert_matches_reference(self, model: ClipModel) -> None:
        with torch.no_grad():
            torch.testing.assert_close(model.visual(self.pixels), reference_image(self.sd, TINY, self.pixels), atol=1e-5, rtol=1e-4)
            torch.testing.assert_close(model.textual(self.ids), reference_text(self.sd, TINY, self.ids), atol=1e-5, rtol=1e-4)

    def test_an_open_clip_checkpoint_computes_what_open_clip_computes(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / 'open_clip_pytorch_model.bin'
            torch.save({f'module.{k}': v for k, v in self.sd.items()}, path)  # DataParallel prefix is stripped
            self.assert_matches_reference(load_open_clip(str(path), TINY).eval())

    def test_hf_weights_of_the_same_model_compute_the_same(self):
        model = ClipModel(TINY).eval()
        map_hf_state_dict(model, open_clip_to_hf(self.sd, TINY), 'test')
        self.assert_matches_reference(model)

    def test_a_checkpoint_for_another_architecture_is_refused_with_the_key_and_shapes(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / 'wrong.bin'
            torch.save(self.sd, path)
            with self.assertRaisesRegex(ValueError, r'wrong\.bin: .* has shape .* needs'):
                load_open_clip(str(path), VIT_H_14)

    def test_an_unknown_weight_is_refused_rather_than_dropped(self):
        model = ClipModel(TINY)
        with self.assertRaisesRegex(ValueError, 'unexpected weights, e.g. visual.attn_pool.query'):
            map_hf_state_dict(model, {**open_clip_to_hf(self.sd, TINY), 'visual.attn_pool.query': torch.zeros(1)}, 'test')


class HfConfig(unittest.TestCase):
    def test_the_laion_vit_h_config_reads_as_the_vit_h_architecture(self):
        vision = SimpleNamespace(hidden_size=1280, num_hidden_layers=32, num_attention_heads=16, intermediate_size=5120,
                                 image_size=224, patch_size=14, hidden_act='gelu', layer_norm_eps=1e-5)  # fmt: skip
        text = SimpleNamespace(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096,
                               max_position_embeddings=77, vocab_size=49408, hidden_act='gelu', layer_norm_eps=1e-5)  # fmt: skip
        cfg = config_from_hf(SimpleNamespace(vision_config=vision, text_config=text, projection_dim=1024), 'x')
        self.assertEqual((cfg.vision, cfg.text, cfg.embed_dim, cfg.activation), (VIT_H_14.vision, VIT_H_14.text, 1024, 'gelu'))
        self.assertEqual(
            bundle_identity(cfg, 'hf', 'laion/CLIP-ViT-H-14-laion2B-s32B-b79K', 'float16'),
            ('vit-h-14-laion2b-s32b-b79k-fp16', 'OpenCLIP ViT-H/14 laion2b_s32b_b79k (float16)'),
        )

    def test_an_unsupported_activation_is_refused(self):
        tower = dict(hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8, image_size=8,
                     patch_size=4, max_position_embeddings=77, vocab_size=10, layer_norm_eps=1e-5)  # fmt: skip
        hf = SimpleNamespace(vision_config=SimpleNamespace(**tower, hidden_act='relu'),
                             text_config=SimpleNamespace(**tower, hidden_act='relu'), projection_dim=8)  # fmt: skip
        with self.assertRaisesRegex(ValueError, "hidden_act \\['relu'\\] is not supported"):
            config_from_hf(hf, 'x')


class RandomWeights(unittest.TestCase):
    def test_a_seed_gives_the_same_weights_whatever_the_thread_count(self):
        a, b = ClipModel(TINY), ClipModel(TINY)
        init_random(a, 5)
        threads = torch.get_num_threads()
        try:
            torch.set_num_threads(1)
            init_random(b, 5)
        finally:
            torch.set_num_threads(threads)
        for (name, x), y in zip(a.state_dict().items(), b.state_dict().values()):
            self.assertTrue(torch.equal(x, y), name)

    def test_different_seeds_give_different_weights(self):
        a, b = ClipModel(TINY), ClipModel(TINY)
        init_random(a, 1)
        init_random(b, 2)
        self.assertFalse(torch.equal(a.visual.blocks[0].attn.q_proj.weight, b.visual.blocks[0].attn.q_proj.weight))

    def test_the_vit_h_names_follow_model_and_dtype(self):
        self.assertEqual(bundle_identity(VIT_H_14, 'random', '', 'float16')[0], 'vit-h-14-random-fp16')
        self.assertEqual(bundle_identity(VIT_H_14, 'open_clip', '/x/my model.bin', 'float32')[0], 'my-model.bin-fp32')


if __name__ == '__main__':
    unittest.main()
