import pino, { type Logger } from 'pino';

export type { Logger };

/** Vigil's own structured logs: JSON lines on stderr (stdout is kept for command output). */
export function createLogger(level: string = process.env.VIGIL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'vigil', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['password', '*.password', 'api_key', '*.api_key', 'token', '*.token', 'secret', '*.secret'], censor: '[redacted]' },
  }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything (benchmarks, unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
