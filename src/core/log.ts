import pino, { type Logger } from 'pino';
import { scrubUserinfo } from './config-kit/url-userinfo';

export type { Logger };

/** Vigil's own structured logs: JSON lines on stderr (stdout is kept for command output). */
export function createLogger(level: string = process.env.VIGIL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'vigil', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['password', '*.password', 'api_key', '*.api_key', 'token', '*.token', 'secret', '*.secret', 'routing_key', '*.routing_key'], censor: '[redacted]' },
    // a last guard: the user-info of a URL in the message or a top-level string field never reaches the log
    hooks: { logMethod(args, method) { method.apply(this, args.map(withoutUrlUserinfo) as typeof args); } },
  }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything (benchmarks, unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function withoutUrlUserinfo(arg: unknown): unknown {
  if (typeof arg === 'string') return arg.includes('@') ? scrubUserinfo(arg) : arg;
  if (!arg || typeof arg !== 'object' || Array.isArray(arg) || arg instanceof Error) return arg;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(arg)) {
    if (typeof v !== 'string' || !v.includes('@')) continue;
    const s = scrubUserinfo(v);
    if (s !== v) (copy ??= { ...(arg as Record<string, unknown>) })[k] = s;
  }
  return copy ?? arg;
}
