// A workspace — one photo library and the model that reads it, behind one object — made by
// createWorkspace(), the core's composition root. The CLI makes one per command, in process; the app's
// engine (src/engine, a utility process) holds one. Heavy parts (model sessions) load lazily.
import { probeGpuDecoder } from './decode/gpu-addon';
import './runtime/ort-env';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import { runBenchSuite, type BenchOptions, type BenchReport } from './bench/suite';
import { readGpuStatus, type GpuStatus } from './gpu/nvidia-smi';
import { BundleError, loadBundle } from './runtime/bundle';
import { builtInModelList, findEntry } from './model-store/model-list';
import { readRecord } from './model-store/install';
import { diagnoseCudaProvider } from './runtime/cuda-check';
import { decodeForModel } from './decode/cpu-decode';
import { writeTensor } from './runtime/preprocess';
import { embedImageFiles, type ImageEmbedding, type ImageFailure } from './runtime/embed-files';
import { Embedder, type EmbedderInfo, type EmbedderOptions } from './runtime/embedder';
import { defaultProviders, type ProviderName } from './runtime/providers';
import { ClipTokenizer } from './runtime/tokenizer';
import type { ModelBundle } from './runtime/types';
import { bundlePrecision, CLIP_CONTEXT_LENGTH } from './runtime/types';
import { shippedClipVocab } from './runtime/shipped-vocab';
import { isAlive, LibraryInUseError } from './catalog/lock';
import { Library } from './library';
import { LibraryOps } from './library-ops';
import { defaultLibraryDir, defaultModelDir, glimpseHome } from './paths';

export interface WorkspaceOptions extends EmbedderOptions {
  /** Model bundle folder; default: defaultModelDir(). */
  modelDir?: string;
  /** Library folder (library.db, index, thumbnails); default: defaultLibraryDir(). */
  libraryDir?: string;
  /** better-sqlite3 built for Electron's ABI, when the engine runs inside the app. */
  sqliteBinding?: string;
  /** Forget the model's vectors in the library before opening it, so that everything re-embeds
   *  (after a changed bundle under the same id: glimpse index --reembed). */
  reembed?: boolean;
  /** Progress of a vector index rebuild or catch-up when the library opens. */
  onIndexProgress?: (done: number, total: number) => void;
}

export interface DoctorReport {
  node: string;
  platform: string;
  cpu: { model: string; cores: number };
  onnxruntime: { version: string; backends: string[] };
  home: string;
  providers: { requested: ProviderName[]; cudaProblem: string | null };
  gpu: GpuStatus;
  model: {
    dir: string;
    valid: boolean;
    problem: string | null;
    id?: string;
    name?: string;
    layout?: string;
    embedDim?: number;
    precision?: string;
  };
  /** Where each tower actually runs, once loaded (doctor loads them when the model is valid). */
  embedder: EmbedderInfo | null;
  embedderProblem: string | null;
  /** nvJPEG photo decoding: what runs it, or why it is off, in one line. */
  photoDecoder: { available: boolean; summary: string };
}

export interface Workspace {
  readonly modelDir: string;
  readonly libraryDir: string;
  /** The library, opened (and its index checked against the catalog) on first use. */
  library(): Promise<LibraryOps>;
  /**
   * The library for reading (search, status): the one library() opens when this process can take it;
   * when another Glimpse holds it, a read-only view beside that one (LibraryOps.heldBy names it).
   */
  reader(): Promise<LibraryOps>;
  /** The model bundle, read and checked on first use. Throws BundleError naming the file and field. */
  bundle(): ModelBundle;
  embedder(): Embedder;
  tokenize(texts: string[]): Promise<Int32Array[]>;
  /** One image as a float32 NCHW tensor [1,3,S,S], exactly what the image tower receives. */
  preprocessFile(file: string): Promise<Float32Array>;
  embedTexts(texts: string[]): Promise<Float32Array>;
  embedImageFiles(files: string[]): Promise<{ embeddings: ImageEmbedding[]; failures: ImageFailure[] }>;
  doctor(opts?: { loadModel?: boolean }): Promise<DoctorReport>;
  /** Throughput of each indexing stage on this machine (glimpse bench). */
  bench(opts: BenchOptions): Promise<BenchReport>;
  close(): Promise<void>;
}

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  const modelDir = options.modelDir ?? defaultModelDir();
  const libraryDir = options.libraryDir ?? defaultLibraryDir();
  let bundle: ModelBundle | null = null;
  let library: Promise<{ lib: Library; ops: LibraryOps }> | null = null;
  let readOnly: Promise<{ lib: Library; ops: LibraryOps }> | null = null;
  /** A read-only view being closed because this process became the writer. */
  let retiring: Promise<void> = Promise.resolve();
  let embedder: Embedder | null = null;
  let tokenizer: Promise<ClipTokenizer> | null = null;

  const getBundle = () => {
    if (bundle) return bundle;
    if (!existsSync(modelDir)) {
      const id = basename(modelDir);
      const known = findEntry(builtInModelList(), id);
      throw new BundleError(
        modelDir,
        null,
        known
          ? `no model installed here; \`glimpse model pull ${known.id}\` fetches it (\`glimpse model list\` shows the others)`
          : 'no model here (pass --model <dir>, set GLIMPSE_MODEL, or see `glimpse model list`)',
      );
    }
    return (bundle = loadBundle(modelDir));
  };
  /**
   * The model the library is opened for: the bundle's, or — when it cannot be loaded — the model list's
   * entry for the model expected here, so that status, failures and check read the library without one.
   */
  const libraryModel = (): { id: string; dim: number; fingerprint?: string } => {
    try {
      const b = getBundle();
      return { id: b.id, dim: b.embedDim, fingerprint: readRecord(modelDir)?.fingerprint };
    } catch (e) {
      const entry = findEntry(builtInModelList(), basename(modelDir));
      if (entry) return { id: entry.id, dim: entry.embedDim };
      throw e;
    }
  };
  const getEmbedder = () => (embedder ??= new Embedder(getBundle(), options));
  /** The bundle's tokenizer; with no model installed, CLIP's vocabulary as Glimpse ships it. */
  const getTokenizer = () => {
    if (tokenizer) return tokenizer;
    let b: ModelBundle;
    try {
      b = getBundle();
    } catch (e) {
      const vocab = shippedClipVocab();
      if (!vocab || existsSync(modelDir)) throw e; // a broken bundle says so rather than guessing
      return (tokenizer = Promise.resolve(ClipTokenizer.fromClipVocab(vocab, CLIP_CONTEXT_LENGTH)));
    }
    return (tokenizer = ClipTokenizer.fromFile(b.tokenizer, b.contextLength));
  };

  async function preprocessFile(file: string): Promise<Float32Array> {
    const spec = getBundle().preprocess;
    const { rgb } = await decodeForModel(file, spec);
    const out = new Float32Array(3 * spec.imageSize * spec.imageSize);
    writeTensor(rgb, spec, out, 0);
    return out;
  }

  async function doctor({ loadModel = true } = {}): Promise<DoctorReport> {
    const requested = options.providers?.length ? options.providers : defaultProviders();
    // Loaded here, not at startup: most commands never touch onnxruntime in this thread.
    const ort = await import('onnxruntime-node');
    const report: DoctorReport = {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: { model: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length },
      onnxruntime: {
        version: ort.env.versions.node ?? ort.env.versions.common,
        backends:
          (ort as unknown as { listSupportedBackends?: () => Array<{ name: string; bundled: boolean }> })
            .listSupportedBackends?.()
            .map((b) => `${b.name}${b.bundled ? '' : ' (separate download)'}`) ?? [],
      },
      home: glimpseHome(),
      providers: { requested, cudaProblem: requested.includes('cuda') ? diagnoseCudaProvider() : null },
      gpu: await readGpuStatus(),
      model: { dir: modelDir, valid: false, problem: null },
      embedder: null,
      embedderProblem: null,
      photoDecoder: probeGpuDecoder(),
    };
    try {
      const b = getBundle();
      report.model = {
        dir: modelDir,
        valid: true,
        problem: null,
        id: b.id,
        name: b.name,
        layout: b.layout,
        embedDim: b.embedDim,
        precision: bundlePrecision(b),
      };
    } catch (e) {
      const missing = !existsSync(modelDir);
      report.model.problem = missing
        ? `no model at ${modelDir} (pass --model <dir>, or set GLIMPSE_MODEL)`
        : (e as Error).message;
      return report;
    }
    if (loadModel) {
      try {
        const emb = getEmbedder();
        await Promise.all([emb.loadVisual(), emb.loadTextual()]);
        report.embedder = emb.info();
      } catch (e) {
        report.embedderProblem = (e as Error).message;
      }
    }
    return report;
  }

  /** Exact search on the GPU when CUDA is the first provider asked for and its libraries load. */
  const exactOnGpu = () => {
    const requested = options.providers?.length ? options.providers : defaultProviders();
    return requested[0] === 'cuda' && diagnoseCudaProvider() === null;
  };

  const open = (readOnlyBeside: number | null) => {
    const model = libraryModel();
    return Library.open({
      dir: libraryDir,
      modelId: model.id,
      dim: model.dim,
      fingerprint: model.fingerprint ?? null,
      reembed: options.reembed,
      nativeBinding: options.sqliteBinding,
      onIndexProgress: options.onIndexProgress,
      readOnly: readOnlyBeside !== null,
      exactGpu: exactOnGpu() ? { deviceId: options.deviceId } : undefined,
    }).then((lib) => ({ lib, ops: new LibraryOps(lib, getEmbedder, readOnlyBeside) }));
  };
  const openLibrary = () =>
    (library ??= open(null).then(
      (writer) => {
        // This process holds the library now: a read-only view kept from before is not needed.
        const view = readOnly;
        readOnly = null;
        if (view) retiring = view.then((v) => v.lib.close()).catch(() => {});
        return writer;
      },
      (e: unknown) => {
        library = null; // a failed open (library in use, broken model) may succeed on a later try
        throw e;
      },
    ));
  const openReader = async (): Promise<{ lib: Library; ops: LibraryOps }> => {
    if (library) return library;
    const view = readOnly && (await readOnly.catch(() => null));
    if (view?.ops.heldBy != null && isAlive(view.ops.heldBy)) return view;
    try {
      return await openLibrary(); // the Glimpse that held the library has let go
    } catch (e) {
      if (!(e instanceof LibraryInUseError)) throw e;
      if (view) return view; // still held (by a process on another machine, if its PID looked gone here)
      return (readOnly ??= open(e.pid).catch((e2: unknown) => {
        readOnly = null;
        throw e2;
      }));
    }
  };

  return {
    modelDir,
    libraryDir,
    library: async () => (await openLibrary()).ops,
    reader: async () => (await openReader()).ops,
    bundle: getBundle,
    embedder: getEmbedder,
    async tokenize(texts) {
      const t = await getTokenizer();
      return texts.map((text) => t.encode(text));
    },
    preprocessFile,
    embedTexts: (texts) => getEmbedder().embedTexts(texts),
    embedImageFiles: (files) => embedImageFiles(getEmbedder(), files),
    doctor,
    bench: (opts) => runBenchSuite(getBundle(), { deviceId: options.deviceId, ...opts }),
    async close() {
      const opened = await Promise.all([library, readOnly].map((p) => p?.catch(() => null)));
      library = readOnly = null;
      try {
        await retiring;
        const closed = await Promise.allSettled(opened.map((o) => o?.lib.close()));
        const failed = closed.find((c) => c.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        await embedder?.close();
        embedder = null;
      }
    },
  };
}
