// @vitest-environment jsdom
import { VIEWPORT } from '../../testing/setup';
import { act, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useElementWidth } from './useElementWidth';

/** jsdom has no ResizeObserver: this one lets the test say when the element was resized. */
const observers = new Set<() => void>();
class FakeResizeObserver {
  constructor(private readonly callback: () => void) {}
  observe() {
    observers.add(this.callback);
  }
  disconnect() {
    observers.delete(this.callback);
  }
}
const resized = (width: number) =>
  act(() => {
    VIEWPORT.width = width;
    observers.forEach((cb) => cb());
  });

function Probe() {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div ref={ref} data-testid="probe">
      {useElementWidth(ref)}
    </div>
  );
}

describe('the width the results grid lays out for', () => {
  const width = VIEWPORT.width;
  afterEach(() => {
    VIEWPORT.width = width;
    delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
  });

  it('follows the element as the window resizes, and keeps the last width while the view is hidden', () => {
    (globalThis as { ResizeObserver?: unknown }).ResizeObserver = FakeResizeObserver;
    render(<Probe />);
    expect(screen.getByTestId('probe').textContent).toBe(String(width));
    resized(640);
    expect(screen.getByTestId('probe').textContent).toBe('640');
    resized(0); // display: none
    expect(screen.getByTestId('probe').textContent).toBe('640');
    resized(1280);
    expect(screen.getByTestId('probe').textContent).toBe('1280');
  });
});
