import { statSync } from 'node:fs';
import fg from 'fast-glob';
import { silentLogger } from '../../src/core/log';
import { firstEventTime, openInput, type InputEvents } from './input-events';
import { mergeByTime } from './merge-by-time';
import type { LoadedRules } from '../types';
import { RulesEngine } from '../engine';
import type { AlertChange } from '../alerts/lifecycle';
import type { Alert } from '../alerts/alert';

export interface ReplayResult {
  files: string[];
  /** events replayed through the rules */
  events: number;
  /** events left out of the windows: no time of their own and no earlier event with one in their file */
  untimed: number;
  /** events left out because they are later than `until` */
  afterUntil: number;
  from?: number;
  to?: number;
  /** where the replay's event time stopped: `until`, else the newest event */
  end?: number;
  alerts: Alert[];
  /** ids of the alerts still firing when event time stopped */
  openAtEnd: Set<string>;
  /** per rule, the event times its filter let through (bucketed by the caller) */
  matches: Map<string, number[]>;
  /** what could not be read, one line per file */
  problems: string[];
}

/** Expands the arguments (files or globs) into files (each once, in the order given); `onUnmatched` hears of an argument that names nothing. */
export async function inputFiles(args: string[], onUnmatched?: (arg: string) => void): Promise<string[]> {
  const out = new Set<string>();
  for (const a of args) {
    let isFile = false;
    try { isFile = statSync(a).isFile(); } catch { /* a glob */ }
    if (isFile) { out.add(a); continue; }
    const found = await fg(a.replace(/\\/g, '/'), { onlyFiles: true, dot: false });
    if (found.length === 0) onUnmatched?.(a);
    for (const f of found) out.add(f);
  }
  return [...out];
}

/** How far a replay has got, for a progress bar. */
export interface ReplayProgress { events: number; bytesRead: number; totalBytes: number }

export interface ReplayOptions {
  /** event time at which the replay stops (epoch ms): later events are left out; default the newest event */
  until?: number;
}

/**
 * Replays files through the rules engine in event time, sending nothing, and returns every alert that
 * would have been sent. Inputs are NDJSON (plain or .gz) and exported Windows event logs (.evtx),
 * normalised as the daemon normalises them; the files' events are interleaved by event time (see
 * mergeByTime), so a Security.evtx and a System.evtx of the same day replay as they happened.
 * `problems` lists what could not be read (damaged .evtx chunks and records, unreadable files).
 *
 * Event time stops at the newest event (or `until`): windows that end by then are decided, and alerts
 * still firing are reported as such (`openAtEnd`), never resolved or fired by a clock run past the data.
 * An event without a time of its own takes the time of its file's event before it; one with no event
 * before it in its file has only ingest time and is left out of the windows (counted in `untimed`).
 */
export async function replay(rules: LoadedRules, files: string[], onProgress?: (p: ReplayProgress) => void, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const matches = new Map<string, number[]>();
  const engine = new RulesEngine(silentLogger(), {
    onMatch: (rule, t) => { const l = matches.get(rule); if (l) l.push(t); else matches.set(rule, [t]); },
  });
  engine.use(rules);
  const alerts: Alert[] = [];
  const take = (changes: AlertChange[]) => { for (const c of changes) if (c.send) alerts.push(c.alert); };
  const firsts = await Promise.all(files.map(async (file) => ({ file, first: await firstEventTime(file) })));
  const ingested = new Date().toISOString();
  const sizes = new Map(files.map((f) => [f, sizeOf(f)]));
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const opened: InputEvents[] = [];
  let events = 0, untimed = 0, afterUntil = 0;
  const until = opts.until;
  const progress = (): ReplayProgress => {
    let bytesRead = 0;
    for (const i of opened) bytesRead += Math.min(i.position(), sizes.get(i.file) ?? 0);
    return { events, bytesRead, totalBytes };
  };
  let from = Infinity, to = -Infinity;
  const pending = firsts.map(({ file, first }) => ({ file, first, open: () => openInput(file, ingested) }));
  for await (const { doc, t, input } of mergeByTime(pending, (i) => opened.push(i))) {
    if (input.untimed?.(doc)) { untimed++; continue; }
    if (until !== undefined && t > until) { afterUntil++; continue; }
    if (Number.isFinite(t)) { if (t < from) from = t; if (t > to) to = t; }
    take(engine.processDoc(doc));
    events++;
    if (onProgress && events % 2_000 === 0) onProgress(progress());
  }
  const end = until ?? (Number.isFinite(to) ? to : undefined);
  take(engine.finish(end));
  const printed = new Set(alerts.filter((a) => a.state === 'firing').map((a) => a.id));
  const openAtEnd = new Set([...engine.openAlertIds()].filter((id) => printed.has(id)));
  if (onProgress) onProgress(progress());
  alerts.sort((a, b) => (a.first_event < b.first_event ? -1 : a.first_event > b.first_event ? 1 : 0));
  const order = firsts.slice().sort((a, b) => a.first - b.first).map((f) => f.file);
  return {
    files: order, events, untimed, afterUntil, from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined, end,
    alerts, openAtEnd, matches, problems: opened.flatMap((i) => i.problems()),
  };
}

function sizeOf(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}
