import type { Condition, DetectorConfig, MeasureType } from './types';
import type { Group } from './group-table';
import { conditionOf, endedByExpiry } from './condition';
import { WindowedDetector } from './windowed-detector';

/** what a window of a group's events measures to */
export interface Measure {
  /** the events (metric: the values) in the window */
  count: number;
  /** distinct values, aggregate or fraction; undefined when the window has nothing to measure */
  value: number | undefined;
}

/** what a measuring detector keeps of a group's events: enough to measure any window still decided */
export interface MeasureStore {
  /** an admitted event at `time` with what the rule read of it */
  add(time: number, input: unknown): void;
  /**
   * The window (newest − window, newest] as [start, end), after an event; undefined when this store
   * decides only at advances (a cardinality group counted by its sketch).
   */
  tail(start: number, end: number): Measure | undefined;
  /** the window [start, end) ending at the watermark, on an advance */
  settled(start: number, end: number): Measure;
  /** the window ends in (from, to] at which an event enters or leaves a window of `windowMs` (ascending) */
  edges(from: number, to: number, windowMs: number): number[];
  /** forgets what no window still decided can reach */
  pruneBefore(time: number): void;
  snapshot(): unknown;
}

interface MeasuredGroup<St extends MeasureStore> {
  store: St;
  /** the condition that started the alert, while it fires */
  fired: Condition | null;
  /** end of the latest window in which the condition held: the alert cannot end before the watermark passes it */
  holdUntil: number;
}

/**
 * The skeleton of `cardinality`, `metric` and `ratio`: each measures a window of a group's events (distinct
 * values of a field; an aggregate of a numeric field; the fraction of the `of` events that match `where`)
 * against its bounds. Which windows are decided:
 * - on each event, the window that ends at the newest event the rule has seen, (newest − window, newest]
 *   (for an event in time order, the window that ends at it);
 * - on each advance of event time to a watermark w, every window [T − window, T) with T after the last
 *   watermark and up to w where what the window holds changes (an event entering or leaving it), and w.
 * An event that comes late (within the allowed lateness) is counted in its own time in every window
 * decided after it came; windows decided before it came are not decided again. The alert starts at the
 * first decided window where the condition holds, and ends at the first decided window end T, not before
 * the end of the latest window where it held, whose window [T − window, T) does not hold: a whole window
 * in which it was false.
 */
export abstract class MeasuringDetector<St extends MeasureStore> extends WindowedDetector<MeasuredGroup<St>> {
  constructor(cfg: DetectorConfig, type: MeasureType, newStore: () => St) {
    super(cfg, type, () => ({ store: newStore(), fired: null, holdUntil: -Infinity }));
  }

  firing(): Condition[] {
    const out: Condition[] = [];
    for (const g of this.groups.all()) if (g.state.fired) out.push(g.state.fired);
    return out;
  }

  protected onEvent(g: Group<MeasuredGroup<St>>, time: number, input?: unknown): Condition[] {
    const st = g.state;
    st.store.add(time, input);
    const newest = this.gate.newest ?? time;
    const start = newest - this.cfg.windowMs + 1;
    const end = newest + 1;
    const m = st.store.tail(start, end);
    if (!m || !this.holds(m, g, start, false)) return [];
    if (end > st.holdUntil) st.holdUntil = end;
    if (st.fired) return [];
    st.fired = this.condition(g, true, m, start, end, time);
    return [st.fired];
  }

  protected forgotten(g: Group<MeasuredGroup<St>>, watermark: number): Condition | undefined {
    return g.state.fired ? endedByExpiry(g.state.fired, watermark) : undefined;
  }

  protected slide(watermark: number, changed: Condition[]): void {
    const w = this.cfg.windowMs;
    const oldest = this.gate.oldestAccepted();
    // the windows decided next start at or after `start`; a late event admitted from now on, after `oldest`
    const start = watermark - w;
    const keepFrom = oldest === undefined ? start : Math.min(start, oldest);
    const undecided = this.firstUndecided(watermark);
    for (const g of this.groups.all()) {
      const st = g.state;
      // each window end since the last watermark where the window may differ from the one before, in order:
      // an alert begins and ends at the event time where the condition changed, whatever the steps event
      // time moved in (a backtest's events, a daemon's wall-clock ticks)
      for (const end of this.endsToDecide(g, undecided, watermark)) {
        const m = st.store.settled(end - w, end);
        if (this.holds(m, g, end - w, true)) {
          if (!st.fired) changed.push((st.fired = this.condition(g, true, m, end - w, end, end)));
          if (end > st.holdUntil) st.holdUntil = end;
        } else if (st.fired && end >= st.holdUntil) {
          st.fired = null;
          changed.push(this.condition(g, false, m, end - w, end, end));
        }
      }
      st.store.pruneBefore(keepFrom);
    }
  }

  /**
   * The window ends in [from, to] to decide, ascending, `to` last: those where an event enters or leaves
   * the window (the store's edges: only there can what a window holds change), and the end at which the
   * group's history first spans a whole window (a condition about absence needs it). A store that cannot
   * measure every end cheaply (a cardinality group on its sketch) gives no edges: `to` alone then.
   */
  private endsToDecide(g: Group<MeasuredGroup<St>>, from: number, to: number): number[] {
    if (!(from < to)) return [to];
    const ends = g.state.store.edges(Number.isFinite(from) ? from - 1 : -Infinity, to - 1, this.cfg.windowMs);
    const historyEnd = g.firstSeen + this.cfg.windowMs;
    if (historyEnd >= from && historyEnd < to && !ends.includes(historyEnd)) {
      ends.push(historyEnd);
      ends.sort((a, b) => a - b);
    }
    ends.push(to);
    return ends;
  }

  protected stateOut(s: MeasuredGroup<St>): unknown {
    // -Infinity is not JSON: a group whose condition never held stores null
    return { store: s.store.snapshot(), fired: s.fired, holdUntil: Number.isFinite(s.holdUntil) ? s.holdUntil : null };
  }

  protected stateIn(raw: unknown): MeasuredGroup<St> {
    const r = raw as Record<string, unknown> | null | undefined;
    return {
      store: this.restoreStore(r?.store),
      fired: (r?.fired as Condition | null | undefined) ?? null,
      holdUntil: typeof r?.holdUntil === 'number' ? r.holdUntil : -Infinity,
    };
  }

  private condition(g: Group<unknown>, firing: boolean, m: Measure, start: number, end: number, at: number): Condition {
    const c = conditionOf(g, firing, m.count, start, end, at, this.reference(m));
    if (m.value !== undefined) c.value = m.value;
    return c;
  }

  /** a group's store taken back from a snapshot (throws on a bad one) */
  protected abstract restoreStore(raw: unknown): St;
  /**
   * Whether the condition holds for the window measured as m, starting at `start`; `settled` for the
   * window at an advance (only there may a condition about absence hold: the group has to have been
   * seen a whole window before).
   */
  protected abstract holds(m: Measure, g: Group<unknown>, start: number, settled: boolean): boolean;
  /** the bound an alert shows beside its value (the one crossed, when there are two) */
  protected abstract reference(m: Measure): number | undefined;
}
