// The model overview (catalogue, installed, active, recommended) read from the engine, with reload for
// after a download, a switch, an import or a removal.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';
import type { ModelOverview } from '../../../shared/types';

export interface ModelsHandle {
  overview: ModelOverview | null;
  error: string | null;
  reload(): void;
  /** Takes an overview a command already returned (removeModel does). */
  set(overview: ModelOverview): void;
}

export function useModels(): ModelsHandle {
  const [overview, setOverview] = useState<ModelOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.listModels().then(
      (o) => {
        setOverview(o);
        setError(null);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  useEffect(reload, [reload]);
  return { overview, error, reload, set: setOverview };
}
