// Keyboard behaviour every modal here shares: focus moves in on open, Tab stays inside, Escape closes,
// and focus returns to where it was on close (the grid tile, the Remove button).
import { useEffect, useRef, type RefObject } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export function useDialog(ref: RefObject<HTMLElement | null>, onClose: () => void, initial?: string): void {
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = (initial && dialog.querySelector<HTMLElement>(initial)) || dialog;
    first.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close.current();
      } else if (e.key === 'Tab') {
        const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
        if (items.length === 0) return;
        const [head, tail] = [items[0]!, items[items.length - 1]!];
        // The dialog itself holds the focus when it opens with no initial control (the preview): Shift+Tab
        // from there would leave it for the page behind.
        const active = document.activeElement;
        if (e.shiftKey && (active === head || active === dialog)) {
          e.preventDefault();
          tail.focus();
        } else if (!e.shiftKey && active === tail) {
          e.preventDefault();
          head.focus();
        }
      }
    };
    dialog.addEventListener('keydown', onKey);
    return () => {
      dialog.removeEventListener('keydown', onKey);
      if (before?.isConnected) before.focus();
    };
  }, [ref, initial]);
}
