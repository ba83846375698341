// A value read from the engine (the library status, the model overview) with reload() and set(), newest
// wins: events and command answers travel apart and may cross, so an answer to a read never replaces a
// value set or read after that read was sent.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api';

interface EngineValue<T> {
  value: T | null;
  /** Why the latest read failed; cleared by the next value. */
  error: string | null;
  reload(): void;
  /** Takes a value that came another way (an event, a command's answer). */
  set(value: T): void;
}

/** `read` must be stable (a module-level function): it is called on mount and by reload(). */
export function useEngineValue<T>(read: () => Promise<T>): EngineValue<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped by every set and every read sent: a read's answer counts only if nothing came since. */
  const generation = useRef(0);
  const set = useCallback((next: T) => {
    generation.current++;
    setValue(next);
    setError(null);
  }, []);
  const reload = useCallback(() => {
    const sent = ++generation.current;
    read().then(
      (next) => {
        if (generation.current !== sent) return;
        setValue(next);
        setError(null);
      },
      (e: unknown) => {
        if (generation.current === sent) setError(errorMessage(e));
      },
    );
  }, [read]);
  useEffect(reload, [reload]);
  return { value, error, reload, set };
}
