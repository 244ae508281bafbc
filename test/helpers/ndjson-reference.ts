import type { NdjsonLineContext } from '../../collectors/ndjson/ndjson';
import { beginLine, shapeObject } from '../../collectors/ndjson/ecs-shape';
import type { Obj } from '../../collectors/ndjson/json-objects';

// What the shape-plan tests compare with: the general shaping of a line, with no compiled plan.

const INGESTED = '2026-03-04T05:06:07.890Z';

/** The context of a line of a file input (fixed host, path and ingest time), with `over` applied. */
export function lineContext(over: Partial<NdjsonLineContext> = {}): NdjsonLineContext {
  return { hostName: 'collector-host', path: '/var/log/app/app.json', offset: 0, dataset: 'vigil.file', truncated: false, ingested: INGESTED, ...over };
}

/** The event of the general shaping alone (no plan), as JSON; null for a line that is not a JSON object. */
export function reference(line: string, c: NdjsonLineContext): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  beginLine();
  return JSON.stringify(shapeObject(parsed as Obj, c));
}
