// The library's folders and counts, kept current from the libraryChanged event, with the two actions
// several views offer (add a folder: search's empty state, the library view, a folder dropped on it).
import { useCallback, useEffect, useState } from 'react';
import { api, errorCode, errorMessage, useEvent } from '../../api';
import type { LibraryStatus } from '../../../shared/types';

export interface LibraryHandle {
  status: LibraryStatus | null;
  error: string | null;
  reload(): void;
  /** With no path the OS folder picker opens; indexing of the new folder starts by itself. */
  addFolder(path?: string): Promise<void>;
  removeFolder(path: string): Promise<void>;
}

export function useLibrary(): LibraryHandle {
  const [status, setStatus] = useState<LibraryStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.getLibraryStatus().then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  useEffect(reload, [reload]);
  useEvent('libraryChanged', (s) => {
    setStatus(s);
    setError(null);
  });
  useEvent('indexFinished', reload);
  useEvent('engineState', (s) => s.state === 'ready' && reload());

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
