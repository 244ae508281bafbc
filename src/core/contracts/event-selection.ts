/**
 * What a reader of a shared store (the Elasticsearch input) may fetch: the events some loaded rule can
 * match, and the fields the rules read. The rules layer computes it; the runtime hands a provider of it
 * to the collectors (collectors sit below rules and do not import them). Asked again at every poll, so a
 * rules reload changes what is fetched from the next poll on.
 */
export interface EventSelection {
  /** Elasticsearch query DSL selecting the events some rule can match; null: every event */
  query: Record<string, unknown> | null;
  /** `_source` includes (field names, `*` patterns allowed); null: whole documents */
  fields: string[] | null;
  /** true when no rule is loaded: nothing need be fetched */
  none: boolean;
}

/**
 * The selection now, with an input's own KQL `filter` (if any) required of every event as well; throws
 * when the filter is not valid KQL (the message says why).
 */
export type EventSelectionProvider = (filter?: string) => EventSelection;
