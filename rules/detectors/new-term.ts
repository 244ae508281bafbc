import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { compileGroupValueReader } from '../field-path';
import { LatenessGate, type LatenessGateState } from './lateness-gate';
import { TermHistory, type TermHistoryState } from './term-history';
import { openSnapshot, type SnapshotEnvelope } from './detector-snapshot';

interface NewTermSnapshot extends SnapshotEnvelope {
  gate: LatenessGateState;
  /** event time before which events only teach terms (null before the first event) */
  learnUntil: number | null;
  history: TermHistoryState;
  /** the alerts still firing, one per new term */
  open: Condition[];
}

/**
 * `new_term` (SPEC 3.3): the values of `fields` (one value, or a tuple) in an event, within the
 * event's group, make its term. A term not seen within `history` before the event fires; every event
 * teaches the history, and those of the first `history_warmup` of event time after a fresh start only
 * teach it. An event more than `allowed_lateness` behind the newest is counted as late and does
 * neither (learned, its term would never fire: the next sighting in time fires instead). An event
 * without one of the fields has no term and is ignored.
 *
 * Each new term is an alert of its own: its group is the group_by values and the term's values, so
 * that ids, samples and the Kibana link name the term. The alert holds for `window` (as a pattern
 * match does) and resolves at t + window + 1, when [t + 1, t + window + 1) has held no new sighting.
 */
export class NewTermDetector implements Detector {
  private readonly gate: LatenessGate;
  private readonly history: TermHistory;
  private readonly fields: string[];
  private readonly readers: Array<(doc: Record<string, unknown>) => string | number | boolean | null>;
  private readonly warmupMs: number;
  private learnUntil: number | null = null;
  private readonly open = new Map<string, Condition>();

  constructor(private readonly cfg: DetectorConfig) {
    const nt = cfg.newTerm;
    if (!nt || nt.fields.length === 0) throw new Error('new_term detector: fields are missing');
    this.fields = nt.fields;
    this.readers = nt.fields.map((f) => compileGroupValueReader(f));
    this.warmupMs = nt.warmupMs;
    // no window of counts to wait for: an event is late once it is more than the lateness behind
    this.gate = new LatenessGate(cfg.allowedLatenessMs, 0);
    this.history = new TermHistory(nt.historyMs, nt.maxTerms);
  }

  /** The event's term values (null: it lacks one of the fields, and has no term). */
  private termOf(doc: Record<string, unknown> | undefined): Array<string | number | boolean> | null {
    if (!doc) return null;
    const values: Array<string | number | boolean> = [];
    for (const read of this.readers) {
      const v = read(doc);
      if (v === null) return null;
      values.push(v);
    }
    return values;
  }

  /** the key is the JSON of the group_by values followed by the term's (a canonical group key) */
  private keyOf(group: string, values: Array<string | number | boolean>): string {
    const term = JSON.stringify(values);
    return group === '[]' ? term : `${group.slice(0, -1)},${term.slice(1)}`;
  }

  /** A sighting from before a fleet takeover's re-read: known from then on, as it was to the former owner. */
  learn(time: number, group: string, _groupValues: Record<string, unknown>, doc?: Record<string, unknown>): void {
    const values = this.termOf(doc);
    if (values === null || !this.gate.admit(time)) return;
    if (this.learnUntil === null) this.learnUntil = time + this.warmupMs;
    this.history.see(this.keyOf(group, values), time);
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>, doc?: Record<string, unknown>): Condition[] {
    const values = this.termOf(doc);
    if (values === null) return [];
    const key = this.keyOf(group, values);
    // a late event neither fires nor teaches: were it learned, its term would never fire at all
    if (!this.gate.admit(time)) return [];
    if (this.learnUntil === null) this.learnUntil = time + this.warmupMs;
    if (this.history.see(key, time) || (this.warmupMs > 0 && time < this.learnUntil)) return [];
    const out: Condition[] = [];
    // the term's previous alert (a history shorter than the window, or a term forgotten at the cap)
    // ended before this event, though no watermark has said so yet: it ends first
    const prev = this.open.get(key);
    if (prev && time >= this.endOf(prev)) out.push(this.resolved(key, prev));
    const shown: Record<string, unknown> = { ...groupValues };
    this.fields.forEach((f, i) => { shown[f] = values[i]; });
    const c: Condition = { group: key, groupValues: shown, firing: true, count: 1, windowStart: time, windowEnd: time + this.cfg.windowMs, at: time };
    this.open.set(key, c);
    out.push({ ...c, sample: doc! });
    return out;
  }

  advance(watermark: number): Condition[] {
    const oldest = this.gate.oldestAccepted();
    // no event admitted from here on is older than `floor`: terms it cannot find known are dropped
    const floor = oldest === undefined ? watermark : Math.min(watermark, oldest);
    this.history.expire(floor - this.cfg.newTerm!.historyMs);
    const out: Condition[] = [];
    for (const [key, c] of this.open) if (watermark >= this.endOf(c)) out.push(this.resolved(key, c));
    return out;
  }

  /** when the alert of a new term sighted at c.at ends: [c.at + 1, c.at + window + 1) held no new sighting */
  private endOf(c: Condition): number {
    return c.at + this.cfg.windowMs + 1;
  }

  private resolved(key: string, c: Condition): Condition {
    this.open.delete(key);
    const end = this.endOf(c);
    return { group: key, groupValues: c.groupValues, firing: false, count: 0, windowStart: c.at + 1, windowEnd: end, at: end };
  }

  firing(): Condition[] {
    return [...this.open.values()];
  }

  snapshot(): NewTermSnapshot {
    return {
      version: 1,
      type: 'new_term',
      gate: this.gate.snapshot(),
      learnUntil: this.learnUntil,
      history: this.history.snapshot(),
      open: [...this.open.values()],
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot<NewTermSnapshot>(state, 'new_term');
    if (!Array.isArray(s.open) || (s.learnUntil !== null && typeof s.learnUntil !== 'number')) throw new Error('bad detector snapshot: new_term');
    this.gate.restore(s.gate);
    this.history.restore(s.history);
    this.learnUntil = s.learnUntil;
    this.open.clear();
    for (const c of s.open) this.open.set(c.group, c);
  }

  /** a new_term rule's groups are the terms it remembers */
  stats(): DetectorStats {
    return { groups: this.history.size, groupsDropped: 0, late: this.gate.late, terms: this.history.size, termsForgotten: this.history.forgotten };
  }
}
