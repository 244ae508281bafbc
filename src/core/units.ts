/**
 * Durations and byte sizes as users write them in vigil.yaml and rules.yaml.
 *
 * Durations: `500ms`, `30s`, `5m`, `2h`, `1d`, `1w`, decimals (`1.5h`) and combinations (`1h30m`,
 * `1m 30s`); units are lower case. A bare number (or a string of digits) means SECONDS, as in Beats configuration files.
 *
 * Sizes: plain numbers are bytes; `KB`/`MB`/`GB`/`TB` (and `K`/`M`/`G`/`T`) are decimal (1000),
 * `KiB`/`MiB`/`GiB`/`TiB` are binary (1024); case-insensitive (`1mb`, `512kib`), an optional `B`.
 */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)/;

/** Parses a duration and returns it in milliseconds (rounded to an integer). Throws an Error on bad input. */
export function parseDuration(s: string | number): number {
  if (typeof s === 'number') {
    if (!Number.isFinite(s) || s < 0) throw new Error(`invalid duration ${String(s)}: must be a non-negative number of seconds`);
    return Math.round(s * 1000);
  }
  if (typeof s !== 'string') throw new Error(`invalid duration: expected a string like "5m", got ${typeof s}`);
  const text = s.trim();
  if (text === '') throw new Error('invalid duration "": empty, expected e.g. "30s", "5m", "2h", "1d"');
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let rest = text;
  let total = 0;
  let parts = 0;
  while (rest.length > 0) {
    const m = DURATION_RE.exec(rest);
    if (!m) {
      if (/^\s*-/.test(rest)) throw new Error(`invalid duration "${s}": negative durations are not allowed`);
      const unit = /^\d+(?:\.\d+)?\s*([a-z]+)/i.exec(rest);
      if (unit) throw new Error(`invalid duration "${s}": unknown unit "${unit[1]}" (use ms, s, m, h, d or w)`);
      const why = /^\d+(\.\d+)?\s*$/.test(rest) && parts > 0 ? 'every number needs a unit' : 'expected a number followed by a unit';
      throw new Error(`invalid duration "${s}": ${why}, e.g. "30s", "5m", "2h", "1d", "1h30m"`);
    }
    // `5min`, `5mo`, `5sec`: the greedy unit match would take the first letter only
    const after = rest.slice(m[0].length);
    if (/^[a-z]/i.test(after)) {
      const word = (rest.match(/^\d+(?:\.\d+)?\s*([a-z]+)/i) as RegExpMatchArray)[1];
      throw new Error(`invalid duration "${s}": unknown unit "${word}" (use ms, s, m, h, d or w)`);
    }
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    parts++;
    rest = after.replace(/^\s+/, '');
  }
  if (!Number.isFinite(total)) throw new Error(`invalid duration "${s}": too large`);
  return Math.round(total);
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Parses a byte size (`1MiB`, `512KB`, `1mb`, `4096`) and returns a whole number of bytes. Throws on bad input. */
export function parseByteSize(s: string | number): number {
  if (typeof s === 'number') {
    if (!Number.isFinite(s) || s < 0) throw new Error(`invalid size ${String(s)}: must be a non-negative number of bytes`);
    return Math.floor(s);
  }
  if (typeof s !== 'string') throw new Error(`invalid size: expected a string like "1MiB", got ${typeof s}`);
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(s);
  if (!m) throw new Error(`invalid size "${s}": expected a number optionally followed by a unit (e.g. "512KB", "1MiB")`);
  const unit = m[2].toLowerCase();
  const mult = SIZE_UNITS[unit];
  if (mult === undefined) {
    throw new Error(`invalid size "${s}": unknown unit "${m[2]}" (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`);
  }
  const n = Math.floor(Number(m[1]) * mult);
  if (!Number.isFinite(n)) throw new Error(`invalid size "${s}": too large`);
  return n;
}

/** Formats milliseconds compactly (`90000` → `1m30s`), for messages and status output. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  const out: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      out.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return out.join('');
}

/** Formats a byte count in the largest binary unit that divides it (`1048576` → `1MiB`), as vigil.yaml accepts it. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** JSON-Schema (ECMAScript) pattern accepted by {@link parseDuration} for strings. */
export const DURATION_PATTERN = '^\\s*(?:(?:\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(?:ms|s|m|h|d|w)\\s*)+$|^\\s*\\d+(?:\\.\\d+)?\\s*$';

/** JSON-Schema (ECMAScript) pattern accepted by {@link parseByteSize} for strings. */
export const SIZE_PATTERN = '^\\s*(?:\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(?:[kKmMgGtT][iI]?[bB]?|[bB])?\\s*$';
