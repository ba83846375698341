// Short-lived notices ("Path copied", a failed call's message) shown in one polite live region, so
// actions anywhere in the app can report back without blocking anything.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import './notices.css';

type NoticeKind = 'info' | 'error';
interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}
type Notify = (text: string, kind?: NoticeKind) => void;

/** Long enough to read a sentence; errors stay longer because they usually need acting on. */
const INFO_MS = 3000;
const ERROR_MS = 8000;

const NoticeContext = createContext<Notify>(() => {});

export function useNotify(): Notify {
  return useContext(NoticeContext);
}

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback<Notify>(
    (text, kind = 'info') => {
      const id = next.current++;
      setNotices((list) => [...list.slice(-3), { id, kind, text }]);
      const timer = setTimeout(
        () => {
          timers.current.delete(timer);
          dismiss(id);
        },
        kind === 'error' ? ERROR_MS : INFO_MS,
      );
      timers.current.add(timer);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NoticeContext.Provider value={value}>
      {children}
      <div className="notices" role="status" aria-live="polite" data-testid="notices">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`}>
            <span>{n.text}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}
