import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger, silentLogger, type Logger } from '../../src/core/log';

/** Silent unless VIGIL_TEST_LOG_LEVEL is set (for example `debug`, to follow a failing run on stderr). */
export function testLogger(): Logger {
  const level = process.env.VIGIL_TEST_LOG_LEVEL;
  return level ? createLogger(level) : silentLogger();
}

export interface LogLine { level: number; msg: string; [k: string]: unknown }

/** A debug-level logger whose lines are kept, parsed, for assertions on what was logged. */
export function captureLogger(): { log: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as LogLine); cb(); } });
  return { log: pino({ level: 'debug' }, stream), lines };
}
