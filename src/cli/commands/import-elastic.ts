import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importElasticRules } from '../../../rules/offline';

/** The .toml files of a folder, recursively, in name order. */
function tomlFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tomlFilesIn(p));
    else if (e.isFile() && e.name.endsWith('.toml')) out.push(p);
  }
  return out;
}

/**
 * `vigil rules import-elastic <files or folders...> [--out FILE]`: converts Elastic's prebuilt rules of
 * type query or threshold in KQL into Vigil rules, written as rules.yaml to stdout or FILE. Rules it
 * cannot convert, and what converted rules lost, are reported on stderr. Exit code 1 when a file could
 * not be read as a rule; rules that are valid but not convertible do not change it.
 */
export function runImportElastic(paths: string[], opts: { out?: string }): number {
  const files: Array<{ file: string; text: string }> = [];
  const errors: string[] = [];
  for (const p of paths) {
    try {
      const names = statSync(p).isDirectory() ? tomlFilesIn(p) : [p];
      for (const file of names) files.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      errors.push(`${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  const report = importElasticRules(files);
  errors.push(...report.errors);
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  for (const s of report.skipped) process.stderr.write(`not converted: ${s.file} (${s.name}): ${s.reason}\n`);
  for (const n of report.notes) process.stderr.write(`note: ${n.file}: ${n.note}\n`);
  const total = report.converted + report.skipped.length;
  process.stderr.write(`converted ${report.converted} of ${total} rule(s)${errors.length ? `; ${errors.length} file(s) could not be read as rules` : ''}\n`);
  if (report.converted > 0) {
    if (opts.out) writeFileSync(opts.out, report.yaml);
    else process.stdout.write(report.yaml);
  }
  return errors.length ? 1 : 0;
}
