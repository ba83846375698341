// @vitest-environment jsdom
import '../testing/setup';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { installFakeApi } from '../testing/fakeApi';
import { appInfo } from '../testing/fixtures';
import { renderApp } from '../testing/renderApp';
import { App } from './App';

describe('the app shell', () => {
  it('switches views from the navigation and with Ctrl+number', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'GPU' }));
    expect(screen.getByRole('button', { name: 'GPU' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('region', { name: 'GPU' })).toBeTruthy();
    await user.keyboard('{Control>}2{/Control}');
    expect(screen.getByRole('button', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
  });

  it('brings back the search box with / and with Ctrl+F from another view', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Library' }));
    await user.keyboard('/');
    const box = screen.getByRole('searchbox', { name: 'Search photos' });
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect((box as HTMLInputElement).value).toBe('');
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.keyboard('{Control>}f{/Control}');
    await waitFor(() => expect(document.activeElement).toBe(box));
  });

  it('shows a non-blocking banner while the engine restarts, and that it came back', async () => {
    const { fake, user } = await renderApp();
    act(() =>
      fake.emit('engineState', {
        state: 'restarting',
        message: 'engine restarted after a crash (exit code 139)',
      }),
    );
    expect(screen.getByTestId('engine-banner').textContent).toContain(
      'engine restarted after a crash (exit code 139)',
    );
    // The app stays usable underneath.
    await user.type(screen.getByRole('searchbox', { name: 'Search photos' }), 'red{Enter}');
    expect(fake.calls('searchText')).toHaveLength(1);
    act(() => fake.emit('engineState', { state: 'ready', message: null }));
    expect(screen.getByTestId('engine-banner').textContent).toContain('Engine back.');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('engine-banner')).toBeNull();
  });

  it('says so when the engine failed for good', async () => {
    const { fake } = await renderApp();
    act(() =>
      fake.emit('engineState', { state: 'failed', message: 'the engine crashed 3 times in a minute' }),
    );
    expect(screen.getByRole('alert').textContent).toContain('the engine crashed 3 times in a minute');
  });

  it('explains a failed start and tries again', async () => {
    let fail = true;
    installFakeApi({
      overrides: {
        getAppInfo: async () => {
          if (fail) throw { code: 'ENGINE_DOWN', message: 'the engine did not start' };
          return appInfo;
        },
      },
    });
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toContain('the engine did not start');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('searchbox', { name: 'Search photos' })).toBeTruthy();
  });

  it('turns down a dropped file that is not an image, saying where folders go', async () => {
    const { fake } = await renderApp();
    fireEvent.drop(window, {
      dataTransfer: { types: ['Files'], files: [new File([], 'notes.txt', { type: 'text/plain' })] },
    });
    expect(await screen.findByText(/Drop an image file to find similar photos/)).toBeTruthy();
    expect(fake.calls('searchImageFile')).toHaveLength(0);
  });
});
