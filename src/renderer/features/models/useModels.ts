// The model overview (model list, installed, active, recommended) read from the engine, with reload for
// after a download, a switch, an import or a removal.
import { api } from '../../api';
import { useEngineValue } from '../../useEngineValue';
import type { ModelOverview } from '../../../shared/types';

interface ModelsHandle {
  overview: ModelOverview | null;
  error: string | null;
  reload(): void;
  /** Takes an overview a command already returned (removeModel does). */
  set(overview: ModelOverview): void;
}

const readModels = () => api.listModels();

export function useModels(): ModelsHandle {
  const { value: overview, error, reload, set } = useEngineValue(readModels);
  return { overview, error, reload, set };
}
