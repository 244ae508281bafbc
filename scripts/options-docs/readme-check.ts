/**
 * What is wrong between the README's option tables and the composed vigil.yaml schema: an option
 * without a description or without a table, a table that misses an option or names one that does
 * not exist, a block missing or repeated, a table not as the generator prints it.
 */
import { listOptions, type SchemaNode } from './option-paths';
import { OPTION_TABLES, renderOptionTables, rowName, tableOf, type OptionTableSpec } from './option-tables';
import { readBlocks, rowNames } from './readme-blocks';

/** Options without a description, and definitions no option reaches. */
export function schemaDocProblems(schema: SchemaNode): string[] {
  const { options, reachedDefinitions } = listOptions(schema);
  const problems = options
    .filter((o) => typeof o.schema.description !== 'string' || o.schema.description.trim() === '')
    .map((o) => `${o.path} has no description in the schema`);
  for (const name of Object.keys((schema.definitions as object | undefined) ?? {})) {
    if (!reachedDefinitions.has(name)) problems.push(`definitions.${name} is used by no option`);
  }
  return problems;
}

/** The README's rows against the schema's options: every option named once, in its table, and nothing else. */
export function readmeRowProblems(readme: string, schema: SchemaNode, specs: OptionTableSpec[] = OPTION_TABLES): string[] {
  const problems: string[] = [];
  const blocks = readBlocks(readme);
  const named = new Map<string, string>(); // option path -> table id
  for (const spec of specs) {
    const found = blocks.filter((b) => b.id === spec.id);
    if (found.length !== 1) {
      problems.push(`README has ${found.length} <!-- options:${spec.id} --> blocks (it needs one)`);
      continue;
    }
    for (const name of rowNames(found[0].text)) named.set(`${spec.strip ?? ''}${name}`, spec.id);
  }
  for (const b of blocks) {
    if (!specs.some((s) => s.id === b.id)) problems.push(`README has a block <!-- options:${b.id} --> that no table spec has`);
  }
  const options = listOptions(schema).options;
  for (const o of options) {
    const spec = tableOf(o.path, specs);
    if (!spec) problems.push(`${o.path} belongs to no option table (scripts/options-docs/option-tables.ts)`);
    else if (named.get(o.path) !== spec.id) problems.push(`${o.path} has no row in the README's "${spec.id}" table (as \`${rowName(spec, o.path)}\`)`);
  }
  const paths = new Set(options.map((o) => o.path));
  for (const [path, id] of named) {
    if (!paths.has(path)) problems.push(`the README's "${id}" table names ${path}, which is no option of the schema`);
  }
  return problems;
}

/** The README's tables against what the generator prints from the schema. */
export function readmeDriftProblems(readme: string, schema: SchemaNode, specs: OptionTableSpec[] = OPTION_TABLES): string[] {
  const wanted = renderOptionTables(schema, specs);
  const problems: string[] = [];
  for (const b of readBlocks(readme)) {
    const want = wanted.get(b.id);
    if (want !== undefined && b.text !== want) problems.push(`the README's "${b.id}" table is not what the schema prints (npm run docs:options rewrites it)`);
  }
  return problems;
}

/** Every problem, in the order above. */
export function readmeOptionProblems(readme: string, schema: SchemaNode): string[] {
  return [...schemaDocProblems(schema), ...readmeRowProblems(readme, schema), ...readmeDriftProblems(readme, schema)];
}
