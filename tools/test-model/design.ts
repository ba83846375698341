// The hand-designed meaning of the test model: which colours and patterns it sees, which words name
// them, and the fixed projection that puts both towers in one 64-d space.

/** Output width of both towers. 64 leaves room for the 16 feature directions with orthonormal rows,
 *  and is small enough that test indexes stay tiny, yet not a ViT size any real bundle has. */
export const TEST_EMBED_DIM = 64;
export const TEST_IMAGE_SIZE = 224;

/** Colour prototypes in 0..255 sRGB. An image's spatial mean colour is compared with each; the nearest
 *  one wins. Chosen to sit at least 0.185 (squared distance in 0..1 units) apart from each other. */
export const COLOUR_PROTOTYPES = {
  red: [255, 0, 0],
  green: [0, 200, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  orange: [255, 140, 0],
  purple: [128, 0, 160],
  pink: [255, 160, 200],
  white: [255, 255, 255],
  black: [0, 0, 0],
  gray: [128, 128, 128],
  brown: [140, 80, 30],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColourName = keyof typeof COLOUR_PROTOTYPES;
export const COLOURS = Object.keys(COLOUR_PROTOTYPES) as ColourName[];

/** Pattern classes in the order the visual graph produces them: the row-major outer product of
 *  (rows alike, rows change) × (columns alike, columns change). Rows changing from one to the next
 *  means bands that run horizontally. */
export const PATTERNS = ['plain', 'vertical', 'horizontal', 'checker'] as const;
export type PatternName = (typeof PATTERNS)[number];

/** Softmax sharpness per unit of squared RGB distance (0..1 units): the closest prototype pair is
 *  0.185 apart, so an image of a prototype colour gets ≥ 0.9999 of its weight (exp(-50 × 0.185) ≈ 1e-4). */
export const COLOUR_SHARPNESS = 50;
/** Mean absolute step between neighbouring pixels (0..1 units, averaged over RGB) at which a direction
 *  counts as "changing" with probability ½. Photos of flat colour with JPEG noise stay well under it;
 *  five full-contrast edges across 224 px (0.022) are well over it. */
export const EDGE_THRESHOLD = 0.01;
/** Logistic slope per unit of mean step: ±0.01 around the threshold moves the decision from 0.7% to 99.3%. */
export const EDGE_SLOPE = 500;

/** Feature directions, one per colour, one per pattern, and one shared "anything" direction. */
const FEATURES = [...COLOURS, ...PATTERNS, 'bias'] as const;
type FeatureName = (typeof FEATURES)[number];

/** Every image carries this much of the bias direction, so an empty query ranks all images equally
 *  instead of being orthogonal to them. */
export const IMAGE_BIAS = 0.1;
/** Every token row of the text table carries this much of the bias direction; summed over the 77
 *  context positions it makes 0.077, so no query, not even an empty one, is the zero vector. */
export const TOKEN_ROW_BIAS = 0.001;

/** What each known word points at. Words are lower-case and must each be one CLIP token (word</w>). */
export const WORD_FEATURES: Record<string, Partial<Record<FeatureName, number>>> = {
  ...Object.fromEntries(COLOURS.map((c) => [c, { [c]: 1 }])),
  grey: { gray: 1 },
  violet: { purple: 1 },
  horizontal: { horizontal: 1 },
  vertical: { vertical: 1 },
  // A bare "stripes" fits both directions equally; "horizontal stripes" then leans 3:1 horizontal.
  stripes: { horizontal: 0.5, vertical: 0.5 },
  striped: { horizontal: 0.5, vertical: 0.5 },
  stripe: { horizontal: 0.5, vertical: 0.5 },
  checker: { checker: 1 },
  grid: { checker: 1 },
  plaid: { checker: 1 },
  plain: { plain: 1 },
  solid: { plain: 1 },
};

/** Orthonormal rows of a 64×64 Sylvester–Hadamard matrix: entry (i, j) is (-1)^popcount(i & j) / 8.
 *  ±1/8 is exact in float16, and every feature spreads over all 64 outputs like a learned embedding. */
function projectionRow(feature: FeatureName): Float32Array {
  const i = FEATURES.indexOf(feature) + 1; // row 0 is all-ones; skipping it keeps outputs zero-mean
  const row = new Float32Array(TEST_EMBED_DIM);
  for (let j = 0; j < TEST_EMBED_DIM; j++) {
    let parity = 0;
    for (let bits = i & j; bits; bits >>= 1) parity ^= bits & 1;
    row[j] = (parity ? -1 : 1) / Math.sqrt(TEST_EMBED_DIM);
  }
  return row;
}

/** Projects a weighted sum of feature directions to the 64-d output space. */
export function project(weights: Partial<Record<FeatureName, number>>): Float32Array {
  const out = new Float32Array(TEST_EMBED_DIM);
  for (const [feature, w] of Object.entries(weights) as Array<[FeatureName, number]>) {
    const row = projectionRow(feature);
    for (let j = 0; j < TEST_EMBED_DIM; j++) out[j]! += w * row[j]!;
  }
  return out;
}
