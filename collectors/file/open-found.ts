import { promises as fsp, type Stats } from 'node:fs';
import type { FoundFile } from './discovery';
import { fingerprintHandle, fingerprintGzipHandle } from './fingerprint';

export interface OpenedFile {
  fh: fsp.FileHandle;
  stat: Stats;
  /** the fingerprint of what the handle holds (null: no complete first line yet) */
  fingerprint: string | null;
}

/**
 * Opens a discovered file by its path and checks that the handle holds the file that was discovered:
 * between the listing and the open, a rotation may have given the name to another file (logrotate
 * shifts every `app.log.N.gz` at each rotation). Returns null when the name has moved on; the
 * caller looks again at the next scan. Everything read later goes through this handle, never the path.
 */
export async function openFound(f: FoundFile, fingerprintBytes: number): Promise<OpenedFile | null> {
  const fh = await fsp.open(f.path, 'r');
  try {
    const stat = await fh.stat();
    if (stat.dev !== f.dev || stat.ino !== f.ino || !stat.isFile()) { await fh.close(); return null; }
    const fingerprint = f.gzip ? await fingerprintGzipHandle(fh, fingerprintBytes, stat.size) : await fingerprintHandle(fh, fingerprintBytes);
    return { fh, stat, fingerprint };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}
