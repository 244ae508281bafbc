/**
 * The record filter options shared by a winevt channel and an evtx input (`event_ids`, `levels`,
 * `providers`): their JSON Schema and their validation.
 */
import { isScalar } from 'yaml';
import { asStrings, displayPath, strList, type ConfigContext, type Obj, type YamlPath } from '../../src/core/config-kit';
import { EventIdFilterError, parseEventIdFilter } from './event-id-filter';

/** Which records are kept (the others are read past: the checkpoint covers them). */
export interface RecordFilterConfig {
  event_ids?: string;         // "4624, 4700-4800, -4735"
  levels?: string[];
  providers?: string[];
}

/** `levels` as users write them (the short names are normalised by the validation). */
export const levelsSchema = {
  type: 'array',
  items: {
    type: 'string',
    enum: ['critical', 'crit', 'error', 'err', 'warning', 'warn', 'information', 'info', 'verbose'],
  },
  description: 'keep only records of these levels (crit, err, warn, info are short names; default: every level)',
} as const;

/** `event_ids`: a Winlogbeat-style expression, or one id. */
export const eventIdsSchema = {
  type: ['string', 'integer'],
  description: 'keep only these event ids: `"4624, 4700-4800, -4735"` (ids and ranges; a leading `-` excludes; default: every id)',
} as const;

/** `providers`: provider names (System/Provider Name). */
export const providersSchema = {
  ...strList,
  description: 'keep only records of these providers (System/Provider Name; default: every provider)',
} as const;

/**
 * The record filter of the object `o` at `at`, put into `into`: event_ids checked (a bad term is
 * reported at its column, and left out), level names normalised.
 */
export function recordFilterInto(ctx: ConfigContext, into: RecordFilterConfig, o: Obj, at: YamlPath): void {
  const { src } = ctx;
  if (o.event_ids !== undefined && o.event_ids !== null) {
    const expr = String(o.event_ids);
    try {
      parseEventIdFilter(expr);
      into.event_ids = expr;
    } catch (e) {
      const node = src.nodeAt([...at, 'event_ids']);
      const where = displayPath([...at, 'event_ids']);
      const off = e instanceof EventIdFilterError ? e.offset : 0;
      if (node && isScalar(node) && typeof node.value === 'string') src.problemInScalar(node, off, `${where}: ${(e as Error).message}`);
      else src.problemAt(node, `${where}: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(o.levels)) into.levels = [...new Set(asStrings(o.levels).map(normaliseLevelName))];
  if (Array.isArray(o.providers)) into.providers = asStrings(o.providers);
}

/** `crit` → `critical`, `err` → `error`, `warn` → `warning`, `info` → `information`. */
function normaliseLevelName(l: string): string {
  switch (l) {
    case 'crit':
      return 'critical';
    case 'err':
      return 'error';
    case 'warn':
      return 'warning';
    case 'info':
      return 'information';
    default:
      return l;
  }
}
