import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';

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
      // (oom resolves too, but notify_resolved is off for it: nothing would have been sent; a resolved
      // alert shows the count of the window that fired)
      expect(alerts.map((a) => [a.rule, a.state, a.count])).to.deep.equal([
        ['logon-burst', 'firing', 5], ['logon-burst', 'resolved', 5], ['oom', 'firing', 1], ['oom', 'firing', 1],
      ]);
      // bob's span [0 s, 60 s) reached 5; at 60.001 s the window [0.001 s, 60.001 s) holds 4
      expect(alerts[1].resolved_at).to.equal(new Date(T0 + 60_001).toISOString());
      // the second OOM line is the last event: that alert is still firing where event time stops
      expect(alerts.map((a) => a.open_at_end)).to.deep.equal([undefined, undefined, undefined, true]);
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

  it('backtest --until: event time stops there; what was left out is said on stderr', () => {
    const tmp = tempDir('backtest-until');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), `rules:
  - id: heartbeat-missing
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10m
`);
      const beats = Array.from({ length: 31 }, (_, m) => JSON.stringify({ '@timestamp': new Date(T0 + m * 60_000).toISOString(), event: { dataset: 'app.heartbeat' }, host: { name: 'web1' } }));
      writeFileSync(join(tmp.path, 'hb.ndjson'), `starting (no time yet)\n${beats.join('\n')}\n${JSON.stringify({ '@timestamp': new Date(T0 + 90 * 60_000).toISOString(), event: { dataset: 'app.heartbeat' }, host: { name: 'web1' } })}\n`);
      const run = (...extra: string[]) => spawnSync(process.execPath, cliArgs('backtest', 'hb.ndjson', '--format', 'ndjson', ...extra), { cwd: tmp.path, encoding: 'utf8' });
      // to the data's end (90 min): the silence after 30 min fires at 40 min + 1 ms and ends at 90 min + 1 ms (not printed: notify_resolved is off)
      const all = run();
      expect(all.status, all.stderr).to.equal(0);
      expect(all.stdout.trim().split('\n')).to.have.length(1);
      expect(JSON.parse(all.stdout)).to.include({ state: 'firing', at: new Date(T0 + 40 * 60_000 + 1).toISOString() }).and.not.have.property('open_at_end');
      expect(all.stderr).to.contain('vigil backtest: 1 event without a time of its own and no event before it in its file: left out of the windows');
      // --until 60 min: the event at 90 min is left out, and the alert is still firing at the end
      const until = run('--until', new Date(T0 + 60 * 60_000).toISOString());
      expect(until.status, until.stderr).to.equal(0);
      expect(JSON.parse(until.stdout)).to.include({ state: 'firing', at: new Date(T0 + 40 * 60_000 + 1).toISOString(), open_at_end: true });
      expect(until.stderr).to.contain('vigil backtest: 1 event after --until left out');
      const bad = run('--until', 'next tuesday');
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.contain('--until "next tuesday" is not a time');
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
      const repo = execFileSync(process.execPath, cliArgs('test-rules', join(__dirname, '..', '..', '..', 'rules.yaml')), { encoding: 'utf8' });
      expect(repo).to.match(/(\d+) of \1 examples pass/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('vigil backtest on exported Windows event logs (.evtx)', function () {
  this.timeout(120_000);
  const DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx');
  const REFERENCE = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx-reference');
  const NEW_USER = join(DATA, 'DeepBlueCLI', 'new-user-security.evtx');
  const SMB = join(DATA, 'DeepBlueCLI', 'smb-password-guessing-security.evtx');

  /** From the independent parser's dump: per record, its EventID, time (ms) and TargetUserName. */
  function referenceEvents(file: string): { id: number; t: number; user: string }[] {
    const text = readFileSync(join(REFERENCE, `${file}.xml`), 'utf8');
    return (text.match(/<Event[\s>][\s\S]*?<\/Event>/g) ?? []).map((x) => ({
      id: Number(/<EventID[^>]*>(\d+)</.exec(x)![1]),
      t: Date.parse(`${/SystemTime="([^"]*)"/.exec(x)![1].replace(' ', 'T')}Z`),
      user: (/Name="TargetUserName">([^<]*)</.exec(x) ?? [])[1] ?? '',
    }));
  }

  it('replays .evtx files through the rules as Winlogbeat-shaped events, the same as their NDJSON', () => {
    const tmp = tempDir('backtest-evtx');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), `rules:
  - id: user-created
    type: pattern
    where: 'event.code: 4720 and winlog.channel: Security'
    group_by: [winlog.event_data.TargetUserName]
    realert: 0s
  - id: password-guessing
    type: threshold
    where: 'event.code: 4625 and winlog.channel: Security and event.outcome: failure'
    group_by: [winlog.event_data.TargetUserName]
    threshold: 20
    window: 1m
    severity: high
    notify_resolved: true
`);
      const run = (...inputs: string[]) => execFileSync(process.execPath, cliArgs('backtest', ...inputs, '--rules', 'rules.yaml', '--format', 'ndjson'), { cwd: tmp.path, encoding: 'utf8' });
      const out = run(NEW_USER, SMB);
      const alerts = out.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; state: string; group: Record<string, string>; count: number; first_event: string; last_event: string; id: string; open_at_end?: boolean });

      // the independent parser's view of the same files
      const created = referenceEvents('DeepBlueCLI/new-user-security.evtx').filter((e) => e.id === 4720);
      const failed = referenceEvents('DeepBlueCLI/smb-password-guessing-security.evtx').filter((e) => e.id === 4625);
      expect(created.length).to.be.greaterThan(0);
      const users = [...new Set(failed.map((e) => e.user))];
      // groups that have 20 failures within some minute of event time
      const bursting = users.filter((u) => {
        const ts = failed.filter((e) => e.user === u).map((e) => e.t).sort((a, b) => a - b);
        return ts.some((t, i) => i + 19 < ts.length && ts[i + 19] - t < 60_000);
      });
      expect(bursting).to.deep.equal(['Administrator']);
      expect(users.length).to.be.greaterThan(bursting.length); // a user with a few failures that must not fire

      const firing = alerts.filter((a) => a.state === 'firing');
      expect(firing.filter((a) => a.rule === 'user-created').map((a) => a.group['winlog.event_data.TargetUserName']).sort())
        .to.deep.equal(created.map((e) => e.user).sort());
      const guess = firing.filter((a) => a.rule === 'password-guessing');
      expect(guess.map((a) => a.group['winlog.event_data.TargetUserName'])).to.deep.equal(bursting);
      expect(guess[0].count).to.equal(20);
      const adminTimes = failed.filter((e) => e.user === 'Administrator').map((e) => e.t);
      expect(Date.parse(guess[0].first_event)).to.be.at.least(Math.min(...adminTimes));
      expect(Date.parse(guess[0].last_event) - Date.parse(guess[0].first_event)).to.be.below(60_000);
      // the guessing goes on to the end of the file: the alert is still firing where event time stops
      expect(alerts.filter((a) => a.rule === 'password-guessing' && a.state === 'resolved')).to.have.length(0);
      expect(guess[0]).to.include({ open_at_end: true });

      // the same events through vigil evtx's NDJSON give the same alerts, ids included
      for (const [name, file] of [['new-user.ndjson', NEW_USER], ['smb.ndjson', SMB]]) {
        writeFileSync(join(tmp.path, name), execFileSync(process.execPath, cliArgs('evtx', file), { encoding: 'utf8', maxBuffer: 64 << 20 }));
      }
      const strip = (text: string) => text.trim().split('\n').map((l) => { const a = JSON.parse(l); delete a.resolved_at; return a; });
      expect(strip(run('new-user.ndjson', 'smb.ndjson'))).to.deep.equal(strip(out));
    } finally {
      tmp.cleanup();
    }
  });

  it('reports what a damaged .evtx file could not give, and still replays the rest', () => {
    const tmp = tempDir('backtest-evtx-bad');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), `rules:
  - id: anything
    type: threshold
    where: 'winlog.channel: *'
    threshold: 1000000
    window: 1m
`);
      const bad = join(DATA, 'omerbenamram-evtx', 'sample_with_a_bad_chunk_magic.evtx');
      writeFileSync(join(tmp.path, 'truncated.evtx'), readFileSync(SMB).subarray(0, 4096 + 65536 + 30000));
      const r = spawnSync(process.execPath, cliArgs('backtest', bad, 'truncated.evtx', 'missing.evtx', '--rules', 'rules.yaml', '--format', 'html', '--out', 'r.html'), { cwd: tmp.path, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/sample_with_a_bad_chunk_magic\.evtx: \d+ records read; skipped \d+ damaged records/);
      expect(r.stderr).to.contain('no file matches "missing.evtx" (left out)');
      expect(r.stderr).to.match(/truncated\.evtx: \d+ records read; .*the file ends inside its last chunk/);
      const html = readFileSync(join(tmp.path, 'r.html'), 'utf8');
      expect(html).to.contain('class="problems"').and.contain('sample_with_a_bad_chunk_magic.evtx');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('vigil evtx (the CLI)', function () {
  this.timeout(60_000);
  const SAMPLE = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx', 'DeepBlueCLI', 'new-user-security.evtx');

  it('prints one normalised, Winlogbeat-shaped event per record, and the Event XML with --format xml', () => {
    const out = execFileSync(process.execPath, cliArgs('evtx', SAMPLE), { encoding: 'utf8' });
    const docs = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
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

  it('prints the same bytes with --workers 0, 1 and 3 (ingested aside), and refuses a bad --workers', () => {
    const many = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx', 'DeepBlueCLI', 'smb-password-guessing-security.evtx');
    const run = (w: string, format = 'ndjson') => execFileSync(process.execPath, cliArgs('evtx', '--format', format, '--workers', w, many, SAMPLE), { encoding: 'utf8', maxBuffer: 64 << 20 })
      .replace(/"ingested":"[^"]*"/g, '"ingested":"x"');
    const one = run('0');
    expect(one.split('\n').length).to.be.greaterThan(3000);
    expect(run('1') === one).to.equal(true);
    expect(run('3') === one).to.equal(true);
    expect(run('3', 'xml') === run('0', 'xml')).to.equal(true);
    const bad = spawnSync(process.execPath, cliArgs('evtx', '--workers', 'lots', SAMPLE), { encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.equal('vigil evtx: --workers must be a number from 0 to 64 or auto, not "lots"\n');
  });

  it('names a file it cannot read and exits 1, after printing the files it could read', () => {
    const r = spawnSync(process.execPath, cliArgs('evtx', SAMPLE, join(__dirname, 'no-such.evtx')), { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    expect(r.stdout.trim().split('\n').length).to.be.greaterThan(0);
    expect(r.stderr).to.match(/vigil evtx: .*no-such\.evtx: cannot open/);
    expect(r.stderr, 'no progress bar when stderr is not a terminal').to.not.contain('\x1b[K');
  });
});
