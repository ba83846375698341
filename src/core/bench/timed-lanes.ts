// The timing loop the throughput benchmarks share: several lanes working at once until a time budget is
// spent, each kept going past it until it has done enough for the run to measure something.

/**
 * Runs `lanes` loops at once; lane `lane` calls `step(lane)` while the `seconds` budget lasts or while
 * `unfinished(steps)` (its own completed steps so far) still holds. Returns the seconds all lanes took.
 */
export async function timedLanes(
  lanes: number,
  seconds: number,
  step: (lane: number) => Promise<void>,
  unfinished: (steps: number) => boolean,
): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let n = 0; performance.now() < deadline || unfinished(n); n++) await step(lane);
    }),
  );
  return (performance.now() - t0) / 1000;
}
