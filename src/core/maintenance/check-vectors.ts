// Checks between the catalog and the vector index: the index holds exactly the active model's stored
// vectors, and every indexed photo has one.
import type { Check, CheckContext } from './check-types';
import { EXAMPLES } from './check-types';

/** Vectors read from the catalog per add: bounded memory (4 MB at 1024-d) at any library size. */
const ADD_BATCH = 1024;

function catalogLabels({ catalog, modelId }: CheckContext): Uint32Array {
  return Uint32Array.from(catalog.labels(modelId));
}

export const indexMissingLabels: Check = {
  id: 'index-missing-labels',
  title: 'every stored vector of the active model is in the vector index',
  async find(ctx) {
    const missing = [...catalogLabels(ctx)].filter((label) => !ctx.vectors.has(label));
    return {
      found: missing.length,
      examples: missing.slice(0, EXAMPLES).map((l) => `label ${l}`),
      repair: async () => {
        for (let i = 0; i < missing.length; i += ADD_BATCH) {
          const items = missing
            .slice(i, i + ADD_BATCH)
            .map((label) => ctx.catalog.vector(label))
            .filter((v) => v !== undefined);
          ctx.sink.add(items);
        }
      },
    };
  },
};

export const indexStrayLabels: Check = {
  id: 'index-stray-labels',
  title: 'every label in the vector index is a stored vector of the active model',
  async find(ctx) {
    const labels = catalogLabels(ctx);
    // The index cannot list its labels, but every label it was ever given came from the catalog, so
    // asking about each label ever issued finds the strays; any left over were never issued.
    const strays: number[] = [];
    const top = ctx.catalog.maintenance.highestLabelEver();
    let next = 0;
    let present = 0;
    for (let label = 1; label <= top; label++) {
      const stored = labels[next] === label;
      if (stored) next++;
      if (!ctx.vectors.has(label)) continue;
      if (stored) present++;
      else strays.push(label);
      if ((label & 0xffff) === 0) ctx.progress(label, top);
    }
    const unissued = ctx.vectors.size - present - strays.length;
    return {
      found: strays.length + unissued,
      examples: [
        ...strays.slice(0, EXAMPLES).map((l) => `label ${l}`),
        ...(unissued ? [`${unissued} labels above the highest the catalog issued (${top})`] : []),
      ].slice(0, EXAMPLES),
      advice: unissued
        ? 'the index file does not belong to this catalog: delete the vectors-* files in the library folder and open it again to rebuild'
        : undefined,
      repair: async () => ctx.sink.remove(strays),
    };
  },
};

export const photosWithoutVector: Check = {
  id: 'photos-without-vector',
  title: 'every indexed photo has a vector for the active model',
  async find({ catalog, modelId }) {
    const paths = catalog.maintenance.pathsWithoutVector(modelId);
    return {
      found: paths.length,
      examples: paths.slice(0, EXAMPLES),
      advice: 'the next glimpse index embeds them (after a model change, that is every photo)',
      reindex: paths,
    };
  },
};
