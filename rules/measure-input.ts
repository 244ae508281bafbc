import type { RuleDef } from './types';
import { compileFieldReader } from './field-path';
import { keywordOf } from './kql/fields';

/**
 * What a cardinality, metric or ratio rule reads of each event it selects, for its detector
 * (rules/detectors/measuring-detector.ts), and which of those events its alerts show as samples.
 */
export interface MeasureInput {
  read: (doc: Record<string, unknown>) => unknown;
  /** whether an event read as `input` is kept as an alert sample */
  sample: (input: unknown) => boolean;
}

/**
 * - cardinality: the field's values as keywords (every element of an array; numbers and booleans as
 *   text, objects as JSON), [] without the field;
 * - metric: the field's numbers (numeric strings too), [] without one;
 * - ratio: whether the event, one of the base (`of`), matches `where` and `regex` (`numerator`); only
 *   those are samples, so a ratio alert shows the events it is about (the errors, not the base).
 * undefined for the other types, whose detectors count events only.
 */
export function measureInput(def: RuleDef, numerator: (doc: Record<string, unknown>) => boolean): MeasureInput | undefined {
  const always = () => true;
  switch (def.type) {
    case 'cardinality': {
      const read = compileFieldReader(def.field ?? '');
      return { read: (doc) => read(doc).map(keyOf), sample: always };
    }
    case 'metric': {
      const read = compileFieldReader(def.field ?? '');
      return { read: (doc) => numbersOf(read(doc)), sample: always };
    }
    case 'ratio':
      return { read: numerator, sample: (input) => input === true };
    default:
      return undefined;
  }
}

function keyOf(v: unknown): string {
  return keywordOf(v) ?? JSON.stringify(v);
}

function numbersOf(values: unknown[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}
