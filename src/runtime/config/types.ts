/**
 * The resolved vigil.yaml (SPEC section 5), every default filled in and every path absolute. Each
 * component's own options are declared beside the component (its config.ts); they are re-exported
 * here for the code that takes the whole config.
 */
import type { ControlConfig } from '../../control/config';
import type { InputConfig } from '../components';
import type { ElasticsearchConfig } from '../../../sinks/elasticsearch/config';
import type { SmtpConfig } from '../../../sinks/notify/email/config';
import type { EventStoreConfig } from '../../../sinks/event-store/config';
import type { FleetConfig } from '../fleet/config';

export type { FileInputConfig } from '../../../collectors/file/config';
export type { WinevtChannelConfig, WinevtInputConfig } from '../../../collectors/winevt/config';
export type { EvtxInputConfig } from '../../../collectors/evtx/config';
export type { ElasticsearchConfig, SmtpConfig, ControlConfig, EventStoreConfig, InputConfig, FleetConfig };
export { formatProblem, type FileProblem } from '../../core/config-kit/problems';

export interface VigilConfig {
  /** the file it was read from, or "<embedded default>" */
  source: string;
  host_name?: string;
  state_dir: string;          // default ./data/state
  rules: string;              // default ./rules.yaml
  inputs: InputConfig[];
  /** local NDJSON event store; used when no elasticsearch is configured (default ./data/events) */
  event_store: EventStoreConfig;
  elasticsearch?: ElasticsearchConfig;
  smtp?: SmtpConfig;
  /** alert notifications go here when no SMTP / for webhooks without network (default ./data/outbox) */
  outbox_dir: string;
  /** days sent/ and failed/ records (and the embedded default's delivered files) are kept; 0: for ever (default 30) */
  outbox_keep_days?: number;
  kibana_url?: string;
  control: ControlConfig;
  /** a fleet runner: rules shared through leases in Elasticsearch, alerts delivered through the alert history */
  fleet?: FleetConfig;
  logging: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' };
  pipeline: {
    max_inflight_events: number;  // backpressure bound (default 2000)
    batch_size: number;           // events per sink batch (default 1000)
    flush_interval_ms: number;    // a partial batch is flushed after this (default 200)
    checkpoint_interval_ms: number; // registry commit period (default 1000)
  };
}
