/**
 * Loading and validating rules.yaml (SPEC section 3), with a position for every problem
 * (SPEC 3.6: `rules.yaml:LINE:COL: message`).
 *
 * - `${VAR}` / `${VAR:-default}` are substituted in the `notifiers` section only (that is where
 *   connection secrets such as a webhook's HMAC secret live); `where` and `regex` are taken
 *   literally.
 * - Defaults are merged shallowly into each rule (a rule's own key wins).
 * - Regexes are compiled, and rejected when prone to catastrophic (exponential) backtracking; see
 *   {@link regexBacktrackingRisk}.
 * - `where` is KQL; its parser lives elsewhere and is plugged in through `opts.validateWhere`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isScalar, type Node } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { parseDuration, formatDuration } from '../src/duration';
import {
  ConfigError,
  displayPath,
  durationSizeMessages,
  getAjv,
  pruneEmptied,
  pruneNulls,
  redactSecrets,
  registerSecrets,
  schemaProblems,
  secretValuesOf,
  substituteEnv,
  YamlSource,
  type YamlPath,
} from '../src/config/load';
import type { FileProblem } from '../src/config/types';
import { hasUserinfo } from '../src/config/url-userinfo';
import rulesSchema from './rules.schema.json';

// ---------------------------------------------------------------------------------------------
// types

export type RuleType = 'pattern' | 'threshold' | 'spike' | 'flatline';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface EmailNotifierDef {
  name: string;
  type: 'email';
  to: string[];
  cc: string[];
  bcc: string[];
  /** overrides smtp.from of vigil.yaml */
  from?: string;
  /** template: {{rule}}, {{severity}}, {{group}}, {{count}}, {{state}} (default "[{{severity}}] {{rule}} on {{group}}") */
  subject: string;
  line: number;
  col: number;
}

export interface WebhookNotifierDef {
  name: string;
  type: 'webhook';
  url: string;
  format: 'json' | 'slack' | 'teams'; // default json
  method: 'POST' | 'PUT'; // default POST
  headers: Record<string, string>;
  /** HMAC-SHA256 key for X-Vigil-Signature */
  secret?: string;
  timeout_ms: number; // default 10 s
  /**
   * retries after the first try before a notification is given up (moved to failed/); absent: it is
   * retried until the receiver accepts or refuses it for good (the default: a late alert beats a lost one)
   */
  retries?: number;
  line: number;
  col: number;
}

export type NotifierDef = EmailNotifierDef | WebhookNotifierDef;

export interface RuleExample {
  /** events as written (field paths may be dotted) */
  events: Array<Record<string, unknown>>;
  repeat: number; // default 1
  every_ms: number; // default 1000
  expect: number;
  line: number;
  col: number;
}

export interface RuleDef {
  id: string;
  description?: string;
  type: RuleType;
  /** KQL; '' selects every event */
  where: string;
  regex?: { field: string; pattern: string; flags: string };
  group_by: string[];
  /** threshold: fire when count >= threshold; flatline: when count < threshold (default 1) */
  threshold?: number;
  window_ms?: number;
  baseline_ms?: number;
  ratio?: number; // spike, default 3
  min_count?: number; // spike, default 1
  direction: 'up' | 'down' | 'both'; // default up
  severity: Severity; // default medium
  /** notifier names, each a key of LoadedRules.notifiers */
  notify: string[];
  notify_resolved: boolean; // default false
  realert_ms: number; // default 60000
  group_window_ms?: number;
  allowed_lateness_ms: number; // default 60000
  enabled: boolean; // default true
  tags: string[];
  examples: RuleExample[];
  /** where the rule is: the file label and the position of its `id` */
  file: string;
  line: number;
  col: number;
  /** where the `where` string starts (for messages about it) */
  where_line?: number;
  where_col?: number;
  /** hash of the resolved definition (everything but examples and positions): unchanged → same fingerprint */
  fingerprint: string;
}

export interface LoadedRules {
  /** the file label the rules were read from */
  source: string;
  /** the `defaults` section as written (durations unparsed) */
  defaults: Record<string, unknown>;
  notifiers: Record<string, NotifierDef>;
  rules: RuleDef[];
}

/** KQL syntax check: `offset` is the index in `where` of the fault, or null when the query is fine. */
export type WhereValidator = (where: string) => { offset: number; message: string } | null;

export interface RulesLoadOptions {
  /** environment for `${VAR}` in notifiers (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** an unset variable without default: a problem (default) or '' (e.g. for backtest / test-rules, which send nothing) */
  unsetEnv?: 'error' | 'empty';
  /** KQL checker; without it `where` is only checked to be a string */
  validateWhere?: WhereValidator;
  /** base directory for relative `path` in loadRulesFile (default process.cwd()) */
  cwd?: string;
}

export const DEFAULT_SUBJECT = '[{{severity}}] {{rule}} on {{group}}';

// ---------------------------------------------------------------------------------------------
// loading

let rulesValidator: ValidateFunction | undefined;
function getRulesValidator(): ValidateFunction {
  if (!rulesValidator) rulesValidator = getAjv().compile(rulesSchema);
  return rulesValidator;
}

/** Reads, validates and resolves a rules file; throws ConfigError (with `problems`) on any problem. */
export function loadRulesFile(file: string, opts: RulesLoadOptions = {}): LoadedRules {
  const r = checkRulesFile(file, opts);
  if (!r.rules) throw new ConfigError(r.problems);
  return r.rules;
}

/** Like loadRulesFile, without throwing: `rules` is set only when there is no problem. */
export function checkRulesFile(file: string, opts: RulesLoadOptions = {}): { rules?: LoadedRules; problems: FileProblem[] } {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(opts.cwd ?? process.cwd(), file), 'utf8');
  } catch (e) {
    return { problems: [{ file, line: 1, col: 1, message: `cannot read file: ${(e as Error).message}` }] };
  }
  return parseRulesText(text, file, opts);
}

const ID_PATTERN = (rulesSchema.definitions.rule.properties.id as { pattern: string }).pattern;
const NOTIFIER_NAME_PATTERN = rulesSchema.properties.notifiers.propertyNames.pattern;

/** Validates rules text; `fileLabel` is what problems are reported against. */
export function parseRulesText(
  text: string,
  fileLabel: string,
  opts: RulesLoadOptions = {},
): { rules?: LoadedRules; problems: FileProblem[] } {
  const src = new YamlSource(text.replace(/^\uFEFF/, ''), fileLabel);
  if (!src.syntaxOk) return { problems: src.finish() };
  const emptied = substituteEnv(src, {
    env: opts.env ?? process.env,
    unset: opts.unsetEnv ?? 'error',
    include: (p) => p[0] === 'notifiers',
  });
  let data = src.toJS();
  if (data === undefined) data = {};
  pruneNulls(data);
  pruneEmptied(data, emptied);
  const validate = getRulesValidator();
  if (!validate(data)) {
    schemaProblems(src, validate, data, {
      rootSchema: rulesSchema,
      patternMessages: {
        ...durationSizeMessages(rulesSchema.definitions.duration.pattern, '^$'),
        [ID_PATTERN]: (v, where) => `${where}: rule id ${JSON.stringify(v)} may contain only lower-case letters, digits and "-"`,
        [NOTIFIER_NAME_PATTERN]: (v) => `notifier name ${JSON.stringify(v)} may contain only letters, digits, "_", "." and "-"`,
        '^[imsu]*$': (v, where) => `${where}: regex flags ${JSON.stringify(v)} may only use i, m, s and u`,
      },
    });
  }
  const root = asObj(data);
  const notifiers = buildNotifiers(src, asObj(root.notifiers));
  const defaults = asObj(root.defaults);
  const rules = buildRules(src, defaults, Array.isArray(root.rules) ? root.rules : [], notifiers, opts);
  const problems = src.finish();
  if (problems.length > 0) return { problems };
  const loaded: LoadedRules = { source: fileLabel, defaults, notifiers, rules };
  registerSecrets(loaded, src.secretValues);
  return { rules: loaded, problems };
}

/** A copy of the loaded rules safe to show (webhook secrets, auth headers, env secrets redacted). */
export function redactRules(r: LoadedRules): unknown {
  return redactSecrets(r, secretValuesOf(r));
}

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function posOf(src: YamlSource, node: Node | undefined): { line: number; col: number } {
  return node?.range ? src.pos(node.range[0]) : { line: 1, col: 1 };
}

function buildNotifiers(src: YamlSource, raw: Obj): Record<string, NotifierDef> {
  const out: Record<string, NotifierDef> = {};
  for (const [name, v] of Object.entries(raw)) {
    const o = asObj(v);
    const p: YamlPath = ['notifiers', name];
    const { line, col } = posOf(src, src.nodeAt(p, { key: true }));
    if (o.type === 'email') {
      const n: EmailNotifierDef = {
        name,
        type: 'email',
        to: strings(o.to),
        cc: strings(o.cc),
        bcc: strings(o.bcc),
        subject: typeof o.subject === 'string' ? o.subject : DEFAULT_SUBJECT,
        line,
        col,
      };
      if (typeof o.from === 'string') n.from = o.from;
      for (const k of ['to', 'cc', 'bcc'] as const) {
        n[k].forEach((addr, i) => {
          if (addr && !/^[^@\s]+@[^@\s]+$/.test(addr.replace(/^.*<([^>]*)>\s*$/, '$1'))) {
            src.problemAtPath([...p, k, i], `notifiers.${name}.${k}[${i}] ${JSON.stringify(addr)} is not an email address`, { value: true });
          }
        });
      }
      out[name] = n;
    } else if (o.type === 'webhook') {
      let timeout = 10_000;
      if (o.timeout !== undefined) {
        try {
          timeout = parseDuration(o.timeout as string | number);
        } catch (e) {
          src.problemAtPath([...p, 'timeout'], `notifiers.${name}.timeout: ${(e as Error).message}`, { value: true });
        }
      }
      // a webhook URL is a credential (Slack's and Teams' carry their token in the path): problems name the notifier, never the URL
      const url = typeof o.url === 'string' ? o.url : '';
      const urlNode = src.nodeAt([...p, 'url']);
      if (url) src.secretValues.add(url);
      if (url && !src.hasValueProblem(urlNode) && !isHttpUrl(url)) {
        src.problemAtPath([...p, 'url'], `notifiers.${name}.url is not an http(s) URL`, { value: true });
      } else if (url && hasUserinfo(url)) {
        src.problemAtPath([...p, 'url'], `notifiers.${name}.url must not carry "user:password@" (HTTP clients refuse it): send the credentials in headers.Authorization`, { value: true });
      }
      const headers: Record<string, string> = {};
      for (const [k, hv] of Object.entries(asObj(o.headers))) if (typeof hv === 'string') headers[k] = hv;
      const n: WebhookNotifierDef = {
        name,
        type: 'webhook',
        url,
        format: o.format === 'slack' || o.format === 'teams' ? o.format : 'json',
        method: o.method === 'PUT' ? 'PUT' : 'POST',
        headers,
        timeout_ms: timeout,
        line,
        col,
      };
      if (typeof o.secret === 'string' && o.secret !== '') n.secret = o.secret;
      if (typeof o.retries === 'number') n.retries = o.retries;
      out[name] = n;
    }
  }
  return out;
}

const TYPE_NEEDS: Record<RuleType, string[]> = {
  pattern: [],
  threshold: ['threshold', 'window'],
  spike: ['window', 'baseline'],
  flatline: ['window'],
};

function buildRules(
  src: YamlSource,
  defaults: Obj,
  list: unknown[],
  notifiers: Record<string, NotifierDef>,
  opts: RulesLoadOptions,
): RuleDef[] {
  const out: RuleDef[] = [];
  const ids = new Map<string, number>();
  const checkedWhere = new Set<Node | undefined>();
  const checkedRegex = new Set<Node | undefined>();

  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return; // reported by the schema
    const own = asObj(item);
    const rulePath: YamlPath = ['rules', i];
    const ruleNode = src.nodeAt(rulePath);
    /** where a key of the merged rule comes from: the rule itself, or the defaults */
    const origin = (k: string): YamlPath => (k in own ? [...rulePath, k] : ['defaults', k]);
    const merged: Obj = { ...defaults, ...own };
    const idNode = src.nodeAt([...rulePath, 'id']);
    const id = typeof own.id === 'string' ? own.id : '';
    const label = id ? `rule "${id}"` : `rules[${i}]`;
    let bad = false;
    const fail = (p: YamlPath | Node | undefined, message: string, value = true): void => {
      bad = true;
      if (Array.isArray(p)) src.problemAtPath(p, message, { value });
      else if (value) src.valueProblem(p, message);
      else src.problemAt(p, message);
    };

    if (id) {
      const prev = ids.get(id);
      if (prev !== undefined) {
        const prevPos = posOf(src, src.nodeAt(['rules', prev, 'id']));
        fail(idNode, `duplicate rule id "${id}" (first defined at line ${prevPos.line})`, false);
      } else {
        ids.set(id, i);
      }
    }

    // durations
    const dur = (k: string): number | undefined => {
      const v = merged[k];
      if (v === undefined || v === null) return undefined;
      try {
        return parseDuration(v as string | number);
      } catch (e) {
        fail(origin(k), `${displayPath(origin(k))}: ${(e as Error).message}`);
        return undefined;
      }
    };
    const window_ms = dur('window');
    const baseline_ms = dur('baseline');
    const realert_ms = dur('realert');
    const group_window_ms = dur('group_window');
    const allowed_lateness_ms = dur('allowed_lateness');

    // type and the keys it needs
    const type = typeof merged.type === 'string' && merged.type in TYPE_NEEDS ? (merged.type as RuleType) : undefined;
    if (merged.type === undefined) {
      fail(ruleNode, `${label} has no "type" (one of: pattern, threshold, spike, flatline)`, false);
    } else if (type) {
      const missing = TYPE_NEEDS[type].filter((k) => merged[k] === undefined || merged[k] === null);
      if (missing.length) {
        fail(ruleNode, `${type} ${label} needs ${missing.map((k) => `"${k}"`).join(' and ')}`, false);
      }
      if (type === 'pattern' && (merged.where === undefined || merged.where === '') && merged.regex === undefined) {
        fail(ruleNode, `pattern ${label} needs "where" or "regex" (it would fire on every event)`, false);
      }
      if ((type === 'threshold' || type === 'flatline') && typeof merged.threshold === 'number' && merged.threshold < 1) {
        fail(origin('threshold'), `${displayPath(origin('threshold'))} must be at least 1 for a ${type} rule`);
      }
      if (window_ms !== undefined && window_ms <= 0 && type !== 'pattern') {
        fail(origin('window'), `${displayPath(origin('window'))} must be longer than 0`);
      }
      if (type === 'spike' && window_ms && baseline_ms !== undefined && baseline_ms < window_ms) {
        fail(
          origin('baseline'),
          `${displayPath(origin('baseline'))} (${formatDuration(baseline_ms)}) must be at least as long as window (${formatDuration(window_ms)})`,
        );
      }
    }

    // notifiers
    const notify = strings(merged.notify);
    notify.forEach((name, j) => {
      if (!(name in notifiers)) {
        const known = Object.keys(notifiers);
        fail(
          [...origin('notify'), j],
          `unknown notifier "${name}" (${known.length ? `defined: ${known.join(', ')}` : 'no notifiers are defined'})`,
        );
      }
    });

    // where (KQL)
    const where = typeof merged.where === 'string' ? merged.where : '';
    const whereNode = src.nodeAt(origin('where'));
    if (opts.validateWhere && where.trim() !== '' && whereNode && !checkedWhere.has(whereNode)) {
      checkedWhere.add(whereNode);
      let err: { offset: number; message: string } | null = null;
      try {
        err = opts.validateWhere(where);
      } catch (e) {
        err = { offset: 0, message: (e as Error).message };
      }
      if (err) {
        bad = true;
        src.problemInScalar(whereNode, Math.max(0, Math.min(err.offset, where.length)), `invalid KQL in where: ${err.message}`);
        src.markReported(whereNode);
      }
    } else if (whereNode && checkedWhere.has(whereNode) && src.hasValueProblem(whereNode)) {
      bad = true;
    }

    // regex
    let regex: RuleDef['regex'];
    const rx = asObj(merged.regex);
    if (typeof rx.field === 'string' && typeof rx.pattern === 'string') {
      const flags = typeof rx.flags === 'string' ? rx.flags : '';
      regex = { field: rx.field, pattern: rx.pattern, flags };
      const pNode = src.nodeAt([...origin('regex'), 'pattern']);
      if (!checkedRegex.has(pNode) && /^[imsu]*$/.test(flags)) {
        checkedRegex.add(pNode);
        const problem = checkRegex(rx.pattern, flags);
        if (problem) {
          bad = true;
          if (pNode && isScalar(pNode)) src.problemInScalar(pNode, problem.offset, problem.message);
          else src.problemAt(pNode, problem.message);
        }
      }
    }

    // examples
    const examples: RuleExample[] = [];
    (Array.isArray(own.examples) ? own.examples : []).forEach((ex, j) => {
      const e = asObj(ex);
      const p: YamlPath = [...rulePath, 'examples', j];
      let every = 1000;
      if (e.every !== undefined) {
        try {
          every = parseDuration(e.every as string | number);
        } catch (err) {
          fail([...p, 'every'], `${displayPath([...p, 'every'])}: ${(err as Error).message}`);
        }
      }
      const { line, col } = posOf(src, src.nodeAt(p));
      examples.push({
        events: (Array.isArray(e.events) ? e.events : []).filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)),
        repeat: typeof e.repeat === 'number' ? e.repeat : 1,
        every_ms: every,
        expect: typeof e.expect === 'number' ? e.expect : 0,
        line,
        col,
      });
    });

    if (bad || !type || !id) return;
    const { line, col } = posOf(src, idNode);
    const rule: RuleDef = {
      id,
      type,
      where,
      group_by: strings(merged.group_by),
      direction: merged.direction === 'down' || merged.direction === 'both' ? merged.direction : 'up',
      severity: SEVERITIES.includes(merged.severity as Severity) ? (merged.severity as Severity) : 'medium',
      notify,
      notify_resolved: merged.notify_resolved === true,
      realert_ms: realert_ms ?? 60_000,
      allowed_lateness_ms: allowed_lateness_ms ?? 60_000,
      enabled: merged.enabled !== false,
      tags: strings(merged.tags),
      examples,
      file: src.file,
      line,
      col,
      fingerprint: '',
    };
    if (typeof own.description === 'string') rule.description = own.description;
    if (regex) rule.regex = regex;
    if (window_ms !== undefined) rule.window_ms = window_ms;
    if (baseline_ms !== undefined) rule.baseline_ms = baseline_ms;
    if (group_window_ms !== undefined) rule.group_window_ms = group_window_ms;
    if (typeof merged.threshold === 'number') rule.threshold = merged.threshold;
    else if (type === 'flatline') rule.threshold = 1;
    if (type === 'spike') {
      rule.ratio = typeof merged.ratio === 'number' ? merged.ratio : 3;
      rule.min_count = typeof merged.min_count === 'number' ? merged.min_count : 1;
    } else {
      if (typeof merged.ratio === 'number') rule.ratio = merged.ratio;
      if (typeof merged.min_count === 'number') rule.min_count = merged.min_count;
    }
    if (whereNode?.range) {
      const wp = src.pos(isScalar(whereNode) && (whereNode.type === 'QUOTE_DOUBLE' || whereNode.type === 'QUOTE_SINGLE') ? whereNode.range[0] + 1 : whereNode.range[0]);
      rule.where_line = wp.line;
      rule.where_col = wp.col;
    }
    rule.fingerprint = ruleFingerprint(rule);
    out.push(rule);
  });
  return out;
}

/** Stable hash of a rule's resolved definition (examples and positions excluded). */
export function ruleFingerprint(rule: RuleDef): string {
  const { examples: _e, file: _f, line: _l, col: _c, where_line: _wl, where_col: _wc, fingerprint: _fp, ...def } = rule;
  return createHash('sha256').update(stableJson(def)).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as Obj)
      .sort()
      .filter((k) => (v as Obj)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// regex checks

/** Compiles the regex and looks for catastrophic backtracking; returns the problem, or null. */
export function checkRegex(pattern: string, flags = ''): { offset: number; message: string } | null {
  if (/[gy]/.test(flags)) return { offset: 0, message: `regex flags "g" and "y" are not allowed (they make matching stateful)` };
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return { offset: 0, message: `invalid regex: ${(e as Error).message}` };
  }
  const risk = regexBacktrackingRisk(pattern, flags);
  if (risk) {
    return {
      offset: risk.offset,
      message: `regex is prone to catastrophic backtracking: ${JSON.stringify(risk.fragment)} can match the same text in exponentially many ways (nested or overlapping quantifiers); rewrite it so that each character can be matched by one path only`,
    };
  }
  return null;
}

// A small JavaScript-regex parser and an exponential-ambiguity (EDA) check.
//
// The pattern is turned into a position automaton (Glushkov construction) that keeps, for each
// transition, how many distinct ways the backtracking matcher can take it (capped at 2): `(a+)+`
// gives the a→a transition twice (inner and outer loop). Exponential backtracking is possible
// iff some state q can loop back to itself along two different paths reading the same text,
// which is checked on the product automaton: a strongly connected component that holds a
// diagonal pair (q,q) and either an off-diagonal pair (p,p') or a doubled diagonal transition.
// Lookarounds, anchors and back-references are treated as matching the empty string; `{n,m}`
// is expanded when small, otherwise treated as `{n,}`. Polynomial blow-ups (`.*a.*a.*a`) are not
// reported.

type Ranges = Array<[number, number]>;
type RNode =
  | { k: 'set'; set: Ranges }
  | { k: 'seq'; items: RNode[] }
  | { k: 'alt'; alts: RNode[] }
  | { k: 'rep'; body: RNode; min: number; max: number; start: number; end: number }
  | { k: 'empty' };

const MAX_CP = 0x10ffff;
const DIGIT: Ranges = [[48, 57]];
const WORD: Ranges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
const SPACE: Ranges = normalise([
  [9, 13],
  [32, 32],
  [160, 160],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
const LINE_TERMINATORS: Ranges = [
  [10, 10],
  [13, 13],
  [0x2028, 0x2029],
];

function normalise(r: Ranges): Ranges {
  const s = r.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [a, b] of normalise(r)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function intersects(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

function caseFold(r: Ranges): Ranges {
  const extra: Ranges = [];
  for (const [a, b] of r) {
    const lo = Math.max(a, 97);
    const hi = Math.min(b, 122);
    if (lo <= hi) extra.push([lo - 32, hi - 32]);
    const LO = Math.max(a, 65);
    const HI = Math.min(b, 90);
    if (LO <= HI) extra.push([LO + 32, HI + 32]);
  }
  return normalise([...r, ...extra]);
}

class RegexParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly flags: string,
  ) {}

  parse(): RNode {
    const n = this.alt();
    if (this.i < this.s.length) throw new Error('unexpected )');
    return n;
  }

  private alt(): RNode {
    const alts = [this.seq()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.seq());
    }
    return alts.length === 1 ? alts[0] : { k: 'alt', alts };
  }

  private seq(): RNode {
    const items: RNode[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const start = this.i;
      let atom = this.atom();
      for (;;) {
        const q = this.quantifier();
        if (!q) break;
        atom = { k: 'rep', body: atom, min: q[0], max: q[1], start, end: this.i };
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0] : { k: 'seq', items };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.s[this.i];
    let q: [number, number] | undefined;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q) {
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return undefined;
      this.i += m[0].length;
      q = [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3])];
    } else {
      return undefined;
    }
    if (this.s[this.i] === '?') this.i++; // lazy
    return q;
  }

  private set(r: Ranges): RNode {
    return { k: 'set', set: this.flags.includes('i') ? caseFold(r) : normalise(r) };
  }

  private atom(): RNode {
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (this.s[this.i] === '?') {
        const rest = this.s.slice(this.i);
        if (rest.startsWith('?:')) this.i += 2;
        else if (rest.startsWith('?=') || rest.startsWith('?!')) {
          this.i += 2;
          lookaround = true;
        } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
          this.i += 3;
          lookaround = true;
        } else if (rest.startsWith('?<')) {
          const close = this.s.indexOf('>', this.i);
          if (close < 0) throw new Error('bad group name');
          this.i = close + 1;
        } else {
          const m = /^\?[a-zA-Z-]*:/.exec(rest); // modifiers (?i:...)
          if (!m) throw new Error('unsupported group');
          this.i += m[0].length;
        }
      }
      const body = this.alt();
      if (this.s[this.i] !== ')') throw new Error('missing )');
      this.i++;
      return lookaround ? { k: 'empty' } : body;
    }
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return this.set(this.flags.includes('s') ? [[0, MAX_CP]] : complement(LINE_TERMINATORS));
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { k: 'empty' };
    }
    if (c === '\\') {
      const e = this.escape(false);
      return e === 'empty' ? { k: 'empty' } : this.set(e);
    }
    const cp = this.s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return this.set([[cp, cp]]);
  }

  /** After a backslash; returns the char set, or 'empty' for assertions and back-references. */
  private escape(inClass: boolean): Ranges | 'empty' {
    this.i++; // backslash
    const c = this.s[this.i++];
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'b':
        return inClass ? [[8, 8]] : 'empty';
      case 'B':
        return 'empty';
      case 'n':
        return [[10, 10]];
      case 'r':
        return [[13, 13]];
      case 't':
        return [[9, 9]];
      case 'v':
        return [[11, 11]];
      case 'f':
        return [[12, 12]];
      case '0':
        return [[0, 0]];
      case 'c': {
        const l = this.s.charCodeAt(this.i++);
        return [[l % 32, l % 32]];
      }
      case 'x': {
        const h = parseInt(this.s.slice(this.i, this.i + 2), 16);
        this.i += 2;
        return Number.isNaN(h) ? [[120, 120]] : [[h, h]];
      }
      case 'u': {
        if (this.s[this.i] === '{') {
          const close = this.s.indexOf('}', this.i);
          const h = parseInt(this.s.slice(this.i + 1, close), 16);
          this.i = close + 1;
          return [[h, h]];
        }
        const h = parseInt(this.s.slice(this.i, this.i + 4), 16);
        this.i += 4;
        return Number.isNaN(h) ? [[117, 117]] : [[h, h]];
      }
      case 'p':
      case 'P': {
        if (this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
        return [[0, MAX_CP]]; // over-approximation
      }
      case 'k': {
        if (this.s[this.i] === '<') this.i = this.s.indexOf('>', this.i) + 1;
        return 'empty';
      }
      default: {
        if (c !== undefined && /[1-9]/.test(c)) {
          while (/[0-9]/.test(this.s[this.i] ?? '')) this.i++;
          return inClass ? [[0, MAX_CP]] : 'empty';
        }
        const cp = this.s.codePointAt(this.i - 1) as number;
        if (cp > 0xffff) this.i++;
        return [[cp, cp]];
      }
    }
  }

  private charClass(): RNode {
    this.i++; // [
    if (this.flags.includes('v')) throw new Error('v-flag classes are not analysed');
    let negate = false;
    if (this.s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const ranges: Ranges = [];
    const single = (): Ranges | number => {
      if (this.s[this.i] === '\\') {
        const e = this.escape(true);
        if (e === 'empty') return [];
        return e.length === 1 && e[0][0] === e[0][1] ? e[0][0] : e;
      }
      const cp = this.s.codePointAt(this.i) as number;
      this.i += cp > 0xffff ? 2 : 1;
      return cp;
    };
    while (this.i < this.s.length && this.s[this.i] !== ']') {
      const a = single();
      if (typeof a === 'number' && this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        this.i++;
        const b = single();
        if (typeof b === 'number') ranges.push([a, b]);
        else ranges.push([a, a], [45, 45], ...b);
      } else if (typeof a === 'number') {
        ranges.push([a, a]);
      } else {
        ranges.push(...a);
      }
    }
    if (this.s[this.i] !== ']') throw new Error('missing ]');
    this.i++;
    let set = normalise(ranges);
    if (this.flags.includes('i')) set = caseFold(set);
    return { k: 'set', set: negate ? complement(set) : set };
  }
}

type Counts = Map<number, number>;
interface Info {
  nullable: number;
  first: Counts;
  last: Counts;
}

const MAX_POSITIONS = 400;

class Automaton {
  sets: Ranges[] = [];
  follow: Counts[] = [];

  private add(into: Counts, from: Counts, mult = 1): void {
    if (mult === 0) return;
    for (const [p, c] of from) into.set(p, Math.min(2, (into.get(p) ?? 0) + c * mult));
  }

  private link(last: Counts, first: Counts): void {
    for (const [p, c1] of last) {
      const f = this.follow[p];
      for (const [q, c2] of first) f.set(q, Math.min(2, (f.get(q) ?? 0) + c1 * c2));
    }
  }

  build(n: RNode): Info {
    if (this.sets.length > MAX_POSITIONS) throw new Error('too large');
    switch (n.k) {
      case 'empty':
        return { nullable: 1, first: new Map(), last: new Map() };
      case 'set': {
        const p = this.sets.length;
        this.sets.push(n.set);
        this.follow.push(new Map());
        return { nullable: 0, first: new Map([[p, 1]]), last: new Map([[p, 1]]) };
      }
      case 'alt': {
        const out: Info = { nullable: 0, first: new Map(), last: new Map() };
        for (const a of n.alts) {
          const x = this.build(a);
          out.nullable = Math.min(2, out.nullable + x.nullable);
          this.add(out.first, x.first);
          this.add(out.last, x.last);
        }
        return out;
      }
      case 'seq': {
        let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
        for (const it of n.items) acc = this.concat(acc, this.build(it));
        return acc;
      }
      case 'rep': {
        const { min, max, body } = n;
        if (max === 0) return { nullable: 1, first: new Map(), last: new Map() };
        const size = countSets(body);
        if (max !== Infinity && max * size <= 64) {
          // r{n,m} = r^n (r (r ...)?)?
          let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
          for (let k = 0; k < min; k++) acc = this.concat(acc, this.build(body));
          if (max > min) acc = this.concat(acc, this.optionalChain(body, max - min));
          return acc;
        }
        // r{n,} (or a large r{n,m}) = r^(n-1) r+   (r* = (r+)?)
        let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
        for (let k = 0; k < Math.min(Math.max(min - 1, 0), 2); k++) acc = this.concat(acc, this.build(body));
        const b = this.build(body);
        this.link(b.last, b.first);
        const loop: Info = { nullable: min === 0 ? 1 : b.nullable, first: b.first, last: b.last };
        return this.concat(acc, loop);
      }
    }
  }

  private optionalChain(body: RNode, k: number): Info {
    // (r (rest)?)?
    const b = this.build(body);
    const inner = k > 1 ? this.optionalChain(body, k - 1) : undefined;
    const x = inner ? this.concat(b, inner) : b;
    return { nullable: 1, first: x.first, last: x.last };
  }

  private concat(a: Info, b: Info): Info {
    this.link(a.last, b.first);
    const first: Counts = new Map(a.first);
    this.add(first, b.first, a.nullable);
    const last: Counts = new Map(b.last);
    this.add(last, a.last, b.nullable);
    return { nullable: Math.min(2, a.nullable * b.nullable), first, last };
  }

  /** Exponential degree of ambiguity? (undefined when too large to tell) */
  hasEda(): boolean | undefined {
    const n = this.sets.length;
    const follow = this.follow.map((m) => [...m.entries()]);
    const id = (p: number, q: number): number => p * n + q;
    const adj = new Map<number, number[]>();
    let edges = 0;
    const stack: number[] = [];
    for (let p = 0; p < n; p++) {
      adj.set(id(p, p), []);
      stack.push(id(p, p));
    }
    const seen = new Set<number>(stack);
    while (stack.length) {
      const v = stack.pop() as number;
      const p = Math.floor(v / n);
      const q = v % n;
      const out: number[] = adj.get(v) ?? [];
      adj.set(v, out);
      for (const [p2] of follow[p]) {
        for (const [q2] of follow[q]) {
          if (p2 !== q2 && !intersects(this.sets[p2], this.sets[q2])) continue;
          const w = id(p2, q2);
          out.push(w);
          if (++edges > 2_000_000) return undefined;
          if (!seen.has(w)) {
            seen.add(w);
            stack.push(w);
          }
        }
      }
    }
    // Tarjan's SCC, iterative
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const sccOf = new Map<number, number>();
    const tstack: number[] = [];
    let counter = 0;
    let sccCount = 0;
    for (const start of adj.keys()) {
      if (index.has(start)) continue;
      const work: Array<[number, number]> = [[start, 0]];
      index.set(start, counter);
      low.set(start, counter++);
      tstack.push(start);
      onStack.add(start);
      while (work.length) {
        const top = work[work.length - 1];
        const [v, ei] = top;
        const out = adj.get(v) ?? [];
        if (ei < out.length) {
          top[1]++;
          const w = out[ei];
          if (!index.has(w)) {
            index.set(w, counter);
            low.set(w, counter++);
            tstack.push(w);
            onStack.add(w);
            work.push([w, 0]);
          } else if (onStack.has(w)) {
            low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
          }
        } else {
          work.pop();
          if (work.length) {
            const parent = work[work.length - 1][0];
            low.set(parent, Math.min(low.get(parent) as number, low.get(v) as number));
          }
          if (low.get(v) === index.get(v)) {
            let w: number;
            do {
              w = tstack.pop() as number;
              onStack.delete(w);
              sccOf.set(w, sccCount);
            } while (w !== v);
            sccCount++;
          }
        }
      }
    }
    const hasDiag = new Set<number>();
    const hasOff = new Set<number>();
    for (const [v, c] of sccOf) {
      const p = Math.floor(v / n);
      const q = v % n;
      if (p === q) hasDiag.add(c);
      else if ((adj.get(v) ?? []).some((w) => sccOf.get(w) === c)) hasOff.add(c);
    }
    for (const c of hasDiag) if (hasOff.has(c)) return true;
    // a doubled transition p→p2 inside a cycle
    for (let p = 0; p < n; p++) {
      for (const [p2, count] of follow[p]) {
        if (count >= 2 && sccOf.get(id(p, p)) === sccOf.get(id(p2, p2)) && sccOf.has(id(p, p))) {
          const c = sccOf.get(id(p, p)) as number;
          // the SCC must have a cycle: more than one node or a self loop
          const self = (adj.get(id(p, p)) ?? []).includes(id(p, p));
          const size = [...sccOf.values()].filter((x) => x === c).length;
          if (size > 1 || self) return true;
        }
      }
    }
    return false;
  }
}

function countSets(n: RNode): number {
  switch (n.k) {
    case 'set':
      return 1;
    case 'empty':
      return 0;
    case 'seq':
      return n.items.reduce((a, x) => a + countSets(x), 0);
    case 'alt':
      return n.alts.reduce((a, x) => a + countSets(x), 0);
    case 'rep':
      return countSets(n.body) * (n.max === Infinity ? 2 : Math.max(1, n.max));
  }
}

function edaOf(n: RNode): boolean | undefined {
  try {
    const a = new Automaton();
    a.build(n);
    return a.hasEda();
  } catch {
    return undefined;
  }
}

/**
 * Is the regex prone to catastrophic (exponential) backtracking? Returns the offending
 * sub-pattern (the innermost unbounded repetition that is exponentially ambiguous on its own,
 * or the whole pattern) and its offset in `pattern`, or null when safe / not analysable.
 */
export function regexBacktrackingRisk(pattern: string, flags = ''): { offset: number; fragment: string } | null {
  let ast: RNode;
  try {
    ast = new RegexParser(pattern, flags).parse();
  } catch {
    return null;
  }
  if (edaOf(ast) !== true) return null;
  const reps: Array<Extract<RNode, { k: 'rep' }>> = [];
  const collect = (n: RNode): void => {
    if (n.k === 'rep') {
      reps.push(n);
      collect(n.body);
    } else if (n.k === 'seq') n.items.forEach(collect);
    else if (n.k === 'alt') n.alts.forEach(collect);
  };
  collect(ast);
  const culprits = reps.filter((r) => r.max === Infinity || r.max > 1).filter((r) => edaOf(r) === true);
  culprits.sort((a, b) => a.end - a.start - (b.end - b.start));
  if (culprits.length) return { offset: culprits[0].start, fragment: pattern.slice(culprits[0].start, culprits[0].end) };
  return { offset: 0, fragment: pattern };
}
