/**
 * The level vocabulary of the logger shapes (the aliases, pino/bunyan numbers and syslog severities
 * listed in the header of ./ecs-shape.ts), read into the lower-case names `log.level` holds.
 */

const LEVELS = new Map<string, string>();
(function initLevels(): void {
  const pairs: Array<[string, string]> = [
    ['trace', 'trace'], ['trc', 'trace'],
    ['debug', 'debug'], ['dbg', 'debug'],
    ['info', 'info'], ['information', 'info'], ['informational', 'info'], ['inf', 'info'],
    ['notice', 'notice'],
    ['warn', 'warn'], ['warning', 'warn'], ['wrn', 'warn'],
    ['error', 'error'], ['err', 'error'], ['eror', 'error'],
    ['critical', 'critical'], ['crit', 'critical'], ['crt', 'critical'],
    ['alert', 'alert'], ['emergency', 'emergency'], ['emerg', 'emergency'],
    ['fatal', 'fatal'], ['ftl', 'fatal'], ['panic', 'panic'], ['dpanic', 'dpanic'],
    ['verbose', 'verbose'], ['vrb', 'verbose'],
  ];
  for (const [k, v] of pairs) {
    LEVELS.set(k, v);
    LEVELS.set(k.toUpperCase(), v);
    LEVELS.set(k[0].toUpperCase() + k.slice(1), v);
  }
})();

const SYSLOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warn', 'notice', 'info', 'debug'];

const ANSI_RE = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * A log line's level value (a name, a pino/bunyan number, a syslog severity) -> the lower-case level name
 * for log.level; undefined when it is not a level (object, boolean, ...).
 */
export function logLevelName(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const hit = LEVELS.get(v);
    if (hit !== undefined) return hit;
    let s = v;
    if (s.indexOf('\u001b') !== -1) s = s.replace(ANSI_RE, ''); // winston's colorize()
    s = s.trim().toLowerCase();
    if (s === '') return undefined;
    return LEVELS.get(s) ?? s;
  }
  if (typeof v === 'number') {
    if (v >= 10) {
      if (v < 20) return 'trace';
      if (v < 30) return 'debug';
      if (v < 40) return 'info';
      if (v < 50) return 'warn';
      if (v < 60) return 'error';
      return 'fatal';
    }
    if (v >= 0 && v <= 7 && Math.floor(v) === v) return SYSLOG_LEVELS[v];
    return String(v);
  }
  return undefined;
}
