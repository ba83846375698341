// @vitest-environment jsdom
import '../../testing/setup';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { deferred } from '../../testing/fakeApi';
import { folder, idleJob, libraryStatus, progress, twoFolders } from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';
import type { IndexSummary, LibraryStatus } from '../../../shared/types';
import { READ_ONLY_REFRESH_MS } from './useLibrary';

/** A run cancelled after 7 s with 1,300 of 5,000 photos embedded. */
const summary: IndexSummary = {
  found: 5000,
  embedded: 1300,
  reused: 0,
  unchanged: 0,
  removed: 0,
  failed: [],
  cancelled: true,
  seconds: 7,
};

async function openLibrary(options?: Parameters<typeof renderApp>[0]) {
  const app = await renderApp(options);
  await app.user.click(screen.getByRole('button', { name: 'Library' }));
  await screen.findByRole('table', { name: 'Folders' });
  return app;
}

describe('the library view', () => {
  it('lists folders with photo and skipped counts and when they were last indexed', async () => {
    await openLibrary();
    const rows = screen.getAllByTestId('folder-row');
    expect(rows.map((r) => r.dataset.path)).toEqual(['/photos/2023', '/photos/archive']);
    expect(within(rows[0]!).getByText('8,200')).toBeTruthy();
    expect(within(rows[0]!).getByRole('button', { name: 'Show 3 skipped in /photos/2023' })).toBeTruthy();
    expect(screen.getByTestId('library-totals').textContent).toContain('10,000 photos in 2 folders');
  });

  it('shows live progress from indexJob events and cancels through the api', async () => {
    const { fake, user } = await openLibrary();
    act(() =>
      fake.emit('indexJob', {
        ...idleJob,
        state: 'running',
        progress: progress({
          processed: 1234,
          imagesPerSecond: 212.5,
          etaSeconds: 18,
          currentFile: '/photos/2023/IMG_01234.jpg',
        }),
      }),
    );
    const panel = screen.getByRole('region', { name: 'Indexing progress' });
    expect(within(panel).getByTestId('index-phase').textContent).toBe('Indexing');
    expect(within(panel).getByTestId('index-counts').textContent).toBe('1,234 of 5,000');
    expect(within(panel).getByTestId('index-rate').textContent).toBe('212.5 images/s');
    expect(within(panel).getByText('about 18 s left')).toBeTruthy();
    expect(within(panel).getByTestId('index-current-file').textContent).toBe('/photos/2023/IMG_01234.jpg');
    expect(within(panel).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1234');
    expect(within(panel).getByText(/committed work is kept/)).toBeTruthy();

    await user.click(within(panel).getByRole('button', { name: 'Cancel indexing' }));
    expect(fake.calls('cancelIndexing')).toHaveLength(1);
    act(() =>
      fake.emit('indexJob', { ...idleJob, state: 'cancelling', progress: progress({ processed: 1300 }) }),
    );
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toHaveProperty('disabled', true);

    act(() => fake.emit('indexJob', { ...idleJob, lastSummary: summary }));
    expect(screen.getByTestId('index-summary').textContent).toContain('Everything indexed so far is kept');
    await user.click(screen.getByRole('button', { name: 'Resume indexing' }));
    expect(fake.calls('startIndexing')).toEqual([[[]]]);
  });

  it('re-indexes one folder or all of them', async () => {
    const { fake, user } = await openLibrary();
    await user.click(screen.getByRole('button', { name: 'Re-index /photos/archive' }));
    await user.click(screen.getByRole('button', { name: 'Re-index all' }));
    expect(fake.calls('startIndexing')).toEqual([[['/photos/archive']], [[]]]);
  });

  it('removes a folder only after confirmation', async () => {
    const { fake, user } = await openLibrary();
    await user.click(screen.getByRole('button', { name: 'Remove /photos/archive' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove this folder from the library?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls('removeFolder')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Remove /photos/archive' }));
    await user.click(screen.getByRole('button', { name: 'Remove folder' }));
    expect(fake.calls('removeFolder')).toEqual([['/photos/archive']]);
    await waitFor(() => expect(screen.getAllByTestId('folder-row')).toHaveLength(1));
  });

  it('says why a folder cannot be removed while indexing runs', async () => {
    const { user } = await openLibrary({
      overrides: {
        removeFolder: () =>
          Promise.reject({
            code: 'BUSY',
            message: 'wait for indexing to finish (or cancel it) before removing a folder',
          }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Remove /photos/2023' }));
    await user.click(screen.getByRole('button', { name: 'Remove folder' }));
    expect(await screen.findByText(/wait for indexing to finish/)).toBeTruthy();
  });

  it('adds a folder from the picker and from a folder dropped on the view', async () => {
    const { fake, user } = await openLibrary();
    await user.click(screen.getByRole('button', { name: 'Add folder…' }));
    expect(fake.calls('addFolder')).toEqual([[undefined]]);
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [new File([], 'Holidays')] } });
    await waitFor(() => expect(fake.calls('addFolder')).toEqual([[undefined], ['/drops/Holidays']]));
    expect(fake.calls('droppedFile')).toHaveLength(1);
  });

  it('adds a dropped folder only as the path main granted, and turns down a dropped file', async () => {
    const { fake } = await openLibrary({
      overrides: {
        droppedFile: async (file) =>
          file.name === 'Holidays'
            ? { path: '/granted/Holidays', kind: 'folder' }
            : { path: `/granted/${file.name}`, kind: 'file' },
      },
    });
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [new File([], 'Holidays')] } });
    await waitFor(() => expect(fake.calls('addFolder')).toEqual([['/granted/Holidays']]));

    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [new File([], 'sofa.jpg')] } });
    expect(await screen.findByText(/sofa\.jpg is not a folder/)).toBeTruthy();
    expect(fake.calls('addFolder')).toHaveLength(1);
  });

  it('says so, and offers no changes, while another Glimpse holds the library', async () => {
    const { fake, user } = await openLibrary({
      overrides: {
        getLibraryStatus: () => Promise.resolve({ ...libraryStatus(twoFolders), readOnly: { heldBy: 4242 } }),
      },
    });
    const view = within(screen.getByRole('region', { name: 'Library' }));
    const note = view.getByTestId('read-only-note');
    expect(note.textContent).toContain('another Glimpse (process 4242) is updating this library');
    for (const name of ['Add folder…', 'Re-index all', 'Re-index /photos/archive', 'Remove /photos/archive'])
      expect(view.getByRole('button', { name }).hasAttribute('disabled')).toBe(true);
    // The process lets go: the next status is a writer's, and the actions come back.
    act(() => fake.emit('libraryChanged', libraryStatus(twoFolders)));
    expect(screen.queryAllByTestId('read-only-note')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Re-index all' }));
    expect(fake.calls('startIndexing')).toEqual([[[]]]);
  });

  it('reads the status again every few seconds while read-only, and stops once the library is its own', async () => {
    let held = true;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { fake } = await openLibrary({
        overrides: {
          getLibraryStatus: () =>
            Promise.resolve({ ...libraryStatus(twoFolders), ...(held && { readOnly: { heldBy: 4242 } }) }),
        },
      });
      await screen.findAllByTestId('read-only-note');
      const reads = fake.calls('getLibraryStatus').length;
      await act(async () => vi.advanceTimersByTime(READ_ONLY_REFRESH_MS));
      expect(fake.calls('getLibraryStatus')).toHaveLength(reads + 1);
      held = false;
      await act(async () => vi.advanceTimersByTime(READ_ONLY_REFRESH_MS));
      expect(fake.calls('getLibraryStatus')).toHaveLength(reads + 2);
      await waitFor(() => expect(screen.queryAllByTestId('read-only-note')).toEqual([]));
      await act(async () => vi.advanceTimersByTime(3 * READ_ONLY_REFRESH_MS));
      expect(fake.calls('getLibraryStatus')).toHaveLength(reads + 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows libraryChanged events', async () => {
    const { fake } = await openLibrary();
    act(() => fake.emit('libraryChanged', libraryStatus([folder(7, '/mnt/nas/scans', 42, 0)])));
    expect(screen.getAllByTestId('folder-row').map((r) => r.dataset.path)).toEqual(['/mnt/nas/scans']);
  });

  it('keeps a libraryChanged event that overtakes the answer to an earlier read', async () => {
    const older = deferred<LibraryStatus>();
    let held = false;
    const { fake } = await openLibrary({
      overrides: {
        getLibraryStatus: () => (held ? older.promise : Promise.resolve(libraryStatus(twoFolders))),
      },
    });
    held = true;
    act(() => fake.emit('indexFinished', summary));
    expect(fake.calls('getLibraryStatus')).toHaveLength(2);
    act(() => fake.emit('libraryChanged', libraryStatus([folder(7, '/mnt/nas/scans', 42, 0)])));
    await act(async () => older.resolve(libraryStatus(twoFolders)));
    expect(screen.getAllByTestId('folder-row').map((r) => r.dataset.path)).toEqual(['/mnt/nas/scans']);
  });

  it('lists skipped files with reasons and filters them', async () => {
    const { user } = await openLibrary();
    const section = screen.getByRole('region', { name: 'Skipped files' });
    await within(section).findByText('/photos/2023/broken.jpg');
    expect(within(section).getAllByTestId('failure-row')).toHaveLength(3);
    await user.type(within(section).getByRole('searchbox', { name: 'Filter skipped files' }), 'empty');
    await waitFor(() => expect(within(section).getAllByTestId('failure-row')).toHaveLength(1));
    expect(within(section).getByText('the file is empty')).toBeTruthy();
    expect(within(section).getByTestId('failure-count').textContent).toBe('1 of 3');
  });
});
