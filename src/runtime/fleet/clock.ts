import { performance } from 'node:perf_hooks';

/**
 * The clock the lease protocol runs on: a monotonic time in ms (never a wall clock: only durations
 * measured by one process are compared) and timers. Tests inject their own.
 */
export interface LeaseClock {
  now(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

export const monotonicClock: LeaseClock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
