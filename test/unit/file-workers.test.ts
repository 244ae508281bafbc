/**
 * The file input's NDJSON workers (collectors/file/workers): the spans they make of a file read in chunks
 * are the reading thread's (`SpanBuilder`) to the byte, in order; and a worker lost with jobs waiting has
 * them done again in the reading thread, none lost.
 */
import { expect } from 'chai';
import type { Span } from '../../src/core/event';
import { LineSplitter } from '../../collectors/file/line-splitter';
import { SpanBuilder } from '../../collectors/file/span-builder';
import { SpanJobs } from '../../collectors/file/workers/span-jobs';
import { NdjsonPool, ndjsonWorkers } from '../../collectors/file/workers/ndjson-pool';
import { cutLines, runNdjsonJob, type NdjsonJob } from '../../collectors/file/workers/ndjson-job';
import { newNdjsonStats } from '../../collectors/ndjson/ndjson';
import { silentLogger } from '../../src/core/log';
import { RulesEngine } from '../../rules/engine';
import { fleetSelection } from '../../rules/fleet-selection';
import { rulesOf } from '../helpers/rules-text';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { loadConfig, checkConfigFile } from '../../src/runtime/config/load';
import type { FileInputConfig } from '../../collectors/file/config';
import { seededRng } from '../helpers/seeded-rng';

const MAX_LINE = 300;

/**
 * Lines of every kind the normaliser tells apart, most of them without a time (so that many reads begin
 * with lines that take the time of a line in an earlier read): the file starts with such lines, before any time.
 */
function corpus(seed: number, lines: number): Buffer {
  const r = seededRng(seed);
  const parts: Buffer[] = [Buffer.from('{"msg":"before any time"}\nnot json at all\n')];
  const t0 = Date.UTC(2026, 2, 1);
  for (let i = 0; i < lines; i++) {
    const k = Math.floor(r() * 14);
    const at = new Date(t0 + i * 7).toISOString();
    let s: string | Buffer;
    if (k === 0) s = `{"level":30,"time":${t0 + i * 7},"msg":"req ${i}","pid":1}`;
    else if (k === 1) s = `{"@timestamp":"${at}","log.level":"info","message":"user ${i % 50} logged in","user.name":"u${i % 50}"}`;
    else if (k === 2) s = `{"msg":"no time ${i}","n":${i}}`;
    else if (k === 3) s = `{"msg":"no time either","tags":["a"]}`;
    else if (k === 4) s = `{"level":"warn","msg":"café ☕ ${i}"}`;
    else if (k === 5) s = `{"a":${i},"b":`;                           // bad JSON
    else if (k === 6) s = `[${i},2,3]`;                                 // not an object
    else if (k === 7) s = `plain text line ${i}`;
    else if (k === 8) s = `{"msg":"long ${'x'.repeat(MAX_LINE + Math.floor(r() * 900))}"}`; // over the limit
    else if (k === 9) s = Buffer.concat([Buffer.from(`{"msg":"bad bytes `), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    else if (k === 10) s = `{"time":"${at}","msg":"crlf"}\r`;
    else if (k === 11) s = '';
    else s = `{"msg":"untimed ${i}","http":{"response":{"status_code":${200 + (i % 5)}}}}`;
    parts.push(typeof s === 'string' ? Buffer.from(`${s}\n`) : Buffer.concat([s, Buffer.from('\n')]));
  }
  return Buffer.concat(parts);
}

/** The file cut into reads of random sizes (from 1 byte to a few lines). */
function chunksOf(buf: Buffer, seed: number): Buffer[] {
  const r = seededRng(seed);
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length;) {
    const n = 1 + Math.floor(r() * (r() < 0.2 ? 20 : 2500));
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

const CTX = { hostName: 'host-a', dataset: 'test.log', source: 'file:abc', identity: '0123456789abcdef0123456789abcdef', path: '/logs/app.ndjson' };

/** What must be the same either way: a span's range, and each event's id, time and stored text (ingest time masked). */
function shown(spans: Span[], projected = false): unknown[] {
  return spans.map((s) => ({
    start: s.start,
    end: s.end,
    events: s.events.map((e) => {
      const ingested = (JSON.parse(e.text ?? JSON.stringify(e.doc)) as { event: { ingested: string } }).event.ingested;
      const text = e.text ?? JSON.stringify(e.doc);
      if (e.text !== undefined && !projected) expect(e.text).to.equal(JSON.stringify(e.doc)); // the text is the document's
      return { id: e.id, time: e.doc['@timestamp'] === ingested ? 'ingest' : e.time, text: text.split(ingested).join('<ingested>') };
    }),
  }));
}

/** The reading thread's spans: what readers.ts makes of each read without workers. */
function builderSpans(chunks: Buffer[]): { spans: Span[]; stats: ReturnType<typeof newNdjsonStats>; lines: number } {
  const stats = newNdjsonStats();
  const b = new SpanBuilder({ ...CTX, stats });
  const splitter = new LineSplitter(MAX_LINE, 0);
  const spans: Span[] = [];
  for (const c of chunks) {
    b.begin(CTX.path);
    splitter.push(c, b.onLine);
    const s = b.finish();
    if (s) spans.push({ ...s, events: [...s.events] });
  }
  return { spans, stats, lines: b.lines };
}

async function jobSpans(chunks: Buffer[], pool: NdjsonPool, depth: number, fields?: () => readonly string[] | null): Promise<{ spans: Span[]; stats: ReturnType<typeof newNdjsonStats>; lines: number }> {
  const stats = newNdjsonStats();
  const b = new SpanBuilder({ ...CTX, stats });
  const jobs = new SpanJobs(pool, b, { hostName: CTX.hostName, dataset: CTX.dataset, maxLineBytes: MAX_LINE, fields }, depth);
  const splitter = new LineSplitter(MAX_LINE, 0);
  const spans: Span[] = [];
  const submit = async (s: Span) => { spans.push(s); };
  for (const c of chunks) await jobs.push(Buffer.from(c), splitter, CTX.path, submit);
  await jobs.settle(submit);
  return { spans, stats, lines: b.lines };
}

describe('file input workers (NDJSON lines made events on worker threads)', function () {
  this.timeout(60_000);

  for (const [workers, seed] of [[2, 1], [1, 2], [0, 3]] as const) {
    it(`${workers} worker(s): the same spans, ids, times and stored texts as the reading thread, in file order (seed ${seed})`, async () => {
      const file = corpus(seed, 4000);
      const chunks = chunksOf(file, seed + 100);
      const want = builderSpans(chunks);
      const pool = new NdjsonPool(workers, silentLogger(), 'test');
      try {
        const got = await jobSpans(chunks, pool, workers + 1);
        expect(got.spans.length).to.equal(want.spans.length);
        expect(shown(got.spans)).to.deep.equal(shown(want.spans));
        expect(got.stats).to.deep.equal(want.stats);
        expect(got.lines).to.equal(want.lines);
        // the corpus has what the test is about
        expect(want.stats.parseFailures).to.be.above(0);
        expect(want.stats.truncated).to.be.above(0);
        expect(want.stats.invalidUtf8).to.be.above(0);
        const inferred = got.spans.filter((s) => String(s.events[0]?.doc.tags).includes('vigil_timestamp_inferred')).length;
        expect(inferred, 'reads that begin with a line taking an earlier read\'s time').to.be.above(10);
      } finally {
        await pool.close();
      }
    });
  }

  it('with the rules\' field list, the events carry what the rules read: the same alerts as from whole documents, the same stored texts', async () => {
    const rules = rulesOf([
      'rules:',
      '  - id: logins',
      '    type: threshold',
      "    where: 'message: logged'",
      '    group_by: [user.name]',
      '    threshold: 3',
      '    window: 1m',
      '  - id: statuses',
      '    type: threshold',
      "    where: 'http.*.status_code: (203 or 204)'",
      '    group_by: [host.name]',
      '    threshold: 2',
      '    window: 1m',
      '  - id: warnings',
      '    type: pattern',
      "    where: 'log.level: warn'",
      '    group_by: [host.name]',
      '',
    ].join('\n'));
    const selection = fleetSelection(rules.rules);
    expect(selection.fields).to.not.equal(null);
    // a first line with a time: no event keeps the time of its read (which differs between the two runs)
    const file = Buffer.concat([Buffer.from('{"time":"2026-03-01T00:00:00.000Z","msg":"first"}\n'), corpus(11, 4000)]);
    const chunks = chunksOf(file, 12);
    const alertsOf = (spans: Span[]): string[] => {
      const out: string[] = [];
      const engine = new RulesEngine(silentLogger(), { onAlerts: (cs) => { for (const c of cs) out.push(JSON.stringify(c)); } });
      engine.use(rules);
      for (const s of spans) for (const e of s.events) engine.process(e);
      for (const c of engine.finish()) out.push(JSON.stringify(c));
      return out;
    };
    const want = builderSpans(chunks);
    const pool = new NdjsonPool(1, silentLogger(), 'test');
    try {
      const got = await jobSpans(chunks, pool, 2, () => selection.fields);
      expect(shown(got.spans, true)).to.deep.equal(shown(want.spans));
      const fewer = got.spans[5].events.find((e) => Object.keys(e.doc).length < Object.keys(JSON.parse(e.text!)).length);
      expect(fewer, 'an event whose doc holds fewer fields than its text').to.not.equal(undefined);
      const alerts = alertsOf(want.spans);
      const fired = new Set(alerts.map((a) => (JSON.parse(a) as { alert: { rule: string } }).alert.rule));
      expect([...fired].sort(), 'rules that fired').to.deep.equal(['logins', 'statuses', 'warnings']);
      expect(alertsOf(got.spans)).to.deep.equal(alerts);
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies with jobs waiting: they are done again in the reading thread, none lost, and it is replaced', async () => {
    const file = corpus(7, 3000);
    const splitter = new LineSplitter(MAX_LINE, 0);
    const jobs: NdjsonJob[] = [];
    for (const c of chunksOf(file, 8)) {
      for (const cut of cutLines(c, splitter)) jobs.push({ path: CTX.path, hostName: CTX.hostName, dataset: CTX.dataset, ingested: '2026-03-01T00:00:00.000Z', maxLineBytes: MAX_LINE, fields: null, ...cut });
    }
    const pool = new NdjsonPool(1, silentLogger(), 'test');
    try {
      const first = pool.threads[0];
      const results = jobs.map((j) => pool.run(j));
      await first.terminate();
      const got = await Promise.all(results);
      expect(pool.redone).to.be.above(0);
      expect(got.map((r) => r.text)).to.deep.equal(jobs.map((j) => runNdjsonJob(j).text));
      // another worker took its place, and works
      expect(pool.threads[0]).to.not.equal(first);
      const again = await pool.run(jobs[0]);
      expect(again.text).to.equal(runNdjsonJob(jobs[0]).text);
    } finally {
      await pool.close();
    }
  });

  it('cuts a read at its last newline, the line carried from earlier reads ended by the splitter (and cut to the limit), the rest in pieces at newlines', () => {
    const s = new LineSplitter(5, 10);
    expect(cutLines(Buffer.from('abcdefgh'), s, 4)).to.deep.equal([]);
    const cuts = cutLines(Buffer.from('ij\nkl\nmn\nlonger\nq\nop'), s, 4);
    const shownCuts = cuts.map((c) => ({ first: c.first && { ...c.first, line: Buffer.from(c.first.line).toString() }, body: Buffer.from(c.body).toString(), base: c.base }));
    expect(shownCuts).to.deep.equal([
      { first: { line: 'abcde', start: 10, next: 21, truncated: true }, body: 'kl\n', base: 21 },
      { first: null, body: 'mn\n', base: 24 },
      { first: null, body: 'longer\n', base: 27 },
      { first: null, body: 'q\n', base: 34 },
    ]);
    expect(s.lineStart).to.equal(36);
    expect(s.pendingBytes).to.equal(2);
    // a read that only ends the carried line
    const only = cutLines(Buffer.from('p\nrest'), s, 4);
    expect(only.map((c) => [c.first?.start, c.first?.next, c.body.length, c.base])).to.deep.equal([[36, 40, 0, 40]]);
    expect(s.lineStart).to.equal(40);
  });

  it('`workers`: auto is none on one or two cores, then one per core but two, at most 3; a count is taken as it is', () => {
    expect([1, 2, 3, 4, 5, 16].map((cores) => ndjsonWorkers('auto', cores))).to.deep.equal([0, 0, 1, 2, 3, 3]);
    expect([0, 1, 2, 7].map((n) => ndjsonWorkers(n, 2))).to.deep.equal([0, 1, 2, 7]);
  });

  it('vigil.yaml: `workers` defaults to 0, takes a count or auto, and refuses anything else', () => {
    const tmp = tempDir('workers-cfg');
    try {
      const cfgOf = (input: string) => {
        writeFileSync(join(tmp.path, 'vigil.yaml'), `inputs:\n  - { type: file, paths: ["logs/*.json"]${input} }\n`);
        return loadConfig('vigil.yaml', { cwd: tmp.path, env: {} }).inputs[0] as FileInputConfig;
      };
      expect(cfgOf('').workers).to.equal(0);
      expect(cfgOf(', workers: 2').workers).to.equal(2);
      expect(cfgOf(', workers: 0').workers).to.equal(0);
      for (const bad of ['many', '-1', '1.5']) {
        writeFileSync(join(tmp.path, 'vigil.yaml'), `inputs:\n  - { type: file, paths: ["logs/*.json"], workers: ${bad} }\n`);
        const problems = checkConfigFile('vigil.yaml', { cwd: tmp.path, env: {} }).map((p) => `${p.line}:${p.col}: ${p.message}`);
        expect(problems, bad).to.have.length(1);
        expect(problems[0], bad).to.match(/^2:\d+: .*workers/);
      }
    } finally {
      tmp.cleanup();
    }
  });
});
