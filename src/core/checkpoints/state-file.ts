/**
 * Loading a JSON file of the state folder (registry.json, silences.json): parsed, then validated
 * against the schema its owner keeps next to its code. Every fault is reported as
 * `<file>: <where> must be <what> (got <value>)`, so that a corrupt file is named and explained
 * instead of crashing a reader later (or being dropped in silence).
 */
import { existsSync, readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/** A state file that cannot be used as it is; `problems` are `file: fault` lines. */
export class StateFileError extends Error {
  constructor(readonly file: string, readonly problems: string[], hint?: string) {
    const faults = problems.map((p) => (p.startsWith(`${file}: `) ? p.slice(file.length + 2) : p));
    const shown = faults.slice(0, 5).join('; ') + (faults.length > 5 ? `; and ${faults.length - 5} more` : '');
    super(`${file}: ${shown}${hint ? `; ${hint}` : ''}`);
    this.name = 'StateFileError';
  }
}

let ajv: Ajv | undefined;

/**
 * Compiles a state file schema. No type coercion (a string offset is a fault, not a number); each
 * schema node says what it expects in its `description`, which the messages use.
 */
export function compileStateSchema(schema: object): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, verbose: true, strict: true });
  return ajv.compile(schema);
}

/**
 * The faults of a file's text: not JSON, or not what `validate` accepts. Returns `file: fault`
 * lines (empty when the file is fine) and the parsed value.
 */
export function stateFileProblems(file: string, text: string, validate: ValidateFunction): { data: unknown; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { data: undefined, problems: [`${file}: not valid JSON (${(err as Error).message})`] };
  }
  if (validate(data)) return { data, problems: [] };
  return { data, problems: schemaFaults(validate.errors ?? [], data).map((f) => `${file}: ${f}`) };
}

/**
 * Reads and validates a state file; `undefined` when it does not exist. Throws a
 * {@link StateFileError} naming the file and each fault (with `hint`, what the user can do).
 * `validator` is called only when there is a file to check (a schema's compilation is not free).
 */
export function readStateFile(file: string, validator: () => ValidateFunction, hint?: string): unknown {
  if (!existsSync(file)) return undefined;
  const validate = validator();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StateFileError(file, [`${file}: cannot be read (${(err as Error).message})`]);
  }
  const { data, problems } = stateFileProblems(file, text, validate);
  if (problems.length > 0) throw new StateFileError(file, problems, hint);
  return data;
}

/** One fault per place in the data (the first ajv reports there), in words. */
function schemaFaults(errors: ErrorObject[], data: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const params = e.params as Record<string, unknown>;
    let place = e.instancePath;
    let fault: string;
    const where = displayPointer(e.instancePath);
    if (e.keyword === 'required') {
      place += `/${String(params.missingProperty)}`;
      fault = `${where || 'the file'} must have "${String(params.missingProperty)}"`;
    } else if (e.keyword === 'additionalProperties') {
      place += `/${String(params.additionalProperty)}`;
      fault = `${where || 'the file'} has an unknown field "${String(params.additionalProperty)}"`;
    } else {
      const what = (e.parentSchema as { description?: string } | undefined)?.description;
      fault = what ? `${where || 'the file'} must be ${what} (got ${shown(e.data)})` : `${where || 'the file'} ${e.message ?? 'is invalid'} (got ${shown(e.data)})`;
    }
    if (seen.has(place)) continue;
    seen.add(place);
    out.push(fault);
  }
  if (out.length === 0) out.push(`the file does not match its schema (${shown(data)})`);
  return out;
}

/** `sources["file:0f96…"].offset` for the pointer `/sources/file:0f96…/offset`. */
function displayPointer(ptr: string): string {
  if (!ptr) return '';
  let s = '';
  for (const raw of ptr.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) s += `[${seg}]`;
    else if (/^[A-Za-z_][\w]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/** A value as it stands in the file, cut short; objects and lists by their kind only. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
