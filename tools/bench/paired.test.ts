import { describe, expect, it } from 'vitest';
import { alternate, median, pool, timed } from './paired';

describe('paired measurements', () => {
  it('pool items and seconds over rounds and keep each round’s rate', () => {
    const p = pool([
      { items: 10, seconds: 1 },
      { items: 30, seconds: 2 },
    ]);
    expect(p.perSecond).toBeCloseTo(40 / 3);
    expect(p.items).toBe(40);
    expect(p.seconds).toBe(3);
    expect(p.rounds).toEqual([10, 15]);
  });

  it('alternate a measurement with its baseline so each goes first equally often', async () => {
    const order: string[] = [];
    const sample = (name: string, items: number) => async () => {
      order.push(name);
      return { items, seconds: 1 };
    };
    const r = await alternate(4, sample('A', 4), sample('B', 2));
    expect(order.join('')).toBe('ABBAABBA');
    expect(r.measured.perSecond).toBe(4);
    expect(r.baseline.perSecond).toBe(2);
    expect(r.measured.rounds).toHaveLength(4);
    expect(r.medianRatio).toBe(2);
  });

  it('take the ratio within each round, so a burst of load in one round does not move its median', async () => {
    const a = [10, 10, 2, 10];
    const b = [5, 5, 5, 5];
    let i = 0;
    let j = 0;
    const r = await alternate(
      4,
      async () => ({ items: a[i++]!, seconds: 1 }),
      async () => ({ items: b[j++]!, seconds: 1 }),
    );
    expect(r.medianRatio).toBe(2);
    expect(r.measured.perSecond / r.baseline.perSecond).toBeCloseTo(1.6);
  });

  it('find the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('refuse zero rounds', async () => {
    await expect(
      alternate(
        0,
        async () => ({ items: 1, seconds: 1 }),
        async () => ({ items: 1, seconds: 1 }),
      ),
    ).rejects.toThrow(/rounds must be ≥ 1, got 0/);
  });

  it('time a call and report the items it says it did', async () => {
    const s = await timed(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return 7;
    });
    expect(s.items).toBe(7);
    expect(s.seconds).toBeGreaterThanOrEqual(0.025);
  });
});
