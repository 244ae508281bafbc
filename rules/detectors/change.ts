import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { compileGroupValueReader } from '../field-path';
import { conditionOf } from './condition';
import { ValueRuns, type FieldValue } from './value-runs';
import { WindowedDetector } from './windowed-detector';

interface ChangeGroup {
  runs: ValueRuns;
  /** an alert holds after a change */
  firing: boolean;
  /** time of the latest change reported (-Infinity before one) */
  lastChange: number;
}

/**
 * `change` (SPEC 3.3, ElastAlert's `change`): per group, the value of `field` changes, when the
 * previous value was seen less than `window` before (no window: at any age, for as long as the group
 * is remembered). Events are put in event-time order (value-runs.ts), so an event that comes late
 * within `allowed_lateness` is compared with the values around it in time; one later than that is
 * counted as late and ignored. An event without the field is ignored.
 *
 * Each change fires (realert throttles per rule+group, as for pattern). The group's alert holds for
 * `window` after its latest change (5m without one) and resolves at c + window + 1, when
 * [c + 1, c + window + 1) has held no change.
 */
export class ChangeDetector extends WindowedDetector<ChangeGroup> {
  private readonly read: (doc: Record<string, unknown>) => FieldValue | null;

  constructor(cfg: DetectorConfig) {
    const ch = cfg.change;
    if (!ch) throw new Error('change detector: field is missing');
    // an event is late once it is more than the lateness behind the newest: runs before that are not kept
    super(cfg, 'change', () => ({ runs: new ValueRuns(ch.withinMs), firing: false, lastChange: -Infinity }), 0);
    this.read = compileGroupValueReader(ch.field);
  }

  firing(): Condition[] {
    const out: Condition[] = [];
    for (const g of this.groups.all()) {
      const c = g.state.lastChange;
      if (g.state.firing) out.push(conditionOf(g, true, 1, c, c + this.cfg.windowMs, c));
    }
    return out;
  }

  protected onEvent(g: Group<ChangeGroup>, time: number, doc?: Record<string, unknown>): Condition[] {
    const v = doc ? this.read(doc) : null;
    if (v === null) return [];
    const out: Condition[] = [];
    for (const ch of g.state.runs.add(time, v)) {
      // the alert of an earlier change ended before this one, though no watermark has said so yet
      if (g.state.firing && ch.at >= g.state.lastChange + this.cfg.windowMs + 1) out.push(this.resolved(g));
      g.state.firing = true;
      if (ch.at > g.state.lastChange) g.state.lastChange = ch.at;
      out.push(conditionOf(g, true, 1, ch.at, ch.at + this.cfg.windowMs, ch.at));
    }
    return out;
  }

  protected forgotten(g: Group<ChangeGroup>): Condition | undefined {
    // the ttl is longer than window + 1 past the group's last event: its alert has run its course
    return g.state.firing ? this.resolved(g) : undefined;
  }

  protected slide(watermark: number, changed: Condition[]): void {
    const oldest = this.gate.oldestAccepted();
    const floor = oldest === undefined ? watermark : Math.min(watermark, oldest);
    for (const g of this.groups.all()) {
      if (g.state.firing && watermark >= g.state.lastChange + this.cfg.windowMs + 1) changed.push(this.resolved(g));
      g.state.runs.prune(floor);
    }
  }

  protected stateOut(s: ChangeGroup): unknown {
    return { runs: s.runs.snapshot(), firing: s.firing, lastChange: Number.isFinite(s.lastChange) ? s.lastChange : null };
  }

  protected stateIn(raw: unknown): ChangeGroup {
    const r = raw as { runs?: unknown; firing?: unknown; lastChange?: unknown } | null | undefined;
    const runs = new ValueRuns(this.cfg.change!.withinMs);
    runs.restore(r?.runs ?? []);
    const last = typeof r?.lastChange === 'number' ? r.lastChange : -Infinity;
    return { runs, firing: r?.firing === true && Number.isFinite(last), lastChange: last };
  }

  /** the window after the latest change, with no change in it: the alert ends at its end */
  private resolved(g: Group<ChangeGroup>): Condition {
    g.state.firing = false;
    const start = g.state.lastChange + 1;
    const end = start + this.cfg.windowMs;
    return conditionOf(g, false, 0, start, end, end);
  }
}
