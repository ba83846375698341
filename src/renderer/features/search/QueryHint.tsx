// The one-line hint under the search box: how query arithmetic works, and for an arithmetic query the
// terms the engine actually parsed, with their signs and weights.
import type { QueryTerm } from '../../../shared/types';

function termLabel(t: QueryTerm): string {
  const size = Math.abs(t.weight);
  return `${t.weight < 0 ? '−' : '+'} ${size === 1 ? '' : `${size}×`}${t.text}`;
}

export function QueryHint({ terms, arithmetic }: { terms: QueryTerm[]; arithmetic: boolean }) {
  if (arithmetic && terms.length > 0) {
    return (
      <div className="query-hint" data-testid="query-hint">
        <span className="muted">Combining</span>
        <ul className="terms" aria-label="Query terms">
          {terms.map((t, i) => (
            <li key={i} className={t.weight < 0 ? 'term minus' : 'term plus'} title={`weight ${t.weight}`}>
              {termLabel(t)}
            </li>
          ))}
        </ul>
        <span className="muted">— added terms pull results towards them, subtracted ones push away.</span>
      </div>
    );
  }
  return (
    <p className="query-hint muted" data-testid="query-hint">
      Combine ideas with spaces around + and −: <code>beach + sunset - people</code>; <code>2*dog</code>{' '}
      counts a term twice.
    </p>
  );
}
