// @vitest-environment jsdom
import '../../testing/setup';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred } from '../../testing/fakeApi';
import { hit } from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';
import type { SearchOptions, SearchPage } from '../../../shared/types';

const searchBox = () => screen.getByRole('searchbox', { name: 'Search photos' });
const grid = () => screen.getByRole('grid', { name: 'Results' });
const lastOptions = (calls: unknown[][]) => calls[calls.length - 1]![1] as SearchOptions;

describe('searching by text', () => {
  it('focuses the search box on launch', async () => {
    await renderApp();
    expect(document.activeElement).toBe(searchBox());
  });

  it('searches once the typing pauses, not on every key, and shows tiles with their scores', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'dog asleep on a red sofa');
    expect(fake.calls('searchText')).toHaveLength(0);
    await screen.findByText('1,000');
    expect(fake.calls('searchText')).toEqual([
      ['dog asleep on a red sofa', expect.objectContaining({ offset: 0, limit: 200 })],
    ]);
    const tiles = screen.getAllByTestId('result-tile');
    expect(tiles.length).toBeGreaterThan(10);
    expect(tiles.length).toBeLessThan(100); // virtualised: only rows near the viewport exist
    expect(within(tiles[0]!).getByTestId('tile-score').textContent).toBe('0.360');
    expect(tiles[0]!.querySelector('img')!.getAttribute('src')).toBe('glimpse-thumb://photo/1000');
  });

  it('searches at once on Enter', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    expect(fake.calls('searchText')).toEqual([['red', expect.anything()]]);
  });

  it('ignores an older answer that arrives after a newer one', async () => {
    const slow = deferred<SearchPage>();
    const fast = deferred<SearchPage>();
    const answers = [slow, fast];
    const { user } = await renderApp({ overrides: { searchText: () => answers.shift()!.promise } });
    await user.type(searchBox(), 'cat{Enter}');
    await user.clear(searchBox());
    await user.type(searchBox(), 'dog{Enter}');
    const page = (n: number, first: number): SearchPage => ({
      hits: Array.from({ length: n }, (_, i) => hit(first + i)),
      total: n,
      offset: 0,
      limit: 200,
      cutoffScore: null,
      elapsedMs: 1,
      terms: [],
    });
    await act(async () => fast.resolve(page(3, 500)));
    await act(async () => slow.resolve(page(7, 0)));
    expect(screen.getAllByTestId('result-tile').map((t) => t.dataset.photoId)).toEqual([
      '1500',
      '1501',
      '1502',
    ]);
    expect(screen.getByTestId('results-header').textContent).toContain('“dog”');
  });

  it('loads the next page when the grid scrolls to it', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'beach{Enter}');
    await screen.findByText('1,000');
    const scroller = grid();
    // 5 columns of 197 px rows: row 44 holds result 220, on the second page of 200.
    scroller.scrollTop = 44 * 197;
    fireEvent.scroll(scroller);
    await waitFor(() =>
      expect(fake.calls('searchText').map((c) => (c[1] as SearchOptions).offset)).toContain(200),
    );
    await waitFor(() => expect(screen.getByRole('gridcell', { name: /IMG_00220\.jpg/ })).toBeTruthy());
  });

  it('stays where the user scrolled when a deeper page makes the list longer', async () => {
    const { user } = await renderApp({
      overrides: {
        // Like the engine: the total grows as deeper pages rank more candidates.
        searchText: async (_q, o) => ({
          hits: Array.from({ length: o.limit! }, (_, i) => hit(o.offset! + i)),
          total: 2 * (o.offset! + o.limit!),
          offset: o.offset!,
          limit: o.limit!,
          cutoffScore: null,
          elapsedMs: 1,
          terms: [],
        }),
      },
    });
    await user.type(searchBox(), 'beach{Enter}');
    await screen.findByText('400');
    const scroller = grid();
    scroller.scrollTop = 70 * 197;
    fireEvent.scroll(scroller);
    await screen.findByText('800');
    expect(scroller.scrollTop).toBe(70 * 197);
  });

  it('clears the query with Escape', async () => {
    const { user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    await user.keyboard('{Escape}');
    expect((searchBox() as HTMLInputElement).value).toBe('');
    expect(screen.queryByRole('grid')).toBeNull();
  });
});

describe('moving through results with the keyboard', () => {
  it('goes from the box into the grid, moves the selection and opens and closes the preview', async () => {
    const { user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(grid());
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowDown}');
    const selected = screen.getByRole('gridcell', { selected: true });
    expect(selected.dataset.photoId).toBe('1007'); // index 2, then one row of 5 down
    expect(grid().getAttribute('aria-activedescendant')).toBe('result-7');

    await user.keyboard('{Enter}');
    const preview = screen.getByRole('dialog', { name: /Preview: IMG_00007\.jpg/ });
    expect(within(preview).getByRole('img').getAttribute('src')).toBe('glimpse-image://photo/1007');
    expect(within(preview).getByText('4,032 × 3,024')).toBeTruthy();
    expect(within(preview).getByText('FUJIFILM X-T4')).toBeTruthy();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('dialog', { name: /IMG_00008\.jpg/ })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(grid());
    expect(screen.getByRole('gridcell', { selected: true }).dataset.photoId).toBe('1008');
  });

  it('keeps Tab and Shift+Tab inside the preview', async () => {
    const { user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    await user.keyboard('{ArrowDown}{Enter}');
    const preview = screen.getByRole('dialog', { name: /Preview: IMG_00000\.jpg/ });
    expect(document.activeElement).toBe(preview);
    await user.keyboard('{Shift>}{Tab}{/Shift}');
    expect(document.activeElement).toBe(within(preview).getByRole('button', { name: 'More like this' }));
    await user.keyboard('{Tab}');
    expect(preview.contains(document.activeElement)).toBe(true);
  });

  it('names the selected tile as the active descendant only while its row is rendered', async () => {
    const { user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    const scroller = grid();
    expect(scroller.getAttribute('aria-activedescendant')).toBe('result-0');
    scroller.scrollTop = 100 * 197;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(screen.queryByRole('gridcell', { selected: true })).toBeNull());
    expect(scroller.hasAttribute('aria-activedescendant')).toBe(false);
    scroller.scrollTop = 0;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(scroller.getAttribute('aria-activedescendant')).toBe('result-0'));
  });

  it('goes back to the search box with Escape from the grid', async () => {
    const { user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    await user.keyboard('{ArrowDown}{Escape}');
    expect(document.activeElement).toBe(searchBox());
  });
});

describe('filters and sorting', () => {
  it('sends the chosen folder, sort, file type and cutoff with the search', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'harbour{Enter}');
    await screen.findByText('1,000');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Folder' }), '/photos/archive');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'date');
    await user.click(screen.getByText('All types'));
    await user.click(screen.getByRole('checkbox', { name: 'PNG' }));
    await user.click(screen.getByRole('checkbox', { name: 'Strong matches only' }));
    await waitFor(() =>
      expect(lastOptions(fake.calls('searchText'))).toEqual({
        sort: 'date',
        offset: 0,
        limit: 200,
        cutoff: 'adaptive',
        filters: { folders: ['/photos/archive'], formats: ['png'] },
      }),
    );
    fireEvent.change(screen.getByLabelText('From date'), { target: { value: '2024-01-01' } });
    await waitFor(() =>
      expect(lastOptions(fake.calls('searchText')).filters?.from).toBe(new Date(2024, 0, 1).getTime()),
    );
    await user.click(screen.getByRole('button', { name: 'Clear 4 filters' }));
    await waitFor(() => expect(lastOptions(fake.calls('searchText')).filters).toBeUndefined());
  });
});

describe('query arithmetic', () => {
  it('shows the parsed terms with their signs and weights', async () => {
    const { user } = await renderApp();
    expect(screen.getByTestId('query-hint').textContent).toContain('beach + sunset - people');
    await user.type(searchBox(), 'beach + 2*sunset - people{Enter}');
    const terms = await screen.findByRole('list', { name: 'Query terms' });
    expect(
      within(terms)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['+ beach', '+ 2×sunset', '− people']);
  });
});

describe('searching by image', () => {
  it('finds photos like a result from its menu, says so, and offers the way back', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    fireEvent.contextMenu(screen.getAllByTestId('result-tile')[3]!, { clientX: 50, clientY: 60 });
    const menu = screen.getByRole('menu', { name: 'Photo actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent),
    ).toEqual(['Open', 'Show in folder', 'Copy path', 'More like this']);
    await user.click(within(menu).getByRole('menuitem', { name: 'More like this' }));
    await waitFor(() =>
      expect(fake.calls('searchSimilar')).toEqual([[1003, expect.objectContaining({ offset: 0 })]]),
    );
    expect(screen.getByTestId('image-query').textContent).toContain('IMG_00003.jpg');
    await screen.findByText(/photos like IMG_00003\.jpg/);
    await user.click(screen.getByRole('button', { name: 'Back to “red”' }));
    await waitFor(() => expect(screen.getByTestId('results-header').textContent).toContain('“red”'));
    expect(screen.queryByTestId('image-query')).toBeNull();
  });

  it('searches by an image file dropped on the window', async () => {
    const { fake } = await renderApp();
    const file = new File(['x'], 'sofa.jpg', { type: 'image/jpeg' });
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [file] } });
    await waitFor(() =>
      expect(fake.calls('searchImageFile')).toEqual([['/drops/sofa.jpg', expect.anything()]]),
    );
    await screen.findByText(/photos like sofa\.jpg/);
  });

  it('says a photo has no vector to search by, rather than that the search failed', async () => {
    const message =
      '/photos/IMG_00003.jpg is not embedded with ViT-B-32__openai yet; indexing the library embeds it';
    const { user } = await renderApp({
      overrides: { searchSimilar: () => Promise.reject({ code: 'NOT_EMBEDDED', message }) },
    });
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    fireEvent.contextMenu(screen.getAllByTestId('result-tile')[3]!, { clientX: 50, clientY: 60 });
    await user.click(screen.getByRole('menuitem', { name: 'More like this' }));
    expect(await screen.findByText('This photo has no vector to search by')).toBeTruthy();
    expect(screen.getByText(message)).toBeTruthy();
    expect(screen.queryByText('Search failed')).toBeNull();
  });

  it('says which dropped file it cannot search by, and why', async () => {
    const message =
      '/drops/notes.jpg: the file is not an image (no known image format matches its first bytes)';
    await renderApp({
      overrides: { searchImageFile: () => Promise.reject({ code: 'BAD_FILE', message }) },
    });
    const file = new File(['x'], 'notes.jpg', { type: 'image/jpeg' });
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(await screen.findByText('Glimpse cannot search by this file')).toBeTruthy();
    expect(screen.getByText(message)).toBeTruthy();
  });

  it('runs the tile menu actions from the keyboard menu key', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    await user.keyboard('{ArrowDown}{ArrowRight}{ContextMenu}');
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(fake.calls('copyPhotoPath')).toEqual([[1001]]);
    await screen.findByText('Path copied');
  });

  it('hands a tile dragged out of the window to the OS drag', async () => {
    const { fake, user } = await renderApp();
    await user.type(searchBox(), 'red{Enter}');
    await screen.findByText('1,000');
    fireEvent.dragStart(screen.getAllByTestId('result-tile')[0]!);
    expect(fake.calls('startDrag')).toEqual([[1000]]);
  });
});

describe('a photo whose name is not valid UTF-8', () => {
  it('is shown with each such byte as \\xNN on its tile and in the preview', async () => {
    const stored = '/photos/Ferien-M\u0000\u00e4dchen/caf\u0000\u00e9.jpg';
    const page: SearchPage = {
      hits: [{ ...hit(0), path: stored }],
      total: 1,
      offset: 0,
      limit: 200,
      cutoffScore: null,
      elapsedMs: 1,
      terms: [],
    };
    const { user } = await renderApp({ overrides: { searchText: async () => page } });
    await user.type(searchBox(), 'orange{Enter}');
    const tile = await screen.findByTestId('result-tile');
    expect(tile.getAttribute('aria-label')).toBe('caf\\xe9.jpg, score 0.360');
    expect(tile.title).toBe('/photos/Ferien-M\\xe4dchen/caf\\xe9.jpg');
    await user.keyboard('{ArrowDown}{Enter}');
    const preview = screen.getByRole('dialog', { name: /Preview: caf\\xe9\.jpg/ });
    expect(within(preview).getByText('/photos/Ferien-M\\xe4dchen/caf\\xe9.jpg')).toBeTruthy();
  });
});

describe('errors', () => {
  it('shows the message of a failed search', async () => {
    const { user } = await renderApp({
      overrides: {
        searchText: () =>
          Promise.reject({ code: 'BAD_QUERY', message: '"- people": at least one term must be added' }),
      },
    });
    await user.type(searchBox(), '- people{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('at least one term must be added');
  });
});
