import { eventMappings } from '../../src/core/ecs-fields';

/**
 * How an index's mapping (Vigil's: src/core/ecs-fields.ts, installed by sinks/elasticsearch/template.ts)
 * indexes a field, which decides how KQL compares:
 * - keyword: exact, case-sensitive (values over `ignore_above` are not indexed at all)
 * - wildcard: as keyword, without a length limit (ECS uses it for command lines)
 * - text: analysed terms (`text` and `match_only_text`)
 * - long: numbers (every numeric type)
 * - date: instants
 * - ip: IPv4/IPv6 addresses; a query value may be a CIDR block
 * - boolean: true/false
 * - object: has subfields only (`field: *` asks whether any subfield has a value)
 * - unindexed: stored but not searchable (`index: false`, `enabled: false`)
 * - dynamic: not in the mapping; Elasticsearch maps it on first sight: strings become keyword
 *   (dynamic template), JSON numbers long/float, booleans boolean. Decided per value.
 * A multi-field (`process.command_line.text`) has its own kind and reads its parent's value.
 */
export type FieldKind = 'keyword' | 'wildcard' | 'text' | 'long' | 'date' | 'ip' | 'boolean' | 'object' | 'unindexed' | 'dynamic';

export const KEYWORD_IGNORE_ABOVE = 1024;

/** The keyword term a value is indexed as (numbers and booleans as text), or undefined when it is not indexed. */
export function keywordOf(v: unknown, ignoreAbove: number = KEYWORD_IGNORE_ABOVE): string | undefined {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else return undefined;
  return s.length > ignoreAbove ? undefined : s;
}

interface MappingNode {
  type?: string; index?: boolean; enabled?: boolean;
  properties?: Record<string, MappingNode>; fields?: Record<string, MappingNode>;
}
interface Mappings { properties: Record<string, MappingNode>; dynamic_templates?: ReadonlyArray<Record<string, unknown>> }

/** The fields of one mapping, as KQL needs them. */
export interface FieldMap {
  kind(path: string): FieldKind;
  /** the path of the document value a field reads: its parent for a multi-field, else itself */
  source(path: string): string;
  /** the multi-fields of a field, by full path */
  subfields(path: string): ReadonlyArray<{ path: string; kind: FieldKind }>;
}

function kindOf(node: MappingNode): FieldKind {
  if (node.index === false || node.enabled === false) return 'unindexed';
  switch (node.type) {
    case 'keyword': case 'constant_keyword': return 'keyword';
    case 'wildcard': return 'wildcard';
    case 'text': case 'match_only_text': return 'text';
    case 'long': case 'integer': case 'short': case 'byte': case 'unsigned_long':
    case 'double': case 'float': case 'half_float': case 'scaled_float': return 'long';
    case 'date': case 'date_nanos': return 'date';
    case 'ip': return 'ip';
    case 'boolean': return 'boolean';
    default: return node.properties || node.type === 'object' ? 'object' : 'dynamic';
  }
}

/** Reads a mapping (properties, multi-fields, and the dynamic templates that apply to any JSON type). */
export function fieldMapOf(mappings: Mappings): FieldMap {
  const known = new Map<string, FieldKind>();
  const parentOf = new Map<string, string>();
  const subs = new Map<string, Array<{ path: string; kind: FieldKind }>>();
  const walk = (prefix: string, props: Record<string, MappingNode>): void => {
    for (const [name, node] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${name}` : name;
      known.set(path, kindOf(node));
      if (node.properties) walk(path, node.properties);
      for (const [sub, subNode] of Object.entries(node.fields ?? {})) {
        const subPath = `${path}.${sub}`;
        known.set(subPath, kindOf(subNode));
        parentOf.set(subPath, path);
        const list = subs.get(path) ?? [];
        list.push({ path: subPath, kind: kindOf(subNode) });
        subs.set(path, list);
      }
    }
  };
  walk('', mappings.properties);

  // path_match templates in `prefix.*` form without match_mapping_type
  const pathTemplates: Array<{ prefix: string; kind: FieldKind }> = [];
  for (const entry of mappings.dynamic_templates ?? []) {
    for (const t of Object.values(entry) as Array<{ path_match?: string; match_mapping_type?: string; mapping: MappingNode }>) {
      if (t.path_match?.endsWith('.*') && !t.match_mapping_type) {
        pathTemplates.push({ prefix: t.path_match.slice(0, -1), kind: kindOf(t.mapping) });
      }
    }
  }

  return {
    kind(path) {
      const k = known.get(path);
      if (k) return k;
      for (const t of pathTemplates) if (path.startsWith(t.prefix)) return t.kind;
      // below an unindexed object nothing is searchable
      for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
        if (known.get(path.slice(0, dot)) === 'unindexed') return 'unindexed';
      }
      return 'dynamic';
    },
    source: (path) => parentOf.get(path) ?? path,
    subfields: (path) => subs.get(path) ?? [],
  };
}

/** Vigil's own mapping: what its events are indexed with. */
export const VIGIL_FIELDS: FieldMap = fieldMapOf(eventMappings as unknown as Mappings);

/** The kind of a dotted field path under Vigil's mapping. */
export function fieldKind(path: string): FieldKind {
  return VIGIL_FIELDS.kind(path);
}
