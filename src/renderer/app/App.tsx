// The app root: reads what the app needs before anything else (app info, the model, settings), then
// shows first run while there is no usable model and the shell once there is. The engine banner and
// notices sit above both.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, useEvent } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { NoticeProvider } from '../components/Notices';
import { FirstRun } from '../features/first-run/FirstRun';
import type { AppInfo, ModelState, Settings } from '../../shared/types';
import { EngineBanner } from './EngineBanner';
import { Shell } from './Shell';
import { useTheme } from './useTheme';

interface Boot {
  appInfo: AppInfo;
  model: ModelState;
  settings: Settings;
}

export function App() {
  const [boot, setBoot] = useState<Boot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.getAppInfo(), api.getModelState(), api.getSettings()]).then(
      ([appInfo, model, settings]) => setBoot({ appInfo, model, settings }),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  useEffect(load, [load]);
  useTheme(boot?.settings.theme ?? 'system');

  const setModel = useCallback((model: ModelState) => setBoot((b) => b && { ...b, model }), []);
  const setSettings = useCallback((settings: Settings) => setBoot((b) => b && { ...b, settings }), []);
  // A restarted engine may have loaded another model (a settings change, a new model folder).
  useEvent('engineState', (s) => {
    if (s.state === 'ready') api.getModelState().then(setModel, () => {});
  });

  return (
    <NoticeProvider>
      <EngineBanner />
      {error && !boot ? (
        <main className="boot">
          <ErrorNote title="Glimpse could not start" message={error} onRetry={load} />
        </main>
      ) : !boot ? (
        <main className="boot">
          <Loading label="Starting Glimpse…" />
        </main>
      ) : !boot.model.ok ? (
        <FirstRun model={boot.model} onModel={setModel} />
      ) : (
        <Shell
          appInfo={boot.appInfo}
          model={boot.model}
          settings={boot.settings}
          onSettings={setSettings}
          onModel={setModel}
        />
      )}
    </NoticeProvider>
  );
}
