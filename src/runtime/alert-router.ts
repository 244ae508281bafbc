/**
 * Where the rules' alert changes go (the engine's `onAlerts`): each change is counted, then held back
 * when `realert` or a silence says so, else written to the durable outbox (one entry per notifier),
 * which wakes its dispatcher. A silence holds back notifications only: detection goes on.
 *
 * On a fleet runner (`fleet`), the alert history in Elasticsearch replaces the outbox: a change of a
 * rule this runner owns is written there with the rule's fencing token (its delivery records are the
 * fleet's outbox, delivered by the FleetDeliveryDispatcher); a change of a rule it does not own (any
 * more) is dropped, counted as `not-owned`: the rule's owner makes the same change.
 */
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';
import type { AlertChange, SilenceStore } from '../../rules';
import type { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import type { AlertHistoryWriter } from '../../sinks/elasticsearch/alerts/alert-history-writer';

export interface AlertRouterOptions {
  silences: SilenceStore;
  outbox: AlertOutbox;
  /** a running rule's group_window (SPEC 3.4), looked up when its alert is written */
  groupWindowMs: (rule: string) => number | undefined;
  log: Logger;
  metrics: Metrics;
  /** the alert history in Elasticsearch (`elasticsearch.alerts_data_stream`): every change, silenced ones marked */
  history?: AlertHistoryWriter;
  /** a fleet runner: the fencing token of a rule it owns now (else undefined), and its alert history with delivery records */
  fleet?: { fence(rule: string): number | undefined; history: Pick<AlertHistoryWriter, 'record'> };
}

export class AlertRouter {
  constructor(private readonly o: AlertRouterOptions) {}

  /** Alerts that fired or resolved: the ones to send go to the outbox, unless silenced. */
  route(changes: AlertChange[]): void {
    const { silences, outbox, log, metrics, fleet } = this.o;
    for (const c of changes) {
      const a = c.alert;
      const fence = fleet?.fence(a.rule);
      if (fleet && fence === undefined) {
        metrics.alerts.inc({ rule: a.rule, state: a.state, outcome: 'not-owned' });
        log.warn({ rule: a.rule, state: a.state, id: a.id }, 'alert change of a rule this fleet runner no longer owns: dropped (its owner makes it)');
        continue;
      }
      metrics.alerts.inc({ rule: a.rule, state: a.state, outcome: !c.send ? 'realert' : silences.isSilenced(a.rule, a.group) ? 'silenced' : 'queued' });
      const silenced = silences.isSilenced(a.rule, a.group);
      if (fleet) {
        // every change is kept (a takeover reads the open alerts back), only those to send get delivery records
        this.recordHistory(fleet.history, c.alert, silenced, fence, c.send);
        if (c.send && !silenced) log.info({ rule: a.rule, state: a.state, group: a.group, count: a.count, id: a.id, fence, notifiers: a.notify }, `alert ${a.state}`);
        continue;
      }
      if (!c.send) continue;
      if (this.o.history) this.recordHistory(this.o.history, c.alert, silenced);
      if (silenced) continue;
      try {
        // group_window travels with the entry: the dispatcher bundles by it even after a reload
        const added = outbox.add(a, a.notify, { groupWindowMs: this.o.groupWindowMs(a.rule) });
        if (added.length > 0) {
          log.info({ rule: a.rule, state: a.state, group: a.group, count: a.count, id: a.id, notifiers: added.map((e) => e.notifier) }, `alert ${a.state}`);
        }
      } catch (err) {
        log.error({ rule: a.rule, id: a.id, err: (err as Error).message, dir: outbox.dir }, 'could not write an alert to the outbox');
      }
    }
  }

  private recordHistory(history: Pick<AlertHistoryWriter, 'record'>, alert: AlertChange['alert'], silenced: boolean, fence?: number, notify?: boolean): void {
    try {
      history.record(alert, { silenced, fence, ...(notify === false ? { notify } : {}) });
    } catch (err) {
      this.o.log.error({ rule: alert.rule, id: alert.id, err: (err as Error).message }, 'could not queue an alert change for the alert history in Elasticsearch');
    }
  }
}
