import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/checkpoints/atomic-write';

export interface Silence {
  id: string;
  rule: string;
  group?: Record<string, string>;
  until: string;
  created: string;
  comment?: string;
}

/**
 * Silences set through the control API: they suppress notifications of a rule (or of one group of
 * it) until a time, never detection. Kept in a file in the state folder so that a restart keeps them.
 */
export class SilenceStore {
  private items: Silence[] = [];

  constructor(private path: string, private now: () => number = Date.now) {
    if (existsSync(path)) {
      try { this.items = JSON.parse(readFileSync(path, 'utf8')) as Silence[]; } catch { this.items = []; }
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
