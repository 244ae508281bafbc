import { matchEventId, parseEventIdFilter } from './event-id-filter';
import { childNamed, textOf, type XmlElement } from './xml-tree';
import { levelNumbers } from './levels';

/** An event's System/EventID (NaN when it has none). */
export function eventIdOf(e: XmlElement): number {
  const sys = childNamed(e, 'System');
  const r = sys && childNamed(sys, 'EventID');
  return r ? Number(textOf(r).trim()) : NaN;
}

/** Which events of a source to keep: the keys of a Windows channel, applied to each event (for .evtx files, where no query filters). */
export interface RecordFilterSpec {
  /** "4624, 4700-4800, -4735" */
  event_ids?: string;
  /** critical, error, warning, information, verbose (or numbers) */
  levels?: string[];
  /** System/Provider Name, exactly */
  providers?: string[];
}

/**
 * The test an event must pass to be kept, as the XPath query of a live channel would select it
 * (EventID in the ranges and not excluded, Level one of the levels, Provider Name one of the
 * providers); undefined when the spec keeps everything. Throws on an unknown level name.
 */
export function recordFilter(spec: RecordFilterSpec): ((e: XmlElement) => boolean) | undefined {
  const ids = spec.event_ids !== undefined ? parseEventIdFilter(spec.event_ids) : undefined;
  const levels = spec.levels && spec.levels.length > 0 ? new Set(levelNumbers(spec.levels)) : undefined;
  const providers = spec.providers && spec.providers.length > 0 ? new Set(spec.providers) : undefined;
  if (!ids && !levels && !providers) return undefined;
  return (e) => {
    if (ids && !matchEventId(ids, eventIdOf(e))) return false;
    if (!levels && !providers) return true;
    const sys = childNamed(e, 'System');
    if (levels) {
      const l = sys && childNamed(sys, 'Level');
      if (!levels.has(l ? Number(textOf(l).trim()) : 0)) return false;
    }
    if (providers) {
      const p = sys && childNamed(sys, 'Provider');
      if (!providers.has(p?.attrs.Name ?? '')) return false;
    }
    return true;
  };
}
