// @vitest-environment jsdom
import '../../testing/setup';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../testing/renderApp';

async function openSettings(options?: Parameters<typeof renderApp>[0]) {
  const app = await renderApp(options);
  await app.user.click(screen.getByRole('button', { name: 'Settings' }));
  return app;
}

describe('settings', () => {
  it('shows the model in use', async () => {
    await openSettings();
    const facts = screen.getByTestId('model-facts');
    expect(within(facts).getByText('OpenCLIP ViT-H/14')).toBeTruthy();
    expect(within(facts).getByText('openclip-vit-h-14-laion2b-s32b-b79k-fp16')).toBeTruthy();
    expect(within(facts).getByText('FP16')).toBeTruthy();
  });

  it('saves a reordered provider list, a fixed batch size and excluded patterns', async () => {
    const { fake, user } = await openSettings();
    const order = () => screen.getAllByTestId('provider-row').map((r) => r.dataset.provider);
    expect(order()).toEqual(['cuda', 'cpu', 'dml', 'coreml', 'webgpu']);
    await user.click(screen.getByRole('button', { name: 'Move CPU up' }));
    expect(order()).toEqual(['cpu', 'cuda', 'dml', 'coreml', 'webgpu']);
    await user.click(screen.getByRole('checkbox', { name: /DirectML/ }));
    await user.click(screen.getByRole('radio', { name: /Fixed/ }));
    const batch = screen.getByRole('spinbutton', { name: 'Batch size' });
    await user.clear(batch);
    await user.type(batch, '96');
    const patterns = screen.getByRole('textbox', { name: 'Excluded patterns' });
    await user.type(patterns, '{Enter}**/@eaDir/**');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(fake.calls('updateSettings')).toEqual([
      [
        {
          providers: ['cpu', 'cuda', 'dml'],
          batchSize: 96,
          excludePatterns: ['**/.thumbnails/**', '**/@eaDir/**'],
        },
      ],
    ]);
    await screen.findByText('Settings saved');
  });

  it('refuses a batch size outside 1–4096', async () => {
    const { fake, user } = await openSettings();
    await user.click(screen.getByRole('radio', { name: /Fixed/ }));
    const batch = screen.getByRole('spinbutton', { name: 'Batch size' });
    await user.clear(batch);
    await user.type(batch, '0');
    expect(screen.getByText('A batch size is a whole number from 1 to 4096.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
    expect(fake.calls('updateSettings')).toHaveLength(0);
  });

  it('keeps at least one provider switched on', async () => {
    const { user } = await openSettings();
    await user.click(screen.getByRole('checkbox', { name: /CUDA/ }));
    expect(screen.getByRole('checkbox', { name: /^CPU/ })).toHaveProperty('disabled', true);
  });

  it('applies and saves the theme at once', async () => {
    const { fake, user } = await openSettings();
    expect(document.documentElement.dataset.theme).toBe('system');
    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(fake.calls('updateSettings')).toEqual([[{ theme: 'dark' }]]);
  });

  it('keeps unsaved edits when the theme changes, and saves them later', async () => {
    const { fake, user } = await openSettings();
    await user.type(screen.getByRole('textbox', { name: 'Excluded patterns' }), '{Enter}**/tmp/**');
    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    await waitFor(() => expect(fake.calls('updateSettings')).toEqual([[{ theme: 'dark' }]]));
    expect((screen.getByRole('textbox', { name: 'Excluded patterns' }) as HTMLTextAreaElement).value).toBe(
      '**/.thumbnails/**\n**/tmp/**',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(fake.calls('updateSettings')[1]![0]).toMatchObject({
      excludePatterns: ['**/.thumbnails/**', '**/tmp/**'],
    });
  });

  it('shows the thumbnail cache size and clears it after confirmation', async () => {
    const { fake, user } = await openSettings();
    expect(screen.getByTestId('thumbnail-usage').textContent).toBe('10,000 thumbnails, 107 MB');
    await user.click(screen.getByRole('button', { name: 'Clear thumbnail cache' }));
    await user.click(screen.getByRole('button', { name: 'Clear cache' }));
    expect(fake.calls('clearThumbnailCache')).toHaveLength(1);
    await screen.findByText('Thumbnail cache cleared');
  });

  it('says why saving failed', async () => {
    const { user } = await openSettings({
      overrides: {
        updateSettings: () =>
          Promise.reject({ code: 'BAD_ARGUMENTS', message: 'updateSettings: argument 0.batchSize: too big' }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByText('updateSettings: argument 0.batchSize: too big')).toBeTruthy(),
    );
  });
});
