import { RULE_DEFAULTS } from './defaults';
import type { RuleDef } from './types';
import type { Ast } from './kql/ast';
import { parseKql } from './kql/parse';
import { compileMatcher } from './kql/match';
import { compileFieldReader, compileGroupValueReader } from './field-path';
import type { Detector, DetectorConfig } from './detectors/types';
import { createDetector } from './detectors/create';
import { RuleLifecycle } from './alerts/lifecycle';
import { measureInput, type MeasureInput } from './measure-input';
import { valueWatchConfig } from './value-watch-config';
import { compileRuleRegex, type RuleRegex } from './regex-safety/rule-regex';

/** Regexes look at the first MiB of a field: a huge value (a 10 MB stack dump) must not stall the engine. */
const REGEX_INPUT_MAX = 1024 * 1024;
const MAX_GROUPS_PER_RULE = 10_000;
/** one-field groups kept ready, per rule (see groupOf) */
const RECENT_GROUPS = 256;

/** A rule ready to run: its filter, its grouping, its detector and its alert lifecycle. */
export interface CompiledRule {
  def: RuleDef;
  ast: Ast | null;
  /** the rule's `where` and `regex` (both must hold); a ratio rule's `of` */
  test: (doc: Record<string, unknown>) => boolean;
  /** the rule's regex on RE2 (linear-time matching), null without one */
  regex: RuleRegex | null;
  /** cardinality, metric, ratio: what the detector reads of each event, and which events are samples */
  input?: MeasureInput;
  groupOf: (doc: Record<string, unknown>) => { key: string; values: Record<string, unknown> };
  detector: Detector;
  lifecycle: RuleLifecycle;
  /** event time up to which `advance` was last called, and when it is due next */
  nextAdvance: number;
  advanceEvery: number;
}

export function detectorConfig(def: RuleDef): DetectorConfig {
  const windowMs = def.window_ms ?? RULE_DEFAULTS.window_ms;
  const baselineMs = def.baseline_ms ?? 0;
  const cfg: DetectorConfig = {
    type: def.type,
    windowMs,
    threshold: def.threshold ?? 1,
    baselineMs,
    ratio: def.ratio ?? 3,
    minCount: def.min_count ?? 1,
    direction: def.direction,
    allowedLatenessMs: def.allowed_lateness_ms,
    maxGroups: MAX_GROUPS_PER_RULE,
    measure: { max: def.max, min: def.min, agg: def.agg, above: def.above, below: def.below, exactLimit: def.exact_limit ?? RULE_DEFAULTS.exact_limit },
    groupTtlMs: groupTtlMs(def),
  };
  return { ...cfg, ...valueWatchConfig(def, cfg) };
}

/** A rule's regex, run on RE2 (linear time); the loader has reported any fault at its position. */
export function ruleRegexOf(rx: NonNullable<RuleDef['regex']>): RuleRegex {
  const r = compileRuleRegex(rx.pattern, rx.flags);
  if ('fault' in r) throw new Error(`regex ${JSON.stringify(rx.pattern)}: ${r.fault.message}`);
  return r.regex;
}

export function compileRule(def: RuleDef): CompiledRule {
  const whereAst = def.where.trim() === '' ? null : parseKql(def.where);
  const where = whereAst ? compileMatcher(whereAst) : () => true;
  let test = where;
  const re = def.regex ? ruleRegexOf(def.regex) : null;
  if (def.regex && re) {
    const read = compileFieldReader(def.regex.field);
    test = (doc) => {
      if (!where(doc)) return false;
      for (const v of read(doc)) {
        if (typeof v !== 'string') continue;
        if (re.test(v.length > REGEX_INPUT_MAX ? v.slice(0, REGEX_INPUT_MAX) : v)) return true;
      }
      return false;
    };
  }
  // a ratio rule selects its base (`of`), and `where` (with `regex`) is what its detector reads of each
  const input = measureInput(def, test);
  let ast = whereAst;
  if (def.type === 'ratio') {
    ast = (def.of ?? '').trim() === '' ? null : parseKql(def.of!);
    test = ast ? compileMatcher(ast) : () => true;
  }
  const readers = def.group_by.map((f) => [f, compileGroupValueReader(f)] as const);
  const noGroup = { key: '[]', values: {} };
  // one field (most rules): the groups of recent values are kept, as a rule sees few groups at a time
  // (never modified by those that get them: detectors and alerts copy what they change)
  const recent = new Map<string | number | boolean | null, { key: string; values: Record<string, unknown> }>();
  const oneField = (doc: Record<string, unknown>): { key: string; values: Record<string, unknown> } => {
    const [f, read] = readers[0];
    const v = read(doc);
    let g = recent.get(v);
    if (g === undefined) {
      if (recent.size >= RECENT_GROUPS) recent.clear();
      g = { key: `[${JSON.stringify(v)}]`, values: { [f]: v } };
      recent.set(v, g);
    }
    return g;
  };
  const groupOf = readers.length === 1 ? oneField : (doc: Record<string, unknown>): { key: string; values: Record<string, unknown> } => {
    if (readers.length === 0) return noGroup;
    const values: Record<string, unknown> = {};
    const list: unknown[] = [];
    for (const [f, read] of readers) {
      const v = read(doc);
      values[f] = v;
      list.push(v);
    }
    return { key: JSON.stringify(list), values };
  };
  const cfg = detectorConfig(def);
  return {
    def, ast, test, regex: re, groupOf, input,
    detector: createDetector(cfg),
    lifecycle: new RuleLifecycle(def),
    nextAdvance: -Infinity,
    advanceEvery: Math.max(1000, Math.floor(cfg.windowMs / 20)),
  };
}

/** How long a group quiet for this long stays known (flatline: stops firing then): a day, or three windows and baselines when longer. */
export function groupTtlMs(def: RuleDef): number {
  return Math.max(24 * 3_600_000, 3 * ((def.window_ms ?? RULE_DEFAULTS.window_ms) + (def.baseline_ms ?? 0)));
}
