import type { ComponentHealth, ControlTarget, SilenceRecord } from '../../src/control/control-target';

/** An in-memory stand-in for the daemon behind the control API (the real one is tested elsewhere). */
export class FakeTarget implements ControlTarget {
  components: ComponentHealth[] = [{ name: 'input:app-logs', ok: true }, { name: 'sink:elasticsearch', ok: true }, { name: 'rules', ok: true }];
  reloadResult = { ok: true, problems: [] as string[] };
  paused = false;
  failStatus = false;
  failHealth = false;
  reloads = 0;
  readonly silences = new Map<string, SilenceRecord>();
  private nextId = 1;
  readonly metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

  health(): ComponentHealth[] {
    if (this.failHealth) throw new Error('health exploded');
    return this.components;
  }
  status(): Record<string, unknown> {
    if (this.failStatus) throw new Error('status exploded\nwith a stack-ish second line');
    return { inputs: [{ name: 'app-logs', lag_bytes: 12 }], rules: [{ id: 'errors', state: 'ok' }], sinks: [{ name: 'elasticsearch', queue: 3 }], last_errors: [], components: this.components };
  }
  async metricsText(): Promise<string> {
    return '# HELP vigil_events_total Events read\n# TYPE vigil_events_total counter\nvigil_events_total 42\n';
  }
  async reload(): Promise<{ ok: boolean; problems: string[] }> {
    this.reloads++;
    return this.reloadResult;
  }
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  addSilence(s: { rule: string; group?: Record<string, string>; forMs: number; comment?: string }): SilenceRecord {
    if (!['errors', 'failed-logon-burst'].includes(s.rule)) throw new Error(`unknown rule "${s.rule}"`);
    const now = Date.now();
    const rec: SilenceRecord = { id: `s${this.nextId++}`, rule: s.rule, until: new Date(now + s.forMs).toISOString(), created: new Date(now).toISOString() };
    if (s.group) rec.group = s.group;
    if (s.comment) rec.comment = s.comment;
    this.silences.set(rec.id, rec);
    return rec;
  }
  removeSilence(id: string): boolean { return this.silences.delete(id); }
  listSilences(): SilenceRecord[] { return [...this.silences.values()]; }
}
