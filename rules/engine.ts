import { parseIsoMs } from '../src/core/timestamp';
import type { PipelineEvent } from '../src/core/event';
import type { RulesEntry } from '../src/core/contracts/rules-entry';
import type { Logger } from '../src/core/log';
import { formatProblem, type FileProblem } from '../src/core/config-kit';
import { checkRulesFile } from './load/rules-file';
import type { LoadedRules, RuleDef } from './types';
import { validateWhere } from './kql/validate-where';
import { compileRule, type CompiledRule } from './compile-rule';
import { RuleIndex } from './rule-index';
import type { AlertChange, FiringAlert, GroupNotified, OpenAlert } from './alerts/lifecycle';
import { RuleOwnership, continuesBy, type RebuildEvent } from './rule-ownership';

/** One running rule as /status shows it: the events its filter let through, its alerts fired and resolved, and those firing now. */
export interface RuleActivity {
  rule: string;
  matched: number;
  fired: number;
  resolved: number;
  firing: FiringAlert[];
}

export interface RulesEngineOptions {
  /** alerts that fired or resolved (`send` false when realert holds one back) */
  onAlerts?: (changes: AlertChange[]) => void;
  /**
   * Live daemon: when no events come, event time still moves with the wall clock, so that a flatline
   * fires on silence and alerts resolve (see `tick`). Off for backtests.
   */
  live?: boolean;
  /** the wall clock (tests); default Date.now */
  now?: () => number;
  /** every event a rule's filter let through (backtest charts) */
  onMatch?: (rule: string, time: number) => void;
  /**
   * Fleet runner: a rule is evaluated only while this runner owns it (`beginTakeover` …
   * `completeTakeover`, `releaseRule`); every rule starts not owned.
   */
  fleet?: boolean;
}

interface EngineState {
  version: 1;
  /** per source, the position below which events were already counted (replayed after a crash: skipped) */
  processed: Record<string, number>;
  newest: number;
  /** detection: the rule's detection fingerprint (absent in states of older versions) */
  rules: Record<string, { fingerprint: string; detection?: string; detector: unknown; lifecycle: unknown }>;
}

/** What processDoc returns for an event that changes no alert (shared: never modified). */
const NO_CHANGES: AlertChange[] = Object.freeze([]) as unknown as AlertChange[];

/**
 * The rules engine. Every event passes here, in read order, before it goes to the sinks. Each event
 * meets only the rules that can match it (RuleIndex), each rule's filter decides, its detector counts
 * on event time and its lifecycle turns conditions into alerts. A rules file with problems never stops
 * the pipeline: the rules that were running stay, and the problems are reported. On reload, rules whose
 * definition did not change keep their windows and alerts.
 */
export class RulesEngine implements RulesEntry {
  evaluated = 0;
  matched = 0;
  rules: LoadedRules | null = null;
  problems: FileProblem[] = [];
  loadedAt: string | null = null;
  private compiled: CompiledRule[] = [];
  private index = new RuleIndex<CompiledRule>();
  private newest = -Infinity;
  /** the event time at which the first rule is due to advance */
  private nextDue = -Infinity;
  /** wall-clock time at which an event last came (live: event time runs on from the newest while idle) */
  private lastArrivalAt = 0;
  /** the span the last event came in: the arrival time is taken once per span, not per event */
  private lastSpan: unknown = null;
  /** wall-clock time at which the span carrying the newest event came (inputs' progress is measured from it) */
  private newestArrivedAt = 0;
  /** the event time the inputs' progress last moved to (progressTo) */
  private progressTime = -Infinity;
  private readonly now: () => number;
  private processed = new Map<string, number>();
  private curSource: string | null = null;
  private curPos = 0;
  /** the last event of the current source, whose position has not been filed yet */
  private curEvent: PipelineEvent | null = null;
  private skipBelow = new Map<string, number>();
  private pendingState: EngineState | null = null;
  /** the alert changes of the event being processed */
  private changes: AlertChange[] = [];
  /** fleet runner: which rules this runner evaluates */
  readonly ownership: RuleOwnership | null;
  /** the id of the event being processed (fleet takeovers recognise events by it) */
  private curId: string | undefined;

  constructor(private log: Logger, private opts: RulesEngineOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.ownership = opts.fleet ? new RuleOwnership() : null;
  }

  /** Loads (or reloads) a rules file; returns false, keeping the current rules, when it has problems. */
  load(path: string): boolean {
    const { rules, problems } = checkRulesFile(path, { validateWhere });
    this.problems = problems;
    if (!rules || problems.length > 0) {
      this.log.error({ file: path, problems: problems.map(formatProblem), kept_rules: this.rules?.rules.length ?? 0 },
        'rules file has problems; the running rules stay');
      return false;
    }
    this.use(rules);
    this.log.info({ file: path, rules: rules.rules.length }, 'rules loaded');
    return true;
  }

  /**
   * Swaps in a set of rules at once; rules with an unchanged definition keep their state, and so do
   * rules edited only in what their alerts say or where they go (their detection fingerprint).
   */
  use(rules: LoadedRules): void {
    const old = new Map(this.compiled.map((c) => [c.def.id, c]));
    const next: CompiledRule[] = [];
    const index = new RuleIndex<CompiledRule>();
    for (const def of rules.rules) {
      if (!def.enabled) continue;
      const prev = old.get(def.id);
      let c: CompiledRule;
      if (prev && prev.def.fingerprint === def.fingerprint) c = { ...prev, def };
      else {
        c = compileRule(def);
        // edited only in what its alerts say or where they go: its windows, history and alerts go on
        if (prev && sameDetection(prev.def.detection_fingerprint, def)) {
          c.detector = prev.detector;
          c.lifecycle.restore(prev.lifecycle.snapshot());
          c.nextAdvance = prev.nextAdvance;
        }
      }
      const saved = this.pendingState?.rules[def.id];
      if (c !== prev && saved && (saved.fingerprint === def.fingerprint || sameDetection(saved.detection, def))) {
        c.detector.restore(saved.detector);
        c.lifecycle.restore(saved.lifecycle);
      }
      next.push(c);
      index.add(c, c.ast);
    }
    this.pendingState = null;
    this.nextDue = -Infinity;
    this.ownership?.keepOnly(new Set(next.map((c) => c.def.id)));
    this.compiled = next;
    this.index = index;
    this.rules = rules;
    this.loadedAt = new Date().toISOString();
  }

  /** The pipeline's entry: an event read by a collector. */
  process(event: PipelineEvent): void {
    const source = event.span.source;
    if (this.skipBelow.size > 0) {
      const skip = this.skipBelow.get(source);
      if (skip !== undefined) {
        if (positionOf(event) < skip) return; // counted before the crash; the checkpointed windows hold it
        this.skipBelow.delete(source);
      }
    }
    // where each source is (for the checkpoint); the current source is kept aside, not looked up per
    // event, and the position of its last event is read only when it is asked for (a source's events
    // come in the order of their positions)
    if (source !== this.curSource) {
      this.settlePosition();
      this.curSource = source;
      this.curPos = this.processed.get(source) ?? 0;
    }
    this.curEvent = event;
    if (event.span !== this.lastSpan) {
      this.lastSpan = event.span;
      this.lastArrivalAt = this.now();
    }
    if (this.compiled.length > 0) {
      this.curId = event.id;
      this.processDoc(event.doc, event.time, event.dottedRoot !== true);
      this.curId = undefined;
    } else this.evaluated++;
  }

  /**
   * Runs one event document through the rules (backtests and rule examples call this directly); `time`,
   * when the caller has it, is its `@timestamp` in epoch milliseconds. `nestedRoot`: the document has no
   * dotted key at its root, as a collector's EventDoc (by default it may have: rule examples, tests).
   */
  processDoc(doc: Record<string, unknown>, time?: number, nestedRoot = false): AlertChange[] {
    this.evaluated++;
    if (this.compiled.length === 0) return [];
    // (most events change no alert: the list is the engine's own until one does)
    const out = this.changes;
    let t = time;
    if (t === undefined) {
      const ts = doc['@timestamp'];
      t = typeof ts === 'string' ? parseIsoMs(ts) : typeof ts === 'number' ? ts : NaN;
    }
    if (!Number.isFinite(t)) t = this.now();
    // event time moves first: windows that end before this event are decided without it
    if (t > this.newest) {
      this.newest = t;
      this.newestArrivedAt = this.lastArrivalAt;
      // (one comparison per event: the rules are visited only when the earliest of them is due)
      if (t >= this.nextDue) this.advance(t, false, out);
    }
    // the rules filed under the event's values, then those checked on every event (two lists, not joined per event)
    const filed = this.index.filed(doc, nestedRoot);
    for (let i = 0; i < filed.length; i++) this.meet(filed[i], doc, t, out);
    const unfiled = this.index.unfiled;
    for (let i = 0; i < unfiled.length; i++) this.meet(unfiled[i], doc, t, out);
    if (out.length === 0) return NO_CHANGES;
    const changes = out.splice(0);
    this.opts.onAlerts?.(changes);
    return changes;
  }

  /** One rule meets one event: its filter decides, its detector counts, its lifecycle turns conditions into alerts. */
  private meet(r: CompiledRule, doc: Record<string, unknown>, t: number, out: AlertChange[]): void {
    if (this.ownership) {
      const mode = this.ownership.mode(r.def.id);
      if (mode === 'off') return;
      if (!r.test(doc)) return;
      if (mode === 'taking') { this.ownership.keep(r.def.id, { doc, t, id: this.curId }); return; }
      if (this.ownership.countedBefore(r.def.id, this.curId)) return;
      this.count(r, doc, t, out);
      return;
    }
    if (!r.test(doc)) return;
    this.count(r, doc, t, out);
  }

  /** An event that passed a rule's filter: counted by its detector, turned into alerts by its lifecycle. */
  private count(r: CompiledRule, doc: Record<string, unknown>, t: number, out: AlertChange[]): void {
    this.matched++;
    this.opts.onMatch?.(r.def.id, t);
    const g = r.groupOf(doc);
    // what the detector reads of the event: cardinality, metric and ratio their input; the others the event
    const input = r.input ? r.input.read(doc) : doc;
    if (!r.input || r.input.sample(input)) r.lifecycle.onEvent(g.key, g.values, t, doc);
    const conds = r.detector.observe(t, g.key, g.values, input);
    if (conds.length > 0) out.push(...r.lifecycle.onConditions(conds));
  }

  /**
   * Live daemon, called every second or so: while no event comes, event time runs on from the newest
   * event at the pace of the wall clock (so a flatline fires on silence and alerts resolve, also when
   * the logs being read are old ones). As Flink treats an idle source: while events come, a rule's
   * watermark trails the newest event by its `allowed_lateness`, for the late events still on their
   * way; once nothing has come for `allowed_lateness` of wall-clock time, none is expected, and the
   * watermark is the newest event time plus the time idle, without that margin. So a flatline fires
   * within the larger of its window and its lateness (plus a tick) of the silence.
   */
  tick(now = this.now()): AlertChange[] {
    const out: AlertChange[] = [];
    const idle = now - this.lastArrivalAt;
    if (this.opts.live && Number.isFinite(this.newest) && idle >= 1000) this.advance(this.newest + idle, true, out, idle);
    if (out.length > 0) this.opts.onAlerts?.(out);
    return out;
  }

  /**
   * Live fleet runner (RulesClock): its inputs have passed on every event their store took before
   * `at`, the runner's own wall clock. The time since the newest event came has then passed with no
   * newer event stored: event time moves on from the newest event by that much, whether or not other
   * events came (an idle fleet, a quiet rule), and every rule decides its windows up to that time less
   * its allowed lateness. Unlike `tick`'s idle rule, the lateness is always kept: a store that is quiet
   * may still receive an agent's late events (a spool draining after an outage). And time moves only
   * as far as the inputs have read: a store that cannot be read (input down) stops it, so no host
   * looks dead for that. While events come, they move event time as in files (`processDoc`), so the
   * events' own time frame is kept (history read from the start, clocks all off by the same amount);
   * only the passing of time comes from the runner's clock. Off outside live daemons (a backtest has no
   * wall clock).
   */
  progressTo(at: number): AlertChange[] {
    if (!this.opts.live || !Number.isFinite(this.newest)) return NO_CHANGES;
    const idle = at - this.newestArrivedAt;
    if (idle <= 0) return NO_CHANGES;
    const time = this.newest + idle;
    if (!(time > this.progressTime)) return NO_CHANGES;
    this.progressTime = time;
    const out: AlertChange[] = [];
    this.advance(time, false, out);
    if (out.length > 0) this.opts.onAlerts?.(out);
    return out;
  }

  /**
   * The present in the events' own time frame: the newest event's time plus the wall time since it
   * came (what `progressTo` and `tick` move event time by); the wall clock before any event came. A
   * fleet runner's takeover re-reads the windows before it: when the events' clocks are off, or the
   * input is behind (reading a backlog, or history from the start), the wall clock would re-read the
   * wrong span (nothing, or a span the input has not reached, whose events would then come too late).
   */
  eventTimeNow(): number {
    const wall = this.now();
    if (!Number.isFinite(this.newest)) return wall;
    return Math.max(this.newest + Math.max(0, wall - this.newestArrivedAt), this.progressTime);
  }

  /**
   * End of a backtest: its event time stops at `until` (default: the newest event). Windows ending up
   * to then are decided (no late event can come any more, so without the allowed lateness); nothing is
   * decided after it, so no alert is invented after the data ends, and alerts still firing stay firing
   * (`openAlertIds`).
   */
  finish(until = this.newest): AlertChange[] {
    const out: AlertChange[] = [];
    if (Number.isFinite(until)) this.advance(until, true, out, Infinity);
    if (out.length > 0) this.opts.onAlerts?.(out);
    return out;
  }

  /** The ids of the alerts firing now (a backtest marks them as still open at its end). */
  openAlertIds(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.compiled) for (const id of r.lifecycle.openAlertIds()) ids.add(id);
    return ids;
  }

  /**
   * Moves each rule's event time to `time` less its allowed lateness, when the rule is due; a rule
   * whose sources have been idle (`idleMs`) for at least its allowed lateness goes to `time` itself.
   */
  private advance(time: number, force: boolean, out: AlertChange[], idleMs = -1): void {
    // (one comparison per event: the rules are visited only when the earliest of them is due)
    if (!force && time < this.nextDue) return;
    let next = Infinity;
    for (const r of this.compiled) {
      if (this.ownership && this.ownership.mode(r.def.id) !== 'on') continue;
      const wm = idleMs >= r.def.allowed_lateness_ms ? time : time - r.def.allowed_lateness_ms;
      if (force || wm >= r.nextAdvance) this.advanceRule(r, wm, out);
      next = Math.min(next, r.nextAdvance + r.def.allowed_lateness_ms);
    }
    this.nextDue = next;
  }

  /** One rule's event time moves to `wm`: the windows ending by then are decided. */
  private advanceRule(r: CompiledRule, wm: number, out: AlertChange[]): void {
    r.nextAdvance = wm + r.advanceEvery;
    const conds = r.detector.advance(wm);
    if (conds.length > 0) out.push(...r.lifecycle.onConditions(conds));
    if (r.lifecycle.adopting) out.push(...r.lifecycle.settleAdopted(wm, new Set(r.detector.firing().map((c) => c.group))));
    r.lifecycle.slide(wm);
    r.lifecycle.expire(wm - 24 * 3_600_000);
  }

  // ---- fleet runner: the rules this runner owns (README, "Running a fleet") ----

  /**
   * This runner starts owning `rule`: its windows and alerts start empty, and the events it matches
   * are kept aside until `completeTakeover` gives it the events re-read from Elasticsearch.
   * False when the rule is not loaded (or the engine is not a fleet runner's).
   */
  beginTakeover(rule: string): boolean {
    const r = this.compiled.find((c) => c.def.id === rule);
    if (!this.ownership || !r) return false;
    this.resetRule(r);
    this.ownership.beginTakeover(rule);
    return true;
  }

  /**
   * Ends a takeover: the re-read events (event time order) and those kept meanwhile go through the rule
   * alone, each `_id` once; its alert changes go out as usual (one the former owner already wrote has
   * the same deterministic id). The rule is evaluated from then on. Undefined when the takeover was
   * given up meanwhile (`releaseRule`) or the rule is gone. `notifiedBefore`: the former owner's last
   * notification of each group before the re-read span, from which realert goes on.
   */
  completeTakeover(rule: string, reread: RebuildEvent[], open: Array<Omit<OpenAlert, 'groupValues'>> = [], takeoverAt = this.now(), notifiedBefore: GroupNotified[] = []): { events: number; changes: AlertChange[] } | undefined {
    const r = this.compiled.find((c) => c.def.id === rule);
    if (!this.ownership || !r) return undefined;
    const events = this.ownership.completeTakeover(rule, reread);
    if (!events) return undefined;
    // the former owner's open alerts go on under their ids; not held by the re-read windows once
    // event time passed the takeover, they resolve
    // (an alert still going on fires again in the re-read windows at their first decidable end; one that
    // fires only later is a new alert, and the carried-on one ended before it)
    r.lifecycle.notifiedBefore(notifiedBefore);
    r.lifecycle.adopt(open.map((o) => ({ ...o, groupValues: groupValuesOf(r.def.group_by, o.groupKey) })), takeoverAt, continuesBy(r.def, takeoverAt, r.advanceEvery));
    const out: AlertChange[] = [];
    for (const e of events) {
      const wm = e.t - r.def.allowed_lateness_ms;
      if (wm >= r.nextAdvance) this.advanceRule(r, wm, out);
      if (e.teach && r.detector.learn) {
        const g = r.groupOf(e.doc);
        r.detector.learn(e.t, g.key, g.values, r.input ? r.input.read(e.doc) : e.doc);
      } else {
        this.count(r, e.doc, e.t, out);
      }
    }
    // the re-read events are the newest this runner has seen when it had seen none, or older ones: event
    // time (and the inputs' progress, counted from when the newest event came) goes on from them
    const lastT = events.length > 0 ? events[events.length - 1].t : -Infinity;
    if (lastT > this.newest) {
      this.newest = lastT;
      this.lastArrivalAt = this.now();
      this.newestArrivedAt = this.lastArrivalAt;
    }
    this.nextDue = -Infinity; // the rule catches up with event time at the next event or tick
    if (out.length > 0) this.opts.onAlerts?.(out);
    return { events: events.length, changes: out };
  }

  /** This runner no longer owns `rule`: it stops counting at once, and its windows and alerts are dropped. */
  releaseRule(rule: string): void {
    if (!this.ownership) return;
    this.ownership.release(rule);
    const r = this.compiled.find((c) => c.def.id === rule);
    if (r) this.resetRule(r);
  }

  /** Fresh windows and alerts for a rule (its definition unchanged). */
  private resetRule(r: CompiledRule): void {
    const fresh = compileRule(r.def);
    r.detector = fresh.detector;
    r.lifecycle = fresh.lifecycle;
    r.nextAdvance = fresh.nextAdvance;
  }

  /** The engine's state for the checkpoint registry (committed with the sources' positions). */
  snapshot(): EngineState {
    const rules: EngineState['rules'] = {};
    for (const r of this.compiled) rules[r.def.id] = { fingerprint: r.def.fingerprint, detection: r.def.detection_fingerprint, detector: r.detector.snapshot(), lifecycle: r.lifecycle.snapshot() };
    this.settlePosition();
    return { version: 1, processed: Object.fromEntries(this.processed), newest: Number.isFinite(this.newest) ? this.newest : 0, rules };
  }

  /** Files the current source's position: past its last event processed. */
  private settlePosition(): void {
    if (this.curSource === null) return;
    if (this.curEvent !== null) {
      const pos = positionOf(this.curEvent) + 1;
      if (pos > this.curPos) this.curPos = pos;
      this.curEvent = null;
    }
    this.processed.set(this.curSource, this.curPos);
  }

  /** Takes back a checkpointed state (before `load`): windows, alerts, and what not to count twice. */
  restore(state: unknown): void {
    const s = state as EngineState | undefined;
    if (!s || s.version !== 1) return;
    this.skipBelow = new Map(Object.entries(s.processed ?? {}));
    this.processed = new Map(this.skipBelow);
    this.curSource = null;
    this.curEvent = null;
    if (s.newest > 0) { this.newest = s.newest; this.lastArrivalAt = this.now(); this.newestArrivedAt = this.lastArrivalAt; }
    this.pendingState = s;
    if (this.compiled.length > 0) {
      for (const r of this.compiled) {
        const saved = s.rules[r.def.id];
        if (saved && (saved.fingerprint === r.def.fingerprint || sameDetection(saved.detection, r.def))) { r.detector.restore(saved.detector); r.lifecycle.restore(saved.lifecycle); }
      }
      this.pendingState = null;
    }
  }

  /** The detectors' counts, summed over the rules (status and metrics). */
  counts(): { groups: number; late: number; groupsDropped: number; terms: number; termsForgotten: number } {
    let groups = 0, late = 0, groupsDropped = 0, terms = 0, termsForgotten = 0;
    for (const r of this.compiled) {
      const st = r.detector.stats();
      groups += st.groups;
      late += st.late;
      groupsDropped += st.groupsDropped;
      terms += st.terms ?? 0;
      termsForgotten += st.termsForgotten ?? 0;
    }
    return { groups, late, groupsDropped, terms, termsForgotten };
  }

  /** Per running rule, since it was loaded (a reload that keeps a rule keeps its counts): what it matched, fired and resolved, and its alerts firing now. */
  activity(): RuleActivity[] {
    return this.compiled.map((r) => ({
      rule: r.def.id,
      matched: r.lifecycle.matched,
      fired: r.lifecycle.fired,
      resolved: r.lifecycle.resolved,
      firing: r.lifecycle.firing(),
    }));
  }

  status(): Record<string, unknown> {
    const c = this.counts();
    return {
      rules: this.compiled.length,
      indexed_rules: this.compiled.length - this.index.unindexed,
      evaluated: this.evaluated,
      matched: this.matched,
      loaded_at: this.loadedAt,
      problems: this.problems.map(formatProblem),
      firing: this.compiled.reduce((n, r) => n + r.detector.firing().length, 0),
      groups: c.groups,
      late_events: c.late,
      groups_dropped: c.groupsDropped,
      new_terms_known: c.terms,
      new_terms_forgotten: c.termsForgotten,
    };
  }
}

/** a rule's detection fingerprint is known and the same: its detector state fits the rule as it is now */
function sameDetection(detection: string | undefined, def: RuleDef): boolean {
  return detection !== undefined && detection === def.detection_fingerprint;
}

/** The group_by values of a group key (JSON of the values in rule order), by field. */
function groupValuesOf(groupBy: string[], key: string): Record<string, unknown> {
  let values: unknown;
  try { values = JSON.parse(key); } catch { values = []; }
  const out: Record<string, unknown> = {};
  if (Array.isArray(values)) groupBy.forEach((f, i) => { out[f] = values[i]; });
  return out;
}

/** Where an event sits in its source: a file line's byte offset, else the end of its span. */
function positionOf(e: PipelineEvent): number {
  if (e.position !== undefined) return e.position;
  const log = e.doc.log as { offset?: unknown } | undefined;
  const off = log?.offset;
  return typeof off === 'number' ? off : e.span.end - 1;
}
