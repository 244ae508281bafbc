import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { testConfigYaml } from '../helpers/config';
import { countStore } from '../helpers/event-store';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor, sleep } from '../helpers/wait';

const T0 = Date.UTC(2026, 2, 1, 12);

interface Recorded { rule: string; state: string; count: number; value: unknown; last_event: string }

/** Alert notifications in the outbox (pending, or sent/: rules without notifiers are recorded there at once). */
function outbox(dir: string): Recorded[] {
  const files: string[] = [];
  for (const d of [dir, join(dir, 'sent')]) {
    try { files.push(...readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f))); } catch { /* not there yet */ }
  }
  return files.map((f) => {
    const { alert } = JSON.parse(readFileSync(f, 'utf8')) as { alert: Recorded };
    return { rule: alert.rule, state: alert.state, count: alert.count, value: alert.value, last_event: alert.last_event };
  }).sort((a, b) => a.rule.localeCompare(b.rule));
}

/**
 * Each rule fires at the 50th of its events, and would fire earlier if an event were counted twice
 * (metric: a sum of 100s above 4,950; ratio: 25 errors among 50 base events, every other one an
 * error, with min_count 50; cardinality: 50 accounts from one address, its count the 50 events).
 */
const RULES = `rules:
  - id: spray
    type: cardinality
    where: 'event.code: 4625'
    group_by: [source.ip]
    field: user.name
    max: 50
    window: 1h
  - id: slow
    type: metric
    where: 'service.name: api'
    field: http.response.time
    agg: sum
    above: 4950
    window: 1h
  - id: errors
    type: ratio
    of: 'service.name: web'
    where: 'log.level: error'
    threshold: 0.5
    min_count: 50
    window: 1h
`;

describe('cardinality, metric and ratio rules in a daemon killed mid-window', function () {
  this.timeout(120_000);

  it('SIGKILL with each window half full, restart: each alert fires once, at its 50th event, nothing counted twice', async () => {
    const tmp = tempDir('measure-crash');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    writeFileSync(join(tmp.path, 'rules.yaml'), RULES);
    const cfgFile = join(tmp.path, 'vigil.yaml');
    writeFileSync(cfgFile, testConfigYaml(tmp.path, [join(logDir, '*.ndjson')]));
    const start = (): ChildProcess => spawn(process.execPath, cliArgs('run', '--config', cfgFile), { cwd: tmp.path, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = (p: ChildProcess) => new Promise((r) => { if (p.exitCode !== null || p.signalCode !== null) r(null); else p.on('exit', r); });
    // event n: a failed logon by account u<n> from one address, an api request of 100 ms, a web request (an error when n is even)
    const write = (from: number, n: number) => {
      const lines: string[] = [];
      for (let i = from; i < from + n; i++) {
        const ts = new Date(T0 + i * 2000).toISOString();
        lines.push(JSON.stringify({ '@timestamp': ts, event: { code: '4625' }, source: { ip: '10.9.9.9' }, user: { name: `u${i}` }, n: i }));
        lines.push(JSON.stringify({ '@timestamp': ts, service: { name: 'api' }, http: { response: { time: 100 } }, n: i }));
        lines.push(JSON.stringify({ '@timestamp': ts, service: { name: 'web' }, log: { level: i % 2 === 0 ? 'error' : 'info' }, n: i }));
      }
      appendFileSync(join(logDir, 'app.ndjson'), `${lines.join('\n')}\n`);
    };
    let child = start();
    try {
      write(0, 30);
      await waitFor(() => countStore(join(tmp.path, 'events')) === 90, 30_000, 'the first 90 events');
      await sleep(600); // a checkpoint commit (every 200 ms) holds the first 30 of each in the windows
      write(30, 10);    // read, counted, maybe stored: the kill comes before the next commit
      await sleep(30);
      child.kill('SIGKILL');
      await exited(child);
      expect(outbox(join(tmp.path, 'outbox'))).to.deep.equal([]);
      child = start();
      write(40, 15);
      await waitFor(() => countStore(join(tmp.path, 'events')) >= 165 && outbox(join(tmp.path, 'outbox')).length >= 3, 30_000, 'the three alerts');
      await sleep(1000);
      const fiftieth = new Date(T0 + 49 * 2000).toISOString();
      // a ratio alert's events are the matching ones: the last error before the 50th base event is the 49th
      expect(outbox(join(tmp.path, 'outbox'))).to.deep.equal([
        { rule: 'errors', state: 'firing', count: 50, value: 0.5, last_event: new Date(T0 + 48 * 2000).toISOString() },
        { rule: 'slow', state: 'firing', count: 50, value: 5000, last_event: fiftieth },
        { rule: 'spray', state: 'firing', count: 50, value: 50, last_event: fiftieth },
      ]);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      tmp.cleanup();
    }
  });
});
