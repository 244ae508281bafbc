import { Backoff } from './backoff';
import type { Done, GiveUp, Outcome, Retry } from './outcome';

export interface RetryLoopOptions {
  /** the first wait (default 250 ms), doubling up to `maxMs` (default 30 s), with jitter */
  baseMs?: number;
  maxMs?: number;
  /** checked before each wait: true ends the loop (given up) instead of starting another wait */
  stopped?: () => boolean;
  /** the caller made the first attempt itself (and it asked for a retry): begin with a wait */
  waitFirst?: boolean;
  /** told of each retry before its wait, with the wait (for the caller's log, metrics and status) */
  onRetry?: (r: Retry, waitMs: number) => void;
  /** how to wait (tests pass a fake clock) */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** stands for the caller's own first attempt (`waitFirst`): waited after, not reported */
const CALLERS_ATTEMPT: Retry = { kind: 'retry' };

/**
 * Vigil's one retry loop: runs `attempt` until it is done or gives up, waiting a jittered,
 * exponentially growing backoff between tries (or longer, when a retry asks for it). There is no
 * limit on tries: a component that has one (a notifier's `retries`) gives up through its outcome.
 */
export async function retryLoop<T>(attempt: () => Promise<Outcome<T>>, o: RetryLoopOptions = {}): Promise<Done<T> | GiveUp> {
  const backoff = new Backoff(o.baseMs, o.maxMs);
  const sleep = o.sleep ?? sleepFor;
  let last: Retry | null = o.waitFirst ? CALLERS_ATTEMPT : null;
  for (;;) {
    if (last && !last.now) {
      if (o.stopped?.()) return { kind: 'give-up', cause: last.cause };
      const wait = backoff.next(last.atLeastMs);
      if (last !== CALLERS_ATTEMPT) o.onRetry?.(last, wait);
      await sleep(wait);
    }
    const out = await attempt();
    if (out.kind !== 'retry') return out;
    last = out;
  }
}
