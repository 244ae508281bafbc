import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { readStore } from '../helpers/event-store';
import { es, testEsUrl } from '../helpers/es';
import { waitFor, sleep } from '../helpers/wait';

const T0 = Date.UTC(2026, 2, 1, 12);

interface Recorded { rule: string; state: string; count: number; last_event: string }

function outbox(dir: string): Recorded[] {
  const files: string[] = [];
  for (const d of [dir, join(dir, 'sent')]) {
    try { files.push(...readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f))); } catch { /* not there yet */ }
  }
  return files.map((f) => {
    const { alert } = JSON.parse(readFileSync(f, 'utf8')) as { alert: Recorded };
    return { rule: alert.rule, state: alert.state, count: alert.count, last_event: alert.last_event };
  });
}

/**
 * Failed logons n = from … from+count-1 (2 s apart), each with a document no rule matches the same
 * second. As three agents ship them: each line carries its file's byte offset (`log.offset`), which
 * runs on per agent, not across the index: the engine must file the document's `_seq_no` as counted.
 */
async function ship(index: string, from: number, count: number): Promise<void> {
  const lines: string[] = [];
  for (let n = from; n < from + count; n++) {
    const ts = new Date(T0 + n * 2000).toISOString();
    lines.push(JSON.stringify({ create: { _index: index, _id: `fail-${n}` } }), JSON.stringify({ '@timestamp': ts, event: { code: '4625' }, user: { name: 'bob' }, host: { name: `agent-${n % 3}` }, log: { offset: Math.floor(n / 3) * 100 }, n }));
    lines.push(JSON.stringify({ create: { _index: index, _id: `noise-${n}` } }), JSON.stringify({ '@timestamp': ts, event: { code: '4624' }, user: { name: 'bob' }, n }));
  }
  const res = await fetch(`${testEsUrl()}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
  const out = await res.json() as { errors: boolean };
  if (out.errors) throw new Error(JSON.stringify(out).slice(0, 1000));
}

describe('a fleet runner (vigil run with an elasticsearch input) killed mid-spike', function () {
  this.timeout(180_000);

  it('SIGKILL while reading, restart: the threshold alert fires once at the 50th event; documents no rule matches are never fetched', async () => {
    const tmp = tempDir('esin-crash');
    const index = `vigil-esin-crash-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    // one shard: the documents are read in the order they were indexed, so the 50th one read is n = 49
    // unless something was counted twice (several shards' restarts: es-input.test.ts)
    await es('PUT', `/${index}-a`, { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { '@timestamp': { type: 'date' }, 'event.code': { type: 'keyword' }, 'user.name': { type: 'keyword' } } } });
    writeFileSync(join(tmp.path, 'rules.yaml'), `rules:
  - id: logon-burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 50
    window: 10m
    include: [host.name, log.offset]
`);
    const cfgFile = join(tmp.path, 'vigil.yaml');
    writeFileSync(cfgFile, [
      'host_name: fleet-runner',
      `state_dir: ${JSON.stringify(join(tmp.path, 'state'))}`,
      `rules: ${JSON.stringify(join(tmp.path, 'rules.yaml'))}`,
      'inputs:',
      '  - type: elasticsearch',
      `    url: ${testEsUrl()}`,
      `    index: "${index}-*"`,
      '    poll_interval: 20ms',
      '    batch_size: 3',
      '    start_at: beginning',
      `event_store: { dir: ${JSON.stringify(join(tmp.path, 'events'))} }`,
      `outbox_dir: ${JSON.stringify(join(tmp.path, 'outbox'))}`,
      'control: { listen: "127.0.0.1:0" }',
      'logging: { level: info }',
      'pipeline: { flush_interval: 50ms, checkpoint_interval: 3s }',
      '',
    ].join('\n'));
    const start = (): ChildProcess => spawn(process.execPath, cliArgs('run', '--config', cfgFile), { cwd: tmp.path, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = (p: ChildProcess) => new Promise((r) => { if (p.exitCode !== null || p.signalCode !== null) r(null); else p.on('exit', r); });
    const stored = (): string[] => readStore(join(tmp.path, 'events')).map((e) => e._id);
    let child = start();
    try {
      await ship(`${index}-a`, 0, 30);
      await waitFor(() => new Set(stored()).size === 30, 60_000, 'the first 30 events');
      await sleep(3500); // a checkpoint commit (every 3 s) holds the 30 in the rule's window
      await ship(`${index}-a`, 30, 10);
      // read, counted and stored: the kill comes (most likely) before the next commit, so they are read again
      await waitFor(() => new Set(stored()).size === 40, 60_000, 'the next 10 events');
      child.kill('SIGKILL');
      await exited(child);
      expect(outbox(join(tmp.path, 'outbox'))).to.deep.equal([]);
      child = start();
      await ship(`${index}-a`, 40, 15);
      await waitFor(() => outbox(join(tmp.path, 'outbox')).length > 0 && new Set(stored()).size >= 55, 60_000, 'the alert');
      await sleep(1000);
      const alerts = outbox(join(tmp.path, 'outbox'));
      expect(alerts.map((a) => [a.rule, a.state])).to.deep.equal([['logon-burst', 'firing']]);
      // fired at the 50th event, not earlier: no event was counted twice across the crash
      expect(alerts[0].count).to.equal(50);
      expect(alerts[0].last_event).to.equal(new Date(T0 + 49 * 2000).toISOString());
      // the runner fetched only the failed logons (the rule's query), never the other documents
      const ids = new Set(stored());
      expect([...ids].filter((id) => !id.startsWith('fail-'))).to.deep.equal([]);
      expect(ids.size).to.equal(55);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await es('DELETE', `/${index}-*`);
      tmp.cleanup();
    }
  });
});
