/**
 * The file input's workers, end to end: `vigil run` with `workers: 0` (every line made an event in the
 * reading thread) and with `workers: 2`, on the same files (several at once, one compressed; lines without
 * a time, many of them first in a read; lines over `max_line_bytes`, one longer than a read; bad JSON,
 * invalid UTF-8, CRLF) writes the same event store: the same lines with the same ids, each file's in file
 * order, once `event.ingested` (the time of the read) is masked.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor } from '../helpers/wait';

const REPO = join(__dirname, '..', '..', '..');
const MAX_LINE = 2000;

/** One file's lines: kinds in turn by a simple deterministic sequence; `timedEvery` lines in that many has a time. */
function fileText(seed: number, lines: number, timedEvery: number): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"msg":"file ${seed} starts without a time"}\n`)];
  const t0 = Date.UTC(2026, 3, 1) + seed * 1000;
  let x = seed;
  for (let i = 0; i < lines; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const at = new Date(t0 + i * 11).toISOString();
    const k = x % 10;
    let s: string | Buffer;
    if (i % timedEvery === 0) s = k < 5 ? `{"level":30,"time":${t0 + i * 11},"msg":"request ${i} done","statusCode":${200 + (x % 3) * 100}}` : `{"@timestamp":"${at}","log.level":"info","message":"user u${x % 40} logged in","user.name":"u${x % 40}","source.ip":"10.0.0.${x % 250}"}`;
    else if (k === 0) s = `{"a":${i},"b":`;
    else if (k === 1) s = `{"msg":"long ${'y'.repeat(MAX_LINE + (x % 3000))}"}`;
    else if (k === 2) s = Buffer.concat([Buffer.from('{"msg":"bytes '), Buffer.from([0xc3, 0x28]), Buffer.from(`${i}"}`)]);
    else if (k === 3) s = `{"msg":"crlf ${i}","level":"error"}\r`;
    else if (k === 4) s = `not json ${i} ünïcödé`;
    else s = `{"msg":"no time ${i}","event":{"action":"step-${x % 9}"},"user":{"name":"u${x % 40}"}}`;
    parts.push(Buffer.isBuffer(s) ? Buffer.concat([s, Buffer.from('\n')]) : Buffer.from(`${s}\n`));
    if (seed === 1 && i === 5000) parts.push(Buffer.from(`{"msg":"${'z'.repeat(600_000)}"}\n`)); // longer than a read (256 KiB)
  }
  return Buffer.concat(parts);
}

function lineCount(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** The event store's lines, with each line's `event.ingested` masked. */
function storeLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ndjson')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const m = /"ingested":"([^"]+)"/.exec(line);
      out.push(m ? line.split(m[1]).join('<ingested>') : line);
    }
  }
  return out;
}

async function runDaemon(dir: string, logs: string, workers: number, expected: number): Promise<string[]> {
  const events = join(dir, 'events');
  writeFileSync(join(dir, 'vigil.yaml'), [
    'host_name: test-host',
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: file',
    '    id: test',
    `    paths: [${JSON.stringify(join(logs, '*.ndjson'))}, ${JSON.stringify(join(logs, '*.gz'))}]`,
    '    scan_interval: 100ms',
    '    poll_interval: 20ms',
    `    max_line_bytes: ${MAX_LINE}`,
    `    workers: ${workers}`,
    `event_store: { dir: ${JSON.stringify(events)} }`,
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    'logging: { level: warn }',
    'pipeline: { flush_interval: 50ms, checkpoint_interval: 200ms }',
    '',
  ].join('\n'));
  copyFileSync(join(REPO, 'rules.yaml'), join(dir, 'rules.yaml'));
  const p = spawn(process.execPath, cliArgs('run', '--config', join(dir, 'vigil.yaml')), { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitFor(() => storeLines(events).length >= expected, 120_000, `${expected} lines in the event store (workers: ${workers})`, 200);
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }
  return storeLines(events);
}

/** Each file's lines in store order, by `log.file.path`. */
function byFile(lines: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const path = (JSON.parse(l) as { log: { file: { path: string } } }).log.file.path;
    const list = m.get(path);
    if (list) list.push(l); else m.set(path, [l]);
  }
  return m;
}

describe('file input workers: the daemon with and without them', function () {
  this.timeout(300_000);

  it('workers: 0 and workers: 2 write the same event store lines and ids, each file in file order', async () => {
    const t = tempDir('file-workers');
    try {
      const logs = join(t.path, 'logs');
      mkdirSync(logs);
      const files: Array<[string, Buffer]> = [
        ['a.ndjson', fileText(1, 12_000, 7)],
        ['b.ndjson', fileText(2, 9_000, 40)],
        ['c.ndjson', fileText(3, 6_000, 2)],
      ];
      for (const [name, text] of files) writeFileSync(join(logs, name), text);
      const gz = fileText(4, 5_000, 5);
      writeFileSync(join(logs, 'd.ndjson.1.gz'), gzipSync(gz));
      const expected = files.reduce((n, [, b]) => n + lineCount(b), 0) + lineCount(gz);
      mkdirSync(join(t.path, 'w0'));
      mkdirSync(join(t.path, 'w2'));
      const without = await runDaemon(join(t.path, 'w0'), logs, 0, expected);
      const withWorkers = await runDaemon(join(t.path, 'w2'), logs, 2, expected);
      expect(without.length).to.equal(expected);
      expect(withWorkers.length).to.equal(expected);
      const a = byFile(without), b = byFile(withWorkers);
      expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
      expect(a.size).to.equal(4);
      for (const [path, lines] of a) {
        const other = b.get(path)!;
        const first = lines.findIndex((l, i) => l !== other[i]);
        expect(first, `${path}: first line that differs`).to.equal(-1);
      }
      // what the corpus is about is in it
      const all = without.join('\n');
      for (const tag of ['vigil_timestamp_inferred', 'vigil_truncated', 'vigil_json_parse_failure', 'vigil_invalid_utf8']) expect(all).to.include(tag);
    } finally {
      t.cleanup();
    }
  });
});
