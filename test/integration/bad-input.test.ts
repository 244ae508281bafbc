import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, appendFileSync, unlinkSync, chmodSync, chownSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { silentLogger } from '../../src/core/log';
import { Metrics } from '../../src/core/metrics';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs, cliArgsOf } from '../helpers/daemon-command';
import { worldReadableCli } from '../helpers/world-readable-build';
import { testConfig, testConfigYaml } from '../helpers/config';
import { readStore, type StoredEvent } from '../helpers/event-store';
import { waitFor, sleep } from '../helpers/wait';


async function counter(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const m = await metrics.registry.getSingleMetric(name)!.get();
  let n = 0;
  for (const v of m.values) if (Object.entries(labels).every(([k, val]) => v.labels[k] === val)) n += v.value;
  return n;
}

const tagsOf = (e: StoredEvent) => (e.tags as string[] | undefined) ?? [];
const pathOf = (e: StoredEvent) => (e.log as { file: { path: string } }).file.path;
const offsetOf = (e: StoredEvent) => (e.log as { offset: number }).offset;

describe('bad input: malformed lines and hostile files never crash the collector and lose nothing', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Daemon;
  let metrics: Metrics;
  let logDir: string;
  const store = () => readStore(join(tmp.path, 'events'));

  before(async () => {
    tmp = tempDir('bad');
    logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    // the corpus, present before the start
    writeFileSync(join(logDir, 'truncated.json'), '{"level":"info","msg":"ok 1"}\n{"level":"error","msg":"cut he\n{"level":"info","msg":"ok 2"}\n');
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    writeFileSync(join(logDir, 'binary.json'), Buffer.concat([Buffer.from('{"msg":"before garbage"}\n'), garbage, Buffer.from('\n{"msg":"after garbage"}\n')]));
    writeFileSync(join(logDir, 'nul.json'), Buffer.concat([Buffer.from('{"msg":"nul first"}\n{"msg":"a'), Buffer.from([0, 0]), Buffer.from('b"}\n'), Buffer.from([0, 0, 0, 10]), Buffer.from('{"msg":"nul last"}\n')]));
    writeFileSync(join(logDir, 'utf8.json'), Buffer.concat([Buffer.from('{"msg":"utf8 first"}\n{"msg":"caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\n')]));
    writeFileSync(join(logDir, 'empty.json'), '');
    mkdirSync(join(logDir, 'a-directory.json'));
    // a 50 MiB line between two normal lines
    const big = join(logDir, 'big.json');
    const fd = openSync(big, 'w');
    writeSync(fd, '{"msg":"before big"}\n{"msg":"');
    const mib = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 50; i++) writeSync(fd, mib);
    writeSync(fd, '"}\n{"msg":"after big"}\n');
    closeSync(fd);
    // nesting too deep to serialise again (JSON.stringify recurses): kept as text, the sink goes on
    writeFileSync(join(logDir, 'deep.json'), `{"msg":"before deep"}\n{"a":${'['.repeat(20000)}${']'.repeat(20000)}}\n{"msg":"after deep"}\n`);
    // a file that is deleted while it is read: 200k lines
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(JSON.stringify({ msg: `doomed ${i}`, seq: i }));
    writeFileSync(join(logDir, 'doomed.json'), `${lines.join('\n')}\n`);

    metrics = new Metrics();
    daemon = new Daemon(testConfig(tmp.path, [join(logDir, '*.json')], {}, { pipeline: { max_inflight_events: 2000, batch_size: 500, flush_interval_ms: 50, checkpoint_interval_ms: 200 } }), { log: silentLogger(), metrics });
    await daemon.start();
    // delete the big file while it is being read (backpressure keeps the reader in the middle of it)
    await waitFor(() => store().some((e) => String(e.message).startsWith('doomed ')), 30_000, 'reading of doomed.json to start', 20);
    unlinkSync(join(logDir, 'doomed.json'));
    // the empty file gets a line later
    await sleep(300);
    appendFileSync(join(logDir, 'empty.json'), '{"msg":"no longer empty"}\n');
    await waitFor(() => {
      const s = store();
      return s.some((e) => e.message === 'after big') && s.some((e) => e.message === 'no longer empty') && s.some((e) => e.message === 'after deep') &&
        s.filter((e) => String(e.message).startsWith('doomed ')).length >= 200_000;
    }, 60_000, 'every file to be read', 200);
    await sleep(300);
  });

  after(async () => {
    await daemon?.stop();
    tmp?.cleanup();
  });

  it('keeps truncated JSON lines, tagged, with the raw text as message', () => {
    const e = store().filter((x) => pathOf(x).endsWith('truncated.json'));
    expect(e.map((x) => x.message)).to.deep.equal(['ok 1', '{"level":"error","msg":"cut he', 'ok 2']);
    expect(tagsOf(e[1])).to.include('vigil_json_parse_failure');
    expect((e[1].error as { message: string }).message).to.be.a('string').and.not.empty;
    expect(tagsOf(e[0])).to.not.include('vigil_json_parse_failure');
  });

  it('keeps binary garbage as flagged events and reads the lines after it', () => {
    const e = store().filter((x) => pathOf(x).endsWith('binary.json'));
    expect(e[0].message).to.equal('before garbage');
    expect(e[e.length - 1].message).to.equal('after garbage');
    const bad = e.slice(1, -1);
    expect(bad.length).to.be.greaterThan(0);
    for (const b of bad) expect(tagsOf(b)).to.include('vigil_json_parse_failure');
  });

  it('keeps a line nested too deep to serialise as text, tagged, and stores the lines after it', () => {
    const e = store().filter((x) => pathOf(x).endsWith('deep.json'));
    expect(e.map((x) => String(x.message).slice(0, 12))).to.deep.equal(['before deep', '{"a":[[[[[[[', 'after deep']);
    expect(tagsOf(e[1])).to.deep.equal(['vigil_json_too_deep']);
    expect(String(e[1].message)).to.have.length(40006);
  });

  it('keeps lines with NUL bytes', () => {
    const e = store().filter((x) => pathOf(x).endsWith('nul.json'));
    expect(e.map((x) => x.message)).to.deep.equal(['nul first', '{"msg":"a\u0000\u0000b"}', '\u0000\u0000\u0000', 'nul last']);
    expect(tagsOf(e[1])).to.include('vigil_json_parse_failure');
  });

  it('replaces invalid UTF-8 and flags it', () => {
    const e = store().filter((x) => pathOf(x).endsWith('utf8.json'));
    expect(e[1].message).to.equal('caf\ufffd(\ufffd');
    expect(tagsOf(e[1])).to.include('vigil_invalid_utf8');
  });

  it('truncates a 50 MiB line to 1 MiB, flags it, and keeps the offsets of the lines after it right', () => {
    const e = store().filter((x) => pathOf(x).endsWith('big.json'));
    expect(e.map((x) => String(x.message).slice(0, 12))).to.deep.equal(['before big', '{"msg":"aaaa', 'after big']);
    expect(tagsOf(e[1])).to.include('vigil_truncated');
    expect(Buffer.byteLength(String(e[1].message))).to.equal(1024 * 1024);
    expect(offsetOf(e[1])).to.equal(Buffer.byteLength('{"msg":"before big"}\n'));
    expect(offsetOf(e[2])).to.equal(Buffer.byteLength('{"msg":"before big"}\n{"msg":"') + 50 * 1024 * 1024 + 3);
  });

  it('reads an empty file once it gets a line', () => {
    const e = store().filter((x) => pathOf(x).endsWith('empty.json'));
    expect(e.map((x) => x.message)).to.deep.equal(['no longer empty']);
  });

  it('finishes a file deleted while it was read: every line once', () => {
    const seqs = store().filter((x) => pathOf(x).endsWith('doomed.json')).map((x) => x.seq as number);
    expect(seqs.length).to.equal(200_000);
    expect(new Set(seqs).size).to.equal(200_000);
  });

  it('skips a directory that matches the glob, and counts every case', async () => {
    expect(await counter(metrics, 'vigil_file_skipped_total', { reason: 'directory' })).to.equal(1);
    expect(await counter(metrics, 'vigil_file_line_problems_total', { reason: 'truncated' })).to.equal(1);
    expect(await counter(metrics, 'vigil_file_line_problems_total', { reason: 'invalid_utf8' })).to.be.greaterThan(0);
    const parseFailures = store().filter((x) => tagsOf(x).includes('vigil_json_parse_failure')).length;
    expect(await counter(metrics, 'vigil_file_line_problems_total', { reason: 'json_parse_failure' })).to.equal(parseFailures);
    expect(await counter(metrics, 'vigil_file_line_problems_total', { reason: 'json_too_deep' })).to.equal(1);
    expect(await counter(metrics, 'vigil_file_events_total', { event: 'deleted' })).to.equal(1);
  });

  it('reports a file it may not read, goes on with the others, and reads it once allowed', async function () {
    const dir = tempDir('perm');
    try {
      const logs = join(dir.path, 'logs');
      mkdirSync(logs);
      writeFileSync(join(logs, 'open.json'), '{"msg":"readable"}\n');
      writeFileSync(join(logs, 'secret.json'), '{"msg":"secret"}\n');
      chmodSync(join(logs, 'secret.json'), 0o000);
      writeFileSync(join(dir.path, 'vigil.yaml'), testConfigYaml(dir.path, [join(logs, '*.json')]));
      writeFileSync(join(dir.path, 'rules.yaml'), 'rules: []\n');
      // root reads any file: run the daemon as an unprivileged user then
      const asRoot = process.getuid?.() === 0;
      const uid = 65534;
      if (asRoot) {
        chmodSync(dir.path, 0o755);
        for (const p of [dir.path, logs, join(logs, 'open.json'), join(dir.path, 'vigil.yaml'), join(dir.path, 'rules.yaml')]) chownSync(p, uid, uid);
        chownSync(join(logs, 'secret.json'), 0, 0);
      }
      // the unprivileged user may not reach the checkout: it runs the CLI from a world-readable copy
      const args = asRoot ? cliArgsOf(worldReadableCli(), 'run', '--config', join(dir.path, 'vigil.yaml')) : cliArgs('run', '--config', join(dir.path, 'vigil.yaml'));
      const child = spawn(process.execPath, args, {
        cwd: dir.path, stdio: ['ignore', 'ignore', 'pipe'], ...(asRoot ? { uid, gid: uid } : {}),
      });
      let err = '';
      child.stderr!.on('data', (d) => { err += String(d); });
      const exited = new Promise((r) => child.on('exit', r));
      try {
        await waitFor(() => {
          if (child.exitCode !== null) throw new Error(`the daemon exited (${child.exitCode}): ${err}`);
          return err.includes('no permission to read') && readStore(join(dir.path, 'events')).length === 1;
        }, 20_000, 'the permission warning and the readable file');
        const logLine = JSON.parse(err.split('\n').find((l) => l.includes('no permission to read'))!) as { path: string; reason: string; level: string };
        expect(logLine.path).to.equal(join(logs, 'secret.json'));
        expect(logLine.reason).to.equal('permission');
        expect(logLine.level).to.equal('warn');
        expect(readStore(join(dir.path, 'events'))[0].message).to.equal('readable');
        chmodSync(join(logs, 'secret.json'), 0o644);
        await waitFor(() => readStore(join(dir.path, 'events')).length === 2, 20_000, 'the file to be read once allowed');
        expect(readStore(join(dir.path, 'events'))[1].message).to.equal('secret');
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    } finally {
      dir.cleanup();
    }
  });
});
