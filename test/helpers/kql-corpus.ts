import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One rule of the KQL corpus: the `query` of a prebuilt rule of elastic/detection-rules (see SOURCES.md there). */
export interface CorpusRule { rule_file: string; index?: string[]; query: string }

/** The corpus, in ../shared/data/kql-corpus beside the checkout (dist/test/helpers is three levels below it). */
export const KQL_CORPUS = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'kql-corpus', 'elastic-detection-rules-kuery.json');

export function readKqlCorpus(): CorpusRule[] {
  return JSON.parse(readFileSync(KQL_CORPUS, 'utf8')) as CorpusRule[];
}
