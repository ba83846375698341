// Writes the tiny hand-designed CLIP-shaped test model as a complete bundle, in Glimpse's or Immich's layout.
// CLI: tsx tools/test-model/build.ts --out <dir> [--dtype float16] [--layout immich]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIP_CONTEXT_LENGTH, VIT_H_14_PREPROCESS } from '../../src/core/runtime/types';
import { writeClipTokenizerJson } from '../clip-tokenizer/build';
import { TEST_EMBED_DIM, TEST_IMAGE_SIZE } from './design';
import type { WeightDtype } from '../../src/core/onnx/graph-builder';
import type { OnnxGraph } from '../../src/core/onnx/onnx-proto';
import { encodeModel } from '../../src/core/onnx/onnx-proto';
import { buildTextGraph, knownWords } from './textual';
import { buildVisualGraph } from './visual';

export const CLIP_VOCAB_GZ = fileURLToPath(
  new URL('../../resources/clip-bpe/bpe_simple_vocab_16e6.txt.gz', import.meta.url),
);

/** IR version 8 is what opset 17 shipped with (ONNX 1.12); onnxruntime reads it and so does onnx.checker. */
const IR_VERSION = 8;
const OPSET = 17;
const CLIP_VOCAB_SIZE = 49408;

type TestModelLayout = 'glimpse' | 'immich';

interface BuildTestModelOptions {
  out: string;
  dtype: WeightDtype;
  /** 'glimpse' (default): model.json + dynamic batch; 'immich': Immich's folders, float32, batch fixed at 1. */
  layout?: TestModelLayout;
}

function onnxBytes(graph: OnnxGraph): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opset: OPSET,
    producerName: 'glimpse tools/test-model',
    producerVersion: '1',
    docString: graph.docString,
    graph,
  });
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export async function buildTestModel(opts: BuildTestModelOptions): Promise<void> {
  const layout = opts.layout ?? 'glimpse';
  if (layout === 'immich' && opts.dtype !== 'float32') {
    throw new Error(
      `test model: layout "immich" is float32 only (Immich publishes FP32), got dtype "${opts.dtype}"`,
    );
  }
  const { mean, std } = VIT_H_14_PREPROCESS;
  const words = knownWords(CLIP_VOCAB_GZ);
  await mkdir(opts.out, { recursive: true });

  if (layout === 'glimpse') {
    const visual = buildVisualGraph({
      dtype: opts.dtype,
      input: 'pixel_values',
      output: 'image_embeds',
      batch: 'batch',
      mean,
      std,
    });
    const textual = buildTextGraph({
      dtype: opts.dtype,
      input: 'input_ids',
      idsDtype: 'int64',
      output: 'text_embeds',
      batch: 'batch',
      contextLength: CLIP_CONTEXT_LENGTH,
      words,
    });
    const short = opts.dtype === 'float32' ? 'fp32' : 'fp16';
    const manifest = {
      format: 'glimpse-clip-bundle',
      formatVersion: 1,
      id: `glimpse-test-tiny-${short}`,
      name: `Glimpse test model (tiny, ${opts.dtype})`,
      embedDim: TEST_EMBED_DIM,
      image: { size: TEST_IMAGE_SIZE, mean, std, resize: 'shortest-crop', interpolation: 'bicubic' },
      text: { contextLength: CLIP_CONTEXT_LENGTH, tokenizer: 'tokenizer.json' },
      visual: {
        file: 'visual.onnx',
        input: 'pixel_values',
        output: 'image_embeds',
        dtype: opts.dtype,
        dynamicBatch: true,
      },
      textual: {
        file: 'textual.onnx',
        input: 'input_ids',
        idsDtype: 'int64',
        output: 'text_embeds',
        dtype: opts.dtype,
        dynamicBatch: true,
      },
    };
    await writeFile(join(opts.out, 'visual.onnx'), onnxBytes(visual));
    await writeFile(join(opts.out, 'textual.onnx'), onnxBytes(textual));
    writeClipTokenizerJson(join(opts.out, 'tokenizer.json'), CLIP_VOCAB_GZ);
    await writeFile(join(opts.out, 'model.json'), json(manifest));
    return;
  }

  const visual = buildVisualGraph({
    dtype: 'float32',
    input: 'image',
    output: 'embedding',
    batch: 1,
    mean,
    std,
  });
  const textual = buildTextGraph({
    dtype: 'float32',
    input: 'text',
    idsDtype: 'int32',
    output: 'embedding',
    batch: 1,
    contextLength: CLIP_CONTEXT_LENGTH,
    words,
  });
  await mkdir(join(opts.out, 'visual'), { recursive: true });
  await mkdir(join(opts.out, 'textual'), { recursive: true });
  await writeFile(join(opts.out, 'visual', 'model.onnx'), onnxBytes(visual));
  await writeFile(
    join(opts.out, 'visual', 'preprocess_cfg.json'),
    json({
      size: [TEST_IMAGE_SIZE, TEST_IMAGE_SIZE],
      mode: 'RGB',
      mean,
      std,
      interpolation: 'bicubic',
      resize_mode: 'shortest',
      fill_color: 0,
    }),
  );
  await writeFile(join(opts.out, 'textual', 'model.onnx'), onnxBytes(textual));
  writeClipTokenizerJson(join(opts.out, 'textual', 'tokenizer.json'), CLIP_VOCAB_GZ);
  // The fields of Immich's CLIPTokenizer config that matter to a reader: padding, specials and length.
  await writeFile(
    join(opts.out, 'textual', 'tokenizer_config.json'),
    json({
      add_prefix_space: false,
      bos_token: '<|startoftext|>',
      clean_up_tokenization_spaces: true,
      do_lower_case: true,
      eos_token: '<|endoftext|>',
      errors: 'replace',
      model_max_length: CLIP_CONTEXT_LENGTH,
      pad_token: '<|endoftext|>',
      tokenizer_class: 'CLIPTokenizer',
      unk_token: '<|endoftext|>',
    }),
  );
  await writeFile(
    join(opts.out, 'config.json'),
    json({
      embed_dim: TEST_EMBED_DIM,
      vision_cfg: { image_size: TEST_IMAGE_SIZE },
      text_cfg: { context_length: CLIP_CONTEXT_LENGTH, vocab_size: CLIP_VOCAB_SIZE },
    }),
  );
}

function parseDtype(value: string | undefined): WeightDtype {
  if (value === undefined || value === 'float32' || value === 'float16') return value ?? 'float32';
  throw new Error(`--dtype: expected float32 or float16, got "${value}"`);
}

function parseLayout(value: string | undefined): TestModelLayout {
  if (value === undefined || value === 'glimpse' || value === 'immich') return value ?? 'glimpse';
  throw new Error(`--layout: expected glimpse or immich, got "${value}"`);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, dtype: { type: 'string' }, layout: { type: 'string' } },
  });
  if (!values.out) throw new Error('--out <dir> is required');
  const out = resolve(values.out);
  const started = performance.now();
  await buildTestModel({ out, dtype: parseDtype(values.dtype), layout: parseLayout(values.layout) });
  console.log(`wrote ${out} in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
