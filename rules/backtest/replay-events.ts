import { silentLogger } from '../../src/core/log';
import type { EventDoc } from '../../src/core/event';
import type { LoadedRules } from '../types';
import { RulesEngine } from '../engine';
import type { AlertChange } from '../alerts/lifecycle';
import type { Alert } from '../alerts/alert';

/** One event of a backtest's input, in event time order; `untimed`: no time of its own (left out of the windows). */
export interface TimedEvent { doc: EventDoc; t: number; untimed?: boolean; /** the document's `_id`, when read from Elasticsearch */ id?: string }

/** What replaying a stream of events through the rules gives (the input's description is the caller's). */
export interface ReplayedEvents {
  /** events replayed through the rules */
  events: number;
  /** events left out of the windows: no time of their own (see TimedEvent.untimed) */
  untimed: number;
  /** events left out because they are later than `until` */
  afterUntil: number;
  from?: number;
  to?: number;
  /** where the replay's event time stopped: `until`, else the newest event */
  end?: number;
  alerts: Alert[];
  /** ids of the alerts still firing when event time stopped */
  openAtEnd: Set<string>;
  /** per rule, the event times its filter let through (bucketed by the caller) */
  matches: Map<string, number[]>;
}

export interface ReplayEventsOptions {
  /** event time at which the replay stops (epoch ms): later events are left out; default the newest event */
  until?: number;
  /** told every 2,000 events replayed, and once at the end */
  onEvents?: (events: number) => void;
}

/**
 * Runs events, in event time order, through a fresh rules engine that sends nothing, and returns every
 * alert that would have been sent. Event time stops at the newest event (or `until`): windows that end
 * by then are decided, and alerts still firing are reported as such (`openAtEnd`), never resolved or
 * fired by a clock run past the data. Shared by the file backtest (replay.ts) and the Elasticsearch one
 * (es-replay.ts), so both decide alike.
 */
export async function replayEvents(rules: LoadedRules, input: AsyncIterable<TimedEvent>, opts: ReplayEventsOptions = {}): Promise<ReplayedEvents> {
  const matches = new Map<string, number[]>();
  const engine = new RulesEngine(silentLogger(), {
    onMatch: (rule, t) => { const l = matches.get(rule); if (l) l.push(t); else matches.set(rule, [t]); },
  });
  engine.use(rules);
  const alerts: Alert[] = [];
  const take = (changes: AlertChange[]) => { for (const c of changes) if (c.send) alerts.push(c.alert); };
  let events = 0, untimed = 0, afterUntil = 0;
  const until = opts.until;
  let from = Infinity, to = -Infinity;
  for await (const { doc, t, untimed: noTime } of input) {
    if (noTime) { untimed++; continue; }
    if (until !== undefined && t > until) { afterUntil++; continue; }
    if (Number.isFinite(t)) { if (t < from) from = t; if (t > to) to = t; }
    take(engine.processDoc(doc, Number.isFinite(t) ? t : undefined));
    events++;
    if (opts.onEvents && events % 2_000 === 0) opts.onEvents(events);
  }
  const end = until ?? (Number.isFinite(to) ? to : undefined);
  take(engine.finish(end));
  const printed = new Set(alerts.filter((a) => a.state === 'firing').map((a) => a.id));
  const openAtEnd = new Set([...engine.openAlertIds()].filter((id) => printed.has(id)));
  opts.onEvents?.(events);
  alerts.sort((a, b) => (a.first_event < b.first_event ? -1 : a.first_event > b.first_event ? 1 : 0));
  return {
    events, untimed, afterUntil, from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined, end,
    alerts, openAtEnd, matches,
  };
}
