import type { EventDoc } from '../../../../src/core/event';
import { getField, setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';
import { windowsPathParts } from '../shared/windows-path';

/**
 * `file.*` from a Sysmon event's data, as Winlogbeat's sysmon module maps them: the path
 * (`TargetFilename`, a raw-access `Device`, a loaded `ImageLoaded`; the later wins), a pipe's name,
 * the code signature of a loaded image or driver, the PE fields of a loaded image (event 7), and
 * `file.name`/`directory`/`extension` cut from the path.
 */
export function addSysmonFile(doc: EventDoc, ed: EventData, code: string): void {
  let path: string | undefined;
  for (const n of ['TargetFilename', 'Device', 'ImageLoaded']) if (ed[n] !== undefined) path = ed[n];
  setField(doc, 'file.path', path);
  setField(doc, 'file.name', ed.PipeName);
  setField(doc, 'file.code_signature.subject_name', ed.Signature);
  setField(doc, 'file.code_signature.status', ed.SignatureStatus);
  if (ed.Signed === 'true') setField(doc, 'file.code_signature.signed', true);
  if (ed.SignatureStatus === 'Valid') setField(doc, 'file.code_signature.valid', true);
  if (code === '7') {
    setField(doc, 'file.pe.original_file_name', ed.OriginalFileName);
    setField(doc, 'file.pe.company', ed.Company);
    setField(doc, 'file.pe.description', ed.Description);
    setField(doc, 'file.pe.file_version', ed.FileVersion);
    setField(doc, 'file.pe.product', ed.Product);
  }
  const p = getField(doc, 'file.path');
  const parts = typeof p === 'string' ? windowsPathParts(p) : undefined;
  if (parts) {
    setField(doc, 'file.name', parts.name);
    setField(doc, 'file.directory', parts.directory);
    setField(doc, 'file.extension', parts.extension);
  }
}
