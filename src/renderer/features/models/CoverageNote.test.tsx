// @vitest-environment jsdom
import '../../testing/setup';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { idleJob, libraryStatus, twoFolders } from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';

/** The fake library (10,000 photos) with `withVector` of them embedded by the active model. */
const covered = (withVector: number) => ({
  ...libraryStatus(twoFolders),
  coverage: { modelId: 'openclip-vit-h-14-laion2b-s32b-b79k-fp16', photos: 10_000, withVector },
});

describe('the search view while the active model covers part of the library', () => {
  it('says how much is searchable and starts indexing to fill in the rest', async () => {
    const { fake, user } = await renderApp({ overrides: { getLibraryStatus: async () => covered(4000) } });
    const note = await screen.findByTestId('coverage-note');
    expect(note.textContent).toBe(
      'Re-embedding for OpenCLIP ViT-H/14: 40% of photos searchable so far (4,000 of 10,000); ' +
        'indexing fills in the rest.Index now',
    );
    await user.click(within(note).getByRole('button', { name: 'Index now' }));
    expect(fake.calls('startIndexing')).toEqual([[[]]]);
  });

  it('offers no second run while indexing is already filling it in', async () => {
    await renderApp({
      overrides: {
        getLibraryStatus: async () => covered(9_990),
        getIndexJob: async () => ({ ...idleJob, state: 'running' }),
      },
    });
    const note = await screen.findByTestId('coverage-note');
    await screen.findByText(/indexing is filling in the rest/);
    expect(note.textContent).toContain('99% of photos searchable so far');
    expect(within(note).queryByRole('button')).toBeNull();
  });

  it('says nothing once every photo has a vector for the active model', async () => {
    await renderApp({ overrides: { getLibraryStatus: async () => covered(10_000) } });
    await screen.findByRole('searchbox', { name: 'Search photos' });
    await screen.findByText('Describe the photo you are looking for');
    expect(screen.queryByTestId('coverage-note')).toBeNull();
  });
});
