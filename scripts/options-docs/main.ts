/**
 * `npm run docs:options`: prints the option tables from the composed vigil.yaml schema into
 * README.md, between their markers; `--check` changes nothing and exits 1 with the problems
 * (the same check as test/unit/readme-options.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vigilConfigSchema } from '../../src/runtime/config/schema';
import type { SchemaNode } from './option-paths';
import { renderOptionTables } from './option-tables';
import { replaceBlocks } from './readme-blocks';
import { readmeOptionProblems, readmeRowProblems, schemaDocProblems } from './readme-check';

/** The checkout's root (this file runs from dist/scripts/options-docs). */
const ROOT = join(__dirname, '..', '..', '..');

function main(argv: string[]): number {
  const readmePath = join(ROOT, 'README.md');
  const schema = vigilConfigSchema as unknown as SchemaNode;
  const readme = readFileSync(readmePath, 'utf8');
  if (argv.includes('--check')) {
    const problems = readmeOptionProblems(readme, schema);
    for (const p of problems) process.stderr.write(`${p}\n`);
    return problems.length > 0 ? 1 : 0;
  }
  const updated = replaceBlocks(readme, renderOptionTables(schema));
  if (updated !== readme) writeFileSync(readmePath, updated);
  // what rewriting cannot fix: a missing description, a block missing from the README, an option no table owns
  const left = [...schemaDocProblems(schema), ...readmeRowProblems(updated, schema)];
  for (const p of left) process.stderr.write(`${p}\n`);
  process.stdout.write(`README.md: option tables ${updated === readme ? 'already up to date' : 'rewritten'}\n`);
  return left.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
