// The app root: reads what the app needs before anything else (app info, the model, settings), then
// shows first run while there is no usable model — until first run has also asked for the first folder —
// and the shell after. The engine banner and notices sit above both.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, useEvent } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { NoticeProvider } from '../components/Notices';
import { FirstRun } from '../features/first-run/FirstRun';
import type { AppInfo, ModelState, Settings } from '../../shared/types';
import { EngineBanner } from './EngineBanner';
import type { View } from './Nav';
import { Shell } from './Shell';
import { StartupNotices } from './StartupNotices';
import { useTheme } from './useTheme';

interface Boot {
  appInfo: AppInfo;
  model: ModelState;
  settings: Settings;
}

export function App() {
  const [boot, setBoot] = useState<Boot | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** First run stays up after its model loads, for the first-folder step; it says when it is done. */
  const [firstRun, setFirstRun] = useState(false);
  const [firstView, setFirstView] = useState<View>('search');
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.getAppInfo(), api.getModelState(), api.getSettings()]).then(
      ([appInfo, model, settings]) => setBoot({ appInfo, model, settings }),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    if (boot && !boot.model.ok) setFirstRun(true);
  }, [boot]);
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
      <StartupNotices />
      {error && !boot ? (
        <main className="boot">
          <ErrorNote title="Glimpse could not start" message={error} onRetry={load} />
        </main>
      ) : !boot ? (
        <main className="boot">
          <Loading label="Starting Glimpse…" />
        </main>
      ) : firstRun || !boot.model.ok ? (
        <FirstRun
          model={boot.model}
          onModel={setModel}
          onDone={(model, view) => {
            setFirstView(view);
            setModel(model);
            setFirstRun(false);
          }}
        />
      ) : (
        <Shell
          initialView={firstView}
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
