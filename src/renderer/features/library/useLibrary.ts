// The library's folders and counts, kept current from the libraryChanged event, with the two actions
// several views offer (add a folder: search's empty state, the library view, a folder dropped on it).
import { useCallback, useEffect } from 'react';
import { api, errorCode, useEvent } from '../../api';
import { useEngineValue } from '../../useEngineValue';
import type { LibraryStatus } from '../../../shared/types';

export interface LibraryHandle {
  status: LibraryStatus | null;
  error: string | null;
  reload(): void;
  /** With no path the OS folder picker opens; indexing of the new folder starts by itself. */
  addFolder(path?: string): Promise<void>;
  removeFolder(path: string): Promise<void>;
}

const readStatus = () => api.getLibraryStatus();
/** A read-only view gets no events from the process that holds the library: it reads again this often,
 *  to follow that process's progress and to notice when it lets go. */
export const READ_ONLY_REFRESH_MS = 5 * 1000;

export function useLibrary(): LibraryHandle {
  const { value: status, error, reload, set } = useEngineValue(readStatus);
  useEvent('libraryChanged', set);
  useEvent('indexFinished', reload);
  useEvent('engineState', (s) => s.state === 'ready' && reload());
  const readOnly = status?.readOnly !== undefined;
  useEffect(() => {
    if (!readOnly) return;
    const timer = setInterval(reload, READ_ONLY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [readOnly, reload]);

  const addFolder = useCallback(
    async (path?: string) => {
      try {
        await api.addFolder(path);
      } catch (e) {
        // Closing the picker is a choice, not a failure.
        if (errorCode(e) === 'CANCELLED') return;
        throw e;
      }
      reload();
    },
    [reload],
  );
  const removeFolder = useCallback(
    async (path: string) => {
      await api.removeFolder(path);
      reload();
    },
    [reload],
  );
  return { status, error, reload, addFolder, removeFolder };
}
