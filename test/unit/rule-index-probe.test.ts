import { expect } from 'chai';
import { parseKql } from '../../rules/kql';
import { RuleIndex } from '../../rules/rule-index';
import { RulesEngine } from '../../rules/engine';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import { silentLogger } from '../../src/core/log';
import type { Span } from '../../src/core/event';

// The index reads its fields with one generated function (rules/index-probe.ts); every shape a field
// can take must give the rules the field's values file, as reading the field by its path does.
describe('rule index: the generated probe of its fields', function () {
  const index = (): RuleIndex<string> => {
    const idx = new RuleIndex<string>();
    idx.add('logon', parseKql('event.code: 4625'));
    idx.add('cleared', parseKql('event.code: 1102'));
    idx.add('errors', parseKql('log.level: (error or fatal)'));
    idx.add('heartbeat', parseKql('event.dataset: "app.heartbeat"'));
    idx.add('deep', parseKql('winlog.event_data.TargetUserName: bob'));
    idx.add('any', parseKql('message: *oom*'));
    return idx;
  };
  const filed = (doc: Record<string, unknown>): string[] => [...index().filed(doc)].sort();

  it('files by nested values, dotted keys, arrays, numbers, and both forms at once', function () {
    expect(filed({ event: { code: '4625' } })).to.deep.equal(['logon']);
    expect(filed({ 'event.code': '4625' })).to.deep.equal(['logon']);
    expect(filed({ event: { code: 4625 } })).to.deep.equal(['logon']);
    expect(filed({ event: { code: ['1102', '4625', '4625'] } })).to.deep.equal(['cleared', 'logon']);
    expect(filed({ event: [{ code: '1102' }, { code: 7 }] })).to.deep.equal(['cleared']);
    expect(filed({ event: { code: '1102' }, 'event.code': '4625' })).to.deep.equal(['cleared', 'logon']);
    expect(filed({ event: { code: [['4625']] } })).to.deep.equal(['logon']);
    expect(filed({ event: { dataset: 'app.heartbeat' }, log: { level: 'error' } })).to.deep.equal(['errors', 'heartbeat']);
    expect(filed({ winlog: { event_data: { TargetUserName: 'bob' } } })).to.deep.equal(['deep']);
    expect(filed({ 'winlog.event_data': { TargetUserName: 'bob' } })).to.deep.equal(['deep']);
  });

  it('files nothing for absent, null and non-keyword values, or a field that is not an object', function () {
    expect(filed({})).to.deep.equal([]);
    expect(filed({ event: null })).to.deep.equal([]);
    expect(filed({ event: { code: null } })).to.deep.equal([]);
    expect(filed({ event: { code: { nested: '4625' } } })).to.deep.equal([]);
    expect(filed({ event: '4625' })).to.deep.equal([]);
    expect(filed({ event: 4625, 'event.code': '1102' })).to.deep.equal(['cleared']);
    expect(filed({ event: { code: true } })).to.deep.equal([]);
  });

  it('keeps no value of one document for the next', function () {
    const idx = index();
    expect([...idx.filed({ event: { code: '4625' }, log: { level: 'fatal' } })].sort()).to.deep.equal(['errors', 'logon']);
    expect([...idx.filed({ event: { code: '9999' } })]).to.deep.equal([]);
    expect([...idx.filed({ log: { level: 'error' } })]).to.deep.equal(['errors']);
  });

  it('on a document without dotted root keys, files as on any document', function () {
    const docs: Array<Record<string, unknown>> = [
      { event: { code: '4625', dataset: 'app.heartbeat' }, log: { level: 'error' } },
      { event: { code: ['1102', 4625] } }, { event: [{ code: '1102' }] }, { event: 'x', log: null }, {},
      { winlog: { event_data: { TargetUserName: 'bob' } } }, { 'winlog.event_data': { TargetUserName: 'bob' } },
    ];
    for (const doc of docs) expect([...index().filed(doc, true)].sort(), JSON.stringify(doc)).to.deep.equal(filed(doc));
  });

  it('reads dotted root keys of the events that may have them (read back from Elasticsearch), and of rule examples', function () {
    const { rules, problems } = parseRulesText("rules:\n  - id: logon\n    type: pattern\n    where: 'event.code: 4625'\n", 'rules.yaml', { validateWhere, env: {} });
    expect(problems).to.deep.equal([]);
    const fired: string[] = [];
    const engine = new RulesEngine(silentLogger(), { onAlerts: (cs) => { for (const c of cs) fired.push(`${c.alert.state} ${c.alert.rule}`); } });
    engine.use(rules!);
    const span: Span = { source: 'es:x', start: 0, end: 2, pending: 0, events: [] };
    engine.process({ id: 'a', span, doc: { '@timestamp': '2026-01-01T10:00:00Z', 'event.code': '4625' }, position: 0, dottedRoot: true });
    expect(fired).to.deep.equal(['firing logon']);
    expect(engine.processDoc({ '@timestamp': '2026-01-01T11:00:00Z', 'event.code': '4625' }).map((c) => c.alert.state)).to.include('firing');
  });
});

