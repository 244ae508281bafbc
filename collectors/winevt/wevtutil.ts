import { execFile } from 'node:child_process';
import { decodeOutput } from './rendered-xml';

/**
 * Runs `wevtutil` (no shell; the configured path) and classifies its failures. Windows' own tool
 * renders each event's message text (`/f:RenderedXml`), so no native module is needed.
 *   wevtutil qe <channel> /q:<xpath> /f:RenderedXml /c:<n> /rd:false /uni:true
 *   wevtutil gli <channel>        (numberOfLogRecords, oldestRecordNumber)
 */
export interface WevtutilOptions {
  path: string;
  timeoutMs: number;
  /** ask for UTF-16 output (`/uni:true`), so that text outside the console code page survives */
  unicode?: boolean;
  signal?: AbortSignal;
}

export type WevtutilErrorKind = 'channel_not_found' | 'access_denied' | 'no_executable' | 'timeout' | 'aborted' | 'other';

export class WevtutilError extends Error {
  constructor(message: string, readonly kind: WevtutilErrorKind, readonly exitCode: number | null, readonly stderr: string) {
    super(message);
    this.name = 'WevtutilError';
  }
}

/** ERROR_EVT_CHANNEL_NOT_FOUND */
export const EXIT_CHANNEL_NOT_FOUND = 15007;
/** ERROR_ACCESS_DENIED */
export const EXIT_ACCESS_DENIED = 5;

/** What an account needs to read a channel, for the access-denied error. */
export function accessNeeded(channel: string): string {
  if (channel.toLowerCase() === 'security') {
    return 'reading the Security channel needs the SeSecurityPrivilege ("Manage auditing and security log") or membership of the ' +
      '"Event Log Readers" group; run Vigil as LocalSystem or an administrator, or add its account to "Event Log Readers"';
  }
  return `reading the ${channel} channel needs membership of the "Event Log Readers" group (or administrator rights); ` +
    'add the account Vigil runs as to "Event Log Readers"';
}

function classify(err: NodeJS.ErrnoException & { killed?: boolean; signal?: string | null }, stderr: string, opts: WevtutilOptions, channel: string): WevtutilError {
  const text = stderr.trim().replace(/\s+/g, ' ');
  if (err.name === 'AbortError' || opts.signal?.aborted) return new WevtutilError('wevtutil stopped', 'aborted', null, text);
  if (err.code === 'ENOENT' || (err.code === 'EACCES' && !text)) {
    return new WevtutilError(`cannot run wevtutil at "${opts.path}" (${err.code}); set wevtutil_path to its location (normally C:\\Windows\\System32\\wevtutil.exe)`, 'no_executable', null, text);
  }
  if (err.killed || (err.signal && typeof err.code !== 'number')) {
    return new WevtutilError(`wevtutil did not answer within ${opts.timeoutMs} ms for channel ${channel}`, 'timeout', null, text);
  }
  const code = typeof err.code === 'number' ? err.code : null;
  // exit codes are Windows error codes (a POSIX stand-in can only give their low byte, so the text counts too)
  if (code === EXIT_CHANNEL_NOT_FOUND || /channel could not be found|ERROR_EVT_CHANNEL_NOT_FOUND/i.test(text)) {
    return new WevtutilError(`channel "${channel}" does not exist on this computer (wevtutil: ${text || `exit code ${code}`}); ` +
      'check the name (wevtutil el lists the channels) or install the software that provides it', 'channel_not_found', code, text);
  }
  if (code === EXIT_ACCESS_DENIED || /access is denied/i.test(text)) {
    return new WevtutilError(`access denied to channel "${channel}": ${accessNeeded(channel)} (wevtutil: ${text || `exit code ${code}`})`, 'access_denied', code, text);
  }
  return new WevtutilError(`wevtutil failed on channel "${channel}" (exit code ${code ?? err.code ?? '?'}): ${text || err.message}`, 'other', code, text);
}

function run(opts: WevtutilOptions, args: string[], channel: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(opts.path, args, {
      encoding: 'buffer',
      timeout: opts.timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
      windowsHide: true,
      shell: false,
      signal: opts.signal,
    }, (err, stdout, stderr) => {
      if (err) reject(classify(err as NodeJS.ErrnoException, decodeOutput(stderr as Buffer) + (stderr.length === 0 ? decodeOutput(stdout as Buffer).slice(0, 2000) : ''), opts, channel));
      else resolve(stdout as Buffer);
    });
  });
}

/** The argument vector of a query (exported for tests and the stand-in). */
export function queryArgs(channel: string, xpath: string, count: number, unicode: boolean): string[] {
  const args = ['qe', channel, `/q:${xpath}`, '/f:RenderedXml', `/c:${count}`, '/rd:false'];
  if (unicode) args.push('/uni:true');
  return args;
}

/** Up to `count` events of `channel` matching `xpath`, oldest first, as RenderedXml bytes. */
export function queryEvents(opts: WevtutilOptions, channel: string, xpath: string, count: number): Promise<Buffer> {
  return run(opts, queryArgs(channel, xpath, count, opts.unicode !== false), channel);
}

export interface LogInfo {
  records: number;
  /** 0 when the channel is empty */
  oldest: number;
}

/** `wevtutil gli <channel>`: how many records the channel holds and the id of the oldest. */
export async function logInfo(opts: WevtutilOptions, channel: string): Promise<LogInfo> {
  const text = decodeOutput(await run(opts, ['gli', channel], channel));
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^\\s*${name}\\s*:\\s*(\\d+)`, 'mi').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const records = field('numberOfLogRecords');
  const oldest = field('oldestRecordNumber');
  if (records === undefined || oldest === undefined) {
    throw new WevtutilError(`unexpected answer of wevtutil gli for channel "${channel}": ${text.slice(0, 200)}`, 'other', 0, '');
  }
  return { records, oldest };
}
