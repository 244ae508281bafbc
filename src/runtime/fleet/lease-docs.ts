import { createHash } from 'node:crypto';

/** A runner's heartbeat: present and changing while the runner is alive. */
export interface MemberDoc {
  kind: 'member';
  fleet: string;
  member: string;
  host: string;
  pid: number;
  lease_ms: number;
  /** The writer's wall clock, for people reading the index; the protocol never reads it. */
  renewed_at: string;
  started_at: string;
}

/** A rule's lease: `owner` null when released; `token` counts the acquisitions (the fencing token). */
export interface LeaseDoc {
  kind: 'lease';
  fleet: string;
  rule: string;
  owner: string | null;
  token: number;
  lease_ms: number;
  renewed_at: string;
}

/** A document as read, with the version optimistic concurrency is checked against. */
export interface Versioned<T> {
  doc: T;
  seqNo: number;
  primaryTerm: number;
}

export function versionKey(v: { seqNo: number; primaryTerm: number }): string {
  return `${v.primaryTerm}:${v.seqNo}`;
}

export function memberDocId(fleet: string, member: string): string {
  return `${fleet}/member/${safeIdPart(member)}`;
}

export function leaseDocId(fleet: string, rule: string): string {
  return `${fleet}/lease/${safeIdPart(rule)}`;
}

/** Elasticsearch ids are at most 512 bytes: a long part is replaced by its hash. */
function safeIdPart(s: string): string {
  return Buffer.byteLength(s) <= 300 ? s : `sha256-${createHash('sha256').update(s).digest('hex')}`;
}

/** One shard (so that versions are ordered), strict mapping, refreshed every second. */
export const LEASE_INDEX_BODY = {
  settings: { number_of_shards: 1, auto_expand_replicas: '0-1', refresh_interval: '1s' },
  mappings: {
    dynamic: 'strict',
    properties: {
      kind: { type: 'keyword' },
      fleet: { type: 'keyword' },
      member: { type: 'keyword' },
      rule: { type: 'keyword' },
      owner: { type: 'keyword' },
      host: { type: 'keyword' },
      pid: { type: 'long' },
      token: { type: 'long' },
      lease_ms: { type: 'long' },
      renewed_at: { type: 'date' },
      started_at: { type: 'date' },
    },
  },
} as const;
