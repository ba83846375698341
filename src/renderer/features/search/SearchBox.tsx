// The search field: focused on launch, Enter searches at once, Escape clears, ↓ moves into the results.
// While an image query is active it shows which image, and typing goes back to text.
import type { Ref } from 'react';
import { fileName } from '../../format';
import type { SearchQuery } from './query';

export function SearchBox({
  text,
  query,
  busy,
  inputRef,
  onText,
  onSubmit,
  onEscape,
  onDown,
}: {
  text: string;
  query: SearchQuery | null;
  busy: boolean;
  inputRef: Ref<HTMLInputElement>;
  onText: (text: string) => void;
  onSubmit: () => void;
  onEscape: () => void;
  onDown: () => void;
}) {
  const image = query && query.kind !== 'text' ? query : null;
  return (
    <div className={`search-box${busy ? ' busy' : ''}`}>
      <span className="search-icon" aria-hidden="true">
        ⌕
      </span>
      {image && (
        <span className="query-chip" data-testid="image-query">
          {image.kind === 'similar' ? 'Like' : 'Image'}: {fileName(image.path)}
        </span>
      )}
      <input
        ref={inputRef}
        type="search"
        aria-label="Search photos"
        placeholder={
          image ? 'Type to search by words instead' : 'Describe a photo — dog asleep on a red sofa'
        }
        value={text}
        autoFocus
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSubmit();
          else if (e.key === 'Escape') onEscape();
          else if (e.key === 'ArrowDown') onDown();
          else return;
          e.preventDefault();
        }}
      />
      <kbd className="search-shortcut" aria-hidden="true">
        /
      </kbd>
    </div>
  );
}
