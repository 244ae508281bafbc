/**
 * Paths and globs as written in config files: relative to the file's folder, `~` for the home
 * folder; globs use forward slashes on Windows (glob syntax).
 */
import * as os from 'node:os';
import * as path from 'node:path';

function toGlobPath(p: string): string {
  return process.platform === 'win32' ? p.replace(/\\/g, '/') : p;
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** Resolves a file path against `base` (`~` is the home directory). */
export function resolvePath(base: string, p: string): string {
  return path.resolve(base, expandHome(p));
}

/** Resolves a glob against `base`; on Windows the result uses forward slashes (glob syntax). */
export function resolveGlob(base: string, g: string): string {
  const e = expandHome(g);
  if (path.isAbsolute(e)) return toGlobPath(e);
  return toGlobPath(path.join(base, e));
}
