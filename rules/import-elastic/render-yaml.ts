import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { ImportedRule } from './convert';

export interface RenderedRule {
  rule: ImportedRule;
  /** the prebuilt rule's name, file, id and index patterns, written as a comment above it */
  name: string;
  file: string;
  ruleId: string;
  index: string[];
  notes: string[];
}

/** The converted rules as a rules.yaml (`rules:` only: notifiers and defaults are the user's to add). */
export function renderRulesYaml(rules: RenderedRule[]): string {
  const doc = new Document({ rules: rules.map((r) => r.rule) });
  doc.commentBefore = ' Converted by `vigil rules import-elastic` from prebuilt rules of elastic/detection-rules.\n' +
    ' Add `notify:` (here or under defaults) to send their alerts somewhere.';
  const seq = doc.get('rules', true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const r = rules[i];
      const lines = [` ${r.name}`, ` from ${r.file}${r.ruleId ? ` (rule_id ${r.ruleId})` : ''}`];
      if (r.index.length) lines.push(` Elastic reads it from ${r.index.join(', ')}`);
      for (const n of r.notes) lines.push(` note: ${n}`);
      (item as YAMLMap).commentBefore = lines.join('\n');
    });
  }
  return doc.toString({ lineWidth: 0 });
}
