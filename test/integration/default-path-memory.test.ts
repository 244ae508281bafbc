/**
 * The memory of the path `npm start` runs: `vigil run` started as its bin starts it (the shebang's node
 * flags), reading NDJSON at full speed into the local event store through the repo's rules.yaml, stays
 * under a bound of peak RSS (VmHWM, Linux) that the code before the memory work broke by far (155–170 MB
 * then, about 120 MB now: the bench prints the figure); and a daemon that has no Elasticsearch input,
 * output or fleet never loads the Elasticsearch client library (about 18 MB of a process).
 */
import { expect } from 'chai';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, createWriteStream, readFileSync, readdirSync, existsSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { testConfigYaml } from '../helpers/config';
import { waitFor } from '../helpers/wait';

/** a bound with room for a loaded machine's spread (±4 MB), not the 120 MB target (a bench figure) */
const MAX_PEAK_RSS_KB = 130 * 1024;
const REPO = join(__dirname, '..', '..', '..');

/** Writes `lines` application log lines of three shapes (pino, ECS, logrus), about 170 bytes each. */
async function writeLog(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const t0 = Date.UTC(2026, 0, 1);
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const at = new Date(t0 + i * 13).toISOString();
    if (i % 3 === 0) buf += `{"level":${i % 7 === 6 ? 50 : 30},"time":${t0 + i * 13},"pid":4242,"hostname":"web-01","service":"payments","reqId":"req-${i}","msg":"request completed in ${i % 997} ms","responseTime":${i % 997},"statusCode":${i % 17 === 0 ? 500 : 200}}\n`;
    else if (i % 3 === 1) buf += `{"@timestamp":"${at}","log.level":"${i % 11 === 0 ? 'error' : 'info'}","message":"user ${i % 5000} logged in from 10.0.${i % 255}.${i % 199}","service.name":"auth","user.name":"user${i % 5000}","event.dataset":"app.auth"}\n`;
    else buf += `{"time":"${at}","level":"info","msg":"cache refreshed","entries":${i % 10000},"component":"cache","duration_ms":${(i % 300) / 3}}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((r, j) => out.end(buf, (e?: Error | null) => (e ? j(e) : r())));
}

/** Lines in the store's files so far, counting only the bytes new since the last look. */
function storeLineCounter(dir: string): () => number {
  const seen = new Map<string, number>();
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  return () => {
    if (!existsSync(dir)) return lines;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ndjson'))) {
      const fd = openSync(join(dir, f), 'r');
      let pos = seen.get(f) ?? 0;
      for (let n = readSync(fd, buf, 0, buf.length, pos); n > 0; n = readSync(fd, buf, 0, buf.length, pos)) {
        pos += n;
        for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      }
      closeSync(fd);
      seen.set(f, pos);
    }
    return lines;
  };
}

describe('memory of the default path (file → rules.yaml → event store)', function () {
  this.timeout(300_000);

  it(`peaks under ${MAX_PEAK_RSS_KB / 1024} MB of RSS at full speed, run with the bin's node flags`, async function () {
    if (process.platform !== 'linux') this.skip();
    const t = tempDir('default-path-memory');
    try {
      const lines = 600_000; // about 100 MB
      await writeLog(join(t.path, 'app.ndjson'), lines);
      copyFileSync(join(REPO, 'rules.yaml'), join(t.path, 'rules.yaml'));
      writeFileSync(join(t.path, 'vigil.yaml'), testConfigYaml(t.path, [join(t.path, 'app.ndjson')]).replace('logging: { level: info }', 'logging: { level: warn }'));
      const p = spawn(process.execPath, cliArgs('run', '--config', join(t.path, 'vigil.yaml')), { cwd: t.path, stdio: ['ignore', 'ignore', 'inherit'] });
      try {
        const stored = storeLineCounter(join(t.path, 'events'));
        await waitFor(() => stored() >= lines, 240_000, 'every line in the event store');
        const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))![1]);
        expect(hwm, `peak RSS ${(hwm / 1024).toFixed(0)} MB`).to.be.below(MAX_PEAK_RSS_KB);
      } finally {
        p.kill('SIGTERM');
        await new Promise((r) => p.once('exit', r));
      }
    } finally {
      t.cleanup();
    }
  });

  it('does not load the Elasticsearch client library when nothing uses Elasticsearch', async () => {
    const t = tempDir('default-path-es-lib');
    try {
      writeFileSync(join(t.path, 'app.ndjson'), '{"msg":"one"}\n');
      writeFileSync(join(t.path, 'rules.yaml'), readFileSync(join(REPO, 'rules.yaml')));
      writeFileSync(join(t.path, 'vigil.yaml'), testConfigYaml(t.path, [join(t.path, 'app.ndjson')]));
      // a daemon started and stopped in a child of its own (a fresh module cache), which reports what it loaded
      const script = [
        `const { loadConfig } = require(${JSON.stringify(join(REPO, 'dist', 'src', 'runtime', 'config', 'load.js'))});`,
        `const { Daemon } = require(${JSON.stringify(join(REPO, 'dist', 'src', 'runtime', 'daemon.js'))});`,
        `const { silentLogger } = require(${JSON.stringify(join(REPO, 'dist', 'src', 'core', 'log.js'))});`,
        `const { Metrics } = require(${JSON.stringify(join(REPO, 'dist', 'src', 'core', 'metrics.js'))});`,
        '(async () => {',
        `  const cfg = loadConfig(${JSON.stringify(join(t.path, 'vigil.yaml'))});`,
        '  const d = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });',
        '  await d.start();',
        '  await new Promise((r) => setTimeout(r, 500));',
        '  await d.stop();',
        "  console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@elastic')).length));",
        '})().catch((e) => { console.error(e); process.exit(1); });',
      ].join('\n');
      const out = execFileSync(process.execPath, ['-e', script], { cwd: t.path, encoding: 'utf8' });
      expect(JSON.parse(out.trim().split('\n').pop()!)).to.equal(0);
    } finally {
      t.cleanup();
    }
  });
});
