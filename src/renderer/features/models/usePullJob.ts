// The one model download the engine runs at a time: read once, then followed through the modelPull event
// (about ten a second while it runs), with start and cancel, and a callback when a download ends.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, useEvent } from '../../api';
import type { ModelPullJob } from '../../../shared/types';

export interface PullHandle {
  job: ModelPullJob | null;
  /** The user cancelled the download the job last ran (so an ended job reads as cancelled, not failed). */
  cancelled: boolean;
  /** Starts downloading `id`, or resumes what an earlier attempt left; rejects with the api's error. */
  start(id: string): Promise<void>;
  cancel(): Promise<void>;
}

/** `onEnded` runs when a download this window saw running has stopped: installed, failed or cancelled. */
export function usePullJob(onEnded?: (job: ModelPullJob) => void): PullHandle {
  const [job, setJob] = useState<ModelPullJob | null>(null);
  const [cancelled, setCancelled] = useState(false);
  /** modelPull events seen so far: an answer is newer than the state only if no event came meanwhile
   *  (events travel on another channel and may overtake it). */
  const events = useRef(0);
  const running = useRef(false);
  const ended = useRef(onEnded);
  useEffect(() => {
    ended.current = onEnded;
  });

  const follow = useCallback((next: ModelPullJob) => {
    setJob(next);
    const wasRunning = running.current;
    running.current = next.state !== 'idle';
    if (wasRunning && next.state === 'idle') ended.current?.(next);
  }, []);
  /** Applies a command's answer unless an event has said something newer since the command was sent. */
  const answer = useCallback(
    async (call: Promise<ModelPullJob>) => {
      const seen = events.current;
      const next = await call;
      if (events.current === seen) follow(next);
    },
    [follow],
  );

  useEffect(() => {
    answer(api.getModelPullJob()).catch(() => {}); // the event stream fills it in once the engine answers
  }, [answer]);
  useEvent('modelPull', (next) => {
    events.current++;
    follow(next);
  });

  const start = useCallback(
    async (id: string) => {
      setCancelled(false);
      await answer(api.pullModel(id));
    },
    [answer],
  );
  const cancel = useCallback(async () => {
    setCancelled(true);
    await answer(api.cancelModelPull());
  }, [answer]);
  return { job, cancelled, start, cancel };
}
