// Says so when another Glimpse holds the library (a `glimpse watch` or `glimpse index` in a terminal):
// this app then reads what that process has committed and leaves every change to it.
import type { LibraryStatus } from '../../../shared/types';

export function ReadOnlyNote({ library }: { library: LibraryStatus | null }) {
  if (!library?.readOnly) return null;
  return (
    <div className="coverage-note" role="status" data-testid="read-only-note">
      <span>
        <strong>Read-only:</strong> another Glimpse (process {library.readOnly.heldBy}) is updating this
        library. Search shows the photos it has indexed so far; adding and re-indexing folders wait until it
        finishes.
      </span>
    </div>
  );
}
