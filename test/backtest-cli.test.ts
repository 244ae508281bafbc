import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './helpers/temp-dir';
import { cliArgs } from './helpers/daemon-command';

const T0 = Date.UTC(2026, 0, 5, 8);

describe('vigil backtest and vigil test-rules (the CLI)', function () {
  this.timeout(60_000);

  it('backtest --format ndjson: every alert that would have been sent, in first-event order, with the keys of SPEC 1', () => {
    const tmp = tempDir('backtest');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), `rules:
  - id: logon-burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 5
    window: 1m
    severity: high
    notify_resolved: true
  - id: oom
    type: pattern
    where: 'message: *OutOfMemory*'
    realert: 0s
`);
      mkdirSync(join(tmp.path, 'logs'));
      const lines: string[] = [];
      // bob: 5 failed logons in 40 s (fires); alice: 4 in a minute (does not)
      for (let i = 0; i < 5; i++) lines.push(JSON.stringify({ '@timestamp': new Date(T0 + i * 10_000).toISOString(), event: { code: '4625' }, user: { name: 'bob' } }));
      for (let i = 0; i < 4; i++) lines.push(JSON.stringify({ '@timestamp': new Date(T0 + 5_000 + i * 15_000).toISOString(), event: { code: '4625' }, user: { name: 'alice' } }));
      lines.sort((a, b) => (JSON.parse(a)['@timestamp'] < JSON.parse(b)['@timestamp'] ? -1 : 1));
      writeFileSync(join(tmp.path, 'logs', 'sec.ndjson'), `${lines.join('\n')}\n`);
      // a second, compressed file an hour later with two OOM lines
      const later = [1, 2].map((i) => JSON.stringify({ '@timestamp': new Date(T0 + 3_600_000 + i * 1000).toISOString(), message: `java.lang.OutOfMemoryError #${i}` }));
      writeFileSync(join(tmp.path, 'logs', 'app.ndjson.gz'), gzipSync(`${later.join('\n')}\n`));
      const out = execFileSync(process.execPath, cliArgs('backtest', 'logs/*', '--rules', 'rules.yaml', '--format', 'ndjson'), { cwd: tmp.path, encoding: 'utf8' });
      const alerts = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      // (oom resolves too, but notify_resolved is off for it: nothing would have been sent)
      expect(alerts.map((a) => [a.rule, a.state, a.count])).to.deep.equal([
        ['logon-burst', 'firing', 5], ['logon-burst', 'resolved', 0], ['oom', 'firing', 1], ['oom', 'firing', 1],
      ]);
      const fire = alerts[0];
      expect(Object.keys(fire).slice(0, 8)).to.deep.equal(['rule', 'severity', 'state', 'group', 'count', 'first_event', 'last_event', 'id']);
      expect(fire.group).to.deep.equal({ 'user.name': 'bob' });
      expect(fire.first_event).to.equal(new Date(T0).toISOString());
      expect(fire.severity).to.equal('high');
      expect(alerts[1].resolved_at).to.be.a('string');
      expect(alerts[1].id).to.equal(fire.id);
      expect(alerts.filter((a) => a.rule === 'oom' && a.state === 'firing')).to.have.length(2);
      // the same input gives the same ids
      const again = execFileSync(process.execPath, cliArgs('backtest', 'logs/*', '--rules', 'rules.yaml', '--format', 'ndjson'), { cwd: tmp.path, encoding: 'utf8' });
      expect(again).to.equal(out);
      // html: one page with a chart per rule
      execFileSync(process.execPath, cliArgs('backtest', 'logs/sec.ndjson', 'logs/app.ndjson.gz', '--format', 'html', '--out', 'report.html'), { cwd: tmp.path });
      const html = readFileSync(join(tmp.path, 'report.html'), 'utf8');
      expect(html).to.match(/<svg[^>]*class="timeline"[^>]*data-rule="logon-burst"/);
      expect(html).to.match(/data-rule="oom"/);
      expect(html).to.contain('alert-marker firing');
    } finally {
      tmp.cleanup();
    }
  });

  it('test-rules: a table, exit 0 when every example passes and 1 when one fails', () => {
    const tmp = tempDir('test-rules');
    try {
      const rule = (expect: number) => `rules:
  - id: burst
    type: threshold
    where: 'event.code: 4625'
    threshold: 3
    window: 1m
    examples:
      - events: [{ "@timestamp": "2026-01-01T10:00:00Z", "event.code": "4625" }]
        repeat: 3
        expect: ${expect}
`;
      writeFileSync(join(tmp.path, 'ok.yaml'), rule(1));
      writeFileSync(join(tmp.path, 'bad.yaml'), rule(2));
      const ok = execFileSync(process.execPath, cliArgs('test-rules', 'ok.yaml'), { cwd: tmp.path, encoding: 'utf8' });
      expect(ok).to.match(/burst\s+1\s+\d+\s+1\s+1\s+pass/);
      let failed: { status: number; stdout: string } | null = null;
      try { execFileSync(process.execPath, cliArgs('test-rules', 'bad.yaml'), { cwd: tmp.path, encoding: 'utf8' }); } catch (e) { failed = e as { status: number; stdout: string }; }
      expect(failed?.status).to.equal(1);
      expect(failed?.stdout).to.match(/burst\s+1\s+\d+\s+2\s+1\s+FAIL/);
      // the repo's own rules.yaml: every example passes
      const repo = execFileSync(process.execPath, cliArgs('test-rules', join(__dirname, '..', '..', 'rules.yaml')), { encoding: 'utf8' });
      expect(repo).to.match(/(\d+) of \1 examples pass/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('vigil evtx (the CLI)', function () {
  this.timeout(60_000);
  const SAMPLE = join(__dirname, '..', '..', '..', 'shared', 'data', 'evtx', 'DeepBlueCLI', 'new-user-security.evtx');

  it('prints one normalised, Winlogbeat-shaped event per record, and the Event XML with --format xml', () => {
    const out = execFileSync(process.execPath, cliArgs('evtx', SAMPLE), { encoding: 'utf8' });
    const docs = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(docs.length).to.be.greaterThan(0);
    const d = docs.find((x) => x.event.code === '4720') ?? docs[0];
    expect(d._id).to.be.a('string');
    expect(d.winlog.channel).to.equal('Security');
    expect(d.winlog.event_id).to.equal(Number(d.event.code));
    expect(d['@timestamp']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(d.host.name).to.equal(d.winlog.computer_name);
    const xml = execFileSync(process.execPath, cliArgs('evtx', '--format', 'xml', SAMPLE), { encoding: 'utf8' });
    expect(xml.match(/<Event xmlns=/g)).to.have.length(docs.length);
    expect(xml).to.match(/^<Event xmlns="http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/);
  });
});
