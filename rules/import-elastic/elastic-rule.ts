import { parse, TomlError } from 'smol-toml';

/**
 * The fields of a prebuilt rule of elastic/detection-rules (one TOML file: a [metadata] table and a
 * [rule] table, as Kibana's detection engine takes them) that the import reads. Everything else in
 * the file (investigation notes, MITRE mappings, osquery transforms) is left aside.
 */
export interface ElasticRule {
  file: string;
  rule_id: string;
  name: string;
  type: string;
  language?: string;
  query?: string;
  description?: string;
  severity?: string;
  references: string[];
  tags: string[];
  index: string[];
  /** the lookback of each run, as Kibana's date math (`now-9m`) */
  from?: string;
  maturity?: string;
  threshold?: { field: string[]; value: number; cardinality: Array<{ field: string; value: number }> };
  /** Kibana filters (DSL or filter objects) ANDed with the query */
  filters: unknown[];
  /** references to exception lists kept in Kibana */
  exceptions: number;
  alert_suppression?: { group_by: string[]; duration?: { value: number; unit: string } };
}

/** A file that is not a prebuilt rule: which file, and what is wrong with it (and where, for TOML syntax). */
export class ElasticRuleError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ElasticRuleError';
  }
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Reads one rule file's text; throws ElasticRuleError naming the file and the field. */
export function readElasticRule(text: string, file: string): ElasticRule {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    if (err instanceof TomlError) throw new ElasticRuleError(file, `TOML syntax error at line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}`);
    throw err;
  }
  const rule = doc.rule;
  if (!isTable(rule)) throw new ElasticRuleError(file, 'no [rule] table: not a detection rule');
  const field = (key: string): string => `rule.${key}`;

  const str = (key: string, required: boolean): string | undefined => {
    const v = rule[key];
    if (v === undefined) {
      if (required) throw new ElasticRuleError(file, `${field(key)} is missing`);
      return undefined;
    }
    if (typeof v !== 'string') throw new ElasticRuleError(file, `${field(key)} must be a string`);
    return v;
  };
  const strList = (key: string, v: unknown = rule[key]): string[] => {
    if (v === undefined) return [];
    if (typeof v === 'string') return v === '' ? [] : [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ElasticRuleError(file, `${field(key)} must be a list of strings`);
    return v as string[];
  };

  const out: ElasticRule = {
    file,
    rule_id: str('rule_id', false) ?? '',
    name: str('name', true)!,
    type: str('type', true)!,
    language: str('language', false),
    query: str('query', false),
    description: str('description', false),
    severity: str('severity', false),
    references: strList('references'),
    tags: strList('tags'),
    index: strList('index'),
    from: str('from', false),
    maturity: isTable(doc.metadata) && typeof doc.metadata.maturity === 'string' ? doc.metadata.maturity : undefined,
    filters: Array.isArray(rule.filters) ? rule.filters : [],
    exceptions: Array.isArray(rule.exceptions_list) ? rule.exceptions_list.length : 0,
  };

  if (rule.threshold !== undefined) {
    const t = rule.threshold;
    if (!isTable(t)) throw new ElasticRuleError(file, 'rule.threshold must be a table');
    if (typeof t.value !== 'number' || !Number.isFinite(t.value)) throw new ElasticRuleError(file, 'rule.threshold.value must be a number');
    const card = t.cardinality === undefined ? [] : t.cardinality;
    if (!Array.isArray(card) || card.some((c) => !isTable(c) || typeof c.field !== 'string' || typeof c.value !== 'number')) {
      throw new ElasticRuleError(file, 'rule.threshold.cardinality must be a list of { field, value }');
    }
    out.threshold = { field: strList('threshold.field', t.field), value: t.value, cardinality: card as Array<{ field: string; value: number }> };
  }

  const s = rule.alert_suppression;
  if (s !== undefined) {
    if (!isTable(s)) throw new ElasticRuleError(file, 'rule.alert_suppression must be a table');
    const d = s.duration;
    out.alert_suppression = { group_by: strList('alert_suppression.group_by', s.group_by) };
    if (isTable(d) && typeof d.value === 'number' && typeof d.unit === 'string') out.alert_suppression.duration = { value: d.value, unit: d.unit };
  }
  return out;
}
