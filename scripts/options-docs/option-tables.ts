/**
 * The README's option tables: which options each table holds (one table per component, placed in
 * that component's README section), and the Markdown each is printed as, from the composed schema.
 */
import { listOptions, type OptionEntry, type SchemaNode } from './option-paths';
import { meaningCell, typeCell } from './option-cells';

/** One table: its marker id, the option paths it owns (each with everything below it), and the prefix its rows leave out. */
export interface OptionTableSpec {
  id: string;
  owns: string[];
  /** written once in the prose above the table (`inputs: - type: file`), left out of each row's name */
  strip?: string;
}

/** The tables, in README order; every option belongs to exactly one. */
export const OPTION_TABLES: OptionTableSpec[] = [
  { id: 'general', owns: ['host_name', 'state_dir', 'rules', 'inputs', 'logging'] },
  { id: 'pipeline', owns: ['pipeline'] },
  { id: 'event_store', owns: ['event_store'] },
  { id: 'evtx', owns: ['inputs[type=evtx]'], strip: 'inputs[type=evtx].' },
  { id: 'file', owns: ['inputs[type=file]'], strip: 'inputs[type=file].' },
  { id: 'notify', owns: ['smtp', 'outbox_dir', 'outbox_keep_days', 'kibana_url'] },
  { id: 'elasticsearch', owns: ['elasticsearch'] },
  { id: 'elasticsearch_input', owns: ['inputs[type=elasticsearch]'], strip: 'inputs[type=elasticsearch].' },
  { id: 'winevt', owns: ['inputs[type=winevt]'], strip: 'inputs[type=winevt].' },
  { id: 'fleet', owns: ['fleet'] },
  { id: 'control', owns: ['control'] },
];

function isUnder(path: string, owned: string): boolean {
  return path === owned || path.startsWith(`${owned}.`) || path.startsWith(`${owned}[`);
}

/** The table that owns `path` (the longest owned prefix wins), or undefined. */
export function tableOf(path: string, specs: OptionTableSpec[] = OPTION_TABLES): OptionTableSpec | undefined {
  let best: { spec: OptionTableSpec; len: number } | undefined;
  for (const spec of specs) {
    for (const owned of spec.owns) {
      if (isUnder(path, owned) && (!best || owned.length > best.len)) best = { spec, len: owned.length };
    }
  }
  return best?.spec;
}

/** The name a table's row gives an option. */
export function rowName(spec: OptionTableSpec, path: string): string {
  return spec.strip && path.startsWith(spec.strip) ? path.slice(spec.strip.length) : path;
}

/** The options of each table (schema order); options no table owns are under `undefined`. */
export function optionsByTable(schema: SchemaNode, specs: OptionTableSpec[] = OPTION_TABLES): Map<string | undefined, OptionEntry[]> {
  const out = new Map<string | undefined, OptionEntry[]>(specs.map((s) => [s.id, []]));
  for (const o of listOptions(schema).options) {
    const id = tableOf(o.path, specs)?.id;
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(o);
  }
  return out;
}

/** Each table as Markdown, by id. */
export function renderOptionTables(schema: SchemaNode, specs: OptionTableSpec[] = OPTION_TABLES): Map<string, string> {
  const byTable = optionsByTable(schema, specs);
  const out = new Map<string, string>();
  for (const spec of specs) {
    const rows = (byTable.get(spec.id) ?? []).map((o) => `| \`${rowName(spec, o.path)}\` | ${typeCell(schema, o)} | ${meaningCell(o)} |`);
    out.set(spec.id, ['| option | type / default | meaning |', '| --- | --- | --- |', ...rows].join('\n'));
  }
  return out;
}
