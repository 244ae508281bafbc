import type { WindowsEventFields } from '../../windows-event/event-fields';
import type { XmlElement, XmlNode } from '../../windows-event/xml-tree';
import type { ChunkDecoder } from './binxml';
import { expandedSize, MAX_EXPANDED_SIZE } from './expanded-size';
import { planFields } from './record-fields';
import { instantiate } from './template-nodes';

/** A decoded record: its event's fields when its template values give them directly, and its tree (built on demand then). */
export interface RecordContent {
  fields?: WindowsEventFields;
  tree(): XmlElement;
}

/** The <Event> element of decoded nodes; throws when there is none or they expand too far. */
function eventElement(nodes: XmlNode[]): XmlElement {
  const tree = nodes.find((n): n is XmlElement => typeof n !== 'string');
  if (!tree) throw new Error('record holds no element');
  if (expandedSize(nodes) > MAX_EXPANDED_SIZE) {
    throw new Error(`record expands to more than ${MAX_EXPANDED_SIZE} characters (values nested and repeated)`);
  }
  return tree;
}

/**
 * The record data at [from, to): read through its template's fields plan when the template has one and
 * the values allow (record-fields.ts), else as an element tree. Throws when it does not decode or expands
 * too far, exactly as the tree alone would.
 */
export function recordContent(decoder: ChunkDecoder, from: number, to: number): RecordContent {
  const inst = decoder.decodeInstance(from, to);
  if (inst) {
    const plan = decoder.fieldsPlan(inst.defOff, inst.template);
    const fields = plan ? planFields(plan, inst.values, MAX_EXPANDED_SIZE, (t, off) => decoder.valuePlan(off, t)) : undefined;
    if (fields) return { fields, tree: () => eventElement(instantiate(inst.template, inst.values)) };
    const tree = eventElement(instantiate(inst.template, inst.values));
    return { tree: () => tree };
  }
  const tree = eventElement(decoder.decodeRecord(from, to));
  return { tree: () => tree };
}
