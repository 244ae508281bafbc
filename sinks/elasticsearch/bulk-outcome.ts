/** What to do with one item of a bulk response. */
export type ItemOutcome = 'created' | 'duplicate' | 'retry' | 'reject';

/**
 * 201 created and 409 conflict (the id exists: a resend) are both acknowledgements; 429 and 5xx
 * are tried again; any other 4xx (a mapping conflict, a document Elasticsearch cannot take) will
 * never succeed and goes to the dead-letter file.
 */
export function classifyStatus(status: number): ItemOutcome {
  if (status === 200 || status === 201) return 'created';
  if (status === 409) return 'duplicate';
  if (status === 429 || status >= 500) return 'retry';
  return 'reject';
}

export interface BulkResponseItem {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

/** The one item of a bulk response entry (`{"create": {...}}`). */
export function itemOf(entry: Record<string, BulkResponseItem>): BulkResponseItem {
  return entry.create ?? entry.index ?? Object.values(entry)[0];
}

export function describeItemError(item: BulkResponseItem): string {
  const e = item.error;
  if (!e) return `status ${item.status}`;
  const cause = e.caused_by ? ` (${e.caused_by.type ?? ''}: ${e.caused_by.reason ?? ''})` : '';
  return `${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`.slice(0, 1000);
}
