// The one indexing job's state: read once, then followed through the indexJob event (about ten a second
// while it runs).
import { useEffect, useState } from 'react';
import { api, useEvent } from '../../api';
import type { IndexJob } from '../../../shared/types';

export function useIndexJob(): IndexJob | null {
  const [job, setJob] = useState<IndexJob | null>(null);
  useEffect(() => {
    let live = true;
    api.getIndexJob().then(
      (j) => live && setJob((seen) => seen ?? j),
      () => {}, // the event stream fills it in once the engine answers
    );
    return () => {
      live = false;
    };
  }, []);
  useEvent('indexJob', setJob);
  return job;
}
