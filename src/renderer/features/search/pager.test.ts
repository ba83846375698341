import { describe, expect, it } from 'vitest';
import { deferred } from '../../testing/fakeApi';
import { hit } from '../../testing/fixtures';
import { ResultPager, type PageFetch } from './pager';
import type { SearchPage } from '../../../shared/types';

function pageOf(offset: number, count: number, total: number): SearchPage {
  return {
    hits: Array.from({ length: count }, (_, i) => hit(offset + i)),
    total,
    offset,
    limit: count,
    cutoffScore: null,
    elapsedMs: 1,
    terms: [],
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const inWords = (e: unknown) => ({ message: String(e), code: null });

describe('the result pager', () => {
  it('loads the first page, then only the pages the grid scrolls to, once each', async () => {
    const asked: number[] = [];
    const fetch: PageFetch = async (offset, limit) => {
      asked.push(offset);
      return pageOf(offset, limit, 1000);
    };
    const pager = new ResultPager(fetch, () => {}, inWords, 200);
    pager.start();
    await flush();
    expect(pager.snapshot.total).toBe(1000);
    pager.ensure(150, 450);
    pager.ensure(150, 450);
    await flush();
    expect(asked).toEqual([0, 200, 400]);
    expect(pager.hit(401)?.photoId).toBe(hit(401).photoId);
  });

  it('lets the total grow as deeper pages report more, and ends at a short page', async () => {
    const pager = new ResultPager(
      async (offset, limit) => (offset === 0 ? pageOf(0, limit, 400) : pageOf(offset, 50, 9999)),
      () => {},
      inWords,
      200,
    );
    pager.start();
    await flush();
    expect(pager.snapshot.total).toBe(400);
    pager.ensure(200, 399);
    await flush();
    expect(pager.snapshot.total).toBe(250);
  });

  it('drops answers that arrive after it was closed', async () => {
    const slow = deferred<SearchPage>();
    let changes = 0;
    const pager = new ResultPager(
      () => slow.promise,
      () => changes++,
      inWords,
    );
    pager.start();
    pager.close();
    slow.resolve(pageOf(0, 10, 10));
    await flush();
    expect(changes).toBe(0);
    expect(pager.hit(0)).toBeUndefined();
  });

  it('asks for no more pages once closed, though its results may still be on screen', async () => {
    const asked: number[] = [];
    const pager = new ResultPager(
      async (offset, limit) => {
        asked.push(offset);
        return pageOf(offset, limit, 1000);
      },
      () => {},
      inWords,
      200,
    );
    pager.start();
    await flush();
    pager.close();
    pager.ensure(0, 999);
    await flush();
    expect(asked).toEqual([0]);
    expect(pager.hit(5)?.photoId).toBe(hit(5).photoId);
  });

  it('reports a failed first page as an error in words, with its code', async () => {
    const pager = new ResultPager(
      () => Promise.reject({ code: 'BAD_QUERY', message: 'at least one term must be added' }),
      () => {},
      (e) => e as { code: string; message: string },
    );
    pager.start();
    await flush();
    expect(pager.snapshot).toMatchObject({
      status: 'error',
      error: 'at least one term must be added',
      errorCode: 'BAD_QUERY',
    });
  });
});
