// Renders the whole app against a fake window.api and waits until it has booted, as a user would see it.
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import { installFakeApi, type FakeOptions } from './fakeApi';

export async function renderApp(options?: FakeOptions) {
  const fake = installFakeApi(options);
  const user = userEvent.setup();
  const view = render(<App />);
  // Either screen means booted: waiting for one and then the other would spend a whole timeout.
  await waitFor(() => {
    if (!screen.queryByRole('navigation', { name: 'Views' }) && !screen.queryByTestId('first-run'))
      throw new Error('the app has not booted');
  });
  // The boot's last render can be on screen before its effects (window listeners such as the file drop)
  // have run; on a loaded machine a test's first event could land in between. act() runs them.
  await act(async () => {});
  return { fake, user, ...view };
}
