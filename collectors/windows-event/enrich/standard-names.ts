/**
 * The names Windows renders for the standard values every provider shares (winmeta): keyword bits,
 * opcodes and levels. A `.evtx` file holds only the numbers (the names are in the providers' message
 * files on the machine that wrote it); the live channel gives the names. Naming the numbers makes both
 * the same document, as Winlogbeat writes it.
 */

/** Standard keyword bits (bits 48-55 of System/Keywords), in bit order, with Windows' display names. */
const KEYWORD_BITS: Array<[bigint, string]> = [
  [0x1000000000000n, 'Response Time'],
  [0x2000000000000n, 'WDI Context'],
  [0x4000000000000n, 'WDI Diag'],
  [0x8000000000000n, 'SQM'],
  [0x10000000000000n, 'Audit Failure'],
  [0x20000000000000n, 'Audit Success'],
  [0x40000000000000n, 'Correlation Hint'],
  [0x80000000000000n, 'Classic'],
];

/**
 * `0x8020000000000000` → `['Audit Success']`: the names of the standard bits set. Bits a provider
 * defines itself (0-47) and the channel bits (56-63) have no standard name: a value with only those
 * gives undefined (the hex value is kept as it is).
 */
export function keywordNames(hex: string): string[] | undefined {
  let names = KEYWORD_CACHE.get(hex);
  if (names === undefined) {
    names = null;
    if (/^0x[0-9a-f]{1,16}$/i.test(hex)) {
      const v = BigInt(hex);
      const out: string[] = [];
      for (const [bit, name] of KEYWORD_BITS) if (v & bit) out.push(name);
      if (out.length > 0) names = out;
    }
    if (KEYWORD_CACHE.size < 1024) KEYWORD_CACHE.set(hex, names);
  }
  return names === null ? undefined : [...names];
}

/** A log holds a handful of keyword values: each is worked out once (bounded, in case a file holds garbage). */
const KEYWORD_CACHE = new Map<string, string[] | null>();

/** Standard opcodes (0-9 and 240 are reserved for these; providers number their own from 10). */
const OPCODES: Record<string, string> = {
  0: 'Info', 1: 'Start', 2: 'Stop', 3: 'DCStart', 4: 'DCStop', 5: 'Extension', 6: 'Reply', 7: 'Resume', 8: 'Suspend', 9: 'Send', 240: 'Receive',
};

/** `'1'` → `'Start'`; undefined for a name already or a provider's own opcode. */
export function opcodeName(value: string): string | undefined {
  return OPCODES[value];
}

/**
 * `log.level` as Winlogbeat writes it for Windows events (the rendered level in lower case). The NDJSON
 * normaliser spells levels the logger way (`info`, `warn`); an exported Windows event keeps Windows'.
 */
export function windowsLevelName(level: string): string {
  return level === 'info' ? 'information' : level === 'warn' ? 'warning' : level === 'crit' ? 'critical' : level;
}
