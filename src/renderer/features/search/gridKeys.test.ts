import { describe, expect, it } from 'vitest';
import { moveSelection } from './gridKeys';

describe('moving the selection through a grid of 5 columns and 12 results', () => {
  const move = (key: string, from: number) => moveSelection(key, from, 12, 5, 2);

  it('steps sideways and clamps at both ends', () => {
    expect(move('ArrowRight', 3)).toBe(4);
    expect(move('ArrowRight', 11)).toBe(11);
    expect(move('ArrowLeft', 0)).toBe(0);
  });

  it('moves a whole row up or down, staying put where the row below is shorter', () => {
    expect(move('ArrowDown', 1)).toBe(6);
    expect(move('ArrowDown', 8)).toBe(8);
    expect(move('ArrowUp', 7)).toBe(2);
    expect(move('ArrowUp', 2)).toBe(2);
  });

  it('jumps by pages and to the ends', () => {
    expect(move('PageDown', 0)).toBe(10);
    expect(move('PageUp', 11)).toBe(1);
    expect(move('End', 0)).toBe(11);
    expect(move('Home', 9)).toBe(0);
  });

  it('leaves other keys and empty grids alone', () => {
    expect(move('Enter', 3)).toBeNull();
    expect(moveSelection('ArrowRight', 0, 0, 5, 2)).toBeNull();
  });
});
