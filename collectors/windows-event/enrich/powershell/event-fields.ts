/**
 * The PowerShell event data Winlogbeat's powershell module reads, gathered from wherever the channel
 * puts it: the classic channel (`Windows PowerShell`) packs it into `param3` (`param2` for event 800),
 * Operational 4103 into `ContextInfo`; other Operational events (4104 script blocks, 4105/4106) have
 * named fields. Names are without blanks; the named fields win over packed ones of the same name.
 * The classic channel's `paramN` are left out, except event 800's `param3` (its invocation details).
 */
import { parseDetailLines } from './detail-lines';
import type { EventData } from '../shared/event-data';

export function powershellFields(ed: EventData, classic: boolean, code: string): EventData {
  const packed = classic ? (code === '800' ? ed.param2 : ed.param3) : code === '4103' ? ed.ContextInfo : undefined;
  const out: EventData = packed !== undefined ? parseDetailLines(packed) : {};
  for (const [k, v] of Object.entries(ed)) {
    if (classic && /^param\d+$/.test(k) && !(code === '800' && k === 'param3')) continue;
    const name = k.replace(/\s+/g, '');
    if (v.trim() !== '') out[name] = v;
  }
  return out;
}
