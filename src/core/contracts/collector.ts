/**
 * What every input's collector is to the rest of Vigil: the daemon builds one per vigil.yaml input
 * (through the registry of input types) and afterwards knows it only through this contract.
 */

/** What /status shows of one input (`inputs[]`): its id, its last problem, what it reads, and the collector's own details. */
export interface CollectorStatus {
  id: string;
  /** the last problem met (null: none); /health names it */
  last_error: string | null;
  /** the files it reads (file-based inputs: file, evtx) */
  files?: object[];
  /** the channels it reads (live event logs: winevt) */
  channels?: object[];
  [detail: string]: unknown;
}

export interface Collector {
  /** the input's id (vigil.yaml `inputs[].id`) */
  readonly id: string;
  /** the input's type (vigil.yaml `inputs[].type`) */
  readonly type: string;
  /** set by the control API: nothing is read while paused (positions, and what is open, stay) */
  paused: boolean;
  /** starts reading (again after stop()); does nothing when already running */
  start(): void;
  /** stops reading promptly: what was read is submitted, then what is open is closed */
  stop(): Promise<void>;
  status(): CollectorStatus;
}
