// App-wide keys: / and Ctrl/Cmd+F go to the search box, Ctrl/Cmd+1…4 switch views. Keys typed into a
// field, and keys while a dialog is open, are left to them.
import { useEffect, useRef } from 'react';
import { VIEWS, type View } from './Nav';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useShortcuts(onSearch: () => void, onView: (v: View) => void): void {
  const latest = useRef({ onSearch, onView });
  useEffect(() => {
    latest.current = { onSearch, onView };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const mod = e.ctrlKey || e.metaKey;
      if (
        (mod && e.key.toLowerCase() === 'f') ||
        (e.key === '/' && !mod && !e.altKey && !isEditable(e.target))
      ) {
        e.preventDefault();
        latest.current.onSearch();
        return;
      }
      const n = Number(e.key);
      if (mod && !e.shiftKey && n >= 1 && n <= VIEWS.length) {
        e.preventDefault();
        latest.current.onView(VIEWS[n - 1]!.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
