/**
 * vigil.yaml `inputs`: each entry's id (given, or `<type>-<n>`; unique), then the validation of its
 * input type (the collector's config.ts, reached through the registry of input types).
 */
import { asObj, type ConfigContext } from '../../core/config-kit';
import { inputType, type InputConfig } from '../components';

/** Validates every entry of `inputs` (already checked against the schema); an unknown type was reported by the schema. */
export function buildInputs(ctx: ConfigContext, list: unknown[]): InputConfig[] {
  const { src } = ctx;
  const out: InputConfig[] = [];
  const counters: Record<string, number> = {};
  const ids = new Map<string, number>();
  list.forEach((item, i) => {
    const o = asObj(item);
    const type = inputType(o.type);
    if (!type) return; // reported by the schema
    const name = o.type as string;
    counters[name] = (counters[name] ?? 0) + 1;
    const explicitId = typeof o.id === 'string' && o.id !== '';
    const id = explicitId ? (o.id as string) : `${name}-${counters[name]}`;
    const prev = ids.get(id);
    if (prev !== undefined) {
      src.problemAt(src.nodeAt(['inputs', i, 'id']) ?? src.nodeAt(['inputs', i]), `duplicate input id "${id}" (already used by inputs[${prev}])`);
    } else {
      ids.set(id, i);
    }
    out.push(type.build(ctx, o, i, id));
  });
  return out;
}
