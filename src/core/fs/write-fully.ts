import type { FileHandle } from 'node:fs/promises';
import { writeSync } from 'node:fs';

/**
 * Writes every byte of `data`, looping over short writes (a write may take only part of its bytes,
 * as it does when the disk fills up in the middle of it), or throws the error of the write that
 * failed (ENOSPC, EIO, ...). `position` null writes at the current position (the end, for a file
 * opened for append). A write that takes nothing without an error is an error too, never a loop.
 */
export async function writeFully(fh: FileHandle, data: Buffer, position: number | null = null): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position === null ? null : position + done);
    if (bytesWritten <= 0) throw stalled(done, data.length);
    done += bytesWritten;
  }
}

/** The synchronous twin of {@link writeFully}, for a file descriptor. */
export function writeFullySync(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) {
    const n = writeSync(fd, data, done, data.length - done);
    if (n <= 0) throw stalled(done, data.length);
    done += n;
  }
}

function stalled(done: number, total: number): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`EIO: a write took no bytes (${done} of ${total} written)`);
  err.code = 'EIO';
  return err;
}
