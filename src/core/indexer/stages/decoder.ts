// What every photo decoder implements, so a GPU decoder can sit beside the CPU one and one batch can
// mix files each of them decoded.
import type { ImageDecodeError, ModelInput } from '../../decode/cpu-decode';
import type { PreprocessSpec } from '../../runtime/types';

export type DecoderName = 'cpu' | 'gpu';

/** One file's result, in the order the files were given. */
export type DecodeOutcome =
  | { ok: true; input: ModelInput; decoder: DecoderName }
  /** Not this decoder's to do (a progressive JPEG, a PNG, a full device queue…): the next decoder in
   *  the list gets the file. `fallback` is a short reason code, counted per decoder in the summary. */
  | { ok: false; fallback: string }
  /** The file itself is bad: the indexer records a failure and no other decoder tries it. */
  | { ok: false; error: ImageDecodeError };

export interface DecodeFile {
  /** The path, used in errors. */
  name: string;
  bytes: Buffer;
}

export interface DecodeCallOptions {
  /** Longest side of a WebP thumbnail made from the same decode; none when absent. */
  thumbnailSize?: number;
  signal?: AbortSignal;
}

export interface PhotoDecoder {
  readonly name: DecoderName;
  /** Largest group it wants at once (GPU: a batch; CPU: 1, many calls run at once on all cores). */
  readonly preferredBatch: number;
  /** Decodes `files` into model inputs; resolves with one outcome per file, in order. A rejection
   *  (a lost device) hands every file of the call to the next decoder, counted as 'call-failed';
   *  from the last decoder it records them as failed. Per-file problems are outcomes. */
  decode(files: DecodeFile[], spec: PreprocessSpec, opts: DecodeCallOptions): Promise<DecodeOutcome[]>;
}
