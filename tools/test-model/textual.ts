// The textual tower of the test model: a bag of known word tokens, each pointing at a colour or pattern
// direction, summed over the context; every other token of the 49408-id vocabulary maps to the bias row.
import { readClipVocab } from '../../src/core/runtime/clip-vocab';
import { TEST_EMBED_DIM, TOKEN_ROW_BIAS, WORD_FEATURES, project } from './design';
import { GraphBuilder } from '../../src/core/onnx/graph-builder';
import type { WeightDtype } from '../../src/core/onnx/graph-builder';
import type { OnnxDim, OnnxGraph } from '../../src/core/onnx/onnx-proto';
import { OnnxDataType } from '../../src/core/onnx/onnx-proto';

interface KnownWord {
  word: string;
  tokenId: number;
}

/** Token ids of the words in WORD_FEATURES, in that order. Fails naming the word if one is not a single
 *  CLIP token: the tower only looks at single ids, so a multi-token word would silently match nothing. */
export function knownWords(vocabGzPath: string): KnownWord[] {
  const { vocab } = readClipVocab(vocabGzPath);
  const ids = new Map(vocab.map((token, id) => [token, id]));
  return Object.keys(WORD_FEATURES).map((word) => {
    const tokenId = ids.get(`${word}</w>`);
    if (tokenId === undefined) {
      throw new Error(`${vocabGzPath}: "${word}" is not a single CLIP token; drop it from WORD_FEATURES`);
    }
    return { word, tokenId };
  });
}

interface TextGraphOptions {
  dtype: WeightDtype;
  input: string;
  idsDtype: 'int64' | 'int32';
  output: string;
  batch: OnnxDim;
  contextLength: number;
  words: KnownWord[];
}

export function buildTextGraph(opts: TextGraphOptions): OnnxGraph {
  const g = new GraphBuilder('glimpse_test_textual', opts.dtype);
  let ids = g.input(opts.input, opts.idsDtype, [opts.batch, opts.contextLength]);
  // Immich's exports take int32 ids; the lookup below compares int64 either way.
  if (opts.idsDtype === 'int32') ids = g.node('Cast', [ids], { to: { int: OnnxDataType.int64 } }, 'ids_i64');

  // The embedding table over the whole vocabulary is zero (plus bias) except for a few rows, so it is
  // stored sparsely: count each known id in the sequence ([N,77,M] one-hot via Equal, summed over the
  // context), then multiply the counts by the M non-zero rows. A dense 49408×64 table would be 12.6 MB.
  const known = g.constInt64(
    'known_token_ids',
    opts.words.map((w) => w.tokenId),
  );
  const hits = g.node('Equal', [g.node('Unsqueeze', [ids, g.constInt64('unsq_ids', [2])]), known]);
  const counts = g.node(
    'ReduceSum',
    [g.node('Cast', [hits], { to: { int: OnnxDataType.float32 } }), g.constInt64('context_axis', [1])],
    { keepdims: { int: 0 } },
    'word_counts',
  );
  const rows = opts.words.map((w) => Array.from(project(WORD_FEATURES[w.word]!)));
  const table = g.weight('word_rows', rows.flat(), [rows.length, TEST_EMBED_DIM]);
  // Every row of the full table shares the bias; summed over the fixed context that is contextLength × it.
  const bias = g.weight('sequence_bias', Array.from(project({ bias: TOKEN_ROW_BIAS * opts.contextLength })), [
    TEST_EMBED_DIM,
  ]);
  const out = opts.dtype === 'float32' ? opts.output : 'embeds_f32';
  const embeds = g.node('Add', [g.node('MatMul', [counts, table]), bias], {}, out);
  if (opts.dtype === 'float16') g.node('Cast', [embeds], { to: { int: OnnxDataType.float16 } }, opts.output);
  g.output(opts.output, opts.dtype, [opts.batch, TEST_EMBED_DIM]);

  return g.build(
    'Glimpse test model, textual tower: a sparse bag-of-words over colour and pattern words, not a trained ' +
      'CLIP. See tools/test-model/design.ts for the words and what they point at.',
  );
}
