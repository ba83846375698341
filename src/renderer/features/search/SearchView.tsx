// The main view: the search box, filters and the result grid, the preview and the tile menu, with the
// keyboard flow between them (type → ↓ into results → Enter preview → Esc back).
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { ContextMenu } from '../../components/ContextMenu';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatCount } from '../../format';
import type { AppInfo, LibraryStatus } from '../../../shared/types';
import { ReadOnlyNote } from '../library/ReadOnlyNote';
import { CoverageNote } from '../models/CoverageNote';
import { failureTitle } from './failureTitle';
import { Filters } from './Filters';
import { usePhotoActions } from './photoActions';
import { Preview } from './Preview';
import {
  DEFAULT_CONTROLS,
  describeQuery,
  looksLikeArithmetic,
  type SearchControls,
  type SearchQuery,
} from './query';
import { QueryHint } from './QueryHint';
import { ResultsGrid } from './ResultsGrid';
import { SearchBox } from './SearchBox';
import { useResults } from './useResults';
import './search.css';

/** Pause in typing before a search runs: long enough to skip most keystrokes, short enough to feel live. */
const DEBOUNCE_MS = 170;

export interface SearchViewHandle {
  focusSearch(): void;
  /** An image file dropped on the window. */
  searchFile(path: string): void;
}

export function SearchView({
  appInfo,
  library,
  modelName = null,
  onAddFolder,
  ref,
}: {
  appInfo: AppInfo;
  library: LibraryStatus | null;
  /** The active model's name, for the note while its vectors cover only part of the library. */
  modelName?: string | null;
  onAddFolder: () => void;
  ref?: Ref<SearchViewHandle>;
}) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState<SearchQuery | null>(null);
  const [controls, setControls] = useState<SearchControls>(DEFAULT_CONTROLS);
  const [selected, setSelected] = useState(0);
  const [preview, setPreview] = useState<number | null>(null);
  const [menu, setMenu] = useState<{ index: number; x: number; y: number } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { pager, snapshot, pending, version } = useResults(query, controls);
  const total = snapshot?.status === 'ready' ? snapshot.total : 0;

  const commit = useCallback((raw: string) => {
    clearTimeout(timer.current);
    const words = raw.trim();
    setQuery((q) => {
      // Clearing the box leaves an image query alone: the box was empty for it anyway.
      if (!words) return q?.kind === 'text' ? null : q;
      return q?.kind === 'text' && q.text === words ? q : { kind: 'text', text: words };
    });
  }, []);

  const onText = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => commit(value), DEBOUNCE_MS);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  const searchImage = useCallback((q: SearchQuery) => {
    clearTimeout(timer.current);
    setQuery(q);
    setPreview(null);
  }, []);
  const moreLikeThis = useCallback(
    (photoId: number, path: string) => searchImage({ kind: 'similar', photoId, path }),
    [searchImage],
  );
  const actions = usePhotoActions(moreLikeThis);

  useImperativeHandle(
    ref,
    () => ({
      focusSearch: () => {
        inputRef.current?.focus();
        inputRef.current?.select(); // typing then replaces the old query, as in a browser's address bar
      },
      searchFile: (path) => searchImage({ kind: 'file', path }),
    }),
    [searchImage],
  );

  // New results start at the top with nothing open.
  useEffect(() => {
    setSelected(0);
    setPreview(null);
    setMenu(null);
  }, [pager]);

  const back = () => {
    if (text.trim()) commit(text);
    else setQuery(null);
    inputRef.current?.focus();
  };

  const onEscape = () => {
    if (text) {
      setText('');
      commit('');
    } else if (query) setQuery(null);
  };

  const closePreview = useCallback(() => setPreview(null), []);
  const openMenu = useCallback((index: number, x: number, y: number) => setMenu({ index, x, y }), []);
  const menuHit = menu && pager ? pager.hit(menu.index) : undefined;
  const noFolders = library !== null && library.folders.length === 0;

  return (
    <section className="search-view" aria-label="Search">
      <div className="search-top">
        <SearchBox
          text={text}
          query={query}
          busy={pending}
          inputRef={inputRef}
          onText={onText}
          onSubmit={() => commit(text)}
          onEscape={onEscape}
          onDown={() => gridRef.current?.focus()}
        />
        <QueryHint
          terms={snapshot?.terms ?? []}
          arithmetic={query?.kind === 'text' && looksLikeArithmetic(query.text)}
        />
        <Filters controls={controls} folders={library?.folders ?? []} onChange={setControls} />
        <CoverageNote library={library} modelName={modelName} />
        <ReadOnlyNote library={library} />
      </div>

      {query && (
        <div className="results-header" data-testid="results-header">
          <span aria-live="polite">
            {snapshot?.status === 'ready' && (
              <>
                <strong data-testid="result-count">{formatCount(total)}</strong>{' '}
                {total === 1 ? 'result' : 'results'} for {describeQuery(query)}
                {snapshot.elapsedMs !== null && (
                  <span className="muted"> · {Math.round(snapshot.elapsedMs)} ms</span>
                )}
              </>
            )}
            {pending && <span className="muted"> Searching…</span>}
          </span>
          {query.kind !== 'text' && (
            <button type="button" className="link-button" onClick={back}>
              {text.trim() ? `Back to “${text.trim()}”` : 'Clear image search'}
            </button>
          )}
        </div>
      )}

      <div className="results-area">
        {noFolders ? (
          <EmptyState title="Add your first folder" testId="empty-library">
            <p>
              Glimpse looks at every photo in the folders you add, once, and then finds them by description.
            </p>
            <button type="button" className="primary" onClick={onAddFolder}>
              Add folder…
            </button>
          </EmptyState>
        ) : !query ? (
          <EmptyState title="Describe the photo you are looking for">
            <p className="muted">
              Results appear as you type. Drop an image on the window to find similar photos. Keys: / focuses
              the search, ↓ moves into the results, Enter opens a preview, right-click or the menu key for
              actions.
            </p>
          </EmptyState>
        ) : snapshot?.status === 'error' ? (
          <ErrorNote title={failureTitle(snapshot.errorCode)} message={snapshot.error ?? 'unknown error'} />
        ) : !snapshot ? (
          <Loading label="Searching…" />
        ) : total === 0 ? (
          <EmptyState title="No photos match">
            <p className="muted">Try other words, or clear the filters.</p>
          </EmptyState>
        ) : (
          pager && (
            <ResultsGrid
              pager={pager}
              total={total}
              version={version}
              thumbnailBase={appInfo.thumbnailBase}
              selected={selected}
              showDate={controls.sort === 'date'}
              onSelect={setSelected}
              onOpen={setPreview}
              onMenu={openMenu}
              onEscape={() => inputRef.current?.focus()}
              gridRef={gridRef}
            />
          )
        )}
      </div>

      {preview !== null && pager && (
        <Preview
          pager={pager}
          total={total}
          index={preview}
          version={version}
          imageBase={appInfo.imageBase}
          thumbnailBase={appInfo.thumbnailBase}
          actions={actions}
          onIndex={(i) => {
            setPreview(i);
            setSelected(i);
          }}
          onClose={closePreview}
        />
      )}
      {menu && menuHit && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label="Photo actions"
          items={actions.menu(menuHit.photoId, menuHit.path)}
          onClose={() => setMenu(null)}
        />
      )}
    </section>
  );
}
