import type { FoundFile } from './discovery';
import { listRotatedSiblings, isNewerInChain, oldestFirst } from './rotated-siblings';

/** A file identity the checkpoint registry knows, not found under the input's globs now. */
export interface KnownFile {
  identity: string;
  source: string;
  /** acknowledged position */
  offset: number;
  /** the name the file was read under (a name the globs matched): its rotated siblings are searched */
  live: string;
  /** the size it had when last looked at, when known: more than `offset` means bytes not read yet */
  size?: number;
}

/** What the search found for the known files of one scan. */
export type FollowStep =
  /** the file is at a rotated name: read it from its position to its end */
  | { kind: 'read'; known: KnownFile; file: FoundFile }
  /** content the live name held after a known file, while nobody looked (rotated away since): read it whole */
  | { kind: 'successor'; identity: string; file: FoundFile; live: string }
  /** found nowhere: its unread bytes (at least `unread`) are lost */
  | { kind: 'lost'; known: KnownFile; unread: number }
  /** found nowhere, with nothing known to be unread */
  | { kind: 'gone'; known: KnownFile };

/** The identity of a file (null: no complete first line; undefined: it moved on meanwhile); may throw. */
export type Fingerprinter = (f: FoundFile) => Promise<string | null | undefined>;

/**
 * Looks for known files among the rotated siblings of the names they were read under, wherever
 * rotation moved them (`app.json.1`, `app.json.2.gz`, `app.json-20261202`), whatever the glob: Filebeat
 * and Vector ask users to widen their globs for this; here the registry says what is worth finding.
 * A sibling that is no known file is read only when the chain shows it was written at the live name
 * after a known file (two rotations while the daemon was down): never because it merely sits there.
 */
export async function planRotationFollow(knowns: KnownFile[], fingerprint: Fingerprinter, isKnown: (identity: string) => boolean): Promise<FollowStep[]> {
  const byLive = new Map<string, KnownFile[]>();
  for (const k of knowns) {
    const l = byLive.get(k.live);
    if (l) l.push(k); else byLive.set(k.live, [k]);
  }
  const reads: FollowStep[] = [];
  const successors: FollowStep[] = [];
  for (const [live, list] of byLive) {
    const siblings = await listRotatedSiblings(live);
    const fps = new Map<FoundFile, string>();
    for (const s of siblings) {
      const fp = await fingerprint(s).catch(() => undefined);
      if (fp) fps.set(s, fp);
    }
    const newer = new Map<string, FoundFile>(); // identity → the copy to read
    for (const k of list) {
      const matches = siblings.filter((s) => fps.get(s) === k.identity);
      if (matches.length === 0) {
        const unread = k.size !== undefined ? k.size - k.offset : 0;
        reads.push(unread > 0 ? { kind: 'lost', known: k, unread } : { kind: 'gone', known: k });
        continue;
      }
      const file = bestCopy(matches);
      reads.push({ kind: 'read', known: k, file });
      for (const [s, fp] of fps) {
        if (fp === k.identity || isKnown(fp) || !isNewerInChain(s, file, live)) continue;
        const had = newer.get(fp);
        if (!had || bestCopy([had, s]) === s) newer.set(fp, s);
      }
    }
    const identityOf = new Map([...newer].map(([fp, f]) => [f, fp] as const));
    for (const f of oldestFirst([...newer.values()], live)) successors.push({ kind: 'successor', identity: identityOf.get(f)!, file: f, live });
  }
  return [...reads, ...successors];
}

/** Of several copies of one content, the one to read: a plain one before a compressed one (it may still grow), the largest. */
function bestCopy(files: FoundFile[]): FoundFile {
  return [...files].sort((a, b) => (Number(a.gzip) - Number(b.gzip)) || (b.size - a.size))[0];
}
