// Binds a query and its controls to a ResultPager: a new pager (and a fresh first page) whenever either
// changes, the previous one closed so its late answers are ignored. The previous results stay on screen
// until the new first page arrives, so typing does not flash an empty grid.
import { useEffect, useReducer, useState } from 'react';
import { errorCode, errorMessage } from '../../api';
import { ResultPager, type PagerSnapshot } from './pager';
import { runSearch, type SearchControls, type SearchQuery } from './query';

interface Results {
  /** The pager whose results are on screen (the newest one that has answered). */
  pager: ResultPager | null;
  snapshot: PagerSnapshot | null;
  /** A newer query is on its way. */
  pending: boolean;
  /** Bumps on every page that arrives, so memoised children know to look again. */
  version: number;
}

/** A pager with the query and controls it answers. */
interface Answering {
  pager: ResultPager;
  query: SearchQuery;
  controls: SearchControls;
}

export function useResults(query: SearchQuery | null, controls: SearchControls): Results {
  const [shown, setShown] = useState<Answering | null>(null);
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!query) {
      setShown(null);
      return;
    }
    const next: ResultPager = new ResultPager(
      (offset, limit) => runSearch(query, controls, offset, limit),
      () => {
        setShown({ pager: next, query, controls });
        bump();
      },
      (e) => ({ message: errorMessage(e), code: errorCode(e) }),
    );
    next.start();
    return () => next.close();
  }, [query, controls]);
  return {
    pager: shown?.pager ?? null,
    snapshot: shown?.pager.snapshot ?? null,
    // Judged from what is on screen, from the very render in which the query changes (before the
    // effect above has even made the new pager): old results are never presented as the new query's.
    pending: query !== null && (shown?.query !== query || shown.controls !== controls),
    version,
  };
}
