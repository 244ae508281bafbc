/** The resolved vigil.yaml (SPEC section 5), every default filled in and every path absolute. */

export interface FileInputConfig {
  type: 'file';
  id: string;                 // unique input id (default "file-<n>")
  paths: string[];            // globs
  exclude: string[];          // globs
  dataset: string;            // event.dataset when the line has none (default "vigil.file")
  timestamp_field?: string;   // else auto: @timestamp, timestamp, time, ts, @t
  max_line_bytes: number;     // default 1 MiB
  scan_interval_ms: number;   // re-discovery of the globs (default 1000)
  poll_interval_ms: number;   // how often open files are checked for new data (default 250)
  close_inactive_ms: number;  // an idle rotated file is closed after this (default 5 min)
  max_open_files: number;     // cap on open handles (default 256)
  fingerprint_bytes: number;  // identity = hash of the first line, at most this many bytes (default 1024)
  ignore_older_ms?: number;   // files not modified for longer are skipped at first sight
  follow_symlinks?: boolean;  // read files behind symbolic links matching the globs (default false)
}

export interface WinevtChannelConfig {
  name: string;
  event_ids?: string;         // "4624, 4700-4800, -4735"
  levels?: string[];
  providers?: string[];
  ignore_older_ms?: number;
}

export interface WinevtInputConfig {
  type: 'winevt';
  id: string;
  channels: WinevtChannelConfig[];
  wevtutil_path: string;      // default "wevtutil"
  poll_interval_ms: number;
  batch_size: number;
}

export interface EvtxInputConfig {
  type: 'evtx';
  id: string;
  paths: string[];            // globs
  scan_interval_ms: number;   // re-discovery of the globs, and how soon a grown file is read on (default 10 s)
  follow_symlinks?: boolean;  // read .evtx files behind symbolic links matching the globs (default false)
  /** which records are kept, as for a channel (the others are read past: the checkpoint covers them) */
  event_ids?: string;         // "4624, 4700-4800, -4735"
  levels?: string[];
  providers?: string[];
}

export type InputConfig = FileInputConfig | WinevtInputConfig | EvtxInputConfig;

export interface ElasticsearchConfig {
  hosts: string[];
  api_key?: string;
  username?: string;
  password?: string;
  ca?: string;                // path to a CA file
  ca_fingerprint?: string;
  data_stream?: string;       // default logs-vigil-default
  index?: string;
  batch_size: number;
  batch_bytes: number;
  flush_interval_ms: number;
  max_inflight_requests: number;
  request_timeout_ms: number;   // default 30 s
  /** the disk spool between the pipeline and Elasticsearch (state_dir/spool/elasticsearch) */
  spool_max_bytes: number;      // default 2 GiB: past it, the pipeline backs up
  spool_segment_bytes: number;  // default 64 MiB
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;            // implicit TLS
  starttls: boolean;          // require STARTTLS
  username?: string;
  password?: string;
  from: string;
  ca?: string;
}

export interface ControlConfig {
  listen: string;             // host:port, default 127.0.0.1:9680
  token_file: string;         // default <state_dir>/control.token
  tls?: { cert: string; key: string };
  /** listening on a non-loopback address without TLS is refused unless this is true */
  allow_insecure?: boolean;
  /** Host header names accepted besides loopback names, IP addresses and this machine's name (DNS rebinding) */
  allowed_hosts?: string[];
}

export interface VigilConfig {
  /** the file it was read from, or "<embedded default>" */
  source: string;
  host_name?: string;
  state_dir: string;          // default ./data/state
  rules: string;              // default ./rules.yaml
  inputs: InputConfig[];
  /** local NDJSON event store; used when no elasticsearch is configured (default ./data/events) */
  event_store: { dir: string; keep_days?: number };
  elasticsearch?: ElasticsearchConfig;
  smtp?: SmtpConfig;
  /** alert notifications go here when no SMTP / for webhooks without network (default ./data/outbox) */
  outbox_dir: string;
  /** days sent/ and failed/ records (and the embedded default's delivered files) are kept; 0: for ever (default 30) */
  outbox_keep_days?: number;
  kibana_url?: string;
  control: ControlConfig;
  logging: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' };
  pipeline: {
    max_inflight_events: number;  // backpressure bound (default 20000)
    batch_size: number;           // events per sink batch (default 1000)
    flush_interval_ms: number;    // a partial batch is flushed after this (default 200)
    checkpoint_interval_ms: number; // registry commit period (default 1000)
  };
}

/** A problem found in a config or rules file, with its position (1-based). */
export interface FileProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}
