// The model store's failures as tests meet them: the promise must reject with a ModelDownloadError.
import { expect } from 'vitest';
import { ModelDownloadError } from '../../src/core/model-store/errors';

/** Awaits `p`, expecting it to reject with a ModelDownloadError, and returns that error. */
export async function downloadFailure(p: Promise<unknown>): Promise<ModelDownloadError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelDownloadError);
  return e as ModelDownloadError;
}
