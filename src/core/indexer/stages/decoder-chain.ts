// Runs a group of files through an ordered list of decoders: what one hands back with a fallback
// goes to the next, and every decoder's work and hand-backs are counted by reason.
import { ImageDecodeError } from '../../decode/cpu-decode';
import type { PreprocessSpec } from '../../runtime/types';
import type { DecoderCounts } from '../../../shared/types';
import type { DecodeCallOptions, DecodeFile, DecodeOutcome, PhotoDecoder } from './decoder';

export type Decided = Exclude<DecodeOutcome, { fallback: string }>;

/** The fallback reason counted for files whose decoder call failed as a whole. */
const CALL_FAILED = 'call-failed';

class DecoderTally {
  private readonly counts: DecoderCounts = { decoded: {}, fallbacks: {} };

  decoded(decoder: string): void {
    this.counts.decoded[decoder] = (this.counts.decoded[decoder] ?? 0) + 1;
  }

  fellBack(decoder: string, reason: string): void {
    const reasons = (this.counts.fallbacks[decoder] ??= {});
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }

  /** A copy, so a progress event does not change under its listener. */
  snapshot(): DecoderCounts {
    return structuredClone(this.counts);
  }

  get empty(): boolean {
    return !Object.keys(this.counts.decoded).length && !Object.keys(this.counts.fallbacks).length;
  }
}

export class DecoderChain {
  constructor(
    readonly decoders: readonly PhotoDecoder[],
    readonly tally = new DecoderTally(),
  ) {
    if (!decoders.length) throw new RangeError('DecoderChain: at least one decoder is needed');
    for (const d of decoders) {
      if (!(Number.isInteger(d.preferredBatch) && d.preferredBatch >= 1))
        throw new RangeError(`decoder ${d.name}: preferredBatch must be a whole number ≥ 1`);
    }
  }

  /** Files the first decoder wants at once: what the decode stage pulls per call. */
  get groupSize(): number {
    return this.decoders[0]!.preferredBatch;
  }

  /** One decided outcome per file, in order. Rejects only if a decoder's call rejects as a whole. */
  async decode(files: DecodeFile[], spec: PreprocessSpec, opts: DecodeCallOptions): Promise<Decided[]> {
    const results: Array<Decided | undefined> = new Array(files.length);
    let open = files.map((_, i) => i);
    let lastReason = '';
    for (const decoder of this.decoders) {
      if (!open.length) break;
      const handedOn: number[] = [];
      const chunks: number[][] = [];
      for (let i = 0; i < open.length; i += decoder.preferredBatch)
        chunks.push(open.slice(i, i + decoder.preferredBatch));
      const last = decoder === this.decoders.at(-1);
      await Promise.all(
        chunks.map(async (chunk) => {
          let outcomes: DecodeOutcome[];
          try {
            outcomes = await decoder.decode(
              chunk.map((i) => files[i]!),
              spec,
              opts,
            );
            if (outcomes.length !== chunk.length) {
              throw new Error(
                `decoder ${decoder.name} returned ${outcomes.length} outcomes for ${chunk.length} files`,
              );
            }
          } catch (e) {
            // A failed call says nothing about the files (a lost device, a full queue): the next
            // decoder gets them. From the last one, or once aborted, the error stands.
            if (last || opts.signal?.aborted) throw e;
            outcomes = chunk.map(() => ({ ok: false, fallback: CALL_FAILED }));
          }
          outcomes.forEach((o, k) => {
            const i = chunk[k]!;
            if ('fallback' in o) {
              this.tally.fellBack(decoder.name, o.fallback);
              lastReason = o.fallback;
              handedOn.push(i);
              return;
            }
            if (o.ok) this.tally.decoded(o.decoder);
            results[i] = o;
          });
        }),
      );
      open = handedOn.sort((a, b) => a - b);
    }
    for (const i of open) {
      // Every decoder handed it on: none of them can read it.
      results[i] = {
        ok: false,
        error: new ImageDecodeError(
          'unsupported',
          files[i]!.name,
          `no decoder could read it (the last said: ${lastReason})`,
        ),
      };
    }
    return results as Decided[];
  }
}
