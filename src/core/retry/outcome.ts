/**
 * How one attempt ended, as the retry loop reads it: done (with what it produced), retry (the
 * failure may pass: try again), or give up (it will not pass, or the caller is stopping). Which
 * failures are which is the component's call (the Elasticsearch bulk classifier, a notifier's
 * DeliveryError); the loop only acts on the answer.
 */
export type Outcome<T = void> = Done<T> | Retry | GiveUp;

export interface Done<T> { readonly kind: 'done'; readonly value: T }

export interface Retry {
  readonly kind: 'retry';
  /** why, for the caller's log and status (the error thrown, or a description) */
  readonly cause?: unknown;
  /** wait at least this long (a receiver's Retry-After), still capped by the backoff's maximum */
  readonly atLeastMs?: number;
  /** try again at once, without waiting: the attempt changed what it sends (a request split in halves) */
  readonly now?: boolean;
}

export interface GiveUp { readonly kind: 'give-up'; readonly cause?: unknown }

export function done(): Done<void>;
export function done<T>(value: T): Done<T>;
export function done<T>(value?: T): Done<T | undefined> { return { kind: 'done', value }; }

export function retry(cause?: unknown, opts: { atLeastMs?: number; now?: boolean } = {}): Retry {
  return { kind: 'retry', cause, ...opts };
}

export function giveUp(cause?: unknown): GiveUp { return { kind: 'give-up', cause }; }

/** An attempt of a call that throws when it fails: done with its value, or retry with the error. */
export function attempt<T>(call: () => Promise<T>): Promise<Done<T> | Retry> {
  return call().then((value) => done(value), (err: unknown) => retry(err));
}
