import { statSync } from 'node:fs';
import fg from 'fast-glob';
import { firstEventTime, openInput, type InputEvents } from './input-events';
import { mergeByTime } from './merge-by-time';
import type { LoadedRules } from '../types';
import { replayEvents, type ReplayedEvents, type TimedEvent } from './replay-events';

export interface ReplayResult extends ReplayedEvents {
  /** what was replayed: the files in order of their first event, or the Elasticsearch source */
  files: string[];
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
  const firsts = await Promise.all(files.map(async (file) => ({ file, first: await firstEventTime(file) })));
  const ingested = new Date().toISOString();
  const sizes = new Map(files.map((f) => [f, sizeOf(f)]));
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const opened: InputEvents[] = [];
  const progress = (events: number): ReplayProgress => {
    let bytesRead = 0;
    for (const i of opened) bytesRead += Math.min(i.position(), sizes.get(i.file) ?? 0);
    return { events, bytesRead, totalBytes };
  };
  const pending = firsts.map(({ file, first }) => ({ file, first, open: () => openInput(file, ingested) }));
  async function* timed(): AsyncGenerator<TimedEvent> {
    for await (const { doc, t, input } of mergeByTime(pending, (i) => opened.push(i))) yield { doc, t, untimed: input.untimed?.(doc) };
  }
  const r = await replayEvents(rules, timed(), { until: opts.until, onEvents: onProgress && ((n) => onProgress(progress(n))) });
  const order = firsts.slice().sort((a, b) => a.first - b.first).map((f) => f.file);
  return { ...r, files: order, problems: opened.flatMap((i) => i.problems()) };
}

function sizeOf(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}
