/** The lease options of a fleet runner: where the leases live, how long one lasts, how often it is renewed. */
export interface FleetLeaseOptions {
  /** The Elasticsearch index holding member heartbeats and rule leases (one shard, created on first start). */
  index: string;
  /** The fleet's name: runners with the same name share the rules; several fleets may share one index. */
  fleet: string;
  /** A dead runner's rules are taken over within this time (plus one Elasticsearch round trip). */
  lease_ms: number;
  /** Renewals (and reads of the others' leases) happen every lease_ms × renew_fraction. */
  renew_fraction: number;
  /** The share of its lease an owner gives up to bound clock rate drift between hosts. */
  drift_margin: number;
}

export const FLEET_LEASE_DEFAULTS: FleetLeaseOptions = {
  index: 'vigil-fleet-leases',
  fleet: 'default',
  lease_ms: 30_000,
  renew_fraction: 1 / 3,
  drift_margin: 0.1,
};

/** The part of the vigil.yaml JSON Schema for `fleet.leases` (composed into the root schema when the fleet runner is wired). */
export const fleetLeaseSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    index: { type: 'string', minLength: 1, default: FLEET_LEASE_DEFAULTS.index, description: 'Elasticsearch index of the fleet\'s member heartbeats and rule leases' },
    fleet: { type: 'string', minLength: 1, default: FLEET_LEASE_DEFAULTS.fleet, description: 'Fleet name: runners with the same name share the rules' },
    lease_ms: { type: 'integer', minimum: 500, default: FLEET_LEASE_DEFAULTS.lease_ms, description: 'Time within which a dead runner\'s rules, and its deliveries\' claims, move to another runner (ms); longer than every notifier\'s timeout' },
    renew_fraction: { type: 'number', exclusiveMinimum: 0, maximum: 0.5, default: FLEET_LEASE_DEFAULTS.renew_fraction, description: 'Renewal period as a fraction of lease_ms' },
    drift_margin: { type: 'number', minimum: 0, maximum: 0.5, default: FLEET_LEASE_DEFAULTS.drift_margin, description: 'Share of its lease an owner gives up to bound clock rate drift' },
  },
} as const;

const INDEX_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Defaults filled in and every value checked; an error names the option (`fleet.leases.<option>`) and the bad value. */
export function resolveFleetLeaseOptions(given: Partial<FleetLeaseOptions> = {}): FleetLeaseOptions {
  const o: FleetLeaseOptions = { ...FLEET_LEASE_DEFAULTS, ...stripUndefined(given) };
  const bad = (k: keyof FleetLeaseOptions, why: string): never => {
    throw new Error(`fleet.leases.${k}: ${why} (got ${JSON.stringify(o[k])})`);
  };
  if (typeof o.index !== 'string' || !INDEX_NAME.test(o.index) || o.index.length > 200) bad('index', 'must be a lower-case Elasticsearch index name');
  if (typeof o.fleet !== 'string' || o.fleet.length === 0 || o.fleet.length > 100 || o.fleet.includes('/')) bad('fleet', 'must be a name of 1 to 100 characters without "/"');
  if (!Number.isInteger(o.lease_ms) || o.lease_ms < 500) bad('lease_ms', 'must be an integer of at least 500');
  if (!(o.renew_fraction > 0 && o.renew_fraction <= 0.5)) bad('renew_fraction', 'must be above 0 and at most 0.5');
  if (!(o.drift_margin >= 0 && o.drift_margin <= 0.5)) bad('drift_margin', 'must be between 0 and 0.5');
  return o;
}

/** The times the protocol runs on, all derived from the options (see README, "Running a fleet"). */
export interface LeaseTimes {
  /** Period of renewals and reads. */
  renewMs: number;
  /** A document version unchanged for this long, as one observer measures it on its own clock, is expired. */
  expireAfterMs: number;
  /** An owner acts on a lease for this long after it sent its last successful renewal. */
  ownerValidMs: number;
}

/**
 * How much shorter than a renewal period two reads one period apart may come (their requests' times
 * differ): expiry is kept this much under a whole number of periods, or a version first read one period
 * after its writing would expire a whole period late, past `lease_ms`.
 */
const READ_JITTER_SHARE = 0.1;

export function leaseTimes(o: FleetLeaseOptions): LeaseTimes {
  const renewMs = Math.max(1, Math.round(o.lease_ms * o.renew_fraction));
  const expireAfterMs = Math.max(1, o.lease_ms - renewMs - Math.round(renewMs * READ_JITTER_SHARE));
  return { renewMs, expireAfterMs, ownerValidMs: Math.floor(expireAfterMs * (1 - o.drift_margin)) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---- the `fleet` section of vigil.yaml: turning a `vigil run` into a fleet runner ----

/** The resolved `fleet` section. */
export interface FleetConfig {
  /** the id of the `type: elasticsearch` input whose cluster (url, credentials, TLS) holds the leases, the alert history and the deliveries, and whose index the takeovers re-read */
  input: string;
  leases: FleetLeaseOptions;
  /** where `fleet.leases.lease_ms` (else `fleet`) is written in vigil.yaml: problems found later with the rules point there */
  lease_ms_at: { file: string; line: number; col: number };
}

export const fleetSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'makes this `vigil run` a fleet runner: the rules are shared with the other runners of the fleet through leases in Elasticsearch, alerts go to the alert history and its delivery records',
  properties: {
    input: { type: 'string', minLength: 1, description: 'id of the elasticsearch input whose cluster and credentials the fleet uses (default: the only elasticsearch input)' },
    leases: { ...fleetLeaseSchema, description: 'the rule leases (README, "Running a fleet")' },
  },
} as const;

/** The part of a config context the fleet section's validation uses (src/core/config-kit's ConfigContext). */
interface FleetConfigContext {
  src: {
    problemAtPath(p: Array<string | number>, message: string, opts?: { key?: boolean; value?: boolean }): void;
    nearestNode(p: Array<string | number>): { range?: [number, number, number] | null } | undefined;
    pos(offset: number): { line: number; col: number };
    readonly file: string;
  };
}

/**
 * Validates the `fleet` section against the inputs: a fleet runner reads its events with an
 * elasticsearch input and uses that input's cluster; `fleet.input` names it when there are several.
 * Problems are reported at their place; a config is returned even with problems.
 */
export function buildFleet(ctx: FleetConfigContext, raw: Record<string, unknown>, inputs: Array<{ id: string; type: string }>): FleetConfig {
  const { src } = ctx;
  const esInputs = inputs.filter((i) => i.type === 'elasticsearch');
  let input = typeof raw.input === 'string' ? raw.input : '';
  if (input) {
    const named = inputs.find((i) => i.id === input);
    if (!named) src.problemAtPath(['fleet', 'input'], `fleet.input: no input has the id ${JSON.stringify(input)}${esInputs.length ? ` (elasticsearch inputs: ${esInputs.map((i) => i.id).join(', ')})` : ''}`, { value: true });
    else if (named.type !== 'elasticsearch') src.problemAtPath(['fleet', 'input'], `fleet.input: input ${JSON.stringify(input)} is of type ${named.type}; a fleet runner reads Elasticsearch with an input of type elasticsearch`, { value: true });
  } else if (esInputs.length === 0) {
    src.problemAtPath(['fleet'], 'fleet: a fleet runner needs an input of type elasticsearch (the events it evaluates, and the cluster holding its leases and alerts); there is none in inputs', { key: true });
  } else if (esInputs.length > 1) {
    src.problemAtPath(['fleet'], `fleet: several elasticsearch inputs (${esInputs.map((i) => i.id).join(', ')}): name the one whose cluster the fleet uses with fleet.input`, { key: true });
  } else input = esInputs[0].id;
  const given = (raw.leases && typeof raw.leases === 'object' ? raw.leases : {}) as Partial<FleetLeaseOptions>;
  let leases = FLEET_LEASE_DEFAULTS;
  try {
    leases = resolveFleetLeaseOptions(given);
  } catch (err) {
    const key = /^fleet\.leases\.(\w+)/.exec((err as Error).message)?.[1];
    src.problemAtPath(['fleet', 'leases', ...(key ? [key] : [])], (err as Error).message, { value: true });
  }
  const node = src.nearestNode(['fleet', 'leases', 'lease_ms']);
  const at = node?.range ? src.pos(node.range[0]) : { line: 1, col: 1 };
  return { input, leases, lease_ms_at: { file: src.file, ...at } };
}

/**
 * A notifier whose timeout is not below the lease: a runner sending to it could lose its lease on the
 * rule mid-send. The message for `vigil check` and the runner's log; null when the timeout fits.
 */
export function notifierTimeoutProblem(leaseMs: number, notifier: string, timeoutMs: number): string | null {
  if (timeoutMs < leaseMs) return null;
  return `fleet.leases.lease_ms (${leaseMs} ms) must be longer than the timeout of notifier "${notifier}" (${timeoutMs} ms): a delivery's claim holds for the lease`;
}
