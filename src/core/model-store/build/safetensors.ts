// Reads a .safetensors checkpoint one tensor at a time (header JSON, then per-tensor reads into one reused
// buffer), widening F32/F16/BF16 to float32, so a 4 GB file never sits in memory whole.
import { open, type FileHandle } from 'node:fs/promises';
import { float16BitsToFloat32 } from '../../runtime/float16';

const BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
/** Headers beyond this are not a checkpoint's (ViT-H's is ~60 kB); it stops a garbage length early. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

/** A checkpoint that cannot be read: `file` is the checkpoint, the message says what is wrong. */
export class CheckpointError extends Error {
  readonly code = 'CHECKPOINT_INVALID';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

let halfTable: Float32Array | null = null;
/** All 65536 float16 values as float32: widening is then one lookup per element. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) halfTable[h] = float16BitsToFloat32(h);
  return halfTable;
}

export class SafetensorsFile {
  private buffer = Buffer.alloc(0);

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly tensors: Map<string, TensorInfo>,
    readonly metadata: Record<string, string>,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      throw new CheckpointError(path, e.code === 'ENOENT' ? 'no such file' : e.message);
    });
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(8);
      if (size < 8 || (await handle.read(head, 0, 8, 0)).bytesRead !== 8)
        throw new CheckpointError(path, 'too short to be a safetensors file');
      const headerLength = Number(head.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size)
        throw new CheckpointError(
          path,
          `not a safetensors file (header length ${headerLength} of ${size} bytes)`,
        );
      const headerBytes = Buffer.alloc(headerLength);
      await handle.read(headerBytes, 0, headerLength, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new CheckpointError(
          path,
          `not a safetensors file (header is not JSON: ${(e as Error).message})`,
        );
      }
      const tensors = new Map<string, TensorInfo>();
      const dataStart = 8 + headerLength;
      for (const [name, value] of Object.entries(header)) {
        if (name === '__metadata__') continue;
        const v = value as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
        const elementBytes = BYTES[v.dtype ?? ''];
        if (!elementBytes || !Array.isArray(v.shape) || !Array.isArray(v.data_offsets))
          throw new CheckpointError(path, `tensor ${name}: malformed header entry ${JSON.stringify(value)}`);
        const [b, e] = v.data_offsets;
        const count = v.shape.reduce((a, d) => a * d, 1);
        if (e - b !== count * elementBytes)
          throw new CheckpointError(path, `tensor ${name}: ${e - b} bytes for shape [${v.shape.join(', ')}]`);
        if (dataStart + e > size)
          throw new CheckpointError(
            path,
            `truncated: tensor ${name} ends at byte ${dataStart + e} but the file has ${size} bytes`,
          );
        tensors.set(name, {
          name,
          dtype: v.dtype!,
          shape: v.shape,
          begin: dataStart + b,
          end: dataStart + e,
        });
      }
      const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
      return new SafetensorsFile(path, handle, tensors, metadata, size);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  private reading = false;

  private async readInto(target: Uint8Array, info: TensorInfo): Promise<void> {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await this.handle.read(target, done, target.length - done, info.begin + done);
      if (bytesRead === 0) throw new CheckpointError(this.path, `truncated while reading ${info.name}`);
      done += bytesRead;
    }
  }

  /** The tensor as float32, in its stored (row-major) layout. One read at a time: F16 and BF16 tensors
   *  go through a buffer this file reuses. */
  async readFloat32(name: string): Promise<Float32Array> {
    const info = this.tensors.get(name);
    if (!info) throw new CheckpointError(this.path, `no tensor ${name}`);
    if (this.reading) throw new Error(`${this.path}: readFloat32(${name}) while another read is in flight`);
    this.reading = true;
    try {
      const count = info.shape.reduce((a, d) => a * d, 1);
      const out = new Float32Array(count);
      if (info.dtype === 'F32') {
        // Straight into the result: no intermediate copy of the largest part of a checkpoint.
        await this.readInto(new Uint8Array(out.buffer), info);
        return out;
      }
      if (info.dtype !== 'F16' && info.dtype !== 'BF16')
        throw new CheckpointError(
          this.path,
          `tensor ${name} is ${info.dtype}; weights must be F32, F16 or BF16`,
        );
      const length = info.end - info.begin;
      if (this.buffer.length < length) this.buffer = Buffer.allocUnsafeSlow(length); // offset 0: aligned views
      await this.readInto(this.buffer.subarray(0, length), info);
      const h = new Uint16Array(this.buffer.buffer, this.buffer.byteOffset, count);
      if (info.dtype === 'F16') {
        const table = halfToFloatTable();
        for (let i = 0; i < count; i++) out[i] = table[h[i]!]!;
      } else {
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < count; i++) bits[i] = h[i]! << 16;
      }
      return out;
    } finally {
      this.reading = false;
    }
  }

  async close(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    await this.handle.close();
  }
}
