/**
 * The control API's bearer token: one line in a file (default <state_dir>/control.token).
 * Created on first start with 32 random bytes (base64url) and mode 0600; reused afterwards.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../core/log';

/**
 * Reads the token from `file`, without the whitespace around it. Throws a clear Error naming the file
 * when it is missing, empty, or holds whitespace or other characters a bearer token cannot carry.
 */
export function readToken(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`control token file ${file} does not exist`);
    throw new Error(`cannot read control token file ${file}: ${(err as Error).message}`);
  }
  const fault = tokenTextFault(text);
  if (fault) throw new Error(`control token file ${file} ${fault}`);
  return text.trim();
}

/**
 * What is wrong with a token file's text, or null. Spaces and line ends around the token are not part
 * of it; inside it, they could never be sent in an `Authorization: Bearer <token>` header, so such a
 * file is refused. The token itself is never part of the message.
 */
export function tokenTextFault(text: string): string | null {
  const token = text.trim();
  if (token === '') return 'is empty (delete it and restart vigil to create a new token)';
  if (!/^[\x21-\x7e]+$/.test(token)) {
    const what = /\s/.test(token) ? 'contains whitespace inside the token' : 'contains characters other than visible ASCII';
    return `${what}: the token must be one word of visible ASCII characters ` +
      '(fix it, or delete the file and restart vigil to create a new token)';
  }
  return null;
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
