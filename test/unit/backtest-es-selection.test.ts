import { expect } from 'chai';
import { esSelection } from '../../rules/backtest/es-selection';
import { nestDottedKeys } from '../../rules/backtest/es-events';
import { parseBacktestTime } from '../../src/cli/commands/backtest-es';
import type { LoadedRules, RuleDef } from '../../rules/types';

function rules(...defs: Array<Partial<RuleDef>>): LoadedRules {
  return {
    source: 'test', defaults: {}, notifiers: {},
    rules: defs.map((d, i) => ({ id: `r${i}`, type: 'pattern', where: '', group_by: [], direction: 'up', severity: 'medium', notify: [], notify_resolved: false, realert_ms: 0, allowed_lateness_ms: 0, enabled: true, tags: [], examples: [], file: 't', line: 1, col: 1, fingerprint: String(i), ...d } as RuleDef)),
  };
}

describe('backtest --es: what is asked of Elasticsearch', () => {
  it('the union of the rules\' filters (a ratio rule by its `of`), disabled rules left out', () => {
    const sel = esSelection(rules(
      { where: 'event.code: 4625' },
      { type: 'ratio', where: 'log.level: error', of: 'service.name: shop' },
      { where: 'event.code: 1102', enabled: false },
    ));
    expect(sel.query).to.deep.equal({ bool: { should: [{ term: { 'event.code': { value: '4625' } } }, { term: { 'service.name': { value: 'shop' } } }], minimum_should_match: 1 } });
    expect(JSON.stringify(sel.query)).to.not.contain('1102');
  });

  it('a rule without a filter selects every document', () => {
    expect(esSelection(rules({ where: 'event.code: 4625' }, { type: 'threshold', where: '' })).query).to.deep.equal({ match_all: {} });
  });

  it('the fields: filters (free text is message), regex, group_by, watched fields, top_count_keys, include, @timestamp', () => {
    const sel = esSelection(rules(
      { where: 'event.code: 4688 and not process.parent.name: explorer.exe and powershell', regex: { field: 'process.command_line', pattern: 'enc', flags: 'i' }, include: ['user.name'] },
      { type: 'cardinality', where: 'file.hash.*: abc', group_by: ['user.name'], field: 'source.ip', top_count_keys: ['destination.port'], include: [] },
      { type: 'new_term', where: 'bytes >= 10', fields: ['user.domain'], include: [] },
    ));
    expect(sel.sourceIncludes).to.deep.equal(['@timestamp', 'bytes', 'destination.port', 'event.code', 'file.hash.*', 'message', 'process.command_line', 'process.parent.name', 'source.ip', 'user.domain', 'user.name']);
    expect(sel.notes).to.deep.equal([]);
  });

  it('a rule without `include` also gets the standard sample fields its alerts show', () => {
    const sel = esSelection(rules({ where: 'event.code: 1' }));
    expect(sel.sourceIncludes).to.include.members(['host.name', 'log.level', 'winlog.event_id', 'error.message', 'message']);
  });

  it('a filter on every field (`*: value`) needs whole documents: no _source filtering, and a note naming the rule', () => {
    const sel = esSelection(rules({ where: 'event.code: 1', include: [] }, { id: 'any-field', where: '*: mimikatz', include: [] }));
    expect(sel.sourceIncludes).to.equal(undefined);
    expect(sel.notes).to.deep.equal(['rule any-field tests every field of an event: whole documents are fetched (no _source filtering)']);
  });
});

describe('backtest --es: documents and times', () => {
  it('dotted keys of a document (other shippers) become objects; the object already there wins, then the first value', () => {
    const doc = nestDottedKeys({ '@timestamp': 't', 'host.name': 'a', host: { ip: '1.2.3.4' }, 'user.name': 'x', user: 'scalar', deep: { 'a.b': 1 } });
    expect(doc).to.deep.equal({ '@timestamp': 't', host: { name: 'a', ip: '1.2.3.4' }, user: { name: 'x' }, deep: { a: { b: 1 } } });
    const plain = { a: { b: 1 } };
    expect(nestDottedKeys(plain)).to.equal(plain);
  });

  it('a key __proto__ stays data', () => {
    const doc = nestDottedKeys(JSON.parse('{"a.b": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.getPrototypeOf(doc)).to.equal(Object.prototype);
    expect(Object.keys(doc)).to.deep.equal(['a', '__proto__']);
  });

  it('--from/--to: a duration back from now, or an ISO time; anything else is refused', () => {
    const now = Date.UTC(2026, 0, 8, 12);
    expect(parseBacktestTime('7d', now)).to.equal(Date.UTC(2026, 0, 1, 12));
    expect(parseBacktestTime('12h', now)).to.equal(Date.UTC(2026, 0, 8, 0));
    expect(parseBacktestTime('1h30m', now)).to.equal(Date.UTC(2026, 0, 8, 10, 30));
    expect(parseBacktestTime('2026-01-05T00:00:00Z', now)).to.equal(Date.UTC(2026, 0, 5));
    expect(parseBacktestTime('2026-01-05T01:00:00+01:00', now)).to.equal(Date.UTC(2026, 0, 5));
    expect(parseBacktestTime('yesterday', now)).to.equal(undefined);
    expect(parseBacktestTime('7x', now)).to.equal(undefined);
  });
});
