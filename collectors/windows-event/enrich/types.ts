import type { EventDoc } from '../../../src/core/event';

/** `winlog` of a Windows event document (Winlogbeat's field names; SPEC section 2). */
export type Winlog = Record<string, unknown> & {
  channel?: unknown;
  provider_name?: unknown;
  event_id?: unknown;
  event_data?: unknown;
  user_data?: unknown;
};

/**
 * One per-channel enrichment (as one of Winlogbeat's modules): `applies` is asked with the event's
 * channel and provider as they are written in `winlog.channel` / `winlog.provider_name`; `enrich`
 * adds its fields to the document (never removes what the event carries).
 */
export interface EnrichModule {
  name: string;
  applies(channel: string, provider: string): boolean;
  enrich(doc: EventDoc, winlog: Winlog): void;
}
