import { silentLogger } from '../src/core/log';
import type { LoadedRules, RuleDef, RuleExample } from './types';
import { RulesEngine } from './engine';
import { RULE_DEFAULTS } from './defaults';

export interface ExampleResult {
  rule: string;
  example: number;
  line: number;
  expected: number;
  got: number;
  pass: boolean;
}

/**
 * Runs a rule's `examples` (SPEC 3.5) on a simulated clock: each example's events, each repeated
 * `repeat` times `every` apart from its own @timestamp, go through a fresh engine holding only that
 * rule; then event time runs on until every window closed. `expect` is the number of firing alerts
 * the rule would have sent (realert applies; silences do not exist here).
 */
export function runExamples(rules: LoadedRules): ExampleResult[] {
  const out: ExampleResult[] = [];
  for (const rule of rules.rules) {
    rule.examples.forEach((ex, i) => {
      const got = firingAlerts(rules, rule, ex);
      out.push({ rule: rule.id, example: i + 1, line: ex.line, expected: ex.expect, got, pass: got === ex.expect });
    });
  }
  return out;
}

function firingAlerts(rules: LoadedRules, rule: RuleDef, ex: RuleExample): number {
  const engine = new RulesEngine(silentLogger());
  engine.use({ ...rules, rules: [{ ...rule, enabled: true }] });
  let fired = 0;
  const count = (changes: ReturnType<RulesEngine['processDoc']>) => {
    for (const c of changes) if (c.send && c.alert.state === 'firing') fired++;
  };
  const docs: Array<{ t: number; doc: Record<string, unknown> }> = [];
  const base = Date.UTC(2026, 0, 1);
  ex.events.forEach((e, k) => {
    const ts = typeof e['@timestamp'] === 'string' ? Date.parse(e['@timestamp']) : NaN;
    const start = Number.isFinite(ts) ? ts : base + k;
    for (let n = 0; n < ex.repeat; n++) {
      const t = start + n * ex.every_ms;
      docs.push({ t, doc: { ...e, '@timestamp': new Date(t).toISOString() } });
    }
  });
  docs.sort((a, b) => a.t - b.t);
  for (const d of docs) count(engine.processDoc(d.doc));
  // unlike a backtest, an example's clock runs on after its events until every window has closed
  // (so that an example can show a flatline firing on the silence after them)
  if (docs.length > 0) {
    const span = (rule.window_ms ?? RULE_DEFAULTS.window_ms) + (rule.baseline_ms ?? 0) + rule.allowed_lateness_ms;
    count(engine.finish(docs[docs.length - 1].t + 2 * span));
  }
  return fired;
}
