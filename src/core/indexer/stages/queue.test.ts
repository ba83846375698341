import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './queue';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('a bounded queue between two stages', () => {
  it('makes a producer wait while it is full, and lets it go once an item is taken', async () => {
    const q = new AsyncQueue<number>(2);
    await q.push(1);
    await q.push(2);
    let third = false;
    const pushing = q.push(3).then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    expect(await q.pull()).toEqual([1]);
    await pushing;
    expect(third).toBe(true);
    expect(q.size).toBe(2);
  });

  it('hands a consumer a group only once the minimum is there, or whatever is left once closed', async () => {
    const q = new AsyncQueue<number>(10);
    let got: number[] | null = null;
    const pulling = q.pull(3, 3).then((g) => (got = g));
    await q.push(1);
    await q.push(2);
    await tick();
    expect(got).toBeNull();
    q.close();
    await pulling;
    expect(got).toEqual([1, 2]);
    expect(await q.pull()).toEqual([]);
    expect(q.done).toBe(true);
  });

  it('takes no more than the maximum asked for', async () => {
    const q = new AsyncQueue<number>(10);
    for (const n of [1, 2, 3, 4, 5]) await q.push(n);
    expect(await q.pull(2)).toEqual([1, 2]);
    expect(await q.pull(10)).toEqual([3, 4, 5]);
  });

  it('once dropped, releases a waiting producer, discards its item and what comes later', async () => {
    const q = new AsyncQueue<number>(1);
    await q.push(1);
    const waiting = q.push(2);
    expect(q.drop()).toEqual([1]);
    await waiting;
    await q.push(3);
    expect(q.size).toBe(0);
    expect(await q.pull()).toEqual([]);
  });

  it('says when a push would go through without waiting', async () => {
    const q = new AsyncQueue<number>(1);
    await q.push(1);
    let room = false;
    const waiting = q.room().then(() => (room = true));
    await tick();
    expect(room).toBe(false);
    await q.pull();
    await waiting;
    expect(room).toBe(true);
  });

  it('refuses a limit below one', () => {
    expect(() => new AsyncQueue(0)).toThrow(/limit must be at least 1/);
  });
});
