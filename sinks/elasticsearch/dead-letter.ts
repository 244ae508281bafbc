import { promises as fsp, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFully } from '../../src/core/fs/write-fully';

export interface DeadLetter {
  time: string;
  target: string;
  _id: string;
  status: number;
  error: string;
  document: unknown;
}

/**
 * Documents Elasticsearch will never take (mapping conflicts and other 4xx), one JSON line each
 * with the error, fsynced before the pipeline is told they are dealt with. A failed append (a full
 * disk) is cut back to the last whole letter and thrown, for the caller to retry.
 */
export class DeadLetterFile {
  written = 0;
  /** the size to cut the file back to before the next append (a failed append that could not be cut) */
  private cutTo: number | null = null;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends run one at a time (several bulk requests may be in flight): a cut never takes another's letters. */
  append(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    const run = this.appending.then(() => this.appendNow(letters));
    this.appending = run.catch(() => undefined);
    return run;
  }

  private appending: Promise<void> = Promise.resolve();

  private async appendNow(letters: DeadLetter[]): Promise<void> {
    const data = Buffer.from(letters.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const fh = await fsp.open(this.path, 'a', 0o600);
    try {
      if (this.cutTo !== null) {
        await fh.truncate(this.cutTo);
        this.cutTo = null;
      }
      const size = (await fh.stat()).size;
      try {
        await writeFully(fh, data);
        await fh.datasync();
      } catch (err) {
        this.cutTo = size;
        await fh.truncate(size).then(() => { this.cutTo = null; }, () => undefined);
        throw err;
      }
    } finally {
      await fh.close();
    }
    this.written += letters.length;
  }
}
