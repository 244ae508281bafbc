import { promises as fsp, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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
 * with the error, fsynced before the pipeline is told they are dealt with.
 */
export class DeadLetterFile {
  written = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  async append(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const fh = await fsp.open(this.path, 'a', 0o600);
    try {
      await fh.write(letters.map((l) => `${JSON.stringify(l)}\n`).join(''));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    this.written += letters.length;
  }
}
