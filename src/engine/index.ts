// Entry of the engine's Electron utility process: every native module (onnxruntime, sharp, SQLite,
// hnswlib) lives here, so a crash in one of them takes down this process, not the window. Main talks
// to it through the RPC in rpc.ts over the utility process's parent port.
import { cpus } from 'node:os';
import { serve, type Channel, type Handlers } from './rpc';
import { createService } from './service';

// Decoding, hashing and file reads share libuv's pool: one thread per core plus a few for I/O.
process.env.UV_THREADPOOL_SIZE ??= String(cpus().length + 4);

const port = process.parentPort;
const channel: Channel = {
  post: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', (e) => listener(e.data)),
};

let emit: (name: string, payload: unknown) => void = () => {};
const service = createService({
  libraryDir: process.env.GLIMPSE_LIBRARY || undefined,
  sqliteBinding: process.env.GLIMPSE_SQLITE_BINDING || undefined,
  emit: (event, payload) => emit(event, payload),
});

emit = serve(channel, {
  ...(service as unknown as Handlers),
  /** Closes the library (saving the vector index) before main lets the process go. */
  shutdown: async () => {
    await service.close();
    setImmediate(() => process.exit(0));
  },
});
emit('engineState', { state: 'ready', message: null });
