import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import fg from 'fast-glob';
import { silentLogger } from '../../src/log';
import { normaliseNdjsonAscii } from '../../src/normalise/ndjson';
import type { LoadedRules } from '../load';
import { RulesEngine } from '../engine';
import type { AlertChange } from '../alerts/lifecycle';
import type { Alert } from '../alerts/alert';

export interface ReplayResult {
  files: string[];
  events: number;
  from?: number;
  to?: number;
  alerts: Alert[];
  /** per rule, the event times its filter let through (bucketed by the caller) */
  matches: Map<string, number[]>;
}

/** Expands the arguments (files or globs) into files, in the order of their first event time. */
export async function inputFiles(args: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const a of args) {
    let isFile = false;
    try { isFile = statSync(a).isFile(); } catch { /* a glob */ }
    if (isFile) out.add(a);
    else for (const f of await fg(a.replace(/\\/g, '/'), { onlyFiles: true, dot: false })) out.add(f);
  }
  return [...out];
}

async function* linesOf(file: string): AsyncGenerator<string> {
  const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

async function firstEventTime(file: string): Promise<number> {
  for await (const line of linesOf(file)) {
    if (line.trim() === '') continue;
    const doc = normaliseNdjsonAscii(line, { hostName: '', path: file, offset: 0, dataset: '', truncated: false, ingested: new Date(0).toISOString() });
    const t = Date.parse(String(doc['@timestamp']));
    return Number.isFinite(t) ? t : Infinity;
  }
  return Infinity;
}

/**
 * Replays NDJSON files (plain or .gz) through the rules engine in event time (files in the order of
 * their first event, lines as written), sending nothing; returns every alert that would have been sent.
 */
export async function replay(rules: LoadedRules, files: string[], onProgress?: (events: number) => void): Promise<ReplayResult> {
  const matches = new Map<string, number[]>();
  const engine = new RulesEngine(silentLogger(), {
    onMatch: (rule, t) => { const l = matches.get(rule); if (l) l.push(t); else matches.set(rule, [t]); },
  });
  engine.use(rules);
  const alerts: Alert[] = [];
  const take = (changes: AlertChange[]) => { for (const c of changes) if (c.send) alerts.push(c.alert); };
  const order = await Promise.all(files.map(async (f) => ({ f, t: await firstEventTime(f) })));
  order.sort((a, b) => a.t - b.t);
  let events = 0;
  let from = Infinity, to = -Infinity;
  const ingested = new Date().toISOString();
  for (const { f } of order) {
    let offset = 0;
    const ctx = { hostName: 'backtest', path: f, offset: 0, dataset: basename(f).replace(/\.(nd)?json(\.gz)?$/, ''), truncated: false, ingested };
    for await (const line of linesOf(f)) {
      const len = Buffer.byteLength(line) + 1;
      if (line.trim() !== '') {
        ctx.offset = offset;
        const doc = normaliseNdjsonAscii(line, ctx);
        const t = Date.parse(String(doc['@timestamp']));
        if (Number.isFinite(t)) { if (t < from) from = t; if (t > to) to = t; }
        take(engine.processDoc(doc));
        events++;
        if (onProgress && events % 10_000 === 0) onProgress(events);
      }
      offset += len;
    }
  }
  take(engine.finish());
  alerts.sort((a, b) => (a.first_event < b.first_event ? -1 : a.first_event > b.first_event ? 1 : 0));
  return { files: order.map((o) => o.f), events, from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined, alerts, matches };
}
