// The GPU panel's state from getGpuPanel and the gpuPanel event (about once a second), plus a rolling
// history of indexing throughput for the sparkline.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, useEvent } from '../../api';
import type { GpuPanelState } from '../../../shared/types';

/** About two minutes at one sample a second: long enough to see a run settle, short enough to stay live. */
export const HISTORY_SAMPLES = 120;

interface GpuPanelData {
  panel: GpuPanelState | null;
  error: string | null;
  /** Images per second, oldest first; 0 while not indexing. */
  rates: number[];
}

export function useGpuPanel(): GpuPanelData {
  const [panel, setPanel] = useState<GpuPanelState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rates, setRates] = useState<number[]>([]);
  /** An event came: the first read's answer is older than what is shown, and must not add a sample. */
  const heard = useRef(false);
  const take = (p: GpuPanelState) => {
    setPanel(p);
    setError(null);
    setRates((r) => [...r.slice(-(HISTORY_SAMPLES - 1)), p.indexing?.imagesPerSecond ?? 0]);
  };
  useEffect(() => {
    let live = true;
    api.getGpuPanel().then(
      (p) => live && !heard.current && take(p),
      (e: unknown) => live && !heard.current && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  useEvent('gpuPanel', (p) => {
    heard.current = true;
    take(p);
  });
  return { panel, error, rates };
}
