// Where a key press moves the selection in a grid of `columns` tiles: pure, so the arithmetic at the
// edges (last row, one column) is tested without a DOM.

/** Moves for keys the grid owns; null for keys it leaves to others. */
export function moveSelection(
  key: string,
  index: number,
  count: number,
  columns: number,
  rowsPerPage: number,
): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const at = Math.min(Math.max(index, 0), last);
  switch (key) {
    case 'ArrowRight':
      return Math.min(at + 1, last);
    case 'ArrowLeft':
      return Math.max(at - 1, 0);
    case 'ArrowDown':
      return at + columns <= last ? at + columns : at;
    case 'ArrowUp':
      return at - columns >= 0 ? at - columns : at;
    case 'PageDown':
      return Math.min(at + columns * rowsPerPage, last);
    case 'PageUp':
      return Math.max(at - columns * rowsPerPage, 0);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
