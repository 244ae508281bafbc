import fg from 'fast-glob';
import { promises as fsp, type Stats } from 'node:fs';

export interface FoundFile {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  gzip: boolean;
}

export interface Skipped {
  path: string;
  reason: 'directory' | 'not_regular' | 'symlink' | 'error';
  detail?: string;
}

/**
 * Expands the input's globs into the regular files they match now; everything else is reported.
 * Symbolic links are neither followed into folders nor read as files unless `followSymlinks`: a link
 * dropped into a log folder (`x.json -> /etc/shadow`) must not make a root-run daemon ship its target.
 */
export async function discover(paths: string[], exclude: string[], followSymlinks = false): Promise<{ files: FoundFile[]; skipped: Skipped[] }> {
  const matches = await fg(paths.map(toGlob), {
    ignore: exclude.map(toGlob),
    onlyFiles: false,
    absolute: true,
    followSymbolicLinks: followSymlinks,
    suppressErrors: true,
    unique: true,
    dot: false,
  });
  const files: FoundFile[] = [];
  const skipped: Skipped[] = [];
  await Promise.all(matches.map(async (path) => {
    let st: Stats;
    try {
      st = await fsp.lstat(path);
      if (st.isSymbolicLink()) {
        if (!followSymlinks) { skipped.push({ path, reason: 'symlink' }); return; }
        st = await fsp.stat(path);
      }
    } catch (err) {
      // gone between the listing and the stat (a rotation), or unreadable directory entry
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') skipped.push({ path, reason: 'error', detail: (err as Error).message });
      return;
    }
    if (st.isDirectory()) { skipped.push({ path, reason: 'directory' }); return; }
    if (!st.isFile()) { skipped.push({ path, reason: 'not_regular' }); return; }
    files.push({ path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, gzip: path.endsWith('.gz') });
  }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/** fast-glob wants forward slashes, also on Windows. */
function toGlob(p: string): string {
  return process.platform === 'win32' ? p.replace(/\\/g, '/') : p;
}
