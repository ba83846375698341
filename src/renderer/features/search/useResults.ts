// Binds a query and its controls to a ResultPager: a new pager (and a fresh first page) whenever either
// changes, the previous one closed so its late answers are ignored. The previous results stay on screen
// until the new first page arrives, so typing does not flash an empty grid.
import { useEffect, useReducer, useState } from 'react';
import { errorMessage } from '../../api';
import { ResultPager, type PagerSnapshot } from './pager';
import { runSearch, type SearchControls, type SearchQuery } from './query';

export interface Results {
  /** The pager whose results are on screen (the newest one that has answered). */
  pager: ResultPager | null;
  snapshot: PagerSnapshot | null;
  /** A newer query is on its way. */
  pending: boolean;
  /** Bumps on every page that arrives, so memoised children know to look again. */
  version: number;
}

export function useResults(query: SearchQuery | null, controls: SearchControls): Results {
  const [current, setCurrent] = useState<ResultPager | null>(null);
  const [shown, setShown] = useState<ResultPager | null>(null);
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!query) {
      setCurrent(null);
      setShown(null);
      return;
    }
    const next: ResultPager = new ResultPager(
      (offset, limit) => runSearch(query, controls, offset, limit),
      () => {
        setShown(next);
        bump();
      },
      errorMessage,
    );
    setCurrent(next);
    next.start();
    return () => next.close();
  }, [query, controls]);
  return {
    pager: shown,
    snapshot: shown?.snapshot ?? null,
    pending: current !== null && current !== shown,
    version,
  };
}
