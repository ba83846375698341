// Renders the whole app against a fake window.api and waits until it has booted, as a user would see it.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import { installFakeApi, type FakeOptions } from './fakeApi';

export async function renderApp(options?: FakeOptions) {
  const fake = installFakeApi(options);
  const user = userEvent.setup();
  const view = render(<App />);
  await screen.findByRole('navigation', { name: 'Views' }).catch(() => screen.findByTestId('first-run'));
  return { fake, user, ...view };
}
