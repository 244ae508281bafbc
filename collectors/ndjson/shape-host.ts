/**
 * The `host.name` phase: the line's own `host.name` (a non-empty string), else its `host.hostname`,
 * else pino/bunyan's `hostname`, else the collector's host name. A `hostname` not used stays an
 * ordinary field.
 */
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { conflictAt } from './vigil-original';
import { ensureObj } from './ecs-objects';
import { hostOf } from './shared-objects';
import { RootKeys, picked } from './root-keys';

const P_HOST_NAME = ['host', 'name'];

export function shapeHostName(doc: Obj, keys: RootKeys, ctx: NdjsonLineContext): void {
  let hostname = keys & RootKeys.Hostname ? picked.hostname : undefined;
  const hostObj = doc.host;
  if (hostObj === undefined || hostObj === null) {
    let name = ctx.hostName;
    if (typeof hostname === 'string' && hostname !== '') {
      name = hostname;
      hostname = undefined;
    }
    doc.host = hostOf(name);
  } else {
    const h = ensureObj(doc, 'host');
    const hn = h.name;
    if (typeof hn !== 'string' || hn === '') {
      if (hn !== undefined && hn !== null && hn !== '') conflictAt(P_HOST_NAME, hn);
      const hh = h.hostname; // ECS host.hostname: the line's own machine name is better than ours
      if (typeof hh === 'string' && hh !== '') h.name = hh;
      else if (typeof hostname === 'string' && hostname !== '') {
        h.name = hostname;
        hostname = undefined;
      } else h.name = ctx.hostName;
    }
  }
  if (hostname !== undefined) putBack(doc, 'hostname', hostname);
}
