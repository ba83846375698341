import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../../test/chaos/invariants';
import { openTestLibrary, TEST_BATCH, type TestLibrary } from '../../../../test/chaos/harness';
import { writeColourPhotos, type ColourPhoto } from '../../../../test/helpers/corpus';
import { decodeForModel, ImageDecodeError } from '../../decode/cpu-decode';
import type { IndexProgress, IndexSummary } from '../../../shared/types';
import { CpuDecoder } from './cpu-decoder';
import type { DecodeOutcome, PhotoDecoder } from './decoder';

// The pipeline with two decoders: a stand-in "GPU" decoder that takes most photos, hands some back
// by reason and finds one corrupt, with the CPU decoder behind it. Its library must hold the same
// vectors as a library indexed on the CPU alone.

const PHOTOS = 22; // two of each test colour
const CORRUPT = 'yellow-3.jpg';
/** The model slower than decoding, as with a real ViT on a GPU fed by the CPU. */
const SLOW_MODEL_MS = 150;

/** Decodes with sharp like the CPU one (so vectors can be compared), in groups, labelled 'gpu'. */
class StandInGpuDecoder implements PhotoDecoder {
  readonly name = 'gpu' as const;
  readonly preferredBatch = 3;
  readonly groups: number[] = [];
  async decode(
    files: Array<{ name: string; bytes: Buffer }>,
    spec: Parameters<PhotoDecoder['decode']>[1],
  ): Promise<DecodeOutcome[]> {
    this.groups.push(files.length);
    // Answered out of order inside the call, as a device finishes them; returned in order.
    const outcomes = new Array<DecodeOutcome>(files.length);
    for (let i = files.length - 1; i >= 0; i--) {
      const { name, bytes } = files[i]!;
      if (name.includes('/red-')) outcomes[i] = { ok: false, fallback: 'progressive' };
      else if (name.includes('/blue-')) outcomes[i] = { ok: false, fallback: 'cmyk' };
      else if (name.endsWith(CORRUPT))
        outcomes[i] = { ok: false, error: new ImageDecodeError('corrupt', name, 'bad Huffman code') };
      else outcomes[i] = { ok: true, input: await decodeForModel(bytes, spec), decoder: 'gpu' };
    }
    return outcomes;
  }
}

let cpuOnly: TestLibrary;
let mixed: TestLibrary;
let photos: ColourPhoto[];
let cpuSummary: IndexSummary;
let mixedSummary: IndexSummary;
const gpu = new StandInGpuDecoder();
let lastProgress: IndexProgress | null = null;
/** Per embed call: thumbnails being written (a commit running) and decodes running when it started. */
const atEmbedStart: Array<{ commits: number; decodes: number }> = [];

beforeAll(async () => {
  cpuOnly = await openTestLibrary();
  mixed = await openTestLibrary({ slowEmbedMs: SLOW_MODEL_MS });
  photos = await writeColourPhotos(cpuOnly.photos, PHOTOS);
  await writeColourPhotos(mixed.photos, PHOTOS);
  cpuSummary = await cpuOnly.ops.index([cpuOnly.photos]);

  let puts = 0;
  let decodes = 0;
  const thumbnails = mixed.ops.library.thumbnails;
  const put = thumbnails.put.bind(thumbnails);
  thumbnails.put = async (hash, webp) => {
    puts++;
    try {
      await new Promise((r) => setTimeout(r, SLOW_MODEL_MS / 2));
      return await put(hash, webp);
    } finally {
      puts--;
    }
  };
  const embed = mixed.ops.embedder.embedImages;
  mixed.ops.embedder.embedImages = (batch, items) => {
    atEmbedStart.push({ commits: puts, decodes });
    return embed(batch, items);
  };
  const cpu = new CpuDecoder();
  const countingCpu: PhotoDecoder = {
    name: 'cpu',
    preferredBatch: 1,
    async decode(files, spec, opts) {
      decodes++;
      try {
        return await cpu.decode(files, spec, opts);
      } finally {
        decodes--;
      }
    },
  };
  mixedSummary = await mixed.ops.index([mixed.photos], {
    decoders: [gpu, countingCpu],
    onProgress: (p) => (lastProgress = p),
  });
});
afterAll(async () => {
  await cpuOnly?.dispose();
  await mixed?.dispose();
});

const vectorOf = (lib: TestLibrary, path: string) => {
  const catalog = lib.ops.library.catalog;
  const hash = catalog.photoByPath(path)?.hash;
  const label = hash ? catalog.labelFor(lib.ops.library.modelId, hash) : undefined;
  return label === undefined ? undefined : catalog.vector(label)?.vector;
};

describe('indexing with a GPU decoder in front of the CPU one', () => {
  it('commits, for every photo either decoded, the vector a CPU-only run gives it', () => {
    expect(cpuSummary.embedded).toBe(PHOTOS);
    expect(mixedSummary.embedded).toBe(PHOTOS - 1);
    for (const photo of photos) {
      const path = photo.path.replace(cpuOnly.photos, mixed.photos);
      if (path.endsWith(CORRUPT)) continue;
      expect([...vectorOf(mixed, path)!]).toEqual([...vectorOf(cpuOnly, photo.path)!]);
    }
    expect(catalogProblems(mixed.ops.library.catalog.db, mixed.ops.library.modelId)).toEqual([]);
    expect(indexProblems(mixed.ops.library)).toEqual([]);
  });

  it('records the file the GPU decoder found bad as failed, and no other decoder tries it', () => {
    expect(mixedSummary.failed).toEqual([
      { path: `${mixed.photos}/${CORRUPT}`, code: 'corrupt', reason: 'bad Huffman code' },
    ]);
    const row = mixed.ops.library.catalog.photoByPath(`${mixed.photos}/${CORRUPT}`);
    expect(row).toMatchObject({ status: 'failed', errorCode: 'corrupt' });
  });

  it('counts the files each decoder decoded and those handed on, by reason, in summary and progress', () => {
    const expected = {
      decoded: { gpu: PHOTOS - 5, cpu: 4 },
      fallbacks: { gpu: { progressive: 2, cmyk: 2 } },
    };
    expect(mixedSummary.decoders).toEqual(expected);
    expect(lastProgress?.decoders).toEqual(expected);
    expect(cpuSummary.decoders).toEqual({ decoded: { cpu: PHOTOS }, fallbacks: {} });
    expect(Math.max(...gpu.groups)).toBeLessThanOrEqual(gpu.preferredBatch);
  });

  it('times every batch, and the batches add up to the photos embedded', () => {
    const report = mixedSummary.pipeline!;
    expect(report.batches).toBeGreaterThanOrEqual(Math.ceil((PHOTOS - 1) / TEST_BATCH));
    expect(report.recent.reduce((s, b) => s + b.items, 0)).toBe(PHOTOS - 1);
    expect(report.recent.map((b) => b.batch)).toEqual([...Array(report.batches).keys()]);
    for (const b of report.recent) {
      expect(b.embedMs).toBeGreaterThanOrEqual(SLOW_MODEL_MS - 1);
      expect(b.items).toBeLessThanOrEqual(TEST_BATCH);
    }
    expect(report.stages.embed.totalMs).toBeGreaterThanOrEqual(report.batches * (SLOW_MODEL_MS - 1));
    expect(['read', 'decode', 'fill', 'embed', 'commit']).toContain(report.limitedBy);
    expect(lastProgress?.pipeline?.batches).toBe(report.batches);
  });

  it('runs the model on the next batch while the last one commits, and decodes while it runs', () => {
    expect(atEmbedStart.some((s) => s.commits > 0)).toBe(true);
    // A full batch already decoded and waiting when a batch reached the model: the next one is ready.
    expect(mixedSummary.pipeline!.recent.some((b) => b.readyQueue >= TEST_BATCH)).toBe(true);
  });
});
