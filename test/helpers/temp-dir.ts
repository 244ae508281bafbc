import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder; removed by `cleanup` unless VIGIL_KEEP_TEST_DIRS is set (for post-mortems). */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `vigil-${prefix}-`));
  return {
    path,
    cleanup: () => { if (!process.env.VIGIL_KEEP_TEST_DIRS) rmSync(path, { recursive: true, force: true }); },
  };
}
