// A small context menu at a point (right-click, or the menu key on the selected tile): arrow keys move,
// Enter picks, Escape or a click elsewhere closes.
import { useEffect, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
}

/** Keeps the menu inside the window: its size is not known before it renders, so this is an estimate. */
const MENU_WIDTH_PX = 200;
const ITEM_HEIGHT_PX = 32;

export function ContextMenu({
  x,
  y,
  label,
  items,
  onClose,
}: {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const outside = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close.current();
    };
    const blur = () => close.current();
    document.addEventListener('mousedown', outside, true);
    window.addEventListener('blur', blur);
    window.addEventListener('resize', blur);
    return () => {
      document.removeEventListener('mousedown', outside, true);
      window.removeEventListener('blur', blur);
      window.removeEventListener('resize', blur);
      if (before?.isConnected) before.focus();
    };
  }, []);
  const left = Math.max(0, Math.min(x, window.innerWidth - MENU_WIDTH_PX));
  const top = Math.max(0, Math.min(y, window.innerHeight - ITEM_HEIGHT_PX * items.length - 8));
  const pick = (item: MenuItem) => {
    onClose();
    item.onSelect();
  };
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={label}
      style={{ left, top }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') setActive((i) => (i + 1) % items.length);
        else if (e.key === 'ArrowUp') setActive((i) => (i - 1 + items.length) % items.length);
        else if (e.key === 'Home') setActive(0);
        else if (e.key === 'End') setActive(items.length - 1);
        else if (e.key === 'Escape' || e.key === 'Tab') onClose();
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {items.map((item, i) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={i === active ? 0 : -1}
          onMouseEnter={() => setActive(i)}
          onClick={() => pick(item)}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
