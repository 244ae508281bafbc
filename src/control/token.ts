/**
 * The control API's bearer token: one line in a file (default <state_dir>/control.token).
 * Created on first start with 32 random bytes (base64url) and mode 0600; reused afterwards.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';

/** Reads the token from `file`. Throws a clear Error when it is missing or empty. */
export function readToken(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`control token file ${file} does not exist`);
    throw new Error(`cannot read control token file ${file}: ${(err as Error).message}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`control token file ${file} is empty (delete it and restart vigil to create a new token)`);
  return token;
}

/**
 * Returns the token in `file`, creating the file (folder 0700, file 0600) with a fresh random
 * token when it does not exist. Warns (does not fail) when an existing file is readable by others.
 */
export function loadOrCreateToken(file: string, log?: Logger): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const token = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
      if (process.platform !== 'win32') fs.chmodSync(file, 0o600); // in case of an unusual umask
      log?.info({ file }, 'created the control API token file');
      return token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot create control token file ${file}: ${(err as Error).message}`);
      }
      // another process created it in the meantime: use theirs
    }
  }
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      log?.warn({ file, mode: `0${mode.toString(8)}` }, 'control token file is readable by other users; run chmod 600 on it');
    }
  }
  return readToken(file);
}

/** Constant-time comparison (both sides hashed first so the buffers have equal length). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
