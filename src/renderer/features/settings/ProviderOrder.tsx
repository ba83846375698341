// The execution-provider preference: an ordered list where each provider can be switched on or off and
// moved up or down; the engine tries them top to bottom and records why it fell past any.
import { PROVIDER_LABELS } from '../gpu/providers';
import type { ProviderName } from '../../../shared/types';

const ALL_PROVIDERS: ProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

const NOTES: Partial<Record<ProviderName, string>> = {
  dml: 'Windows',
  coreml: 'macOS',
  webgpu: 'experimental',
  cpu: 'always works, slowest',
};

export interface ProviderRow {
  name: ProviderName;
  on: boolean;
}

/** The saved preference first (on, in order), then the providers not in it (off). */
export function rowsFrom(preferred: ProviderName[]): ProviderRow[] {
  return [
    ...preferred.map((name) => ({ name, on: true })),
    ...ALL_PROVIDERS.filter((p) => !preferred.includes(p)).map((name) => ({ name, on: false })),
  ];
}

export function ProviderOrder({
  rows,
  onChange,
}: {
  rows: ProviderRow[];
  onChange: (rows: ProviderRow[]) => void;
}) {
  const onCount = rows.filter((r) => r.on).length;
  const move = (i: number, step: number) => {
    const next = [...rows];
    [next[i], next[i + step]] = [next[i + step]!, next[i]!];
    onChange(next);
  };
  return (
    <ol className="provider-order" aria-label="Execution providers, most preferred first">
      {rows.map((r, i) => (
        <li
          key={r.name}
          className={r.on ? undefined : 'off'}
          data-testid="provider-row"
          data-provider={r.name}
        >
          <label className="check">
            <input
              type="checkbox"
              checked={r.on}
              // At least one provider must stay on, or nothing could run the model.
              disabled={r.on && onCount === 1}
              onChange={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, on: e.target.checked } : x)))}
            />
            {PROVIDER_LABELS[r.name]}
            {NOTES[r.name] && <span className="muted"> · {NOTES[r.name]}</span>}
          </label>
          <span className="order-buttons">
            <button
              type="button"
              className="icon-button"
              aria-label={`Move ${PROVIDER_LABELS[r.name]} up`}
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Move ${PROVIDER_LABELS[r.name]} down`}
              disabled={i === rows.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
          </span>
        </li>
      ))}
    </ol>
  );
}
