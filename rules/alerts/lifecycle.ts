import { parseIsoMs } from '../../src/core/timestamp';
import type { RuleDef } from '../types';
import type { Condition } from '../detectors/types';
import { compileGroupValueReader } from '../field-path';
import { RULE_DEFAULTS } from '../defaults';
import { alertId, groupQuery, MAX_SAMPLES, ruleQuery, type Alert, type AlertSample } from './alert';
import { TopCounts, type TopCount } from './top-counts';

/** An alert that changed state, and whether it is to be sent (realert and silences may hold it back). */
export interface AlertChange {
  alert: Alert;
  /** false when `realert` holds it back (a backtest prints only the changes that would be sent) */
  send: boolean;
}

interface GroupState {
  groupValues: Record<string, unknown>;
  firing: boolean;
  firedAt: number;
  /** a notification went out for the current firing (so its resolution is sent too) */
  sent: boolean;
  /** event time of the last notification for this rule+group (realert) */
  lastSent: number;
  firstEvent: number;
  lastEvent: number;
  /** the last events (documents as they came; summarised into samples when an alert is made) */
  samples: Array<Record<string, unknown>>;
  alertId: string;
  /** what the firing alert showed, while it fires: its resolution shows the same (absent in older checkpoints) */
  shown?: FiringView;
  /** the count of the condition that fired (status) */
  count?: number;
  /** top_count_keys at firing: a resolved alert shows the firing window's */
  top?: TopCount[];
}

/** The part of a firing alert that its resolved notice repeats: the window that fired, its count and samples. */
export type FiringView = Pick<Alert, 'count' | 'reference' | 'value' | 'window' | 'first_event' | 'last_event' | 'samples'>;

/**
 * An alert another runner fired and did not resolve, as the alert history in Elasticsearch holds it:
 * a fleet runner taking the rule over carries it on (same id) instead of firing it anew.
 */
export interface OpenAlert {
  id: string;
  /** the group's canonical key (JSON of its group_by values in rule order) */
  groupKey: string;
  groupValues: Record<string, unknown>;
  firedAt: number;
  /** its firing was notified (not silenced): its resolution is notified too */
  sent: boolean;
  shown: FiringView;
}

/** When a group's alert was last notified (event time), as a fleet takeover reads it from the alert history. */
export interface GroupNotified {
  /** the group's canonical key */
  groupKey: string;
  at: number;
}

/** An alert firing now, as /status lists it. */
export interface FiringAlert {
  rule: string;
  id: string;
  group: Record<string, unknown>;
  /** event time at which it fired */
  since: string;
  count: number;
}

/** the rule types whose every occurrence is an alert of its own, also while the group's alert is firing */
const FIRES_PER_OCCURRENCE = new Set<RuleDef['type']>(['pattern', 'change']);

/** The fields an alert's samples show when its rule has no `include` (besides the fields the rule reads). */
export const SAMPLE_FIELDS = ['@timestamp', 'message', 'log.level', 'host.name', 'event.code', 'event.action', 'user.name', 'service.name', 'winlog.channel', 'winlog.event_id', 'error.message'];

/**
 * The alert lifecycle of one rule (SPEC 3.4): a group's alert fires when its condition starts to
 * hold and resolves when the detector says it has been false for a whole window; `realert` keeps a
 * rule+group quiet for a while after a notification; every alert keeps up to 10 sample events, of its
 * own events up to the time it was decided (a pattern alert: the matches since the group's last alert).
 * A resolved alert repeats what its firing showed (the window that fired, its count and samples), with
 * the time it resolved. Everything runs on event time, so replaying the same events gives the same
 * alerts and ids.
 */
export class RuleLifecycle {
  private groups = new Map<string, GroupState>();
  private readSample: Array<[string, (doc: Record<string, unknown>) => unknown]>;
  private readonly top?: TopCounts;
  /** alerts carried on from another runner (`adopt`): group key → event time by which the detector must hold them */
  private adopted = new Map<string, number>();
  /** fleet takeover: group key → event time of the former owner's last notification, for groups not started yet */
  private priorSent = new Map<string, number>();
  /**
   * carried-on alerts not yet confirmed: group key → the event time by which the re-read windows must
   * fire for the group for its alert to be the same one going on (see `adopt`)
   */
  private unconfirmed = new Map<string, number>();
  /** events the rule's filter let through, alerts that fired and resolved (since the rule was loaded) */
  matched = 0;
  fired = 0;
  resolved = 0;

  constructor(readonly rule: RuleDef, extraFields: string[] = []) {
    // `include` chooses the fields exactly (after @timestamp, which orders the samples)
    const fields = rule.include
      ? ['@timestamp', ...rule.include]
      : [...SAMPLE_FIELDS, ...rule.group_by, ...(rule.regex ? [rule.regex.field] : []), ...(rule.fields ?? []), ...(rule.field ? [rule.field] : []), ...extraFields];
    this.readSample = [...new Set(fields)].map((f) => [f, compileGroupValueReader(f)]);
    if (rule.top_count_keys?.length) this.top = new TopCounts(rule.top_count_keys, rule.window_ms ?? RULE_DEFAULTS.window_ms);
  }

  /** A group's state as it starts: quiet, with the last notification a former fleet owner made for it, if any. */
  private newGroup(key: string, groupValues: Record<string, unknown>, firstEvent: number, lastEvent: number): GroupState {
    const prior = this.priorSent.get(key);
    if (prior !== undefined) this.priorSent.delete(key);
    return { groupValues, firing: false, firedAt: 0, sent: false, lastSent: prior ?? -Infinity, firstEvent, lastEvent, samples: [], alertId: '' };
  }

  /**
   * Fleet takeover: when the former owner last notified each group before the re-read span (the
   * alert history's notified firings within `realert`), so that realert goes on from there rather than
   * letting the new owner notify again at once. A group not seen yet takes it when it starts.
   */
  notifiedBefore(last: GroupNotified[]): void {
    for (const { groupKey, at } of last) {
      const g = this.groups.get(groupKey);
      if (g) g.lastSent = Math.max(g.lastSent, at);
      else this.priorSent.set(groupKey, Math.max(this.priorSent.get(groupKey) ?? -Infinity, at));
    }
  }

  /** An event that passed the rule's filter: kept as a sample, and its time as first/last event. */
  onEvent(groupKey: string, groupValues: Record<string, unknown>, time: number, doc: Record<string, unknown>): void {
    this.matched++;
    this.top?.add(groupKey, time, doc);
    let g = this.groups.get(groupKey);
    if (!g) {
      g = this.newGroup(groupKey, groupValues, time, time);
      this.groups.set(groupKey, g);
    }
    if (g.samples.length === 0 && (!g.firing || this.rule.type === 'pattern')) g.firstEvent = time;
    if (time < g.firstEvent) g.firstEvent = time;
    if (time > g.lastEvent) g.lastEvent = time;
    g.samples.push(doc);
    if (g.samples.length > MAX_SAMPLES) g.samples.shift();
  }

  /** The fields of an event that an alert shows (also applied to samples that are summaries already). */
  private summary(doc: Record<string, unknown>): AlertSample {
    const s: AlertSample = {};
    for (const [f, read] of this.readSample) {
      const v = read(doc);
      if (v !== null && v !== undefined) s[f] = typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}…` : v;
    }
    return s;
  }

  /** Conditions from the detector → alerts that fire or resolve. */
  onConditions(conds: Condition[]): AlertChange[] {
    const out: AlertChange[] = [];
    for (const c of conds) {
      let g = this.groups.get(c.group);
      if (!g) {
        g = this.newGroup(c.group, c.groupValues, c.windowStart, c.at);
        this.groups.set(c.group, g);
      }
      if (c.firing && c.sample && !g.firing) {
        // an alert whose group is not an event's group_by group (new_term): its event comes with it
        g.samples = [c.sample];
        g.firstEvent = g.lastEvent = c.at;
      }
      if (c.firing) {
        if (this.unconfirmed.size > 0) this.confirmAdopted(g, c, out);
        const repeat = g.firing && FIRES_PER_OCCURRENCE.has(this.rule.type);
        if (g.firing && !repeat) continue;
        g.firing = true;
        g.firedAt = c.at;
        g.alertId = alertId(this.rule.id, c.group, c.at);
        g.count = c.count;
        if (this.top) g.top = this.top.top(c.group, ...this.topWindow(c));
        const send = c.at - g.lastSent >= this.rule.realert_ms;
        if (send) g.lastSent = c.at;
        g.sent = send || (repeat && g.sent);
        // a repeat that realert holds back changes nothing anyone sees: no alert is made for it
        if (send || !repeat) {
          out.push({ alert: this.alertOf(g, c, 'firing'), send });
          this.fired++;
          // a pattern (or change, new_term) alert is its own matches: the next one starts afresh
          if (FIRES_PER_OCCURRENCE.has(this.rule.type)) this.keepSamplesAfter(g, c.at, false);
        }
      } else if (g.firing) {
        g.firing = false;
        const send = g.sent && this.rule.notify_resolved;
        out.push({ alert: this.alertOf(g, c, 'resolved'), send });
        this.resolved++;
        g.sent = false;
        g.shown = undefined;
        g.top = undefined;
        // events at or after the end of the window that resolved it belong to what comes next
        this.keepSamplesAfter(g, c.at, true);
      } else if (!c.firing) {
        // a group the detector forgot while quiet
        if (g.samples.length === 0) this.groups.delete(c.group);
      }
    }
    return out;
  }

  private alertOf(g: GroupState, c: Condition, state: 'firing' | 'resolved'): Alert {
    const r = this.rule;
    const view = state === 'resolved' && g.shown ? g.shown : this.firingView(g, c);
    if (state === 'firing') g.shown = view;
    const a: Alert = {
      id: g.alertId,
      rule: r.id,
      severity: r.severity,
      state,
      groupKey: c.group,
      group: g.groupValues,
      count: view.count,
      window: view.window,
      first_event: view.first_event,
      last_event: view.last_event,
      fired_at: iso(g.firedAt),
      samples: view.samples,
      query: groupQuery(ruleQuery(r), g.groupValues),
      where: ruleQuery(r),
      notify: r.notify,
      tags: r.tags,
    };
    if (r.description) a.description = r.description;
    if (r.references?.length) a.references = r.references;
    if (view.reference !== undefined) a.reference = view.reference;
    if (view.value !== undefined) a.value = view.value;
    if (state === 'resolved') a.resolved_at = iso(c.at);
    if (r.include) a.sample_fields = [...new Set(['@timestamp', ...r.include])];
    if (g.top) a.top_counts = g.top;
    return a;
  }

  /** what an alert decided by `c` shows: the window, its count, and the group's events up to `c.at` */
  private firingView(g: GroupState, c: Condition): FiringView {
    // events read ahead of the decision (within the allowed lateness) are not this alert's
    const docs = g.samples.filter((d) => !(timeOf(d) > c.at));
    const newestShown = docs.length > 0 ? timeOf(docs[docs.length - 1]) : NaN;
    const last = g.lastEvent <= c.at ? g.lastEvent : Number.isFinite(newestShown) ? newestShown : c.at;
    const v: FiringView = {
      count: c.count,
      window: { start: iso(c.windowStart), end: iso(c.windowEnd) },
      first_event: iso(Math.min(g.firstEvent, c.at)),
      last_event: iso(Math.max(last, Math.min(g.firstEvent, c.at))),
      samples: docs.map((d) => this.summary(d)),
    };
    if (c.reference !== undefined) v.reference = c.reference;
    if (c.value !== undefined) v.value = c.value;
    return v;
  }

  /** keeps the samples after `t` (from `t` on when `from`): events read ahead, which belong to the group's next alert */
  private keepSamplesAfter(g: GroupState, t: number, from: boolean): void {
    g.samples = g.samples.filter((d) => (from ? timeOf(d) >= t : timeOf(d) > t));
    if (g.samples.length > 0) g.firstEvent = Math.min(...g.samples.map(timeOf));
  }

  /**
   * Fleet takeover: alerts the former owner fired and did not resolve go on firing here under their
   * ids; a firing the detector decides for such a group is their continuation, not a new alert. The
   * rules whose every occurrence is an alert (pattern, change, new_term) carry nothing on.
   */
  adopt(open: OpenAlert[], holdBy: number, confirmBy = holdBy): void {
    if (FIRES_PER_OCCURRENCE.has(this.rule.type) || this.rule.type === 'new_term') return;
    for (const o of open) {
      const g: GroupState = this.groups.get(o.groupKey) ?? this.newGroup(o.groupKey, o.groupValues, o.firedAt, o.firedAt);
      Object.assign(g, { firing: true, firedAt: o.firedAt, sent: o.sent, lastSent: o.sent ? o.firedAt : g.lastSent, alertId: o.id, shown: o.shown, count: o.shown.count });
      this.groups.set(o.groupKey, g);
      this.adopted.set(o.groupKey, holdBy);
      this.unconfirmed.set(o.groupKey, confirmBy);
    }
  }

  /**
   * A firing condition for a group whose alert was carried on and not confirmed yet. An alert still
   * going on when its owner died is held by the re-read windows from their first decidable end on,
   * so it fires there (by `confirmBy`); one that fires only later had a gap: the carried-on alert
   * (left open by a runner stopped long ago, say) ended before it, and resolves where this one's
   * window starts, so that this one is an alert of its own, notified.
   */
  private confirmAdopted(g: GroupState, c: Condition, out: AlertChange[]): void {
    const by = this.unconfirmed.get(c.group);
    if (by === undefined) return;
    this.unconfirmed.delete(c.group);
    if (c.at <= by || !g.firing || g.alertId === alertId(this.rule.id, c.group, c.at)) return;
    this.adopted.delete(c.group);
    const at = Math.max(g.firedAt, c.windowStart);
    out.push(...this.onConditions([{ group: c.group, groupValues: g.groupValues, firing: false, count: 0, windowStart: at - (this.rule.window_ms ?? RULE_DEFAULTS.window_ms), windowEnd: at, at }]));
  }

  get adopting(): boolean {
    return this.adopted.size > 0;
  }

  /**
   * Carried-on alerts whose condition the detector does not hold once event time has passed the
   * takeover (`holdBy`) resolve at `watermark`; those it holds are its own from then on.
   */
  settleAdopted(watermark: number, detectorFiring: Set<string>): AlertChange[] {
    const out: AlertChange[] = [];
    for (const [key, holdBy] of this.adopted) {
      if (detectorFiring.has(key)) { this.adopted.delete(key); continue; }
      if (watermark < holdBy) continue;
      this.adopted.delete(key);
      this.unconfirmed.delete(key);
      const g = this.groups.get(key);
      if (!g?.firing) continue;
      const w = this.rule.window_ms ?? RULE_DEFAULTS.window_ms;
      out.push(...this.onConditions([{ group: key, groupValues: g.groupValues, firing: false, count: 0, windowStart: watermark - w, windowEnd: watermark, at: watermark }]));
    }
    return out;
  }

  /** the ids of this rule's alerts that are firing */
  openAlertIds(): string[] {
    const ids: string[] = [];
    for (const g of this.groups.values()) if (g.firing) ids.push(g.alertId);
    return ids;
  }

  /**
   * The span whose events top_count_keys counts: the alert's window; for a rule whose window starts
   * at the event that fired (pattern, change, new_term), the `window` of event time up to and including it.
   */
  private topWindow(c: Condition): [number, number] {
    if (!FIRES_PER_OCCURRENCE.has(this.rule.type) && this.rule.type !== 'new_term') return [c.windowStart, c.windowEnd];
    const w = this.rule.window_ms ?? RULE_DEFAULTS.window_ms;
    return [c.at - w + 1, c.at + 1];
  }

  /**
   * Event time has reached `watermark`: top_count_keys forgets what no window still to be decided can
   * reach (windows end at the watermark or later; an out-of-order event within the allowed lateness
   * opens one up to a window further back).
   */
  slide(watermark: number): void {
    if (!this.top) return;
    const w = this.rule.window_ms ?? RULE_DEFAULTS.window_ms;
    this.top.prune(watermark - 2 * w - this.rule.allowed_lateness_ms);
  }

  /** The alerts of this rule firing now, oldest first. */
  firing(): FiringAlert[] {
    const out: FiringAlert[] = [];
    for (const g of this.groups.values()) {
      if (g.firing) out.push({ rule: this.rule.id, id: g.alertId, group: g.groupValues, since: new Date(g.firedAt).toISOString(), count: g.count ?? 0 });
    }
    return out.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  }

  /** Groups not firing and without samples are not kept; the rest is JSON for checkpoints. */
  snapshot(): unknown {
    const groups: Array<[string, GroupState]> = [];
    for (const [k, g] of this.groups) {
      if (g.firing || g.lastSent > -Infinity) groups.push([k, { ...g, samples: g.samples.map((d) => this.summary(d)), lastSent: Number.isFinite(g.lastSent) ? g.lastSent : -1e15 }]);
    }
    return this.top ? { groups, top: this.top.snapshot() } : { groups };
  }

  restore(state: unknown): void {
    const s = state as { groups?: Array<[string, GroupState]>; top?: unknown } | undefined;
    if (!s?.groups) return;
    this.groups = new Map(s.groups);
    if (s.top !== undefined) this.top?.restore(s.top);
  }

  /** Forgets quiet groups that have not fired for long (memory bound): called with the watermark. */
  expire(before: number): void {
    for (const [k, g] of this.groups) if (!g.firing && g.lastEvent < before && g.lastSent < before) this.groups.delete(k);
    for (const [k, at] of this.priorSent) if (at < before) this.priorSent.delete(k);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** the event time of a sample (a document, or its summary); NaN when it has none */
function timeOf(doc: Record<string, unknown>): number {
  const ts = doc['@timestamp'];
  return typeof ts === 'string' ? parseIsoMs(ts) : typeof ts === 'number' ? ts : NaN;
}
