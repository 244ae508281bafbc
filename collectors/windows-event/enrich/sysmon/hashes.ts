import type { EventDoc } from '../../../../src/core/event';
import { appendAllUnique, setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';

/**
 * Sysmon's `Hashes` (or `Hash`): `MD5=…,SHA256=…,IMPHASH=…` → `<target>.hash.md5`, `.sha256`, …, and
 * `IMPHASH` → `<target>.pe.imphash`, every value in lower case and in `related.hash`. Empty and
 * all-zero hashes (Sysmon writes `IMPHASH=00000000000000000000000000000000` for non-PE files) are
 * left out. The target is `process` for the events about a process image (1, 23, 24, 25, 26) and
 * `file` for those about a file (6, 7, 15, 29), as in Winlogbeat.
 */
const PROCESS_HASH_EVENTS = new Set(['1', '23', '24', '25', '26']);
const FILE_HASH_EVENTS = new Set(['6', '7', '15', '29']);

export function parseSysmonHashes(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const algo = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim().toLowerCase();
    if (algo === '' || /^0*$/.test(value)) continue;
    out.push([algo, value]);
  }
  return out;
}

export function addSysmonHashes(doc: EventDoc, ed: EventData, code: string): void {
  const text = ed.Hashes ?? ed.Hash;
  if (text === undefined) return;
  const hashes = parseSysmonHashes(text);
  const target = PROCESS_HASH_EVENTS.has(code) ? 'process' : FILE_HASH_EVENTS.has(code) ? 'file' : undefined;
  appendAllUnique(doc, 'related.hash', hashes.map(([, value]) => value));
  for (const [algo, value] of hashes) {
    if (!target) continue;
    if (algo === 'imphash') setField(doc, `${target}.pe.imphash`, value);
    else setField(doc, `${target}.hash.${algo}`, value);
  }
}
