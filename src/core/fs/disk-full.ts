/** True for the errors of a file system without room: no space left, or a quota reached. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * One line for `/health` and the logs about a write of `what` to `dir` that failed: starts with
 * "disk full" when it is, and names the folder and the error.
 */
export function writeFailureDetail(err: unknown, what: string, dir: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `${isDiskFull(err) ? 'disk full: ' : ''}cannot write ${what} to ${dir} (${msg})`;
}
