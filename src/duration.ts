/** Moved to src/core/units.ts (the shared kernel); kept so existing importers still resolve. */
export * from './core/units';
