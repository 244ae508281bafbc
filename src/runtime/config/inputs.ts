/**
 * vigil.yaml `inputs`: each entry's id (given, or `<type>-<n>`; unique), then the validation of its
 * input type (the collector's config.ts).
 */
import { asObj, type ConfigContext, type Obj } from '../../core/config-kit';
import { buildEvtxInput, type EvtxInputConfig } from '../../../collectors/evtx/config';
import { buildFileInput, type FileInputConfig } from '../../../collectors/file/config';
import { buildWinevtInput, type WinevtInputConfig } from '../../../collectors/winevt/config';

export type InputConfig = FileInputConfig | WinevtInputConfig | EvtxInputConfig;

type InputBuilder = (ctx: ConfigContext, o: Obj, i: number, id: string) => InputConfig;

/** Input type → its validation (the schema's discriminator lists the same types). */
const INPUT_BUILDERS: Record<InputConfig['type'], InputBuilder> = {
  file: buildFileInput,
  winevt: buildWinevtInput,
  evtx: buildEvtxInput,
};

/** Validates every entry of `inputs` (already checked against the schema); an unknown type was reported by the schema. */
export function buildInputs(ctx: ConfigContext, list: unknown[]): InputConfig[] {
  const { src } = ctx;
  const out: InputConfig[] = [];
  const counters: Record<string, number> = {};
  const ids = new Map<string, number>();
  list.forEach((item, i) => {
    const o = asObj(item);
    const type = o.type;
    if (type !== 'file' && type !== 'winevt' && type !== 'evtx') return; // reported by the schema
    counters[type] = (counters[type] ?? 0) + 1;
    const explicitId = typeof o.id === 'string' && o.id !== '';
    const id = explicitId ? (o.id as string) : `${type}-${counters[type]}`;
    const prev = ids.get(id);
    if (prev !== undefined) {
      src.problemAt(src.nodeAt(['inputs', i, 'id']) ?? src.nodeAt(['inputs', i]), `duplicate input id "${id}" (already used by inputs[${prev}])`);
    } else {
      ids.set(id, i);
    }
    out.push(INPUT_BUILDERS[type](ctx, o, i, id));
  });
  return out;
}
