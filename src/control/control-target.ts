/**
 * What the control API (src/control/server.ts) needs from the daemon. The daemon implements it;
 * the server only translates HTTP requests into these calls.
 */

export interface ComponentHealth { name: string; ok: boolean; detail?: string }

export interface SilenceRecord {
  id: string;
  rule: string;
  group?: Record<string, string>;
  until: string /* ISO */;
  created: string;
  comment?: string;
}

export interface ControlTarget {
  health(): ComponentHealth[];                         // every input, sink, the rules
  status(): Record<string, unknown>;                   // inputs with lag, rules, sinks with queue depth, last errors
  metricsText(): Promise<string>;                      // Prometheus text exposition
  metricsContentType: string;
  reload(): Promise<{ ok: boolean; problems: string[] }>;  // reload rules.yaml; problems as "file:line:col: message"
  pause(): void;                                        // stop reading inputs (sinks keep draining)
  resume(): void;
  readonly paused: boolean;
  addSilence(s: { rule: string; group?: Record<string, string>; forMs: number; comment?: string }): SilenceRecord;  // throws Error with a user-facing message for an unknown rule
  removeSilence(id: string): boolean;
  listSilences(): SilenceRecord[];
}
