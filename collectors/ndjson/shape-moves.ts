/**
 * The scalar -> object leaf moves: a scalar where ECS has an object goes to the object's natural
 * leaf (`host` -> `host.name`, `user`/`service`/`process` -> `.name`, `pid` -> `process.pid`,
 * `source`/`destination` -> `.ip` for an IP address, else `.address`). A null stays as it is.
 */
import { isIP } from 'node:net';
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { ensureObj, moveScalar } from './ecs-objects';
import { RootKeys, picked } from './root-keys';

export function moveScalars(doc: Obj, keys: RootKeys): void {
  if (keys & RootKeys.Host) {
    const host = picked.host;
    if (host !== null) moveScalar(doc, 'host', 'name', typeof host === 'number' || typeof host === 'boolean' ? String(host) : host);
  }
  if (keys & RootKeys.User) moveToName(doc, 'user', picked.user);
  if (keys & RootKeys.Service) moveToName(doc, 'service', picked.service);
  if (keys & RootKeys.Process) moveToName(doc, 'process', picked.process);
  if (keys & RootKeys.Pid) {
    const pid = picked.pid;
    const p = doc.process;
    if (typeof pid === 'number' && !(isPlainObject(p) && p.pid !== undefined && p.pid !== null)) {
      if (p === undefined || p === null) doc.process = { pid };
      else ensureObj(doc, 'process').pid = pid;
    } else putBack(doc, 'pid', pid);
  }
  if (keys & RootKeys.Source) moveToAddress(doc, 'source', picked.source);
  if (keys & RootKeys.Destination) moveToAddress(doc, 'destination', picked.destination);
}

/** `user`, `service` or `process` as a scalar -> its `.name`. */
function moveToName(doc: Obj, key: string, v: unknown): void {
  if (v !== null) moveScalar(doc, key, 'name', v);
  else putBack(doc, key, null);
}

/** `source` or `destination` as a scalar -> its `.ip` or `.address`. */
function moveToAddress(doc: Obj, key: string, v: unknown): void {
  if (v !== null) moveScalar(doc, key, addressLeaf(v), v);
  else putBack(doc, key, null);
}

/** The leaf of `source`/`destination` a scalar goes to. */
function addressLeaf(v: unknown): string {
  return typeof v === 'string' && isIP(v) !== 0 ? 'ip' : 'address';
}
