import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import { loadBundle } from './bundle';
import { PROVIDERS } from './providers';
import { sessionOptions } from './session-options';

let visualFile: string;
const scratch = mkdtempSync(join(tmpdir(), 'glimpse-session-options-'));

beforeAll(async () => {
  visualFile = loadBundle(await testModelDir('float32')).visual.file;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** onnxruntime-node validates every option when a session is created; the CPU provider stands in for
 *  the device here, so only the provider list differs from what a GPU user's session gets. */
async function createOnCpu(options: ort.InferenceSession.SessionOptions) {
  const { executionProviders: _unused, ...rest } = options;
  return ort.InferenceSession.create(visualFile, { ...rest, executionProviders: ['cpu'] });
}

describe('session options', () => {
  for (const provider of PROVIDERS) {
    it(`for ${provider} pass onnxruntime-node's own validation and run a batch`, async () => {
      const options = sessionOptions({ provider, deviceId: 0, cpuThreads: 2 });
      const session = await createOnCpu(options);
      const input = session.inputNames[0]!;
      const result = await session.run({
        [input]: new ort.Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]),
      });
      expect(Object.keys(result)).toHaveLength(session.outputNames.length);
      await session.release();
    });
  }

  it('give a GPU session one CPU thread and no spinning, and keep the CPU session to its threads', () => {
    const cuda = sessionOptions({ provider: 'cuda', deviceId: 1, cpuThreads: 16 });
    expect(cuda.executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(cuda).toMatchObject({
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 2, // onnxruntime's warnings about CPU nodes and copies reach stderr
    });
    const cpu = sessionOptions({ provider: 'cpu', cpuThreads: 16 });
    expect(cpu).toMatchObject({ executionProviders: ['cpu'], intraOpNumThreads: 16, interOpNumThreads: 1 });
    for (const o of [cuda, cpu])
      expect(o.extra).toEqual({
        session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } },
      });
  });

  it('turn off memory patterns for DirectML, which cannot use them', () => {
    expect(sessionOptions({ provider: 'dml', cpuThreads: 0 }).enableMemPattern).toBe(false);
  });

  it('write the optimised graph and a profile where asked', async () => {
    const optimised = join(scratch, 'optimised.onnx');
    const options = sessionOptions({
      provider: 'cpu',
      cpuThreads: 1,
      optimizedModelFilePath: optimised,
      profileFilePrefix: join(scratch, 'profile'),
    });
    const session = await createOnCpu(options);
    await session.release();
    expect(readdirSync(scratch)).toContain('optimised.onnx');
    expect(readdirSync(scratch).some((f) => f.startsWith('profile') && f.endsWith('.json'))).toBe(true);
  });

  it('refuse a thread count that is not a whole number', () => {
    expect(() => sessionOptions({ provider: 'cpu', cpuThreads: 1.5 })).toThrow(/cpuThreads/);
  });
});
