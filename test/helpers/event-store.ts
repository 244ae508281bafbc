import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listStoreFiles } from '../../sinks/event-store/store-files';

export interface StoredEvent {
  _id: string;
  [k: string]: unknown;
}

/** Every event in a local event store directory, in write order (a line still being written is left out). */
export function readStore(dir: string): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const f of listStoreFiles(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) if (line) out.push(JSON.parse(line) as StoredEvent);
  }
  return out;
}

/** Counts lines without parsing (cheap polling). */
export function countStore(dir: string): number {
  let n = 0;
  for (const f of listStoreFiles(dir)) {
    const b = readFileSync(join(dir, f));
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  }
  return n;
}

/** Checks that every expected sequence number is there exactly once; returns a description of what is wrong. */
export function exactlyOnce(events: StoredEvent[], expected: Iterable<number>, seqOf: (e: StoredEvent) => number | undefined): { missing: number[]; duplicated: number[]; unexpected: number[]; duplicateIds: number } {
  const seen = new Map<number, number>();
  const ids = new Set<string>();
  let duplicateIds = 0;
  for (const e of events) {
    if (ids.has(e._id)) duplicateIds++;
    ids.add(e._id);
    const s = seqOf(e);
    if (s === undefined) continue;
    seen.set(s, (seen.get(s) ?? 0) + 1);
  }
  const exp = new Set(expected);
  const missing: number[] = [];
  for (const s of exp) if (!seen.has(s)) missing.push(s);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
  const unexpected = [...seen.keys()].filter((s) => !exp.has(s));
  return { missing, duplicated, unexpected, duplicateIds };
}

/** For a failure message: the stored copies of the first few duplicated lines, with their ids and files. */
export function describeDuplicates(events: StoredEvent[], duplicated: number[], seqOf: (e: StoredEvent) => number | undefined, max = 4): string {
  const dup = new Set(duplicated.slice(0, max));
  return events.filter((e) => dup.has(seqOf(e) as number))
    .map((e) => `seq ${seqOf(e)} id ${e._id} file ${(e.log as { file?: { path?: string } } | undefined)?.file?.path}`)
    .join('\n');
}
