/** Moved to collectors/windows-event/event-id-filter.ts (shared by winevt and evtx); kept so existing importers still resolve. */
export * from '../../collectors/windows-event/event-id-filter';
