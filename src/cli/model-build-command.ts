// `glimpse model build`: writes a Glimpse bundle from a CLIP checkpoint the user has (or, hidden, from random
// weights for benchmarks), self-checks it, and prints where it is; `--model <dir>` then uses it.
import { Option, type Command } from 'commander';
import {
  buildChecked,
  checkedOn,
  formatBytes,
  PRESETS,
  type Activation,
  type BuildDtype,
  type BuildInput,
  type BuildProgress,
  type SelfCheckReport,
} from '../core';
import { workspaceOptions, type GlobalOptions, type Io } from './common';

/** Progress lines at most this often (plus one per phase), readable in logs and on terminals alike. */
const PROGRESS_INTERVAL_MS = 2000;

interface BuildCommandOptions {
  from?: string;
  randomWeights?: string;
  out: string;
  dtype: string;
  activation?: string;
  id?: string;
  headDim?: string;
  selfCheck?: boolean;
  json?: boolean;
}

function parseDtype(value: string): BuildDtype {
  if (value === 'float16' || value === 'float32') return value;
  throw new Error(`--dtype: expected float16 or float32, got "${value}"`);
}

function parseActivation(value: string | undefined): Activation | undefined {
  if (value === undefined) return undefined;
  if (value === 'gelu' || value === 'quick-gelu' || value === 'quick_gelu')
    return value === 'gelu' ? 'gelu' : 'quick_gelu';
  throw new Error(`--activation: expected gelu or quick-gelu, got "${value}"`);
}

function buildProgressPrinter(io: Io, quiet: boolean): (p: BuildProgress) => void {
  let last = 0;
  let lastPhase = '';
  return (p) => {
    if (quiet || (p.phase === lastPhase && Date.now() - last < PROGRESS_INTERVAL_MS)) return;
    last = Date.now();
    lastPhase = p.phase;
    const pct = p.bytesTotal ? ((100 * p.bytesDone) / p.bytesTotal).toFixed(0) : '0';
    const what = { visual: 'image tower', text: 'text tower', tokenizer: 'tokenizer', done: 'done' }[p.phase];
    io.err(`building: ${what}, ${pct}% of ${formatBytes(p.bytesTotal)} of weights\n`);
  };
}

function checkLine(check: SelfCheckReport): string {
  const batch =
    check.batchCosine === null
      ? 'one batch of 2 images on the CPU'
      : `batch cosine ${check.batchCosine.toFixed(6)}`;
  return (
    `Self-check passed on ${checkedOn(check)} in ${check.seconds.toFixed(1)} s ` +
    `(text cosine ${check.textCosine.toFixed(6)}, ${batch})\n`
  );
}

export function registerModelBuildCommand(model: Command, io: Io, globals: () => GlobalOptions): void {
  model
    .command('build')
    .description(
      'build a Glimpse bundle (FP16 by default, any batch size) from a CLIP ViT checkpoint in .safetensors ' +
        '(open_clip or transformers naming), check it, and write it to --out; use it with --model <dir>',
    )
    .option('--from <checkpoint>', 'the .safetensors checkpoint (e.g. open_clip_model.safetensors)')
    .requiredOption('--out <dir>', 'a new folder to write the bundle to')
    .option('--dtype <dtype>', 'float16 (GPUs) or float32', 'float16')
    .option(
      '--activation <name>',
      'gelu (OpenCLIP LAION models) or quick-gelu (OpenAI models); default: config.json beside the checkpoint, else gelu',
    )
    .option('--id <id>', "model.json's id (default: the checkpoint's name and precision)")
    .option(
      '--self-check',
      'check the bundle against a float32 computation of the weights (default with --from)',
    )
    .option('--no-self-check', 'skip that check (the default for --random-weights)')
    .option('--json', 'no progress; print the result as JSON')
    .addOption(
      new Option('--random-weights <arch>', 'random weights in this architecture (benchmarks)').hideHelp(),
    )
    .addOption(new Option('--head-dim <n>', 'width per attention head (default 64)').hideHelp())
    .action(async (opts: BuildCommandOptions) => {
      if (!!opts.from === !!opts.randomWeights)
        throw new Error('give the checkpoint to build with --from <file>');
      if (opts.randomWeights && !PRESETS[opts.randomWeights])
        throw new Error(
          `--random-weights: expected one of ${Object.keys(PRESETS).join(', ')}, got "${opts.randomWeights}"`,
        );
      // The check runs where the app will run the model: --providers / $GLIMPSE_PROVIDERS, --device.
      const { providers, deviceId } = workspaceOptions(globals());
      const input: BuildInput = opts.from ? { checkpoint: opts.from } : { random: opts.randomWeights! };
      const { result, check } = await buildChecked(input, {
        out: opts.out,
        dtype: parseDtype(opts.dtype),
        activation: parseActivation(opts.activation),
        id: opts.id,
        headDim: opts.headDim ? Number(opts.headDim) : undefined,
        // With both flags defined, neither sets a default: undefined means "checkpoints only".
        selfCheck: opts.selfCheck,
        onProgress: buildProgressPrinter(io, !!opts.json),
        check: { providers, deviceId },
        onCheck: () =>
          !opts.json && io.err('checking the bundle against a float32 computation of the weights\n'),
      });
      if (opts.json) {
        io.out(`${JSON.stringify({ ...result, check })}\n`);
        return;
      }
      io.out(
        `Built ${result.id} in ${result.dir} in ${result.seconds.toFixed(1)} s: ${result.summary} ` +
          `(activation from ${result.activationFrom}), ${formatBytes(result.bytesWritten)} of weights\n` +
          (check ? checkLine(check) : 'Self-check skipped\n') +
          `Use it with: glimpse --model ${result.dir} …, or install it: glimpse model import ${result.dir}\n`,
      );
    });
}
