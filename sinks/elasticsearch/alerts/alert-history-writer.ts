import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Alert } from '../../../rules';
import type { Logger } from '../../../src/core/log';
import type { Metrics } from '../../../src/core/metrics';
import { writeFileAtomicSync } from '../../../src/core/fs/atomic-write';
import { Backoff } from '../../../src/core/retry/backoff';
import { outboxKey } from '../../notify/outbox/alert-outbox';
import { alertChangeId, alertDocument } from './alert-document';
import { ALERTS_DATA_STREAM, DELIVERIES_INDEX, setupAlertsTargets } from './alerts-targets';
import type { DeliveryRecord } from './delivery-record';

export interface AlertHistoryOptions {
  client: Client;
  /** this writer's host or runner name (`observer.name`; `host.name` when the alert has none) */
  observer: string;
  /** a fleet runner's fleet, written with each change (`vigil.alert.fleet`) */
  fleet?: string;
  /**
   * true (fleet runner): each change also gets a `pending` delivery record per notifier, written after
   * its alert document, and Elasticsearch is the outbox. false (agent): the alert document only, the
   * local outbox delivers.
   */
  deliveries: boolean;
  /** where changes wait until Elasticsearch took them (one file each, survives a restart); none: in memory */
  spoolDir?: string;
  log: Logger;
  metrics?: Metrics;
  /** called with the delivery keys just written (the dispatcher tries them at once) */
  onWritten?: (keys: string[]) => void;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** One alert change waiting for Elasticsearch. */
interface Pending {
  changeId: string;
  doc: Record<string, unknown>;
  deliveries: DeliveryRecord[];
  /** the alert document was taken (its delivery records were not, yet) */
  docStored?: boolean;
}

/**
 * Writes every alert change to the alerts data stream with its deterministic id (`create`: a second
 * write of the same change is a 409, counted as a duplicate), then, for a fleet runner, its delivery
 * records (`create` too). A change waits (in its spool file, retried with backoff) while Elasticsearch
 * is unreachable or overloaded; it leaves the queue only once every write was taken or found there.
 * A change Elasticsearch refuses for good (a mapping conflict) is logged with the reason and moved to
 * `<spool>/failed/`, never dropped silently.
 */
export class AlertHistoryWriter {
  written = 0;
  duplicates = 0;
  refused = 0;
  lastError?: string;
  private queue = new Map<string, Pending>();
  private busy: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private setupDone = false;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(private readonly o: AlertHistoryOptions) {
    this.backoff = new Backoff(o.backoffBaseMs ?? 500, o.backoffMaxMs ?? 30_000);
    if (o.spoolDir) {
      mkdirSync(join(o.spoolDir, 'failed'), { recursive: true, mode: 0o700 });
      for (const f of readdirSync(o.spoolDir)) {
        if (!f.endsWith('.json') || f.startsWith('.')) continue;
        try {
          const p = JSON.parse(readFileSync(join(o.spoolDir, f), 'utf8')) as Pending;
          this.queue.set(p.changeId, p);
        } catch (err) {
          o.log.error({ file: join(o.spoolDir, f), err: (err as Error).message }, 'an alert history spool file is unreadable; it is left alone');
        }
      }
    }
  }

  get waiting(): number { return this.queue.size; }

  /** Queues an alert change (durably when spooling) and starts writing it; `fence`: the rule's fencing token (fleet runner), kept in its delivery records; `notify: false`: a change recorded but not notified (realert, a resolution not notified), no delivery records. */
  record(alert: Alert, opts: { silenced?: boolean; fence?: number; notify?: boolean } = {}): void {
    const changeId = alertChangeId(alert);
    if (this.queue.has(changeId)) return;
    const created = new Date().toISOString();
    const deliveries: DeliveryRecord[] = !this.o.deliveries || opts.silenced || opts.notify === false ? [] : alert.notify.map((notifier) => ({
      key: outboxKey(alert, notifier), alert_id: alert.id, change_id: changeId, rule: alert.rule, state: alert.state,
      notifier, status: 'pending', created, attempts: 0, alert, ...(opts.fence !== undefined ? { fence: opts.fence } : {}),
    }));
    const p: Pending = { changeId, doc: alertDocument(alert, { observer: this.o.observer, silenced: opts.silenced, notified: opts.notify, fleet: this.o.fleet }), deliveries };
    if (this.o.spoolDir) writeFileAtomicSync(this.spoolPath(changeId), JSON.stringify(p));
    this.queue.set(changeId, p);
    this.o.metrics?.alertHistoryWaiting.set(this.queue.size);
    this.kick();
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), 1000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  kick(): void {
    if (this.stopped || this.busy || this.queue.size === 0 || Date.now() < this.retryAt) return;
    this.busy = this.flush().finally(() => {
      this.busy = null;
      if (this.queue.size > 0 && this.retryAt <= Date.now()) setImmediate(() => this.kick());
    });
  }

  /** Resolves once nothing waits (tests, a stop that must not leave changes in memory only). */
  async drained(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.queue.size > 0 || this.busy) {
      if (Date.now() > end) return false;
      this.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  status(): Record<string, unknown> {
    return {
      data_stream: ALERTS_DATA_STREAM, ...(this.o.deliveries ? { deliveries_index: DELIVERIES_INDEX } : {}),
      waiting: this.queue.size, written: this.written, duplicates: this.duplicates, refused: this.refused,
      ...(this.lastError ? { last_error: this.lastError } : {}),
    };
  }

  /** One try at everything queued: alert documents first, then the delivery records of those taken. */
  private async flush(): Promise<void> {
    const batch = [...this.queue.values()].slice(0, 500);
    try {
      if (!this.setupDone) {
        const actions = await setupAlertsTargets(this.o.client);
        if (actions.length) this.o.log.info({ actions }, 'alert history in Elasticsearch set up');
        this.setupDone = true;
      }
      const needDoc = batch.filter((p) => !p.docStored);
      const docs = needDoc.length ? await this.createAll(ALERTS_DATA_STREAM, needDoc.map((p) => ({ id: p.changeId, doc: p.doc, owner: p }))) : new Map<Pending, Outcome>();
      for (const p of needDoc) if (docs.get(p) === 'ok') p.docStored = true;
      const stored = batch.filter((p) => p.docStored);
      const recs = stored.flatMap((p) => p.deliveries.map((d) => ({ id: d.key, doc: d as unknown as Record<string, unknown>, owner: p })));
      const dels = recs.length ? await this.createAll(DELIVERIES_INDEX, recs) : new Map<Pending, Outcome>();
      const newKeys: string[] = [];
      for (const p of stored) {
        const o = dels.get(p) ?? 'ok';
        if (o === 'ok') {
          this.forget(p);
          newKeys.push(...p.deliveries.map((d) => d.key));
        } else if (o === 'refused') this.refuse(p);
      }
      for (const p of batch) if (docs.get(p) === 'refused') this.refuse(p);
      if (newKeys.length) this.o.onWritten?.(newKeys);
      const again = batch.some((p) => this.queue.has(p.changeId) && docs.get(p) !== 'refused');
      if (again) this.failed(this.lastError ?? 'some writes were not taken');
      else this.backoff.reset();
    } catch (err) {
      this.failed((err as Error).message);
    }
    this.o.metrics?.alertHistoryWaiting.set(this.queue.size);
  }

  /** `create` of each document; per owner: ok (all 201 or 409), retry (some 429/5xx) or refused. */
  private async createAll(index: string, items: Array<{ id: string; doc: Record<string, unknown>; owner: Pending }>): Promise<Map<Pending, Outcome>> {
    const operations = items.flatMap((it) => [{ create: { _index: index, _id: it.id } }, it.doc]);
    const r = await this.o.client.bulk({ operations, refresh: false });
    const out = new Map<Pending, Outcome>();
    r.items.forEach((item, i) => {
      const res = item.create!;
      const owner = items[i].owner;
      const was = out.get(owner) ?? 'ok';
      let o: Outcome = 'ok';
      if (res.status === 201) { if (index === ALERTS_DATA_STREAM) { this.written++; this.o.metrics?.alertHistoryWrites.inc({ outcome: 'written' }); } }
      else if (res.status === 409) { if (index === ALERTS_DATA_STREAM) { this.duplicates++; this.o.metrics?.alertHistoryWrites.inc({ outcome: 'duplicate' }); } }
      else if (res.status === 429 || res.status >= 500) { o = 'retry'; this.lastError = `${index}: ${res.status} ${res.error?.reason ?? ''}`.trim(); }
      else {
        o = 'refused';
        this.lastError = `${index}: ${res.status} ${res.error?.type ?? ''} ${res.error?.reason ?? ''}`.trim();
      }
      out.set(owner, worst(was, o));
    });
    return out;
  }

  private failed(error: string): void {
    this.lastError = error;
    const wait = this.backoff.next();
    this.retryAt = Date.now() + wait;
    this.o.log.warn({ waiting: this.queue.size, err: error, retry_in_ms: wait }, 'alert changes not yet written to Elasticsearch; they wait and are retried');
  }

  private refuse(p: Pending): void {
    this.refused++;
    this.o.metrics?.alertHistoryWrites.inc({ outcome: 'refused' });
    this.o.log.error({ change: p.changeId, err: this.lastError, ...(this.o.spoolDir ? { kept_in: join(this.o.spoolDir, 'failed') } : {}) }, 'Elasticsearch refused an alert change for good; it is not in the alert history');
    if (this.o.spoolDir) renameSync(this.spoolPath(p.changeId), join(this.o.spoolDir, 'failed', `${safeName(p.changeId)}.json`));
    this.queue.delete(p.changeId);
  }

  private forget(p: Pending): void {
    this.queue.delete(p.changeId);
    if (this.o.spoolDir) {
      try { unlinkSync(this.spoolPath(p.changeId)); } catch { /* already gone */ }
    }
  }

  private spoolPath(changeId: string): string {
    return join(this.o.spoolDir!, `${safeName(changeId)}.json`);
  }
}

type Outcome = 'ok' | 'retry' | 'refused';

function worst(a: Outcome, b: Outcome): Outcome {
  return a === 'refused' || b === 'refused' ? 'refused' : a === 'retry' || b === 'retry' ? 'retry' : 'ok';
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}
