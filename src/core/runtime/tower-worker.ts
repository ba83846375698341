// Worker thread that owns one onnxruntime session (the image or the text tower). onnxruntime-node's
// run() blocks its JavaScript thread, so it runs here while the engine keeps decoding and answering.
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import type { GraphPlacement } from '../../shared/types';
import { toFloat32 } from './float16';
import { graphPlacement, ortProviderName, parseTrace } from './ort-profile';
import { NoProviderError, openSession, type OpenedSession } from './open-session';
import type { ProviderName } from './providers';
import { sessionOptions } from './session-options';
import type { RunRequest, TowerWorkerData, WorkerToClient } from './tower-protocol';

const config = workerData as TowerWorkerData;
const port = parentPort!;
// The first run (the embedder's warm-up) is profiled to learn where each node ran; then profiling stops.
const profileDir = mkdtempSync(join(tmpdir(), 'glimpse-ort-profile-'));
const post = (message: WorkerToClient, transfer: TransferListItem[] = []) =>
  port.postMessage(message, transfer);

function createSession(): Promise<OpenedSession> {
  return openSession(config.file, config.providers, (provider) =>
    sessionOptions({
      provider,
      deviceId: config.deviceId,
      cpuThreads: config.cpuThreads,
      profileFilePrefix: join(profileDir, config.kind),
    }),
  );
}

function l2Normalise(values: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * dim;
    for (let i = 0; i < dim; i++) sum += values[base + i]! * values[base + i]!;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < dim; i++) out[base + i] = values[base + i]! * scale;
  }
  return out;
}

/** Ends profiling and reads the first run's trace. Diagnostic only: a trace that cannot be read
 *  leaves the placement unknown rather than failing the run. */
function placementOfFirstRun(
  session: ort.InferenceSession,
  active: ProviderName,
): GraphPlacement | undefined {
  try {
    session.endProfiling();
    const file = readdirSync(profileDir).find((f) => f.endsWith('.json'));
    if (!file) return undefined;
    const path = join(profileDir, file);
    return graphPlacement(parseTrace(readFileSync(path, 'utf8'), path), ortProviderName(active));
  } catch {
    return undefined;
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}

async function main() {
  const started = performance.now();
  let loaded: OpenedSession;
  try {
    loaded = await createSession();
  } catch (e) {
    rmSync(profileDir, { recursive: true, force: true });
    // TowerLoadError lists the fallbacks itself: send them apart from the plain message.
    const fallbacks = e instanceof NoProviderError ? e.fallbacks : [];
    const message =
      e instanceof NoProviderError
        ? `${config.file}: no execution provider could load it`
        : (e as Error).message;
    post({ type: 'failed', message, fallbacks });
    return;
  }
  const { session, active, fallbacks } = loaded;
  const inputMeta = session.inputMetadata.find((m) => m.name === config.input);
  const outputMeta = session.outputMetadata.find((m) => m.name === config.output);
  if (!inputMeta || !outputMeta || !inputMeta.isTensor || !outputMeta.isTensor) {
    const names = `inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')}`;
    post({
      type: 'failed',
      message: `${config.file}: no tensor input "${config.input}" / output "${config.output}" (${names})`,
      fallbacks,
    });
    return;
  }
  post({
    type: 'ready',
    requested: config.providers,
    active,
    fallbacks,
    inputType: inputMeta.type,
    inputShape: [...inputMeta.shape],
    outputType: outputMeta.type,
    outputShape: [...outputMeta.shape],
    loadMs: performance.now() - started,
  });

  let profiling = true;
  port.on('message', async (req: RunRequest) => {
    const t0 = performance.now();
    try {
      const view = req.data.subarray(0, req.rows * req.rowLength);
      const feeds = { [config.input]: new ort.Tensor(req.dtype, view, req.dims) };
      const result = await session.run(feeds);
      const out = result[config.output]!;
      const dim = Number(out.dims[out.dims.length - 1]);
      const raw = out.type === 'float16' ? toFloat32(out.data as Uint16Array) : (out.data as Float32Array);
      const vectors = l2Normalise(raw, req.items, dim);
      for (const t of Object.values(result)) t.dispose();
      const runMs = performance.now() - t0;
      const placement = profiling ? placementOfFirstRun(session, active) : undefined;
      profiling = false;
      post({ type: 'result', id: req.id, vectors, dim, data: req.data, runMs, placement }, [
        vectors.buffer as ArrayBuffer,
        req.data.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      post({ type: 'error', id: req.id, message: (e as Error).message, data: req.data }, [
        req.data.buffer as ArrayBuffer,
      ]);
    }
  });
}

void main();
