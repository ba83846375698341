# The plain-torch CLIP towers: cost, pooling and the two attention forms.
from __future__ import annotations

import unittest

import torch

from tools.export.configs import TINY, VIT_H_14, text_flops, vision_flops
from tools.export.model import ClipModel, sdpa_available
from tools.export.weights import init_random

# OpenCLIP's published cost of ViT-H/14's image tower at 224 px, in GFLOP (multiply-add = 2).
VIT_H_14_IMAGE_GFLOP = 334.6


def tiny_model(seed: int = 0) -> ClipModel:
    model = ClipModel(TINY)
    init_random(model, seed)
    return model.eval()


def caption(*token_ids: int) -> torch.Tensor:
    ids = torch.zeros(1, TINY.text.context_length, dtype=torch.long)
    ids[0, : len(token_ids)] = torch.tensor(token_ids)
    return ids


class Cost(unittest.TestCase):
    def test_the_vit_h_image_tower_costs_what_openclip_publishes(self):
        self.assertAlmostEqual(vision_flops(VIT_H_14) / 1e9, VIT_H_14_IMAGE_GFLOP, delta=0.1)

    def test_a_caption_costs_a_small_fraction_of_an_image(self):
        self.assertLess(text_flops(VIT_H_14), vision_flops(VIT_H_14) / 5)


class Towers(unittest.TestCase):
    def setUp(self) -> None:
        self.model = tiny_model()

    def test_embeddings_have_the_projection_width_for_every_item(self):
        with torch.no_grad():
            image = self.model.visual(torch.randn(3, 3, 32, 32))
            text = self.model.textual(torch.cat([caption(49406, 320, 49407)] * 2))
        self.assertEqual((tuple(image.shape), tuple(text.shape)), ((3, 32), (2, 32)))

    def test_the_text_embedding_ignores_everything_after_the_end_token(self):
        base = caption(49406, 320, 1125, 49407)
        padded = base.clone()
        padded[0, 10:20] = 1234  # after EOT: invisible to the causal EOT token
        with torch.no_grad():
            torch.testing.assert_close(self.model.textual(base), self.model.textual(padded))

    def test_the_text_embedding_depends_on_the_words_before_the_end_token(self):
        with torch.no_grad():
            a = self.model.textual(caption(49406, 320, 1125, 49407))
            b = self.model.textual(caption(49406, 320, 736, 49407))
        self.assertLess(torch.nn.functional.cosine_similarity(a, b).item(), 0.999)

    @unittest.skipUnless(sdpa_available(), 'this torch has no scaled_dot_product_attention')
    def test_sdpa_and_math_attention_compute_the_same(self):
        pixels = torch.randn(2, 3, 32, 32)
        ids = caption(49406, 320, 1125, 49407)
        with torch.no_grad():
            math_out = (self.model.visual(pixels), self.model.textual(ids))
            self.model.set_attention('sdpa')
            sdpa_out = (self.model.visual(pixels), self.model.textual(ids))
        for a, b in zip(math_out, sdpa_out):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)

    def test_an_unknown_attention_form_is_refused(self):
        with self.assertRaisesRegex(ValueError, 'unknown implementation "flash"'):
            self.model.set_attention('flash')


if __name__ == '__main__':
    unittest.main()
