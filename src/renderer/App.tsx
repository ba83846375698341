// The app shell. The search, library and GPU panels arrive with the desktop app's issue; today the
// desktop app has no engine connection and says so rather than pretending.
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 32 }}>
      <h1>Glimpse</h1>
      <p>
        The desktop app is not wired to the engine yet. Use the CLI: <code>npx glimpse --help</code>.
      </p>
    </main>
  );
}
