// The controls that narrow or reorder results: sort, folder, date range, file types and the
// strong-matches-only cutoff. Every change searches again at once (no debounce: one click, one search).
import type { FolderStatus } from '../../../shared/types';
import { activeFilterCount, DEFAULT_CONTROLS, FORMATS, type SearchControls, type SortOrder } from './query';

export function Filters({
  controls,
  folders,
  onChange,
}: {
  controls: SearchControls;
  folders: FolderStatus[];
  onChange: (next: SearchControls) => void;
}) {
  const set = (patch: Partial<SearchControls>) => onChange({ ...controls, ...patch });
  const toggleFormat = (id: string, on: boolean) =>
    set({ formats: on ? [...controls.formats, id] : controls.formats.filter((f) => f !== id) });
  const active = activeFilterCount(controls);
  const types = controls.formats.length
    ? FORMATS.filter((f) => controls.formats.includes(f.id))
        .map((f) => f.label)
        .join(', ')
    : 'All types';
  return (
    <div className="filters" role="group" aria-label="Filters">
      <label>
        <span>Sort</span>
        <select
          aria-label="Sort by"
          value={controls.sort}
          onChange={(e) => set({ sort: e.target.value as SortOrder })}
        >
          <option value="relevance">Best match</option>
          <option value="date">Date, newest first</option>
        </select>
      </label>
      <label>
        <span>Folder</span>
        <select
          aria-label="Folder"
          value={controls.folder ?? ''}
          onChange={(e) => set({ folder: e.target.value || null })}
        >
          <option value="">All folders</option>
          {folders.map((f) => (
            <option key={f.id} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>From</span>
        <input
          type="date"
          aria-label="From date"
          value={controls.from}
          max={controls.to || undefined}
          onChange={(e) => set({ from: e.target.value })}
        />
      </label>
      <label>
        <span>To</span>
        <input
          type="date"
          aria-label="To date"
          value={controls.to}
          min={controls.from || undefined}
          onChange={(e) => set({ to: e.target.value })}
        />
      </label>
      <details className="format-picker">
        <summary aria-label={`File types: ${types}`}>{types}</summary>
        <fieldset>
          <legend>File types</legend>
          {FORMATS.map((f) => (
            <label key={f.id} className="check">
              <input
                type="checkbox"
                checked={controls.formats.includes(f.id)}
                onChange={(e) => toggleFormat(f.id, e.target.checked)}
              />
              {f.label}
            </label>
          ))}
        </fieldset>
      </details>
      <label className="check" title="Keep only results that stand out from this query's typical score">
        <input
          type="checkbox"
          checked={controls.strongOnly}
          onChange={(e) => set({ strongOnly: e.target.checked })}
        />
        Strong matches only
      </label>
      {active > 0 && (
        <button
          type="button"
          className="link-button"
          onClick={() => onChange({ ...DEFAULT_CONTROLS, sort: controls.sort })}
        >
          Clear {active === 1 ? 'filter' : `${active} filters`}
        </button>
      )}
    </div>
  );
}
