import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { waitFor, sleep } from '../helpers/wait';
import { cliArgs } from '../helpers/daemon-command';
import { readStore, countStore } from '../helpers/event-store';
import { EVTX_DATA, evtxRecordIds } from '../helpers/evtx-samples';

// The evtx input in a `vigil run` child killed and restarted (the collector itself is test/unit/evtx-collector.test.ts).

const SECURITY = join(EVTX_DATA, 'omerbenamram-evtx', 'security.evtx');
const BAD_CHUNK_MAGIC = join(EVTX_DATA, 'omerbenamram-evtx', 'sample_with_a_bad_chunk_magic.evtx');

function startDaemon(dir: string, cfg: string): ChildProcess {
  return spawn(process.execPath, cliArgs('run', '--config', cfg), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Resolves once the daemon has logged (on stderr) that it started: its signal handlers are in place by then. */
function started(p: ChildProcess): Promise<void> {
  let out = '';
  return new Promise((resolve, reject) => {
    p.stderr!.on('data', (d) => { out += String(d); if (out.includes('"vigil started"')) resolve(); });
    p.on('exit', (code, signal) => reject(new Error(`vigil run ended before it started (code ${code}, signal ${signal})`)));
  });
}

function exitOf(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((r) => p.on('exit', (code, signal) => r({ code, signal })));
}

describe('evtx input: vigil run with SIGKILL and restart', function () {
  this.timeout(120_000);

  it('stores every record exactly once in the event store, and reads nothing again at the next start', async () => {
    const tmp = tempDir('evtx-daemon');
    const globs = [join(EVTX_DATA, 'DeepBlueCLI', '*.evtx'), SECURITY, join(EVTX_DATA, 'omerbenamram-evtx', 'system.evtx'), BAD_CHUNK_MAGIC];
    const cfg = join(tmp.path, 'vigil.yaml');
    writeFileSync(cfg, [
      'host_name: test-host',
      `state_dir: ${JSON.stringify(join(tmp.path, 'state'))}`,
      `rules: ${JSON.stringify(join(tmp.path, 'rules.yaml'))}`,
      'inputs:',
      '  - type: evtx',
      '    id: exported',
      `    paths: [${globs.map((g) => JSON.stringify(g)).join(', ')}]`,
      '    scan_interval: 200ms',
      `event_store: { dir: ${JSON.stringify(join(tmp.path, 'events'))} }`,
      `outbox_dir: ${JSON.stringify(join(tmp.path, 'outbox'))}`,
      'control: { listen: "127.0.0.1:0" }',
      'logging: { level: info }',
      // small spans in flight and frequent commits, so that the kill lands with work half done
      'pipeline: { max_inflight_events: 1000, batch_size: 200, flush_interval: 20ms, checkpoint_interval: 100ms }',
      '',
    ].join('\n'));
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const files = [
      ...['smb-password-guessing-security', 'password-spray', 'many-events-application', 'Powershell-Invoke-Obfuscation-many', 'metasploit-sysmon',
        'sliver-security', 'metasploit-psexec-native-target-system', 'new-user-security', 'disablestop-eventlog'].map((n) => join(EVTX_DATA, 'DeepBlueCLI', `${n}.evtx`)),
      SECURITY, join(EVTX_DATA, 'omerbenamram-evtx', 'system.evtx'), BAD_CHUNK_MAGIC,
    ];
    const expected = new Set<string>();
    for (const f of files) for (const id of await evtxRecordIds(f, 'test-host')) expected.add(id);
    const events = join(tmp.path, 'events');
    const stderr: string[] = [];
    let daemon = startDaemon(tmp.path, cfg);
    daemon.stderr!.on('data', (d) => stderr.push(String(d)));
    try {
      await waitFor(() => countStore(events) >= 3000, 60_000, 'some events stored', 10);
      daemon.kill('SIGKILL');
      await exitOf(daemon);
      const atKill = countStore(events);
      expect(atKill, 'killed half-way').to.be.lessThan(expected.size);

      daemon = startDaemon(tmp.path, cfg);
      daemon.stderr!.on('data', (d) => stderr.push(String(d)));
      await waitFor(() => countStore(events) >= expected.size, 60_000, 'every record stored', 100);
      await sleep(800); // anything read twice would show up now
      daemon.kill('SIGTERM');
      expect((await exitOf(daemon)).code, `exit code; stderr tail: ${stderr.join('').slice(-2000)}`).to.equal(0);
      const stored = readStore(events);
      const storedIds = stored.map((e) => e._id);
      expect(storedIds.length, 'stored events').to.equal(expected.size);
      expect(new Set(storedIds).size, 'distinct ids').to.equal(expected.size);
      expect(storedIds.filter((id) => !expected.has(id))).to.deep.equal([]);
      expect((stored[0].winlog as { record_id?: string }).record_id).to.be.a('string');
      expect(stderr.join('')).to.match(/damaged \.evtx file/);

      // a third start: everything is read and acknowledged, nothing is read again
      daemon = startDaemon(tmp.path, cfg);
      daemon.stderr!.on('data', (d) => stderr.push(String(d)));
      // SIGTERM only once it has started: before its handlers are set, a signal kills it (exit code null)
      await started(daemon);
      await sleep(1500);
      daemon.kill('SIGTERM');
      expect((await exitOf(daemon)).code).to.equal(0);
      expect(countStore(events)).to.equal(expected.size);
    } finally {
      if (daemon.exitCode === null && daemon.signalCode === null) { daemon.kill('SIGKILL'); await exitOf(daemon); }
      tmp.cleanup();
    }
  });
});
