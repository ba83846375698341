// The results as a virtualised grid: only the rows on screen exist in the DOM, pages load as rows come
// into view, and the keyboard moves one selection through it (the grid keeps focus; the selected tile
// is its active descendant).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type Ref } from 'react';
import { moveSelection } from './gridKeys';
import type { ResultPager } from './pager';
import { Tile, tileId } from './Tile';
import { useElementWidth } from './useElementWidth';

/** Smallest tile edge: big enough to judge a photo, small enough for 5+ columns on a laptop. */
const TILE_MIN_PX = 176;
const GAP_PX = 8;
const PADDING_PX = 12;
/** Rows rendered beyond the viewport each way, so fast scrolling does not show blank rows. */
const OVERSCAN_ROWS = 3;

export function ResultsGrid({
  pager,
  total,
  version,
  thumbnailBase,
  selected,
  showDate,
  onSelect,
  onOpen,
  onMenu,
  onEscape,
  gridRef,
}: {
  pager: ResultPager;
  total: number;
  version: number;
  thumbnailBase: string;
  selected: number;
  showDate: boolean;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  onMenu: (index: number, x: number, y: number) => void;
  onEscape: () => void;
  gridRef?: Ref<HTMLDivElement>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef);
  const inner = Math.max(0, width - 2 * PADDING_PX);
  const columns = Math.max(1, Math.floor((inner + GAP_PX) / (TILE_MIN_PX + GAP_PX)));
  const tile = Math.max(1, (inner - GAP_PX * (columns - 1)) / columns);
  const rowHeight = Math.round(tile + GAP_PX);
  const rows = Math.ceil(total / columns);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN_ROWS,
    paddingStart: PADDING_PX,
    paddingEnd: PADDING_PX,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items[items.length - 1]?.index ?? -1;
  // The active descendant must be an element in the DOM: a selected tile scrolled out of the rendered rows
  // is none, until a key moves the selection and brings its row back.
  const selectedRow = Math.floor(selected / columns);
  const selectionShown = total > 0 && items.some((row) => row.index === selectedRow);
  useEffect(() => {
    if (lastRow >= 0) pager.ensure(firstRow * columns, (lastRow + 1) * columns - 1);
  }, [pager, firstRow, lastRow, columns, version]);

  // A new query starts at the top (the grid element, and its scroll position, outlive queries).
  useEffect(() => virtualizer.scrollToOffset(0), [virtualizer, pager]);
  // Whatever moved the selection (keys, the preview's ←/→), its row comes into view — only when the
  // selection moves: a page arriving while the user scrolls with the mouse must not pull the view back.
  const shownSelection = useRef(selected);
  useEffect(() => {
    if (shownSelection.current === selected) return;
    shownSelection.current = selected;
    virtualizer.scrollToIndex(selectedRow, { align: 'auto' });
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const rowsPerPage = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / rowHeight));
    const next = moveSelection(e.key, selected, total, columns, rowsPerPage);
    if (next !== null) {
      e.preventDefault();
      onSelect(next);
    } else if (e.key === 'Enter' && total > 0) {
      e.preventDefault();
      onOpen(selected);
    } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      const rect = document.getElementById(tileId(selected))?.getBoundingClientRect();
      onMenu(selected, rect ? rect.left + rect.width / 2 : 0, rect ? rect.top + rect.height / 2 : 0);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onEscape();
    }
  };

  const setRefs = (el: HTMLDivElement | null) => {
    scrollRef.current = el;
    if (typeof gridRef === 'function') gridRef(el);
    else if (gridRef) gridRef.current = el;
  };

  return (
    <div
      ref={setRefs}
      className="results-scroll"
      role="grid"
      aria-label="Results"
      aria-rowcount={rows}
      aria-colcount={columns}
      aria-activedescendant={selectionShown ? tileId(selected) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="results-grid"
    >
      <div className="results-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((row) => (
          <div
            key={row.key}
            role="row"
            aria-rowindex={row.index + 1}
            className="results-row"
            style={{
              transform: `translateY(${row.start}px)`,
              height: rowHeight - GAP_PX,
              gridTemplateColumns: `repeat(${columns}, 1fr)`,
              left: PADDING_PX,
              right: PADDING_PX,
            }}
          >
            {Array.from({ length: Math.min(columns, total - row.index * columns) }, (_, c) => {
              const index = row.index * columns + c;
              const hit = pager.hit(index);
              return (
                <Tile
                  key={hit ? hit.photoId : -1 - index}
                  hit={hit}
                  index={index}
                  selected={index === selected}
                  thumbnailBase={thumbnailBase}
                  showDate={showDate}
                  onPick={onSelect}
                  onOpen={onOpen}
                  onMenu={onMenu}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
