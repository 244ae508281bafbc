import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';

/** A counter of a collector's own, registered once per metrics registry (collectors are made again on restart in one process). */
export function registeredCounter<L extends string>(reg: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = reg.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: [reg] });
}

/** Vigil's own Prometheus metrics; one instance per daemon (tests make their own). */
export class Metrics {
  readonly registry = new Registry();

  readonly linesRead = new Counter({ name: 'vigil_file_lines_total', help: 'Lines read from files', labelNames: ['input'], registers: [this.registry] });
  readonly bytesRead = new Counter({ name: 'vigil_file_bytes_total', help: 'Bytes read from files', labelNames: ['input'], registers: [this.registry] });
  readonly lineProblems = new Counter({
    name: 'vigil_file_line_problems_total',
    help: 'Lines kept with a problem flagged (reason: json_parse_failure, json_too_deep, truncated, invalid_utf8, ecs_conflict, not_object)',
    labelNames: ['input', 'reason'], registers: [this.registry],
  });
  readonly fileEvents = new Counter({
    name: 'vigil_file_events_total',
    help: 'File lifecycle events (opened, closed, rotated, truncated, gzip_read, deleted, fingerprint_changed)',
    labelNames: ['input', 'event'], registers: [this.registry],
  });
  readonly fileSkipped = new Counter({
    name: 'vigil_file_skipped_total',
    help: 'Paths matched by a glob but not read (reason: directory, permission, not_regular, symlink, error)',
    labelNames: ['input', 'reason'], registers: [this.registry],
  });
  readonly fileLostBytes = new Counter({
    name: 'vigil_file_lost_bytes_total',
    help: 'Bytes of known files that were not read and can no longer be found (deleted before they were read to their end)',
    labelNames: ['input'], registers: [this.registry],
  });
  readonly openFiles = new Gauge({ name: 'vigil_file_open', help: 'Files held open', labelNames: ['input'], registers: [this.registry] });
  readonly filesWaiting = new Gauge({ name: 'vigil_file_waiting', help: 'Files found but not open yet (handle cap, or no complete first line to identify them)', labelNames: ['input'], registers: [this.registry] });
  readonly inputLagBytes = new Gauge({ name: 'vigil_file_lag_bytes', help: 'Bytes in files not yet acknowledged by the sinks', labelNames: ['input'], registers: [this.registry] });

  readonly eventsIn = new Counter({ name: 'vigil_pipeline_events_total', help: 'Events entering the pipeline', registers: [this.registry] });
  readonly inflight = new Gauge({ name: 'vigil_pipeline_inflight_events', help: 'Events read and not yet acknowledged by every sink', registers: [this.registry] });
  readonly backpressureWaits = new Counter({ name: 'vigil_pipeline_backpressure_waits_total', help: 'Times a collector waited because the sinks were full', registers: [this.registry] });

  readonly sinkEvents = new Counter({ name: 'vigil_sink_events_total', help: 'Events acknowledged by a sink', labelNames: ['sink', 'outcome'], registers: [this.registry] });
  readonly sinkErrors = new Counter({ name: 'vigil_sink_errors_total', help: 'Failed sink writes (retried)', labelNames: ['sink'], registers: [this.registry] });
  readonly sinkQueue = new Gauge({ name: 'vigil_sink_queue_events', help: 'Events waiting for a sink', labelNames: ['sink'], registers: [this.registry] });

  readonly esRequestSeconds = new Histogram({ name: 'vigil_elasticsearch_bulk_seconds', help: 'Duration of successful _bulk requests', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  readonly spoolBacklogBytes = new Gauge({ name: 'vigil_spool_backlog_bytes', help: 'Bytes in the disk spool not yet shipped', labelNames: ['sink'], registers: [this.registry] });

  readonly alerts = new Counter({ name: 'vigil_alerts_total', help: 'Alert state changes per rule: queued in the outbox, held back by realert, or silenced', labelNames: ['rule', 'state', 'outcome'], registers: [this.registry] });
  readonly jobRuns = new Counter({ name: 'vigil_scheduled_job_runs_total', help: 'Runs of the daemon\'s scheduled jobs (outbox retention, …) by outcome: ok, failed', labelNames: ['job', 'outcome'], registers: [this.registry] });
  readonly notifications = new Counter({ name: 'vigil_notifications_total', help: 'Alert notification delivery attempts by notifier and outcome: sent, retry (transient failure, retried with backoff), failed (refused for good, moved to failed/)', labelNames: ['notifier', 'outcome'], registers: [this.registry] });
  readonly alertHistoryWrites = new Counter({ name: 'vigil_alert_history_writes_total', help: 'Alert changes written to the alerts data stream by outcome: written, duplicate (already there: 409), refused (kept in state_dir/alerts-es/failed/)', labelNames: ['outcome'], registers: [this.registry] });
  readonly alertHistoryWaiting = new Gauge({ name: 'vigil_alert_history_waiting', help: 'Alert changes waiting for Elasticsearch (spooled, retried)', registers: [this.registry] });
  readonly deliveryTakeovers = new Counter({ name: 'vigil_alert_delivery_takeovers_total', help: 'Deliveries of a dead runner taken over after its lease, by what it had recorded: claimed (nothing sent) or sending (maybe sent; sent again with the same key)', labelNames: ['seen'], registers: [this.registry] });
  readonly outboxPending = new Gauge({ name: 'vigil_outbox_pending', help: 'Alert notifications waiting in the outbox, by notifier', labelNames: ['notifier'], registers: [this.registry] });
  readonly rulesLateEvents = new Gauge({ name: 'vigil_rules_late_events', help: 'Events that came after their window closed (not counted), since start', registers: [this.registry] });
  readonly rulesGroupsDropped = new Gauge({ name: 'vigil_rules_groups_dropped', help: 'Events of new groups refused because a rule reached its cap of groups, since start', registers: [this.registry] });
  readonly rulesTermsForgotten = new Counter({ name: 'vigil_rules_new_terms_forgotten_total', help: 'Terms new_term rules forgot because a rule reached its max_terms (the least recently seen first)', registers: [this.registry] });
  readonly rulesGroups = new Gauge({ name: 'vigil_rules_groups', help: 'Groups the rules keep windows for', registers: [this.registry] });
  readonly rulesReloads = new Counter({ name: 'vigil_rules_reloads_total', help: 'Reloads of rules.yaml after an edit, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly checkpointCommits = new Counter({ name: 'vigil_checkpoint_commits_total', help: 'Checkpoint registry writes', registers: [this.registry] });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vigil_process_' });
  }
}
