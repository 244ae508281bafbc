import { Client } from '@elastic/elasticsearch';
import { expect } from 'chai';
import { compileMatcher, parseKql, toEsQuery, type Ast } from '../../rules/kql';
import { setupTarget } from '../../sinks/elasticsearch/template';
import { es, testEsUrl } from '../helpers/es';
import { readKqlCorpus, type CorpusRule } from '../helpers/kql-corpus';
import { candidateDocs, FieldTypes, seededRng, type Doc } from '../helpers/kql-docs-from-ast';

/**
 * Elastic's prebuilt KQL rules (../shared/data/kql-corpus, see SOURCES.md there), run both ways: a
 * sample of the queries (every Windows one, every one with a field pattern or a nested group, and
 * every 6th of the rest; all of them with VIGIL_KQL_CORPUS_ALL=1) gets events made from its AST,
 * some that match and some that miss; all of them are indexed through the sink's template into the
 * shared Elasticsearch, and for each query the local matcher and Elasticsearch (the query translated
 * by toEsQuery) must select the same events.
 */

const WINDOWS_INDEX = /winlogbeat|logs-windows|logs-system/;
const PER_QUERY = 3; // matching and missing events kept per query
const CANDIDATES = 40;
/** VIGIL_KQL_CORPUS_ALL=1 runs every query of the corpus (about 4 times longer). */
const ALL = process.env.VIGIL_KQL_CORPUS_ALL === '1';

function usesNewSyntax(ast: Ast, query: string): boolean {
  if (/:\s*\{/.test(query)) return true;
  const walk = (a: Ast): boolean => {
    if (a.type === 'and' || a.type === 'or') return a.children.some(walk);
    if (a.type === 'not') return walk(a.child);
    return (a.type === 'match' || a.type === 'exists') && a.fieldPattern !== undefined;
  };
  return walk(ast);
}

interface Sampled { rule: CorpusRule; ast: Ast; match: (d: Doc) => boolean; hits: number; misses: number }

describe('Elastic prebuilt KQL rules: local matcher and Elasticsearch agree', function () {
  const rules = readKqlCorpus();
  const sample: Sampled[] = [];
  let rest = 0;
  for (const rule of rules) {
    const ast = parseKql(rule.query);
    const windows = (rule.index ?? []).some((i) => WINDOWS_INDEX.test(i));
    if (ALL || windows || usesNewSyntax(ast, rule.query) || rest++ % 6 === 0) sample.push({ rule, ast, match: compileMatcher(ast), hits: 0, misses: 0 });
  }

  // the events: for each query up to PER_QUERY that match it and PER_QUERY that miss it
  const types = new FieldTypes();
  const r = seededRng(14);
  const docs: Doc[] = [];
  for (const s of sample) {
    const seen = new Set<string>();
    for (const d of candidateDocs(s.ast, CANDIDATES, types, r, '2026-03-10T12:00:00.000Z')) {
      const key = JSON.stringify(d);
      if (seen.has(key)) continue;
      seen.add(key);
      const m = s.match(d);
      if (m ? s.hits >= PER_QUERY : s.misses >= PER_QUERY) continue;
      if (m) s.hits++; else s.misses++;
      docs.push(d);
    }
  }

  const index = `vigil-kql-corpus-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  let client: Client;

  before(async function () {
    client = new Client({ node: testEsUrl(), maxRetries: 0 });
    await setupTarget(client, { index, vigilVersion: 'test' });
    const lines = docs.flatMap((d, i) => [JSON.stringify({ index: { _id: String(i) } }), JSON.stringify(d)]).join('\n') + '\n';
    const res = await fetch(`${testEsUrl()}/${index}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines });
    const body = await res.json() as { errors: boolean; items: Array<{ index: { error?: unknown } }> };
    const failed = body.items.map((it, i) => ({ i, error: it.index.error })).filter((x) => x.error);
    expect(failed.slice(0, 3).map((f) => ({ doc: docs[f.i], error: f.error })), 'events Elasticsearch refused').to.deep.equal([]);
  });

  after(async function () {
    await es('DELETE', `/${index}`);
    await es('DELETE', `/_index_template/vigil-${index}`);
    await client?.close();
  });

  it('parses all 736 queries and samples at least 60, every Windows one among them', function () {
    expect(rules).to.have.length(736);
    expect(sample.length).to.be.at.least(60);
    const windows = rules.filter((rule) => (rule.index ?? []).some((i) => WINDOWS_INDEX.test(i)));
    expect(windows.length).to.be.at.least(78);
    expect(sample.filter((s) => windows.includes(s.rule))).to.have.length(windows.length);
  });

  it('has events that match and events that miss for every sampled query', function () {
    const short = sample.filter((s) => s.hits === 0 || s.misses === 0).map((s) => `${s.rule.rule_file}: ${s.hits} match, ${s.misses} miss`);
    expect(short).to.deep.equal([]);
  });

  for (const s of sample) {
    it(`agrees on ${s.rule.rule_file}`, async function () {
      const local = docs.map((d, i) => (s.match(d) ? String(i) : '')).filter(Boolean).sort();
      const dsl = toEsQuery(s.ast);
      const res = await es('POST', `/${index}/_search`, { query: dsl, size: 10000, _source: false, track_total_hits: true });
      expect(res.status, JSON.stringify(res.body).slice(0, 1500)).to.equal(200);
      const remote = (res.body.hits.hits as Array<{ _id: string }>).map((h) => h._id).sort();
      const onlyLocal = local.filter((id) => !remote.includes(id));
      const onlyRemote = remote.filter((id) => !local.includes(id));
      const show = (ids: string[]): string => ids.slice(0, 3).map((id) => JSON.stringify(docs[Number(id)])).join('\n');
      expect({ onlyLocal, onlyRemote }, `${s.rule.query}\n${JSON.stringify(dsl).slice(0, 3000)}\nonly local:\n${show(onlyLocal)}\nonly Elasticsearch:\n${show(onlyRemote)}`)
        .to.deep.equal({ onlyLocal: [], onlyRemote: [] });
    });
  }
});
