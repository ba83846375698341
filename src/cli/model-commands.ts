// CLI commands that exercise the model runtime: tokenize, preprocess, embed-text, embed-image, doctor.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DoctorReport, Workspace } from '../core';
import type { GraphPlacement } from '../shared/types';
import type { GlobalOptions, Io } from './common';
import { problemsLeft, runCheck } from './maintenance-commands';
import { shown } from './shown';

type WithWorkspace = <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>;

/** Trailing zeros are padding; printing them hides the ids that matter. */
function trimPadding(ids: Int32Array): number[] {
  let end = ids.length;
  while (end > 0 && ids[end - 1] === 0) end--;
  return Array.from(ids.subarray(0, end));
}

function formatVector(v: Float32Array, shown = 8): string {
  const head = Array.from(v.subarray(0, shown), (x) => x.toFixed(4)).join(' ');
  return v.length > shown ? `${head} … (${v.length} dims)` : head;
}

function formatDoctor(r: DoctorReport): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`${k.padEnd(14)} ${v}`);
  row('Node', `${r.node} (${r.platform})`);
  row('CPU', `${r.cpu.model}, ${r.cpu.cores} cores`);
  row('ONNX Runtime', `${r.onnxruntime.version}; backends: ${r.onnxruntime.backends.join(', ')}`);
  row('Glimpse home', r.home);
  if (r.gpu.gpus.length) {
    for (const g of r.gpu.gpus) {
      const mem = g.memoryTotalMiB ? `, ${Math.round(g.memoryTotalMiB / 1024)} GiB` : '';
      row(
        `GPU ${g.index}`,
        `${g.name}${mem}, driver ${g.driverVersion}${r.gpu.cudaVersion ? `, CUDA ${r.gpu.cudaVersion}` : ''}`,
      );
    }
  } else {
    row('GPU', `none seen: ${r.gpu.unavailable}`);
  }
  row('Providers', `requested ${r.providers.requested.join(' → ')}`);
  if (r.providers.cudaProblem) row('', `cuda: ${r.providers.cudaProblem}`);
  if (r.model.valid) {
    row(
      'Model',
      `${r.model.name} [${r.model.id}], ${r.model.embedDim}-d, ${r.model.precision}, ${r.model.layout} layout`,
    );
    row('', r.model.dir);
  } else {
    row('Model', `not usable: ${r.model.problem}`);
  }
  if (r.embedder) {
    for (const [name, t] of [
      ['image tower', r.embedder.visual],
      ['text tower', r.embedder.textual],
    ] as const) {
      if (!t) continue;
      const why = t.fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ');
      const warm = t.warmMs === undefined ? '' : `, warmed in ${Math.round(t.warmMs)} ms`;
      row(
        name,
        `running on ${t.active}${why ? ` (passed over — ${why})` : ''}, loaded in ${Math.round(t.loadMs)} ms${warm}`,
      );
      if (t.placement) row('', describePlacement(t.placement));
    }
  }
  if (r.embedderProblem) row('Model load', `failed: ${r.embedderProblem}`);
  row('Photo decode', r.photoDecoder.summary);
  return `${lines.join('\n')}\n`;
}

/** "412 nodes, all on CUDAExecutionProvider" or "…, 3 on the CPU (Shape ×2, Gather), 2 memory copies". */
export function describePlacement(p: GraphPlacement): string {
  const providers = Object.keys(p.byProvider);
  const where =
    providers.length === 1
      ? `all on ${providers[0]}`
      : Object.entries(p.byProvider)
          .map(([name, n]) => `${n} on ${name}`)
          .join(', ');
  const cpu = Object.entries(p.cpuOps)
    .map(([op, n]) => (n > 1 ? `${op} ×${n}` : op))
    .join(', ');
  const parts = [`${p.nodes} graph nodes, ${where}`];
  if (p.cpuNodes) parts.push(`${p.cpuNodes} left on the CPU (${cpu})`);
  if (p.memcpyNodes) parts.push(`${p.memcpyNodes} memory copies`);
  return parts.join('; ');
}

/** Keeps a nested command's human output out of a JSON report. */
function silentIo(io: Io): Io {
  return { ...io, out: () => {} };
}

async function readLines(stdin: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) lines.push(line);
  return lines;
}

export function registerModelCommands(program: Command, io: Io, withWorkspace: WithWorkspace): void {
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('tokenize')
    .description(
      'CLIP token ids of a text; with no text, one text per line from stdin and one JSON array per line out',
    )
    .argument('[text]', 'text to tokenize')
    .option('--json', 'print a JSON array (always on for stdin input)')
    .option('--full', 'keep the zero padding up to the context length')
    .action(async (text: string | undefined, opts: { json?: boolean; full?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const texts = text === undefined ? await readLines(io.stdin) : [text];
        const all = await workspace.tokenize(texts);
        for (const ids of all) {
          const shown = opts.full ? Array.from(ids) : trimPadding(ids);
          io.out(opts.json || text === undefined ? `${JSON.stringify(shown)}\n` : `${shown.join(' ')}\n`);
        }
      });
    });

  program
    .command('preprocess')
    .description('write one image as the model sees it: raw little-endian float32 NCHW [1,3,S,S], normalised')
    .argument('<image>', 'image file')
    .requiredOption('--out <file>', 'where to write the tensor')
    .action(async (image: string, opts: { out: string }) => {
      await withWorkspace(globals(), async (workspace) => {
        const tensor = await workspace.preprocessFile(image);
        const bytes = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
        if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
          throw new Error('big-endian hosts are not supported');
        writeFileSync(opts.out, bytes);
        const s = workspace.bundle().preprocess.imageSize;
        io.out(`${opts.out}: float32 [1,3,${s},${s}], ${bytes.length} bytes\n`);
      });
    });

  program
    .command('embed-text')
    .description('embed texts with the text tower (debug)')
    .argument('<text...>', 'one or more texts')
    .option('--json', 'print {text, vector} objects, one per line')
    .action(async (texts: string[], opts: { json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const vectors = await workspace.embedTexts(texts);
        const dim = vectors.length / texts.length;
        texts.forEach((text, i) => {
          const v = vectors.subarray(i * dim, (i + 1) * dim);
          io.out(
            opts.json
              ? `${JSON.stringify({ text, vector: Array.from(v) })}\n`
              : `${text}\t${formatVector(v)}\n`,
          );
        });
      });
    });

  program
    .command('embed-image')
    .description('embed image files with the image tower (debug)')
    .argument('<image...>', 'one or more image files')
    .option('--json', 'print {file, vector} (or {file, error}) objects, one per line')
    .action(async (files: string[], opts: { json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const { embeddings, failures } = await workspace.embedImageFiles(files);
        for (const e of embeddings) {
          io.out(
            opts.json
              ? `${JSON.stringify({ file: e.file, vector: Array.from(e.vector) })}\n`
              : `${shown(e.file)}\t${formatVector(e.vector)}\n`,
          );
        }
        for (const f of failures) {
          if (opts.json) io.out(`${JSON.stringify({ file: f.file, error: f.reason, code: f.code })}\n`);
          else io.err(`${shown(f.file)}: skipped — ${shown(f.reason)}\n`);
        }
        if (embeddings.length === 0 && failures.length) throw new Error('no image could be read');
      });
    });

  program
    .command('doctor')
    .description(
      'what Glimpse runs on: Node, ONNX Runtime, providers (and why one was passed over), GPU, model',
    )
    .option('--json', 'print the report as JSON ({ runtime, library })')
    .option('--no-load', 'check the model files but do not load the model')
    .option('--repair', 'also repair the library: catalog ↔ vector index ↔ files (see glimpse check)')
    .action(async (opts: { json?: boolean; load: boolean; repair?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const runtime = await workspace.doctor({ loadModel: opts.load });
        if (!opts.json) io.out(formatDoctor(runtime));
        // The library is checked when there is one and the model can open it (vectors are per model).
        const hasLibrary = existsSync(join(workspace.libraryDir, 'library.db')) && runtime.model.valid;
        if (!opts.json && hasLibrary) io.out('\nLibrary\n');
        const library = hasLibrary
          ? await runCheck(opts.json ? silentIo(io) : io, workspace, { repair: opts.repair })
          : null;
        if (opts.json) io.out(`${JSON.stringify({ runtime, library }, null, 2)}\n`);
        const left = library ? problemsLeft(library) : 0;
        if (left) throw new Error(`${left} problems left in the library`);
      });
    });
}
