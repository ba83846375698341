// The CPU decoder: sharp (libvips) on libuv's thread pool, one file per call, used for every file no
// other decoder takes.
import { decodeForModel, ImageDecodeError } from '../../decode/cpu-decode';
import type { PreprocessSpec } from '../../runtime/types';
import type { DecodeCallOptions, DecodeFile, DecodeOutcome, PhotoDecoder } from './decoder';

export class CpuDecoder implements PhotoDecoder {
  readonly name = 'cpu' as const;
  readonly preferredBatch = 1;

  async decode(files: DecodeFile[], spec: PreprocessSpec, opts: DecodeCallOptions): Promise<DecodeOutcome[]> {
    return Promise.all(
      files.map(async (file): Promise<DecodeOutcome> => {
        try {
          const input = await decodeForModel(file.bytes, spec, {
            thumbnailSize: opts.thumbnailSize,
            name: file.name,
            signal: opts.signal,
          });
          return { ok: true, input, decoder: 'cpu' };
        } catch (e) {
          // The last decoder in the list: anything it cannot decode is a failure of the file, unless
          // the run was aborted, which the caller sees through the rejection.
          if (e instanceof ImageDecodeError && !opts.signal?.aborted) return { ok: false, error: e };
          throw e;
        }
      }),
    );
  }
}
