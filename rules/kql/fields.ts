import { eventMappings } from '../../src/core/ecs-fields';

/**
 * How Vigil's mapping (sinks/elasticsearch/mappings.ts) indexes a field, which decides how KQL compares:
 * - keyword: exact, case-sensitive (values over `ignore_above` are not indexed at all)
 * - text: analysed terms
 * - long, date: numbers and instants
 * - object: has subfields only (`field: *` asks whether any subfield has a value)
 * - unindexed: stored but not searchable (`index: false`, `enabled: false`)
 * - dynamic: not in the mapping; Elasticsearch maps it on first sight: strings become keyword
 *   (dynamic template), JSON numbers long/float, booleans boolean. Decided per value.
 */
export type FieldKind = 'keyword' | 'text' | 'long' | 'date' | 'object' | 'unindexed' | 'dynamic';

export const KEYWORD_IGNORE_ABOVE = 1024;

/** The keyword term a value is indexed as (numbers and booleans as text), or undefined when it is not indexed. */
export function keywordOf(v: unknown): string | undefined {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else return undefined;
  return s.length > KEYWORD_IGNORE_ABOVE ? undefined : s;
}

interface MappingNode { type?: string; index?: boolean; enabled?: boolean; properties?: Record<string, MappingNode> }

const known = new Map<string, FieldKind>();

function kindOf(node: MappingNode): FieldKind {
  if (node.index === false || node.enabled === false) return 'unindexed';
  switch (node.type) {
    case 'keyword': return 'keyword';
    case 'text': return 'text';
    case 'long': case 'integer': case 'short': case 'byte': return 'long';
    case 'date': return 'date';
    default: return node.properties || node.type === 'object' ? 'object' : 'dynamic';
  }
}

function walk(prefix: string, props: Record<string, MappingNode>): void {
  for (const [name, node] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    known.set(path, kindOf(node));
    if (node.properties) walk(path, node.properties);
  }
}
walk('', eventMappings.properties as unknown as Record<string, MappingNode>);

/** Dynamic templates that apply whatever the JSON type (path_match only, `prefix.*` form). */
const pathTemplates: Array<{ prefix: string; kind: FieldKind }> = [];
for (const entry of eventMappings.dynamic_templates) {
  for (const t of Object.values(entry) as Array<{ path_match?: string; match_mapping_type?: string; mapping: MappingNode }>) {
    if (t.path_match?.endsWith('.*') && !t.match_mapping_type) {
      pathTemplates.push({ prefix: t.path_match.slice(0, -1), kind: kindOf(t.mapping) });
    }
  }
}

/** The kind of a dotted field path under Vigil's mapping. */
export function fieldKind(path: string): FieldKind {
  const k = known.get(path);
  if (k) return k;
  for (const t of pathTemplates) if (path.startsWith(t.prefix)) return t.kind;
  // below an unindexed object nothing is searchable
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    if (known.get(path.slice(0, dot)) === 'unindexed') return 'unindexed';
  }
  return 'dynamic';
}
