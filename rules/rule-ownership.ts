/**
 * Which rules a fleet runner's engine evaluates (README, "Running a fleet"): a rule the runner does not
 * own is `off` (its events pass it by, its windows are empty, it changes no alert); a rule being taken
 * over is `taking` (the events it matches are kept aside while its windows are re-read from
 * Elasticsearch); an owned rule is `on`, and for a while after its takeover it passes by the events the
 * re-read already counted (by `_id`: the input may still bring them).
 */
import { RULE_DEFAULTS } from './defaults';
import type { RuleDef } from './types';

/**
 * How far back of the present a takeover re-reads a rule's events: two of its largest windows (a
 * spike's window and baseline), and its allowed lateness. The second window tells an alert still going
 * on from a new one: the condition of an alert that went on through the takeover holds from the first
 * window end the re-read can decide (`continuesBy`), while a new one starts later (see the lifecycle's
 * `adopt`). A `new_term` rule's `history` and a `change` rule's previous values are not re-read: they
 * are learnt again from the takeover on.
 */
export function takeoverSpanMs(def: RuleDef): number {
  return 2 * (def.window_ms ?? RULE_DEFAULTS.window_ms) + (def.baseline_ms ?? 0) + def.allowed_lateness_ms;
}

/**
 * The event time by which the re-read windows of a takeover at `takeoverAt` fire again for an alert
 * that went on through it: the first window end they can decide (one window, and a spike's baseline,
 * after the re-read's start), plus one step of the watermark (`advanceEvery`).
 */
export function continuesBy(def: RuleDef, takeoverAt: number, advanceEvery: number): number {
  return takeoverAt - takeoverSpanMs(def) + (def.window_ms ?? RULE_DEFAULTS.window_ms) + (def.baseline_ms ?? 0) + advanceEvery;
}

/** An event kept for a rule being taken over, or re-read for it. */
export interface RebuildEvent {
  doc: Record<string, unknown>;
  /** event time, epoch ms */
  t: number;
  /** the document's `_id`, when known (events without one are never recognised as counted twice) */
  id?: string;
  /** from before the re-read span, only to teach the rule what it knew (rules/takeover-seeds.ts): it fires nothing */
  teach?: boolean;
}

interface RuleGate {
  mode: 'off' | 'taking' | 'on';
  /** `taking`: the events the input brought meanwhile */
  kept: RebuildEvent[];
  /** `on`, after a takeover: ids the re-read counted, each passed by once when the input brings it */
  counted: Set<string> | null;
}

/** Events a rule being taken over keeps at most while its windows are re-read; past it the oldest go (counted in `dropped`). */
export const TAKEOVER_KEEP_MAX = 200_000;

export class RuleOwnership {
  private readonly gates = new Map<string, RuleGate>();
  /** events a rule being taken over could not keep (more than TAKEOVER_KEEP_MAX) */
  dropped = 0;
  /** events of the input passed by because the re-read of a takeover had counted them */
  duplicatesSkipped = 0;

  private gate(rule: string): RuleGate {
    let g = this.gates.get(rule);
    if (!g) { g = { mode: 'off', kept: [], counted: null }; this.gates.set(rule, g); }
    return g;
  }

  mode(rule: string): RuleGate['mode'] {
    return this.gates.get(rule)?.mode ?? 'off';
  }

  /** The rules owned or being taken over (what the input must fetch). */
  wanted(): string[] {
    return [...this.gates].filter(([, g]) => g.mode !== 'off').map(([r]) => r).sort();
  }

  /** The rules owned (evaluated). */
  owned(): string[] {
    return [...this.gates].filter(([, g]) => g.mode === 'on').map(([r]) => r).sort();
  }

  beginTakeover(rule: string): void {
    const g = this.gate(rule);
    g.mode = 'taking';
    g.kept = [];
    g.counted = null;
  }

  /** An event a `taking` rule matched: kept for the end of its takeover. */
  keep(rule: string, e: RebuildEvent): void {
    const g = this.gate(rule);
    g.kept.push(e);
    if (g.kept.length > TAKEOVER_KEEP_MAX) { g.kept.shift(); this.dropped++; }
  }

  /**
   * Ends a takeover: the re-read events and the kept ones as one list in event time order, each `_id`
   * once (the kept ones win: they came through the input); the rule is `on` from now, passing by the
   * re-read ids when the input brings them. Undefined when the rule is no longer being taken over.
   */
  completeTakeover(rule: string, reread: RebuildEvent[]): RebuildEvent[] | undefined {
    const g = this.gates.get(rule);
    if (!g || g.mode !== 'taking') return undefined;
    const keptIds = new Set<string>();
    for (const e of g.kept) if (e.id !== undefined) keptIds.add(e.id);
    const counted = new Set<string>();
    const all: RebuildEvent[] = [];
    for (const e of reread) {
      if (e.id !== undefined) {
        if (keptIds.has(e.id) || counted.has(e.id)) continue;
        counted.add(e.id);
      }
      all.push(e);
    }
    all.push(...g.kept);
    // stable: events of one instant stay in the order they were read
    all.sort((a, b) => a.t - b.t);
    g.mode = 'on';
    g.kept = [];
    g.counted = counted.size > 0 ? counted : null;
    return all;
  }

  /** True when an owned rule must pass this event by: its takeover's re-read counted it already. */
  countedBefore(rule: string, id: string | undefined): boolean {
    const g = this.gates.get(rule);
    if (!g?.counted || id === undefined || !g.counted.has(id)) return false;
    g.counted.delete(id);
    this.duplicatesSkipped++;
    return true;
  }

  /** The input has read past everything the re-read could have seen: no more ids to recognise. */
  settle(rule: string): void {
    const g = this.gates.get(rule);
    if (g) g.counted = null;
  }

  release(rule: string): void {
    const g = this.gates.get(rule);
    if (!g) return;
    g.mode = 'off';
    g.kept = [];
    g.counted = null;
  }

  /** Rules no longer loaded are forgotten. */
  keepOnly(rules: Set<string>): void {
    for (const r of [...this.gates.keys()]) if (!rules.has(r)) this.gates.delete(r);
  }
}
