// Writes a random CLIP checkpoint as .safetensors in open_clip's or transformers' naming, streamed tensor
// by tensor: full-size ViT-H/14 files for the build benchmark, tiny ones for tests.
// CLI: tsx tools/checkpoint/random-checkpoint.ts --arch vit-h-14 --out FILE [--naming transformers] [--dtype F16]
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toFloat16 } from '../../src/core/runtime/float16';
import { PRESETS, type ClipArchitecture, type Naming } from '../../src/core/model-store/build/architecture';
import { RandomSource } from '../../src/core/model-store/build/source';
import {
  recipeFor,
  recipeSources,
  towerWeights,
  weightShape,
} from '../../src/core/model-store/build/weights';

interface RandomCheckpointOptions {
  naming?: Naming;
  dtype?: 'F32' | 'F16';
  seed?: number;
  /** Tensors to add beyond the architecture's (e.g. one the builder must refuse). */
  extra?: Record<string, number[]>;
}

/** Every checkpoint tensor of `arch` in `naming`, with its shape as that naming stores it. */
export function checkpointTensors(arch: ClipArchitecture, naming: Naming): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const kind of ['visual', 'text'] as const) {
    for (const w of towerWeights(kind, arch)) {
      const dims = weightShape(w, arch);
      const r = recipeFor(w, naming, new Set());
      const srcs = recipeSources(r);
      const shape =
        r.op === 'transpose'
          ? [dims[1]!, dims[0]!]
          : r.op === 'pack-transposed'
            ? [dims[0]!, dims[0]!]
            : r.op === 'concat'
              ? [dims[0]! / 3]
              : dims;
      for (const s of srcs) out.set(s, shape);
    }
  }
  out.set('logit_scale', []);
  return out;
}

export async function writeRandomCheckpoint(
  path: string,
  arch: ClipArchitecture,
  opts: RandomCheckpointOptions = {},
): Promise<number> {
  const dtype = opts.dtype ?? 'F32';
  const size = dtype === 'F32' ? 4 : 2;
  const tensors = checkpointTensors(arch, opts.naming ?? 'open_clip');
  for (const [k, v] of Object.entries(opts.extra ?? {})) tensors.set(k, v);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * size;
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const file = await open(path, 'w');
  try {
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(json.length));
    await file.write(head);
    await file.write(json);
    // Values are drawn at one generic scale (the shapes, not the statistics, are what a checkpoint test needs).
    const random = new RandomSource(arch, opts.seed ?? 1);
    for (const [name, shape] of tensors) {
      const count = shape.reduce((a, b) => a * b, 1);
      const values = await random.valuesFor(name, count);
      const typed = dtype === 'F32' ? values : toFloat16(values);
      await file.write(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    }
  } finally {
    await file.close();
  }
  return 8 + json.length + offset;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      arch: { type: 'string', default: 'vit-h-14' },
      out: { type: 'string' },
      naming: { type: 'string', default: 'open_clip' },
      dtype: { type: 'string', default: 'F32' },
    },
  });
  const arch = PRESETS[values.arch!];
  if (!arch || !values.out) throw new Error(`usage: --arch ${Object.keys(PRESETS).join('|')} --out FILE`);
  const started = performance.now();
  const bytes = await writeRandomCheckpoint(resolve(values.out), arch, {
    naming: values.naming as Naming,
    dtype: values.dtype as 'F32' | 'F16',
  });
  console.log(
    `wrote ${values.out}: ${bytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
