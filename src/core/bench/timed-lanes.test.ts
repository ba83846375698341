import { describe, expect, it } from 'vitest';
import { timedLanes } from './timed-lanes';

describe('timedLanes', () => {
  it('keeps every lane going past a spent budget until it has done enough', async () => {
    const steps = [0, 0, 0];
    const seconds = await timedLanes(
      3,
      0,
      async (lane) => void steps[lane]!++,
      (n) => n < 2,
    );
    expect(steps).toEqual([2, 2, 2]);
    expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it('runs lanes until the budget is spent and reports the time taken', async () => {
    let steps = 0;
    const seconds = await timedLanes(
      2,
      0.05,
      async () => {
        steps++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      () => false,
    );
    expect(seconds).toBeGreaterThanOrEqual(0.05);
    expect(steps).toBeGreaterThan(2);
  });
});
