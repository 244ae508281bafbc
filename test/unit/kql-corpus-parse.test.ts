import { expect } from 'chai';
import { compileMatcher, parseKql, toEsQuery } from '../../rules/kql';
import { readKqlCorpus } from '../helpers/kql-corpus';

/** Every query of Elastic's prebuilt KQL rules (../shared/data/kql-corpus) parses, compiles and translates. */
describe('KQL: the queries of Elastic prebuilt rules', function () {
  it('parses, compiles and translates all 736', function () {
    const rules = readKqlCorpus();
    expect(rules).to.have.length(736);
    const failed: string[] = [];
    for (const r of rules) {
      try {
        const ast = parseKql(r.query);
        compileMatcher(ast);
        toEsQuery(ast);
      } catch (err) {
        failed.push(`${r.rule_file}: ${(err as Error).message}`);
      }
    }
    expect(failed).to.deep.equal([]);
  });
});
