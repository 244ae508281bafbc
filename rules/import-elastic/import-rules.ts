import { convertElasticRule, slugOf } from './convert';
import { ElasticRuleError, readElasticRule } from './elastic-rule';
import { renderRulesYaml, type RenderedRule } from './render-yaml';

export interface ImportReport {
  /** the rules.yaml text of the converted rules ('' when none converted) */
  yaml: string;
  converted: number;
  /** rules that are valid but that Vigil cannot run, with why */
  skipped: Array<{ file: string; name: string; reason: string }>;
  /** files that are not readable prebuilt rules */
  errors: string[];
  /** what a converted rule lost on the way */
  notes: Array<{ file: string; note: string }>;
}

/**
 * Converts prebuilt rule files (name and text each). Ids come from the rules' names; when two names
 * give the same id, the later rule's id gets the start of its rule_id (or a number) appended.
 */
export function importElasticRules(files: Array<{ file: string; text: string }>): ImportReport {
  const report: ImportReport = { yaml: '', converted: 0, skipped: [], errors: [], notes: [] };
  const rendered: RenderedRule[] = [];
  const ids = new Set<string>();
  for (const { file, text } of files) {
    let r;
    try {
      r = readElasticRule(text, file);
    } catch (err) {
      if (err instanceof ElasticRuleError) { report.errors.push(err.message); continue; }
      throw err;
    }
    let id = slugOf(r.name);
    if (ids.has(id)) id = `${id}-${r.rule_id.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8) || ids.size}`;
    const c = convertElasticRule(r, id);
    if (!c.ok) { report.skipped.push({ file, name: r.name, reason: c.reason }); continue; }
    ids.add(id);
    rendered.push({ rule: c.rule, name: r.name, file, ruleId: r.rule_id, index: r.index, notes: c.notes });
    for (const note of c.notes) report.notes.push({ file, note });
  }
  report.converted = rendered.length;
  if (rendered.length) report.yaml = renderRulesYaml(rendered);
  return report;
}
