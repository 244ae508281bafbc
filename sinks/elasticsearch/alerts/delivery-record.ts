import type { Alert } from '../../../rules';

/**
 * The delivery of one alert change to one notifier, kept in Elasticsearch (DELIVERIES_INDEX, id = the
 * outbox key `<alert id>-<firing|resolved>-<notifier>`, which is also the idempotency key receivers see).
 *
 * - `pending`: nobody works on it (new, or released after a transient failure: not before `retry_at`);
 * - `claimed`: `owner` took it (fenced write) and has NOT begun sending; after `lease_until` another
 *   runner may take it over and knows the receiver has not been called;
 * - `sending`: `owner` recorded, before the first byte, that it calls the receiver now; a runner taking
 *   over after `lease_until` sends again with the same key (the receiver may have it: it drops the repeat);
 * - `sent` / `failed`: final; never sent again.
 */
export type DeliveryStatus = 'pending' | 'claimed' | 'sending' | 'sent' | 'failed';

export interface DeliveryTakeover {
  from: string;
  by: string;
  at: string;
  /** what the dead owner had recorded: `claimed` (nothing sent) or `sending` (it may have been sent) */
  seen: 'claimed' | 'sending';
}

export interface DeliveryRecord {
  key: string;
  alert_id: string;
  change_id: string;
  rule: string;
  state: Alert['state'];
  notifier: string;
  status: DeliveryStatus;
  created: string;
  owner?: string;
  lease_until?: number;
  retry_at?: number;
  attempts: number;
  /** the fencing token of the rule's lease under which the record was last claimed (or written): a runner holding a lower one leaves it */
  fence?: number;
  attempt_started_at?: string;
  last_error?: string;
  takeovers?: DeliveryTakeover[];
  sent_at?: string;
  sent_by?: string;
  delivered?: string;
  failed_at?: string;
  error?: string;
  alert: Alert;
}

/** A record as read, with the fence of its version (`if_seq_no` / `if_primary_term`). */
export interface FencedRecord {
  rec: DeliveryRecord;
  seqNo: number;
  primaryTerm: number;
}
