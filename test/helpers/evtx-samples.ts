import { join } from 'node:path';
import { readEvtx } from '../../collectors/evtx';
import { windowsDocId, windowsEventDoc } from '../../collectors/windows-event/event-mapping';

/** The sample .evtx files, in ../shared/data/evtx beside the checkout (dist/test/helpers is three levels below it). */
export const EVTX_DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx');

/** The ids `vigil evtx` gives the records of a file read on `hostName`, in file order. */
export async function evtxRecordIds(path: string, hostName: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const rec of readEvtx(path)) ids.push(windowsDocId(windowsEventDoc(rec.tree, { hostName, ingested: 'x' })));
  return ids;
}
