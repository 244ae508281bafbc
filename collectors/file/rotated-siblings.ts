import { promises as fsp, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FoundFile } from './discovery';

/** The separators rotation tools put between a file's name and the rotation suffix (`.1`, `-20261202`, `_2`). */
const SEPARATORS = new Set(['.', '-', '_']);

/**
 * The rotated siblings of a file a collector has read under `livePath`: the regular files in the same
 * folder whose names are the live name followed by `.`, `-` or `_` and a suffix (`app.json.1`,
 * `app.json.1.gz`, `app.json-20261202`, `app.json-20261202.gz`, `app.json.2026-12-02`). Symbolic links
 * are never listed (a link beside a log file is no rotation of it). The live name itself is not listed.
 */
export async function listRotatedSiblings(livePath: string): Promise<FoundFile[]> {
  const dir = dirname(livePath);
  const base = basename(livePath);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return []; // the folder is gone: nothing to follow there
  }
  const out: FoundFile[] = [];
  await Promise.all(names.map(async (name) => {
    if (name.length <= base.length + 1 || !name.startsWith(base) || !SEPARATORS.has(name[base.length])) return;
    const path = join(dir, name);
    let st: Stats;
    try {
      st = await fsp.lstat(path);
    } catch {
      return; // moved on by a rotation meanwhile
    }
    if (!st.isFile()) return;
    out.push({ path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, gzip: name.endsWith('.gz') });
  }));
  return out;
}

type Rank = { kind: 'index'; n: number } | { kind: 'date'; key: string } | { kind: 'other' };

/** How a rotated name says its place in the chain: `.N` (higher is older) or a date (later is newer). */
function rankOf(path: string, base: string): Rank {
  let suffix = basename(path).slice(base.length + 1);
  if (suffix.endsWith('.gz')) suffix = suffix.slice(0, -3);
  if (/^\d{1,6}$/.test(suffix)) return { kind: 'index', n: Number(suffix) };
  const digits = suffix.replace(/\D/g, '');
  if (digits.length >= 8) return { kind: 'date', key: digits.padEnd(20, '0') };
  return { kind: 'other' };
}

/**
 * Whether rotated sibling `a` holds content written at the live name after `b`'s: by the rotation
 * suffixes when both use the same scheme (`.1` is newer than `.2`; `-20261203` newer than `-20261202`),
 * otherwise by modification time (rotation tools keep it, compression included).
 */
export function isNewerInChain(a: FoundFile, b: FoundFile, livePath: string): boolean {
  const base = basename(livePath);
  const ra = rankOf(a.path, base), rb = rankOf(b.path, base);
  if (ra.kind === 'index' && rb.kind === 'index' && ra.n !== rb.n) return ra.n < rb.n;
  if (ra.kind === 'date' && rb.kind === 'date' && ra.key !== rb.key) return ra.key > rb.key;
  return a.mtimeMs > b.mtimeMs;
}

/** Oldest first: the order in which a chain of rotated files was written. */
export function oldestFirst(files: FoundFile[], livePath: string): FoundFile[] {
  return [...files].sort((a, b) => (isNewerInChain(a, b, livePath) ? 1 : isNewerInChain(b, a, livePath) ? -1 : 0));
}
