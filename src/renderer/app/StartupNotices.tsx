// Shows, once, what the engine found wrong while starting (a damaged settings.json it kept aside), so a
// problem that changed how Glimpse behaves is never silent.
import { useEffect } from 'react';
import { api } from '../api';
import { useNotify } from '../components/Notices';

export function StartupNotices() {
  const notify = useNotify();
  useEffect(() => {
    let live = true;
    api.getNotices().then(
      (list) => live && list.forEach((text) => notify(text, 'error')),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [notify]);
  return null;
}
