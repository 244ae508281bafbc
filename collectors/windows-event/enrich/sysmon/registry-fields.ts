import type { EventDoc } from '../../../../src/core/event';
import { setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';

/**
 * `registry.*` from a Sysmon registry event (12, 13, 14), as Winlogbeat's sysmon module maps it:
 * `TargetObject` is the path; its first step names the hive (long or short name → the short one), the
 * rest is `registry.key`, the last step `registry.value`. Older Sysmon versions write the kernel's names
 * (`\REGISTRY\MACHINE\…`, `\REGISTRY\USER\…`): their hive is read the same way (HKLM, HKU), which
 * Winlogbeat does not do; the path stays as written. `Details` is the data: `DWORD (0x…)` →
 * `SZ_DWORD` and the number in decimal, `QWORD (0x…-0x…)` → `SZ_QWORD` (high and low 32 bits),
 * `Binary Data` → `REG_BINARY`, anything else a string (`REG_SZ`).
 */
const HIVES: Record<string, string> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC',
  HKEY_CURRENT_USER: 'HKCU', HKCU: 'HKCU', HKEY_DYN_DATA: 'HKDD', HKDD: 'HKDD',
  HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM', HKEY_PERFORMANCE_DATA: 'HKPD', HKPD: 'HKPD',
  HKEY_USERS: 'HKU', HKU: 'HKU',
};

const KERNEL_HIVES: Record<string, string> = { MACHINE: 'HKLM', USER: 'HKU' };

export function registryData(details: string): { strings: string[]; type: string } {
  const q = /^QWORD \((0x[0-9a-f]{1,8})-(0x[0-9a-f]{1,8})\)$/i.exec(details);
  if (q) return { strings: [(BigInt(q[1]) * 0x100000000n + BigInt(q[2])).toString()], type: 'SZ_QWORD' };
  const d = /^DWORD \((0x[0-9a-f]{1,8})\)$/i.exec(details);
  if (d) return { strings: [BigInt(d[1]).toString()], type: 'SZ_DWORD' };
  if (details === 'Binary Data') return { strings: [details], type: 'REG_BINARY' };
  return { strings: [details], type: 'REG_SZ' };
}

export function addSysmonRegistry(doc: EventDoc, ed: EventData, code: string): void {
  const path = ed.TargetObject;
  if (path === undefined || (code !== '12' && code !== '13' && code !== '14')) return;
  setField(doc, 'registry.path', path);
  const steps = path.split('\\');
  const kernel = steps[0] === '' && steps[1]?.toUpperCase() === 'REGISTRY' ? KERNEL_HIVES[steps[2]?.toUpperCase()] : undefined;
  const hive = kernel ?? HIVES[steps[0]];
  const keyFrom = kernel ? 3 : 1;
  if (hive) {
    setField(doc, 'registry.hive', hive);
    if (steps.length > keyFrom) setField(doc, 'registry.key', steps.slice(keyFrom).join('\\'));
  }
  setField(doc, 'registry.value', steps[steps.length - 1]);
  if (ed.Details !== undefined) setField(doc, 'registry.data', registryData(ed.Details));
}
