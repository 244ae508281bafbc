/**
 * The scalar -> object leaf moves: a scalar where ECS has an object goes to the object's natural
 * leaf (`host` -> `host.name`, `user`/`service`/`process` -> `.name`, `pid` -> `process.pid`,
 * `source`/`destination` -> `.ip` for an IP address, else `.address`). A null stays as it is.
 */
import { isIP } from 'node:net';
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { ensureObj, moveScalar } from './ecs-objects';
import type { RootKeys } from './root-keys';

export function moveScalars(doc: Obj, k: RootKeys): void {
  const host = k.host;
  if (host !== undefined && host !== null) {
    moveScalar(doc, 'host', 'name', typeof host === 'number' || typeof host === 'boolean' ? String(host) : host);
  }
  moveToName(doc, 'user', k.user);
  moveToName(doc, 'service', k.service);
  moveToName(doc, 'process', k.process);
  const pid = k.pid;
  if (pid !== undefined) {
    const p = doc.process;
    if (typeof pid === 'number' && !(isPlainObject(p) && p.pid !== undefined && p.pid !== null)) {
      if (p === undefined || p === null) doc.process = { pid };
      else ensureObj(doc, 'process').pid = pid;
    } else putBack(doc, 'pid', pid);
  }
  const source = k.source;
  if (source !== undefined && source !== null) moveScalar(doc, 'source', addressLeaf(source), source);
  else if (source === null) putBack(doc, 'source', null);
  const destination = k.destination;
  if (destination !== undefined && destination !== null) moveScalar(doc, 'destination', addressLeaf(destination), destination);
  else if (destination === null) putBack(doc, 'destination', null);
}

/** `user`, `service` or `process` as a scalar -> its `.name`. */
function moveToName(doc: Obj, key: string, v: unknown): void {
  if (v !== undefined && v !== null) moveScalar(doc, key, 'name', v);
  else if (v === null) putBack(doc, key, null);
}

/** The leaf of `source`/`destination` a scalar goes to. */
function addressLeaf(v: unknown): string {
  return typeof v === 'string' && isIP(v) !== 0 ? 'ip' : 'address';
}
