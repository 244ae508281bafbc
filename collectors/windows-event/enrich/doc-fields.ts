/**
 * Writing fields into an event document the way every enrichment module does: objects created on
 * the way, empty and placeholder values (`-`, as Windows writes an absent name or address) skipped,
 * and the `related.*` lists kept free of duplicates in the order values were met.
 */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The object at `path` below `root`, created (or a scalar in the way replaced) when missing. An object
 * that may not be changed is replaced by a copy first: the NDJSON normaliser shares one frozen `host`,
 * `event` and `agent` object between the lines of a read (collectors/ndjson/shared-objects.ts).
 */
export function objAt(root: Obj, ...path: string[]): Obj {
  let o = root;
  for (const k of path) {
    const v = o[k];
    if (isObj(v)) {
      o = Object.isExtensible(v) ? v : (o[k] = { ...v });
    } else {
      const n: Obj = {};
      o[k] = n;
      o = n;
    }
  }
  return o;
}

/** A string that says something: not undefined, not empty, not Windows' `-` placeholder. */
export function present(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v !== '-';
}

/** `obj[key] = value` when the value is present (see `present`). */
export function putText(obj: Obj, key: string, value: unknown): void {
  if (present(value)) obj[key] = value;
}

/** Appends `value` to `related.<list>` unless it is already there or not present. */
export function addRelated(doc: Obj, list: 'user' | 'ip' | 'hash' | 'hosts', value: unknown): void {
  if (!present(value)) return;
  const related = objAt(doc, 'related');
  const cur = related[list];
  if (Array.isArray(cur)) {
    if (!cur.includes(value)) cur.push(value);
  } else related[list] = [value];
}

/** A Windows number as text (`0x1fc`, `508`) → the number; undefined when it is not one. */
export function windowsNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^0x[0-9a-f]+$/i.test(s) || /^\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** The last part of a Windows path: `C:\Windows\System32\cmd.exe` → `cmd.exe`. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('\\');
  return i < 0 ? path : path.slice(i + 1);
}
