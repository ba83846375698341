// @vitest-environment jsdom
import '../../testing/setup';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { libraryStatus, modelMissing, modelOk } from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';

describe('first run', () => {
  it('explains that a CLIP model is needed, with the engine’s reason, until one is chosen', async () => {
    const chosen = [{ ...modelMissing, problem: '/tmp/empty: no model.json or config.json' }, modelOk];
    const { fake, user } = await renderApp({
      overrides: { getModelState: async () => modelMissing, chooseModelFolder: async () => chosen.shift()! },
    });
    expect(screen.getByRole('heading', { name: 'Glimpse needs a CLIP model' })).toBeTruthy();
    expect(screen.getByTestId('model-problem').textContent).toContain(
      'no model at /home/ana/.glimpse/models/vit-h-14',
    );
    expect(screen.queryByRole('navigation')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Choose model folder…' }));
    await waitFor(() =>
      expect(screen.getByTestId('model-problem').textContent).toContain('no model.json or config.json'),
    );
    await user.click(screen.getByRole('button', { name: 'Choose model folder…' }));
    expect(await screen.findByRole('searchbox', { name: 'Search photos' })).toBeTruthy();
    expect(fake.calls('chooseModelFolder')).toHaveLength(2);
  });

  it('invites adding the first folder when the library is empty', async () => {
    const { fake, user } = await renderApp({
      overrides: { getLibraryStatus: async () => libraryStatus([]) },
    });
    const empty = await screen.findAllByTestId('empty-library');
    expect(empty[0]!.textContent).toContain('Add your first folder');
    await user.click(screen.getAllByRole('button', { name: 'Add folder…' })[0]!);
    expect(fake.calls('addFolder')).toEqual([[undefined]]);
  });
});
