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
  events: number;
  from?: number;
  to?: number;
  alerts: Alert[];
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

/**
 * Replays files through the rules engine in event time, sending nothing, and returns every alert that
 * would have been sent. Inputs are NDJSON (plain or .gz) and exported Windows event logs (.evtx),
 * normalised as the daemon normalises them; the files' events are interleaved by event time (see
 * mergeByTime), so a Security.evtx and a System.evtx of the same day replay as they happened.
 * `problems` lists what could not be read (damaged .evtx chunks and records, unreadable files).
 */
export async function replay(rules: LoadedRules, files: string[], onProgress?: (p: ReplayProgress) => void): Promise<ReplayResult> {
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
  let events = 0;
  const progress = (): ReplayProgress => {
    let bytesRead = 0;
    for (const i of opened) bytesRead += Math.min(i.position(), sizes.get(i.file) ?? 0);
    return { events, bytesRead, totalBytes };
  };
  let from = Infinity, to = -Infinity;
  const pending = firsts.map(({ file, first }) => ({ file, first, open: () => openInput(file, ingested) }));
  for await (const { doc, t } of mergeByTime(pending, (i) => opened.push(i))) {
    if (Number.isFinite(t)) { if (t < from) from = t; if (t > to) to = t; }
    take(engine.processDoc(doc));
    events++;
    if (onProgress && events % 2_000 === 0) onProgress(progress());
  }
  take(engine.finish());
  if (onProgress) onProgress(progress());
  alerts.sort((a, b) => (a.first_event < b.first_event ? -1 : a.first_event > b.first_event ? 1 : 0));
  const order = firsts.slice().sort((a, b) => a.first - b.first).map((f) => f.file);
  return {
    files: order, events, from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined, alerts, matches,
    problems: opened.flatMap((i) => i.problems()),
  };
}

function sizeOf(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}
