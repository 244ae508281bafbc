import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { writeFileAtomicSync } from '../src/core/fs/atomic-write';
import { compileStateSchema, stateFileProblems, StateFileError } from '../src/core/checkpoints/state-file';
import { silencesSchema } from './silences-schema';

export interface Silence {
  id: string;
  rule: string;
  group?: Record<string, string>;
  until: string;
  created: string;
  comment?: string;
}

/** What to do about a silences.json that does not load (the end of its error message). */
const SILENCES_HINT = 'fix or remove the bad silence, or move the file away to drop every silence';

let validator: ValidateFunction | undefined;

/**
 * The faults of a silences.json text (`file: fault` lines), and its silences when it has none:
 * not JSON, not matching silences-schema.ts, or a time that does not exist (2026-13-01T...).
 */
export function silencesFileProblems(file: string, text: string): { items: Silence[]; problems: string[] } {
  validator ??= compileStateSchema(silencesSchema);
  const { data, problems } = stateFileProblems(file, text, validator);
  if (problems.length > 0) return { items: [], problems };
  const items = data as Silence[];
  items.forEach((s, i) => {
    for (const k of ['until', 'created'] as const) {
      if (Number.isNaN(Date.parse(s[k]))) problems.push(`${file}: [${i}].${k} must be a time that exists (got ${JSON.stringify(s[k])})`);
    }
  });
  return { items: problems.length > 0 ? [] : items, problems };
}

/**
 * Silences set through the control API: they suppress notifications of a rule (or of one group of
 * it) until a time, never detection. Kept in a file in the state folder so that a restart keeps them.
 */
export class SilenceStore {
  private items: Silence[] = [];

  /**
   * Loads the silences kept in `path`. A file that does not load is a StateFileError naming it and
   * each fault: silences are the user's intent, never dropped in silence.
   */
  constructor(private path: string, private now: () => number = Date.now) {
    if (existsSync(path)) {
      const { items, problems } = silencesFileProblems(path, readFileSync(path, 'utf8'));
      if (problems.length > 0) throw new StateFileError(path, problems, SILENCES_HINT);
      this.items = items;
    }
    this.expire();
  }

  add(rule: string, forMs: number, group?: Record<string, string>, comment?: string): Silence {
    const now = this.now();
    const s: Silence = { id: randomUUID(), rule, until: new Date(now + forMs).toISOString(), created: new Date(now).toISOString() };
    if (group && Object.keys(group).length > 0) s.group = group;
    if (comment) s.comment = comment;
    this.items.push(s);
    this.save();
    return s;
  }

  remove(id: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((s) => s.id !== id);
    if (this.items.length === before) return false;
    this.save();
    return true;
  }

  list(): Silence[] {
    this.expire();
    return this.items.map((s) => ({ ...s }));
  }

  /** True when notifications of `rule` for `group` are silenced now. */
  isSilenced(rule: string, group: Record<string, unknown>): boolean {
    const now = this.now();
    return this.items.some((s) => s.rule === rule && Date.parse(s.until) > now &&
      (!s.group || Object.entries(s.group).every(([k, v]) => String(group[k]) === v)));
  }

  private expire(): void {
    const now = this.now();
    const keep = this.items.filter((s) => Date.parse(s.until) > now);
    if (keep.length !== this.items.length) { this.items = keep; this.save(); }
  }

  private save(): void {
    writeFileAtomicSync(this.path, JSON.stringify(this.items, null, 1));
  }
}
