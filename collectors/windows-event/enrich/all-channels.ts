import type { EventDoc } from '../../../src/core/event';
import { isObj, objAt } from './doc-fields';
import { securityTaskName } from './security-tasks';
import { keywordNames, opcodeName, windowsLevelName } from './standard-names';
import { windowsTimeCreated } from './time-created';
import type { Winlog } from './types';

/**
 * What every Windows event gets, whatever its channel: `host.os.type`/`family: windows`; the standard
 * keyword, opcode and (Security channel) task names where the event holds only numbers; `event.action`
 * from the task name as Winlogbeat sets it; `event.outcome` from the audit keywords; `winlog.time_created`
 * at full precision; `log.level` in Windows' spelling. An event exported by Winlogbeat (NDJSON) has its
 * `winlog` values in Winlogbeat's JSON types; they are brought to Vigil's (`event_id` a number,
 * `record_id` a string, GUIDs in lower case), so it gives the same document as the live channel.
 */
/** winlog fields that hold GUIDs: lower case, as Vigil writes them (Windows and some exporters write upper case) */
const GUID_FIELDS = ['provider_guid', 'activity_id', 'related_activity_id'] as const;

export function enrichAllChannels(doc: EventDoc, winlog: Winlog, timeCreated: string | undefined): void {
  const os = objAt(doc, 'host', 'os');
  if (os.type === undefined) os.type = 'windows';
  if (os.family === undefined) os.family = 'windows';

  if (typeof winlog.event_id === 'string' && /^\d+$/.test(winlog.event_id)) winlog.event_id = Number(winlog.event_id);
  if (typeof winlog.record_id === 'number') winlog.record_id = String(winlog.record_id);
  for (const k of GUID_FIELDS) {
    const v = winlog[k];
    if (typeof v === 'string') winlog[k] = v.toLowerCase();
  }

  const kw = winlog.keywords;
  if (Array.isArray(kw) && kw.length === 1 && typeof kw[0] === 'string') {
    const names = keywordNames(kw[0]);
    if (names) winlog.keywords = names;
  }
  if (typeof winlog.opcode === 'string' || typeof winlog.opcode === 'number') {
    const name = opcodeName(String(winlog.opcode));
    if (name) winlog.opcode = name;
  }
  const channel = typeof winlog.channel === 'string' ? winlog.channel : '';
  const provider = typeof winlog.provider_name === 'string' ? winlog.provider_name : '';
  if ((typeof winlog.task === 'string' || typeof winlog.task === 'number') && channel.toLowerCase() === 'security') {
    const name = securityTaskName(provider, String(winlog.task));
    if (name) winlog.task = name;
  }

  const action = typeof winlog.task === 'string' && winlog.task !== '' && !/^\d+$/.test(winlog.task) ? winlog.task : undefined;
  const outcome = !Array.isArray(winlog.keywords) ? undefined
    : winlog.keywords.includes('Audit Success') ? 'success' : winlog.keywords.includes('Audit Failure') ? 'failure' : undefined;
  if (action !== undefined || outcome !== undefined) {
    const ev = objAt(doc, 'event');
    if (ev.action === undefined && action !== undefined) ev.action = action;
    if (ev.outcome === undefined && outcome !== undefined) ev.outcome = outcome;
  }

  if (isObj(doc.log) && typeof doc.log.level === 'string') {
    const level = windowsLevelName(doc.log.level);
    if (level !== doc.log.level) objAt(doc, 'log').level = level;
  }

  // the time given is used only when it is the event's @timestamp (to the millisecond)
  let tc = windowsTimeCreated(winlog.time_created);
  if (tc === undefined) {
    const t = windowsTimeCreated(timeCreated);
    if (t !== undefined && t.slice(0, 23) === String(doc['@timestamp']).slice(0, 23)) tc = t;
  }
  if (tc !== undefined) winlog.time_created = tc;
}
