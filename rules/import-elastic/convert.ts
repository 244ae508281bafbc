import { parseKql } from '../kql/parse';
import type { ElasticRule } from './elastic-rule';

/** A Vigil rule as rules.yaml writes it (the keys the import sets, in the order it writes them). */
export interface ImportedRule {
  id: string;
  type: 'pattern' | 'threshold';
  description?: string;
  references?: string[];
  where: string;
  group_by?: string[];
  threshold?: number;
  window?: string;
  realert?: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  tags?: string[];
}

export type Conversion =
  | { ok: true; rule: ImportedRule; notes: string[] }
  | { ok: false; reason: string };

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Kibana runs a rule every `interval` over events since `from`; its default lookback is 6 minutes. */
const DEFAULT_FROM = 'now-6m';

/** Why Vigil cannot run a rule of this type. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  eql: 'an EQL rule (event sequences and EQL functions); Vigil reads KQL only',
  esql: 'an ES|QL rule (a piped query with aggregations); Vigil reads KQL only',
  machine_learning: "a machine learning rule: it reads the anomalies of Elastic's ML jobs",
  new_terms: 'a new terms rule: not converted (it asks Elasticsearch for the history of each term)',
  threat_match: 'an indicator match rule: it joins events with threat intelligence indices',
  saved_query: 'a saved query rule: its query is kept in Kibana, not in the file',
};

/** A lower-case id of letters, digits and `-` from the rule's name (Vigil's id syntax). */
export function slugOf(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, 80).replace(/-+$/, '') || 'elastic-rule';
}

/** `now-9m` → `9m` (Kibana's date math, units s m h d). */
function lookback(from: string): string | undefined {
  const m = /^now-(\d+)([smhd])$/.exec(from.trim());
  return m ? `${m[1]}${m[2]}` : undefined;
}

/** Turns one prebuilt rule into a Vigil rule, or says why it cannot. */
export function convertElasticRule(r: ElasticRule, id: string = slugOf(r.name)): Conversion {
  const unsupported = UNSUPPORTED_TYPES[r.type];
  if (unsupported) return { ok: false, reason: unsupported };
  if (r.type !== 'query' && r.type !== 'threshold') return { ok: false, reason: `a rule of type "${r.type}", which Vigil does not know` };
  if (r.language !== 'kuery') return { ok: false, reason: `its query is in ${r.language ?? 'no stated language'}; Vigil reads KQL (language = "kuery") only` };
  if (r.filters.length > 0) return { ok: false, reason: `it has ${r.filters.length} Kibana filter(s) (rule.filters) besides its query, which are not converted` };
  if (r.threshold && r.threshold.cardinality.length > 0) {
    return { ok: false, reason: `a threshold with cardinality (distinct ${r.threshold.cardinality.map((c) => c.field).join(', ')}) besides the count; Vigil's threshold counts events only` };
  }
  const where = (r.query ?? '').trim();
  if (where !== '') {
    try { parseKql(where); } catch (err) { return { ok: false, reason: `its query is not KQL Vigil reads: ${(err as Error).message}` }; }
  }

  const notes: string[] = [];
  const rule: ImportedRule = { id, type: r.type === 'threshold' ? 'threshold' : 'pattern', where };
  const description = r.description?.trim();
  if (description) rule.description = description;
  if (r.references.length) rule.references = r.references;

  if (r.type === 'threshold') {
    const t = r.threshold;
    if (!t) return { ok: false, reason: 'a threshold rule without rule.threshold' };
    if (t.value < 1) return { ok: false, reason: `rule.threshold.value is ${t.value}; it must be at least 1` };
    if (t.field.length) rule.group_by = t.field;
    rule.threshold = t.value;
    const from = r.from ?? DEFAULT_FROM;
    const window = lookback(from);
    if (!window) return { ok: false, reason: `rule.from is "${from}"; the window is read from now-<number><s|m|h|d>` };
    rule.window = window;
  }

  const s = r.alert_suppression;
  if (s && r.type === 'query') {
    if (s.duration && /^[smh]$/.test(s.duration.unit) && s.group_by.length) {
      rule.group_by = s.group_by;
      rule.realert = `${s.duration.value}${s.duration.unit}`;
    } else notes.push('alert suppression without a duration and fields: not converted');
  }

  if (r.severity && (SEVERITIES as readonly string[]).includes(r.severity)) rule.severity = r.severity as ImportedRule['severity'];
  else if (r.severity) notes.push(`severity "${r.severity}" is not one of ${SEVERITIES.join(', ')}: Vigil's default (medium) applies`);
  if (r.tags.length) rule.tags = r.tags;
  if (r.exceptions > 0) notes.push(`its ${r.exceptions} exception list(s) live in Kibana and are not converted`);
  if (r.maturity === 'deprecated') notes.push('Elastic has deprecated this rule');
  return { ok: true, rule, notes };
}
