import type { EventDoc } from '../../../../src/core/event';
import type { EnrichModule } from '../types';
import { setField } from '../shared/doc-fields';
import { eventDataView, eventIdOf } from '../shared/event-data';
import { SYSMON_KINDS } from './event-kinds';
import { addSysmonHashes } from './hashes';
import { addSysmonProcess } from './process-fields';
import { addSysmonFile } from './file-fields';
import { addSysmonNetwork } from './network-fields';
import { addSysmonDns } from './dns-fields';
import { addSysmonRegistry } from './registry-fields';
import { addSysmonUser } from './user-fields';

/**
 * Sysmon (`Microsoft-Windows-Sysmon/Operational`), as Winlogbeat's sysmon module enriches it:
 * categorisation per event id, then the process, file, network, DNS, registry and user fields, each
 * from its own file. `winlog.event_data` stays as it was.
 */
export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
const SYSMON_CHANNEL_LC = SYSMON_CHANNEL.toLowerCase();

function enrichSysmon(doc: EventDoc, winlog: Record<string, unknown>): void {
  const code = eventIdOf(winlog);
  const ed = eventDataView(winlog);
  setField(doc, 'event.module', 'sysmon');
  const kind = SYSMON_KINDS[code];
  if (kind) {
    if (kind.category) setField(doc, 'event.category', [...kind.category]);
    if (kind.type.length > 0) setField(doc, 'event.type', [...kind.type]);
    setField(doc, 'event.action', kind.action);
    setField(doc, 'event.outcome', kind.outcome);
  }
  if (ed.RuleName !== undefined) setField(doc, 'rule.name', ed.RuleName);
  if (code === '255') setField(doc, 'error.code', ed.ID);
  addSysmonHashes(doc, ed, code);
  addSysmonProcess(doc, ed, code);
  addSysmonFile(doc, ed, code);
  addSysmonNetwork(doc, ed, code);
  addSysmonDns(doc, ed);
  addSysmonUser(doc, ed, winlog);
  addSysmonRegistry(doc, ed, code);
  if (ed.Archived !== undefined) setField(doc, 'sysmon.file.archived', ed.Archived === 'true');
  if (ed.IsExecutable !== undefined) setField(doc, 'sysmon.file.is_executable', ed.IsExecutable === 'true');
}

export const sysmonModule: EnrichModule = {
  name: 'sysmon',
  applies: (channel) => channel.toLowerCase() === SYSMON_CHANNEL_LC,
  enrich: enrichSysmon,
};
