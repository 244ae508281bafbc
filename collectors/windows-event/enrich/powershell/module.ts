import type { EventDoc } from '../../../../src/core/event';
import type { EnrichModule } from '../types';
import { setField } from '../shared/doc-fields';
import { eventDataView, eventIdOf } from '../shared/event-data';
import { powershellFields } from './event-fields';
import { addPowershellProcess, addPowershellUser } from './process-user-fields';
import { addPowershellFields } from './powershell-fields';

/**
 * PowerShell's two channels, as Winlogbeat's powershell module enriches them: the classic
 * `Windows PowerShell` (engine 400/403, provider 600, pipeline 800) and
 * `Microsoft-Windows-PowerShell/Operational` (4103 pipeline, 4104 script block, 4105/4106 script
 * start/stop). Every event is `event.category: process`; the type is `start`/`end` for the engine
 * (classic 400/403) and script (4105/4106) life cycle, else `info`.
 */
export const POWERSHELL_CLASSIC_CHANNEL = 'Windows PowerShell';
export const POWERSHELL_OPERATIONAL_CHANNEL = 'Microsoft-Windows-PowerShell/Operational';
const CLASSIC_LC = POWERSHELL_CLASSIC_CHANNEL.toLowerCase();
const OPERATIONAL_LC = POWERSHELL_OPERATIONAL_CHANNEL.toLowerCase();

const START_END: Record<string, string> = { '400': 'start', '403': 'end', '4105': 'start', '4106': 'end' };

function enrichPowershell(doc: EventDoc, winlog: Record<string, unknown>): void {
  const channel = String(winlog.channel).toLowerCase();
  const classic = channel === CLASSIC_LC;
  const code = eventIdOf(winlog);
  const f = powershellFields(eventDataView(winlog), classic, code);
  setField(doc, 'event.module', 'powershell');
  setField(doc, 'event.category', 'process');
  const lifecycle = START_END[code];
  setField(doc, 'event.type', lifecycle !== undefined && (classic ? code.length === 3 : code.length === 4) ? lifecycle : 'info');
  addPowershellProcess(doc, f);
  addPowershellUser(doc, f, winlog, classic);
  addPowershellFields(doc, f, code);
}

export const powershellModule: EnrichModule = {
  name: 'powershell',
  applies: (channel) => {
    const c = channel.toLowerCase();
    return c === CLASSIC_LC || c === OPERATIONAL_LC;
  },
  enrich: enrichPowershell,
};
