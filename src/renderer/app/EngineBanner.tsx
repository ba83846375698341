// A non-blocking banner while the engine restarts or after it failed, in the words main sends ("engine
// restarted after a crash (exit code 139)"); once it is back, a dismissable note says it recovered.
import { useEffect, useState } from 'react';
import { api, useEvent } from '../api';
import type { EngineState } from '../../shared/types';

export function EngineBanner() {
  const [state, setState] = useState<EngineState | null>(null);
  const [recovered, setRecovered] = useState<string | null>(null);
  // The state may have changed before this component subscribed (a crash during start-up): ask once.
  useEffect(() => {
    let live = true;
    api.getEngineState().then(
      (now) => live && setState((seen) => seen ?? now),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  useEvent('engineState', (next) => {
    if (next.state === 'ready' && (state?.state === 'restarting' || state?.state === 'failed')) {
      setRecovered(next.message ?? state.message ?? 'The engine restarted.');
    } else if (next.state !== 'ready') setRecovered(null);
    setState(next);
  });
  if (state?.state === 'restarting') {
    return (
      <div className="banner banner-warn" role="status" data-testid="engine-banner">
        <span>
          <strong>Engine restarting…</strong> {state.message}
        </span>
      </div>
    );
  }
  if (state?.state === 'failed') {
    return (
      <div className="banner banner-error" role="alert" data-testid="engine-banner">
        <span>
          <strong>The engine stopped.</strong> {state.message ?? 'Restart Glimpse to continue.'}
        </span>
      </div>
    );
  }
  if (recovered) {
    return (
      <div className="banner banner-info" role="status" data-testid="engine-banner">
        <span>
          <strong>Engine back.</strong> {recovered}
        </span>
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setRecovered(null)}>
          ×
        </button>
      </div>
    );
  }
  return null;
}
