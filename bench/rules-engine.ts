/**
 * Events per second through the rules engine with 1, 10, 100 and 1000 rules (a mix of keyword filters,
 * ranges, wildcards, regexes and group_by over threshold, pattern, spike, flatline, new_term, change,
 * cardinality, metric and ratio rules), single
 * thread, on pre-parsed events. Most rules name a field value the index can file them under (as in
 * real rule sets: event codes, services); a few are free text that every event must meet. The baseline,
 * measured in the same run, is the engine with one rule; the table shows how the cost per event grows.
 */
import { parseRulesText } from '../rules/load/rules-file';
import type { LoadedRules } from '../rules/types';
import { validateWhere } from '../rules/kql/validate-where';
import { RulesEngine } from '../rules/engine';
import { silentLogger } from '../src/core/log';

const SERVICES = Array.from({ length: 60 }, (_, i) => ['payments', 'auth', 'search', 'checkout', 'cart', 'mail', 'api', 'web'][i % 8] + (i >= 8 ? `-${i}` : ''));
const LEVELS = ['info', 'info', 'info', 'warn', 'error', 'debug'];

export function events(n: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 5).toISOString();
    if (i % 2 === 0) {
      out.push({ '@timestamp': ts, event: { code: String(4600 + (i % 300)) }, winlog: { channel: i % 3 === 0 ? 'Security' : 'System', event_data: { TargetUserName: `user${i % 97}` } }, host: { name: `dc${i % 7}`, ip: `10.9.${Math.floor(i / 50_000)}.${i % 7}` }, message: 'An account failed to log on.' });
    } else {
      out.push({ '@timestamp': ts, log: { level: LEVELS[i % LEVELS.length] }, service: { name: SERVICES[i % SERVICES.length] }, host: { name: `web${i % 11}` }, message: `request ${i} finished in ${i % 997} ms`, http: { response: { status_code: i % 13 === 0 ? 500 : 200 } } });
    }
  }
  return out;
}

/** `n` rules: mostly filters on values the index can file them under, some that every event must meet. */
export function rulesYaml(n: number): string {
  const lines = ['rules:'];
  for (let i = 0; i < n; i++) {
    const k = i % 20;
    const code = 4600 + ((i * 7) % 300);
    if (k === 8) {
      // distinct accounts per host: exact counting (97 accounts, below the exact limit)
      lines.push(`  - id: r${i}`, '    type: cardinality', `    where: 'event.code: ${code} and winlog.channel: Security'`, '    group_by: [host.name]', '    field: winlog.event_data.TargetUserName', `    max: ${1000 + i}`, '    window: 5m');
    } else if (k === 9) {
      // a percentile over a window: the values kept in order
      lines.push(`  - id: r${i}`, '    type: metric', `    where: 'log.level: warn and service.name: ${SERVICES[i % SERVICES.length]}'`, '    group_by: [host.name]', '    field: http.response.status_code', '    agg: p95', '    above: 600', '    window: 5m');
    } else if (k === 13) {
      lines.push(`  - id: r${i}`, '    type: ratio', `    of: 'log.level: error and service.name: ${SERVICES[i % SERVICES.length]}'`, "    where: 'http.response.status_code >= 500'", '    group_by: [host.name]', '    threshold: 0.5', '    min_count: 1000', '    window: 5m');
    } else if (k === 7) {
      // a user's first logon on a host: a term per (host, user), learned from every matching event
      lines.push(`  - id: r${i}`, '    type: new_term', `    where: 'event.code: ${code} and winlog.channel: Security'`, '    group_by: [host.name]', '    fields: [winlog.event_data.TargetUserName]', '    history: 7d');
    } else if (k === 12) {
      // a host's address changes (every 50,000 events in this data), watched on a few of its events
      lines.push(`  - id: r${i}`, '    type: change', `    where: 'event.code: ${code + 1} and winlog.channel: System'`, '    group_by: [host.name]', '    field: host.ip', '    realert: 1h');
    } else if (k < 10) {
      lines.push(`  - id: r${i}`, '    type: threshold', `    where: 'event.code: ${code} and winlog.channel: Security'`, '    group_by: [winlog.event_data.TargetUserName]', `    threshold: ${1000 + i}`, '    window: 5m');
    } else if (k < 14) {
      lines.push(`  - id: r${i}`, '    type: spike', `    where: 'log.level: error and service.name: ${SERVICES[i % SERVICES.length]}'`, '    group_by: [host.name]', '    window: 1m', '    baseline: 30m', '    ratio: 50', '    min_count: 100000');
    } else if (k < 16) {
      lines.push(`  - id: r${i}`, '    type: pattern', `    where: 'event.code: (${code} or ${code + 1}) and host.name: dc*'`, `    regex: { field: message, pattern: 'failed to log on|locked out ${i}' }`, '    group_by: [host.name]', '    realert: 1h');
    } else if (k < 18) {
      lines.push(`  - id: r${i}`, '    type: threshold', `    where: 'service.name: ${SERVICES[i % SERVICES.length]} and http.response.status_code >= 500'`, '    group_by: [host.name]', `    threshold: ${100000 + i}`, '    window: 5m');
    } else if (k < 19) {
      lines.push(`  - id: r${i}`, '    type: flatline', `    where: 'event.code: ${code} and winlog.channel: System'`, '    group_by: [host.name]', '    window: 10m');
    } else if (i < 40) {
      // free text, not filed under any value: every event meets these (a few in any rule set)
      lines.push(`  - id: r${i}`, '    type: pattern', `    where: 'message: *overflow${i}*'`, '    realert: 1h');
    } else {
      lines.push(`  - id: r${i}`, '    type: pattern', `    where: 'service.name: ${SERVICES[i % SERVICES.length]} and message: *overflow*'`, '    realert: 1h');
    }
  }
  return `${lines.join('\n')}\n`;
}

function rulesOf(n: number): LoadedRules {
  const { rules, problems } = parseRulesText(rulesYaml(n), 'bench-rules.yaml', { validateWhere, env: {} });
  if (!rules || problems.length) throw new Error(`bench rules: ${problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('; ')}`);
  return rules;
}

function measure(docs: Array<Record<string, unknown>>, rules: LoadedRules | null): number {
  const engine = new RulesEngine(silentLogger());
  if (rules) engine.use(rules);
  // warm-up, then the best of 3
  for (let i = 0; i < Math.min(20_000, docs.length); i++) engine.processDoc(docs[i]);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const e = new RulesEngine(silentLogger());
    if (rules) e.use(rules);
    const t = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i++) e.processDoc(docs[i]);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return docs.length / best;
}

export function rulesEngineBench(out: (s: string) => void): void {
  const docs = events(Number(process.env.VIGIL_BENCH_RULE_EVENTS ?? 300_000));
  out(`\n## rules engine: pre-parsed events through 1, 10, 100 and 1000 rules (single thread, ${docs.length.toLocaleString('en-US')} events)\n`);
  const base = measure(docs, rulesOf(1));
  let prev: { n: number; eps: number } | null = null;
  for (const n of (process.env.VIGIL_BENCH_RULE_COUNTS ?? '1,10,100,1000').split(',').map(Number)) {
    const eps = measure(docs, rulesOf(n));
    const growth = prev ? `  cost per event x${(base / eps / (base / prev.eps)).toFixed(2)} for x${n / prev.n} rules` : '';
    out(`${`${n} rule${n > 1 ? 's' : ''}`.padEnd(10)} ${Math.round(eps).toLocaleString('en-US').padStart(12)} events/s  ${(eps / base).toFixed(2)}x of 1 rule${growth}${n === 100 ? `  (target >= 1,000,000 events/s)` : ''}\n`);
    prev = { n, eps };
  }
}

if (require.main === module) rulesEngineBench((s) => process.stdout.write(s));
