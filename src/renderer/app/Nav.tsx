// The app's navigation between its four views, with a small live indexing badge on Library so progress
// is visible from anywhere.
import { useIndexJob } from '../features/library/useIndexJob';

export type View = 'search' | 'library' | 'gpu' | 'settings';

export const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'search', label: 'Search' },
  { id: 'library', label: 'Library' },
  { id: 'gpu', label: 'GPU' },
  { id: 'settings', label: 'Settings' },
];

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

function IndexingBadge() {
  const job = useIndexJob();
  if (!job || job.state === 'idle') return null;
  const p = job.progress;
  const pct =
    p && p.phase === 'indexing' && p.toProcess > 0 ? Math.floor((p.processed / p.toProcess) * 100) : null;
  return (
    <span className="nav-badge" aria-hidden="true" title="Indexing">
      {pct === null ? '…' : `${pct}%`}
    </span>
  );
}

export function Nav({ view, onView }: { view: View; onView: (v: View) => void }) {
  return (
    <nav className="nav" aria-label="Views">
      {VIEWS.map((v, i) => (
        <button
          key={v.id}
          type="button"
          aria-current={view === v.id ? 'page' : undefined}
          title={`${v.label} (${isMac ? '⌘' : 'Ctrl+'}${i + 1})`}
          onClick={() => onView(v.id)}
        >
          {v.label}
          {v.id === 'library' && <IndexingBadge />}
        </button>
      ))}
    </nav>
  );
}
