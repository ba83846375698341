// What can be done with a photo from the grid, its menu and the preview: each api call reports its
// outcome as a notice, so a failure (file moved, no default app) is said, not swallowed.
import { useMemo } from 'react';
import { api, errorMessage } from '../../api';
import { useNotify } from '../../components/Notices';
import type { MenuItem } from '../../components/ContextMenu';

export interface PhotoActions {
  open(photoId: number): void;
  showInFolder(photoId: number): void;
  copyPath(photoId: number): void;
  moreLikeThis(photoId: number, path: string): void;
  /** The same four as context-menu items, in the order the menu shows them. */
  menu(photoId: number, path: string): MenuItem[];
}

export function usePhotoActions(onMoreLikeThis: (photoId: number, path: string) => void): PhotoActions {
  const notify = useNotify();
  return useMemo(() => {
    const call = (run: () => Promise<void>, done?: string) =>
      void run().then(
        () => done && notify(done),
        (e: unknown) => notify(errorMessage(e), 'error'),
      );
    const actions: PhotoActions = {
      open: (id) => call(() => api.openPhoto(id)),
      showInFolder: (id) => call(() => api.showPhotoInFolder(id)),
      copyPath: (id) => call(() => api.copyPhotoPath(id), 'Path copied'),
      moreLikeThis: onMoreLikeThis,
      menu: (id, path) => [
        { label: 'Open', onSelect: () => actions.open(id) },
        { label: 'Show in folder', onSelect: () => actions.showInFolder(id) },
        { label: 'Copy path', onSelect: () => actions.copyPath(id) },
        { label: 'More like this', onSelect: () => actions.moreLikeThis(id, path) },
      ],
    };
    return actions;
  }, [notify, onMoreLikeThis]);
}
