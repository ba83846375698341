// The streaming safetensors reader: F32, F16 and BF16 all widen to the same float32 values, and files
// that are not safetensors or are cut short fail naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toFloat16 } from '../../runtime/float16';
import { SafetensorsFile } from './safetensors';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(
  name: string,
  tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>,
): string {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([len, json, ...Object.values(tensors).map((t) => Buffer.from(t.bytes))]));
  return path;
}

const values = Float32Array.from([1, -2.5, 0.375, 1024]); // exact in float16 and bfloat16
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('SafetensorsFile', () => {
  it('reads F32, F16 and BF16 tensors as the same float32 values', async () => {
    const bf16 = Uint16Array.from(new Uint32Array(values.buffer), (b) => b >>> 16);
    const path = file('kinds.safetensors', {
      a: { dtype: 'F32', shape: [2, 2], bytes: bytes(values) },
      b: { dtype: 'F16', shape: [4], bytes: bytes(toFloat16(values)) },
      c: { dtype: 'BF16', shape: [4], bytes: bytes(bf16) },
    });
    const f = await SafetensorsFile.open(path);
    for (const name of ['a', 'b', 'c'])
      expect(Array.from(await f.readFloat32(name))).toEqual(Array.from(values));
    expect(f.tensors.get('a')!.shape).toEqual([2, 2]);
    await f.close();
  });

  it('refuses a file that is not safetensors', async () => {
    const path = join(dir, 'junk.safetensors');
    writeFileSync(path, 'PK\u0003\u0004 this is a zip file, not a checkpoint');
    await expect(SafetensorsFile.open(path)).rejects.toThrow(/junk\.safetensors: not a safetensors file/);
  });

  it('refuses a file cut short, naming the tensor that runs past its end', async () => {
    const path = file('short.safetensors', { a: { dtype: 'F32', shape: [4], bytes: bytes(values) } });
    writeFileSync(path, readFileSync(path).subarray(0, -4));
    await expect(SafetensorsFile.open(path)).rejects.toThrow(/truncated: tensor a ends at byte/);
  });

  it('says so when the file does not exist', async () => {
    await expect(SafetensorsFile.open(join(dir, 'nope.safetensors'))).rejects.toThrow(
      /nope\.safetensors: no such file/,
    );
  });
});
