// The external data file beside an .onnx graph: weights appended one tensor at a time as they are
// converted, so the graph's protobuf stays small (ONNX's 2 GB protobuf limit) and nothing is held whole.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { OnnxExternalData } from '../../onnx/onnx-proto';

/** Tensors start on a page boundary so onnxruntime may map them instead of copying. */
const ALIGN = 4096;

export class WeightFile {
  private offset = 0;
  /** Bytes of tensor data written so far (without alignment padding). */
  written = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<WeightFile> {
    return new WeightFile(path, await open(path, 'w'));
  }

  /** Appends one tensor's bytes; returns where the graph should say they are. */
  async append(bytes: Uint8Array): Promise<OnnxExternalData> {
    const offset = Math.ceil(this.offset / ALIGN) * ALIGN;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
    this.offset = offset + bytes.length;
    this.written += bytes.length;
    return { location: basename(this.path), offset, length: bytes.length };
  }

  /** Flushes to disk before the bundle is called finished: a crash must not leave a graph without weights. */
  async close(): Promise<void> {
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without flushing, after a failure. */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}
