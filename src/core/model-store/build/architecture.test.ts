// Reading the architecture from tensor shapes: every listed ViT comes back exactly, in both namings,
// and a file that is not a CLIP ViT is refused with its tensor names in the message.
import { describe, expect, it } from 'vitest';
import { checkpointTensors } from '../../../../tools/checkpoint/random-checkpoint';
import { inferArchitecture, PRESETS } from './architecture';
import { checkTensorNames } from './weights';

describe('inferArchitecture', () => {
  it.each(['vit-b-32', 'vit-l-14', 'vit-h-14'])(
    'reads %s back from its open_clip and transformers shapes',
    (key) => {
      const preset = PRESETS[key]!;
      for (const naming of ['open_clip', 'transformers'] as const) {
        const shapes = checkpointTensors(preset, naming);
        const { arch, naming: found } = inferArchitecture('x.safetensors', shapes, {
          activation: preset.activation,
        });
        expect(found).toBe(naming);
        expect(arch).toEqual(preset);
        expect(() => checkTensorNames('x.safetensors', new Set(shapes.keys()), arch, naming)).not.toThrow();
      }
    },
  );

  it("gives ViT-H/14's image tower open_clip's 16 heads of 80, not width / 64", () => {
    const { arch } = inferArchitecture(
      'h.safetensors',
      checkpointTensors(PRESETS['vit-h-14']!, 'open_clip'),
      {
        activation: 'gelu',
      },
    );
    expect(arch.vision.heads).toBe(16);
    expect(arch.text.heads).toBe(16);
  });

  it('takes head counts from a config when one is given', () => {
    const shapes = checkpointTensors(PRESETS['vit-b-32']!, 'open_clip');
    const { arch } = inferArchitecture('b.safetensors', shapes, {
      activation: 'gelu',
      visionHeadWidth: 96,
      textHeads: 4,
    });
    expect(arch.vision.heads).toBe(8);
    expect(arch.text.heads).toBe(4);
  });

  it('refuses tensors of another kind of model, naming some of them', () => {
    const shapes = new Map([
      ['model.embed_tokens.weight', [32000, 4096]],
      ['lm_head.weight', [32000, 4096]],
    ]);
    expect(() => inferArchitecture('llm.safetensors', shapes, { activation: 'gelu' })).toThrow(
      /llm\.safetensors: not a CLIP ViT checkpoint .* model\.embed_tokens\.weight, lm_head\.weight/,
    );
  });

  it('refuses a checkpoint missing a layer in the middle', () => {
    const shapes = checkpointTensors(PRESETS.tiny!, 'open_clip');
    for (const k of [...shapes.keys()]) if (k.startsWith('transformer.resblocks.0.')) shapes.delete(k);
    expect(() => inferArchitecture('gap.safetensors', shapes, { activation: 'gelu' })).toThrow(
      /gap\.safetensors/,
    );
  });
});
