import { openSync, writeSync, closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileEventIds, fileIdPrefix, fileSourceKey, hostIdTag } from '../../src/core/event';
import { storeFileName } from '../../sinks/event-store/store-files';

/** A run of lines of one file source, as the file collector and the event store sink write them. */
export interface SourceRun {
  /** the file identity (32 hex digits) */
  identity: string;
  lines: number;
}

const LINE_BYTES_HINT = 170;

/**
 * Appends the store lines of `runs` to the store file of `day` under `dir`, in the format the sink
 * writes (`{"_id":"<identity>.<offset>",…}`, one line per event, ids as the file collector makes
 * them); returns, per identity, the end offset of its last line in its log file (what a registry
 * that covers them all would hold) and the store file's size after the append. Written in 4 MiB
 * pieces, so building millions of lines stays fast and small in memory.
 */
export function appendStoreLines(dir: string, day: Date, runs: SourceRun[]): { ends: Map<string, number>; file: string; size: number } {
  mkdirSync(dir, { recursive: true });
  const file = storeFileName(day);
  const fd = openSync(join(dir, file), 'a');
  const ends = new Map<string, number>();
  let size = 0;
  try {
    const ts = day.toISOString();
    let parts: string[] = [];
    let pending = 0;
    const flush = () => {
      const b = Buffer.from(parts.join(''));
      writeSync(fd, b);
      size += b.length;
      parts = [];
      pending = 0;
    };
    for (const run of runs) {
      const ids = new FileEventIds(fileIdPrefix(run.identity), hostIdTag('big-store'));
      let offset = ends.get(run.identity) ?? 0;
      for (let i = 0; i < run.lines; i++) {
        const message = `GET /api/items/${i % 9973} 200 ${i % 97}ms user=u${i % 1000}`;
        parts.push(`{"_id":"${ids.of(offset)}","@timestamp":"${ts}","message":"${message}","log":{"file":{"path":"/var/log/app/app.log"},"offset":${offset}},"host":{"name":"web-01"},"event":{"dataset":"app.log"}}\n`);
        offset += message.length + 20;
        pending += LINE_BYTES_HINT;
        if (pending >= 4 << 20) flush();
      }
      ends.set(run.identity, offset);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { ends, file, size };
}

/** A registry file (the format of src/checkpoints/registry.ts) with these positions and event store mark. */
export function writeRegistry(stateDir: string, sources: Array<{ identity: string; offset: number; seen: number; path: string }>, mark: { file: string; size: number } | undefined): void {
  mkdirSync(stateDir, { recursive: true });
  const src: Record<string, unknown> = {};
  for (const s of sources) src[fileSourceKey(s.identity)] = { offset: s.offset, meta: { path: s.path }, seen: s.seen };
  writeFileSync(join(stateDir, 'registry.json'), JSON.stringify({ version: 1, sources: src, sinks: mark ? { event_store: mark } : {}, state: {} }));
}

/** The 32-hex-digit identity number `n` (distinct for distinct n). */
export function identityOf(n: number): string {
  return n.toString(16).padStart(32, 'a');
}
