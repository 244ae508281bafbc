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
 * - on each advance of event time to a watermark w, the window [w − window, w).
 * An event that comes late (within the allowed lateness) is counted in its own time in every window
 * decided after it came; windows decided before it came are not decided again. The alert starts at the
 * first decided window where the condition holds, and ends on an advance once w has passed the end of
 * the latest window where it held and [w − window, w) does not hold: a whole window in which it was false.
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
    const start = watermark - this.cfg.windowMs;
    const oldest = this.gate.oldestAccepted();
    // the window decided next starts at or after `start`; a late event admitted from now on, after `oldest`
    const keepFrom = oldest === undefined ? start : Math.min(start, oldest);
    for (const g of this.groups.all()) {
      const st = g.state;
      const m = st.store.settled(start, watermark);
      if (this.holds(m, g, start, true)) {
        if (watermark > st.holdUntil) st.holdUntil = watermark;
        if (!st.fired) changed.push((st.fired = this.condition(g, true, m, start, watermark, watermark)));
      } else if (st.fired && watermark >= st.holdUntil) {
        st.fired = null;
        changed.push(this.condition(g, false, m, start, watermark, watermark));
      }
      st.store.pruneBefore(keepFrom);
    }
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
