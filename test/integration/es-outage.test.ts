import { expect } from 'chai';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor, sleep } from '../helpers/wait';
import { testEsUrl, countDocs, allHits, deleteTarget, uniqueTarget } from '../helpers/es';

const ROOT = join(__dirname, '..', '..', '..');
const WRITER = join(ROOT, 'test', 'fixtures', 'writer.js');
const ES_SCRIPT = join(ROOT, 'scripts', 'elasticsearch.sh');

function configYaml(dir: string, logs: string, target: string): string {
  return [
    'host_name: test-host',
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    `  - { type: file, id: app, paths: [${JSON.stringify(join(logs, '*.ndjson'))}], scan_interval: 200ms, poll_interval: 50ms }`,
    'elasticsearch:',
    `  url: ${testEsUrl()}`,
    `  data_stream: ${target}`,
    '  request_timeout: 5s',
    'control: { listen: "127.0.0.1:0" }',
    'logging: { level: info }',
    '',
  ].join('\n');
}

function startDaemon(dir: string, log: string[]): ChildProcess {
  const p = spawn(process.execPath, cliArgs('run', '--config', join(dir, 'vigil.yaml')), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  p.stderr!.on('data', (d) => log.push(String(d)));
  return p;
}

function exitOf(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode);
  return new Promise((r) => p.on('exit', (code) => r(code)));
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch { return 0; }
}

/** The test Elasticsearch is ours (started by scripts/test.sh) when its state file is there: only then can a test stop it. */
function ownEs(): boolean {
  return existsSync(process.env.VIGIL_ES_STATE ?? '/tmp/vigil-es.state');
}

async function exactlyOnce(target: string, n: number): Promise<void> {
  const hits = await allHits(target, ['seq']);
  const seqs = hits.map((h) => h._source.seq as number);
  expect(hits.length, 'documents').to.equal(n);
  expect(new Set(seqs).size, 'distinct lines').to.equal(n);
  expect(Math.min(...seqs)).to.equal(0);
  expect(Math.max(...seqs)).to.equal(n - 1);
}

describe('Elasticsearch outages and crashes (real server)', function () {
  this.timeout(600_000);
  const targets: string[] = [];
  after(async () => { for (const t of targets) await deleteTarget(t); });

  it('Elasticsearch stopped for 60 s in the middle of the load: exact count, no duplicates, bounded memory', async function () {
    if (!ownEs()) this.skip(); // VIGIL_TEST_ES_URL points at a cluster this test may not stop
    const target = uniqueTarget('outage');
    targets.push(target);
    const tmp = tempDir('es-out');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    writeFileSync(join(tmp.path, 'vigil.yaml'), configYaml(tmp.path, logs, target));
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const log: string[] = [];
    const daemon = startDaemon(tmp.path, log);
    let maxRss = 0;
    const sampler = setInterval(() => { maxRss = Math.max(maxRss, rssMb(daemon.pid!)); }, 250);
    let esDown = false;
    try {
      // 100k lines over about 25 s
      const writer = spawn(process.execPath, [WRITER, join(logs, 'app.ndjson'), '100000', 'keep', '0', '400', '100'], { stdio: 'inherit' });
      await waitFor(async () => (await countDocs(target)) > 5000, 60_000, 'the first documents', 500);
      execFileSync('bash', [ES_SCRIPT, 'kill'], { stdio: ['ignore', 'ignore', 'inherit'] });
      esDown = true;
      const downAt = Date.now();
      await sleep(60_000);
      expect(await exitOf(writer)).to.equal(0);
      const spooled = log.join('').includes('events wait in the disk spool');
      execFileSync('bash', [ES_SCRIPT, 'revive'], { stdio: ['ignore', 'ignore', 'inherit'] });
      esDown = false;
      expect(Date.now() - downAt).to.be.at.least(60_000);
      expect(spooled, 'the daemon said that Elasticsearch was away').to.equal(true);
      expect(daemon.exitCode, 'the daemon is still running').to.equal(null);
      await waitFor(async () => (await countDocs(target)) >= 100_000, 180_000, '100000 documents after the outage', 1000);
      await sleep(2000);
      await exactlyOnce(target, 100_000);
      expect(maxRss, 'daemon RSS (MB)').to.be.lessThan(300);
      expect(maxRss).to.be.greaterThan(0);
    } finally {
      clearInterval(sampler);
      if (esDown) execFileSync('bash', [ES_SCRIPT, 'revive'], { stdio: ['ignore', 'ignore', 'inherit'] });
      daemon.kill('SIGTERM');
      await exitOf(daemon);
      tmp.cleanup();
    }
  });

  it('SIGKILL of the daemon during bulk writes, then restart: exact count, no duplicates', async () => {
    const target = uniqueTarget('kill');
    targets.push(target);
    const tmp = tempDir('es-kill');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    writeFileSync(join(tmp.path, 'vigil.yaml'), configYaml(tmp.path, logs, target));
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const log: string[] = [];
    let daemon = startDaemon(tmp.path, log);
    try {
      const writer = spawn(process.execPath, [WRITER, join(logs, 'app.ndjson'), '100000', 'keep', '0', '500', '20'], { stdio: 'inherit' });
      let kills = 0;
      let lastCount = -1;
      while (kills < 6) {
        // kill while documents are flowing into Elasticsearch
        await waitFor(async () => { const c = await countDocs(target); return c > lastCount && c > 0; }, 60_000, 'documents to flow', 100);
        await sleep(200 + Math.random() * 400);
        daemon.kill('SIGKILL');
        await exitOf(daemon);
        kills++;
        lastCount = await countDocs(target);
        if (lastCount >= 100_000) break;
        daemon = startDaemon(tmp.path, log);
      }
      expect(await exitOf(writer)).to.equal(0);
      if (daemon.exitCode !== null || daemon.signalCode !== null) daemon = startDaemon(tmp.path, log);
      await waitFor(async () => (await countDocs(target)) >= 100_000, 120_000, '100000 documents', 500);
      await sleep(2000);
      await exactlyOnce(target, 100_000);
      expect(kills).to.be.greaterThan(2);
    } finally {
      daemon.kill('SIGTERM');
      await exitOf(daemon);
      tmp.cleanup();
    }
  });
});
