import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pruneOutbox } from '../../sinks/notify/outbox/outbox-retention';
import { Scheduler } from '../../src/runtime/scheduler';
import { Metrics } from '../../src/core/metrics';
import { Daemon } from '../../src/runtime/daemon';
import { NullSink } from '../../sinks/null-sink';
import { testConfig } from '../helpers/config';
import { tempDir } from '../helpers/temp-dir';
import { captureLogger } from '../helpers/logger';
import { waitFor, sleep } from '../helpers/wait';

const DAY = 86_400_000;

/** Writes `path` and dates it `ageDays` back. */
function file(path: string, ageDays: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '{}\n');
  const t = (Date.now() - ageDays * DAY) / 1000;
  utimesSync(path, t, t);
  return path;
}

async function metric(m: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const got = (await m.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return got?.value ?? 0;
}

describe('outbox retention', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir('retention'); });
  afterEach(() => tmp.cleanup());

  it('removes sent/, failed/ and delivered files older than keep_days, never a pending entry', async () => {
    const d = tmp.path;
    const keep = [
      file(join(d, 'old-pending.json'), 400),             // pending: whatever its age
      file(join(d, '.tmp-old.json'), 400),                // an atomic write's temp file
      file(join(d, 'sent', 'new.json'), 29),
      file(join(d, 'failed', 'new.json'), 1),
      file(join(d, 'new.eml'), 0),
      file(join(d, 'webhook', 'new.json'), 10),
      file(join(d, 'dingtalk', 'new.json'), 10),
      file(join(d, 'sent', 'notes.txt'), 400),            // not an outbox record
    ];
    const gone = [
      file(join(d, 'sent', 'old.json'), 31),
      file(join(d, 'sent', 'older.json'), 365),
      file(join(d, 'failed', 'old.json'), 40),
      file(join(d, 'old.eml'), 31),
      file(join(d, 'webhook', 'old.json'), 31),
      // the API notifiers' bodies in the embedded default
      ...['pagerduty', 'opsgenie', 'dingtalk', 'wecom', 'feishu'].map((t) => file(join(d, t, 'old.json'), 31)),
    ];
    mkdirSync(join(d, 'sent', 'a-folder.json'));         // not a file
    expect(await pruneOutbox(d, 30)).to.deep.equal({ sent: 2, failed: 1, files: 7 });
    for (const p of keep) expect(existsSync(p), p).to.equal(true);
    for (const p of gone) expect(existsSync(p), p).to.equal(false);
    expect(existsSync(join(d, 'sent', 'a-folder.json'))).to.equal(true);
    expect(await pruneOutbox(d, 0)).to.deep.equal({ sent: 0, failed: 0, files: 0 });
    expect(await pruneOutbox(join(d, 'missing'), 30)).to.deep.equal({ sent: 0, failed: 0, files: 0 });
  });

  it('runs in the daemon at start (outbox_keep_days) and keeps the rest', async () => {
    const cfg = testConfig(tmp.path, [join(tmp.path, 'logs', '*.ndjson')]);
    cfg.outbox_keep_days = 7;
    const old = file(join(cfg.outbox_dir, 'sent', 'k-firing-ops.json'), 8);
    const recent = file(join(cfg.outbox_dir, 'sent', 'k2-firing-ops.json'), 6);
    const pending = file(join(cfg.outbox_dir, 'k3-firing-ops.json'), 8);
    const metrics = new Metrics();
    const { log, lines } = captureLogger();
    const daemon = new Daemon(cfg, { log, metrics, sinks: [new NullSink()] });
    await daemon.start();
    try {
      await waitFor(async () => (await metric(metrics, 'vigil_scheduled_job_runs_total', { job: 'outbox-retention', outcome: 'ok' })) === 1, 5000, 'the retention job ran');
      expect(existsSync(old)).to.equal(false);
      expect(existsSync(recent)).to.equal(true);
      expect(readdirSync(cfg.outbox_dir)).to.include('k3-firing-ops.json');
      expect(existsSync(pending)).to.equal(true);
      expect(lines.some((l) => l.msg === 'outbox: removed the records of notifications older than outbox_keep_days' && l.sent === 1)).to.equal(true);
    } finally {
      await daemon.stop();
    }
  });
});

describe('scheduler (node-cron)', () => {
  it('runs a job at its schedule and at start, counts a failure and goes on, never overlaps a run, stops', async () => {
    const metrics = new Metrics();
    const { log, lines } = captureLogger();
    const s = new Scheduler(log, metrics);
    let runs = 0;
    let slow = 0;
    let inSlow = 0;
    let overlapped = false;
    s.add({ name: 'every-second', schedule: '* * * * * *', atStart: true, run: () => { runs++; if (runs === 2) throw new Error('boom'); } });
    s.add({
      name: 'slow', schedule: '* * * * * *',
      run: async () => { slow++; if (++inSlow > 1) overlapped = true; await sleep(2500); inSlow--; },
    });
    expect(() => s.add({ name: 'bad', schedule: 'every day', run: () => undefined })).to.throw(/not a cron schedule: every day/);
    s.start();
    expect(runs).to.equal(1); // at start, before any slot
    await waitFor(() => runs >= 4, 8000, 'runs at each second');
    await s.stop();
    const after = runs;
    await sleep(1500);
    expect(runs).to.equal(after);
    expect(overlapped).to.equal(false);
    expect(slow).to.be.within(1, 3);
    expect(await metric(metrics, 'vigil_scheduled_job_runs_total', { job: 'every-second', outcome: 'failed' })).to.equal(1);
    expect(await metric(metrics, 'vigil_scheduled_job_runs_total', { job: 'every-second', outcome: 'ok' })).to.equal(after - 1);
    expect(lines.some((l) => l.job === 'every-second' && l.err === 'boom')).to.equal(true);
  });
});
