// The app once a model is in place: navigation, the four views (kept mounted so a search, its scroll
// and the GPU history survive switching), app-wide keys, and files dropped on the window — an image
// searches by it, a folder dropped on the library view is added.
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api';
import { useNotify } from '../components/Notices';
import { GpuView } from '../features/gpu/GpuView';
import { LibraryView } from '../features/library/LibraryView';
import { useLibrary } from '../features/library/useLibrary';
import { SearchView, type SearchViewHandle } from '../features/search/SearchView';
import { SettingsView } from '../features/settings/SettingsView';
import { hasPhotoExtension } from '../../shared/photo-files';
import type { AppInfo, ModelState, Settings } from '../../shared/types';
import { Nav, type View } from './Nav';
import { useShortcuts } from './useShortcuts';
import { useWindowDrop } from './useWindowDrop';

const MemoSearchView = memo(SearchView);
const MemoGpuView = memo(GpuView);

export function Shell({
  initialView = 'search',
  appInfo,
  model,
  settings,
  onSettings,
  onModel,
}: {
  /** Where the app opens: first run sends a new user to the library, where indexing shows its progress. */
  initialView?: View;
  appInfo: AppInfo;
  model: ModelState;
  settings: Settings;
  onSettings: (s: Settings) => void;
  onModel: (m: ModelState) => void;
}) {
  const notify = useNotify();
  const [view, setView] = useState<View>(initialView);
  const [focusTick, setFocusTick] = useState(0);
  const search = useRef<SearchViewHandle>(null);
  const library = useLibrary();
  const { addFolder, reload } = library;

  const focusSearch = useCallback(() => {
    setView('search');
    setFocusTick((n) => n + 1);
  }, []);
  // After the view is visible: a hidden input cannot take focus.
  useEffect(() => {
    if (focusTick) search.current?.focusSearch();
  }, [focusTick]);
  useShortcuts(focusSearch, setView);

  const addFirstFolder = useCallback(
    () => void addFolder().catch((e: unknown) => notify(errorMessage(e), 'error')),
    [addFolder, notify],
  );

  const dragging = useWindowDrop((files) => {
    void onDrop(files);
  });

  // Main grants each dropped path (a folder for addFolder, a file for searchImageFile) and says which it
  // is; only a granted path is accepted back, so the page cannot name a path the user did not drop.
  async function onDrop(files: File[]) {
    const dropped = await Promise.all(
      files.map((file) =>
        api.droppedFile(file).then(
          (d) => (d ? { file, ...d } : null),
          (e: unknown) => {
            notify(errorMessage(e), 'error');
            return null;
          },
        ),
      ),
    );
    const paths = dropped.filter((d) => d !== null);
    if (view === 'library') {
      for (const { path, kind } of paths) {
        if (kind !== 'folder') {
          notify(`${path} is not a folder: drop a folder to add it to the library`, 'error');
          continue;
        }
        addFolder(path).then(
          () => notify(`Added ${path}; indexing started`),
          (e: unknown) => notify(errorMessage(e), 'error'),
        );
      }
      return;
    }
    const image = paths.find(
      (p) => p.kind === 'file' && (p.file.type.startsWith('image/') || hasPhotoExtension(p.file.name)),
    );
    if (!image) {
      notify('Drop an image file to find similar photos (folders are added on the Library view).', 'error');
      return;
    }
    setView('search');
    search.current?.searchFile(image.path);
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Glimpse</span>
        <Nav view={view} onView={setView} />
      </header>
      <main className="views">
        <div className="view" hidden={view !== 'search'}>
          <MemoSearchView
            ref={search}
            appInfo={appInfo}
            library={library.status}
            modelName={model.name}
            onAddFolder={addFirstFolder}
          />
        </div>
        <div className="view" hidden={view !== 'library'}>
          <LibraryView library={library} />
        </div>
        <div className="view" hidden={view !== 'gpu'}>
          <MemoGpuView />
        </div>
        <div className="view" hidden={view !== 'settings'}>
          <SettingsView
            settings={settings}
            model={model}
            library={library.status}
            onSettings={onSettings}
            onModel={onModel}
            onLibraryChanged={reload}
          />
        </div>
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {view === 'library'
            ? 'Drop a folder to add it to the library'
            : 'Drop an image to find photos like it'}
        </div>
      )}
    </div>
  );
}
