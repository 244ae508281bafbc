/**
 * ajv errors → problems at the offending YAML node (`file:line:col: message`): unknown keys at the
 * key, missing keys at the mapping, everything else at the value; secret values are never echoed.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseByteSize, parseDuration } from '../units';
import { isSecretKey } from './secrets';
import type { YamlPath, YamlSource } from './yaml-source';

let ajvInstance: Ajv | undefined;

/** One shared ajv instance configured as the loaders need it. */
export function getAjv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: true,
      verbose: true,
      discriminator: true,
      coerceTypes: 'array',
      allowUnionTypes: true,
      strict: false,
    });
  }
  return ajvInstance;
}

/** Human description of a path: `inputs[0].paths`, `` for the root. */
export function displayPath(p: YamlPath): string {
  let s = '';
  for (const seg of p) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_@][\w@-]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

function decodePointer(ptr: string, data: unknown): YamlPath {
  if (!ptr) return [];
  const segs = ptr
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: YamlPath = [];
  let cur: unknown = data;
  for (const s of segs) {
    if (Array.isArray(cur) && /^\d+$/.test(s)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** Messages for `pattern` errors, by pattern. */
export interface SchemaMessageOptions {
  patternMessages?: Record<string, (value: unknown, where: string) => string>;
  /** the schema validated against, to resolve `$ref`s of discriminated unions */
  rootSchema?: unknown;
}

/**
 * Turns ajv errors into problems at the offending node: unknown keys at the key, missing keys at
 * the mapping, everything else at the value. Secret values are never echoed.
 */
export function schemaProblems(
  src: YamlSource,
  validate: ValidateFunction,
  data: unknown,
  opts: SchemaMessageOptions = {},
): void {
  const errors = (validate.errors ?? []) as ErrorObject[];
  const concrete = errors.filter((e) => !['if', 'anyOf', 'oneOf', 'allOf', 'not'].includes(e.keyword));
  for (const e of errors) {
    if (['if', 'allOf'].includes(e.keyword)) continue;
    if (['anyOf', 'oneOf', 'not'].includes(e.keyword) && concrete.some((c) => c.instancePath.startsWith(e.instancePath))) continue;
    const p = decodePointer(e.instancePath, data);
    const propertyName = (e as { propertyName?: string }).propertyName;
    if (propertyName !== undefined) keyProblem(src, e, p, propertyName, opts);
    else if (!structureProblem(src, e, p, errors, opts)) {
      const node = src.nodeAt(p);
      const secret = src.isSecret(node) || isSecretKey(p[p.length - 1], p[p.length - 2]);
      const message = valueMessage(e, displayPath(p), secret, opts);
      if (message !== undefined) src.valueProblem(node, message);
    }
  }
}

/** A bad key (propertyNames): reported at the key itself. */
function keyProblem(src: YamlSource, e: ErrorObject, p: YamlPath, propertyName: string, opts: SchemaMessageOptions): void {
  const where = displayPath(p);
  const custom = e.keyword === 'pattern' ? opts.patternMessages?.[String((e.params as { pattern?: string }).pattern)] : undefined;
  src.problemAt(
    src.nodeAt([...p, propertyName], { key: true }) ?? src.nearestNode(p),
    custom ? custom(propertyName, where) : `invalid key "${propertyName}"${where ? ` in ${where}` : ''}: ${e.message ?? 'not allowed'}`,
  );
}

/** Unknown keys (at the key), missing keys (at the mapping), a bad discriminator; false for other keywords. */
function structureProblem(src: YamlSource, e: ErrorObject, p: YamlPath, errors: ErrorObject[], opts: SchemaMessageOptions): boolean {
  const where = displayPath(p);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const props = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      const inWhere = where ? ` in ${where}` : '';
      const expected = props.length ? ` (expected one of: ${props.join(', ')})` : '';
      src.problemAt(src.nodeAt([...p, key], { key: true }) ?? src.nearestNode(p), `unknown key "${key}"${inWhere}${expected}`);
      return true;
    }
    case 'required': {
      const key = String(params.missingProperty);
      const byDiscriminator = errors.some(
        (d) => d.keyword === 'discriminator' && d.instancePath === e.instancePath && (d.params as { tag?: string }).tag === key,
      );
      if (!byDiscriminator) src.problemAt(src.nearestNode(p), `missing required key "${key}"${where ? ` in ${where}` : ''}`);
      return true;
    }
    case 'discriminator': {
      const node = src.nodeAt(p);
      const secret = src.isSecret(node) || isSecretKey(p[p.length - 1], p[p.length - 2]);
      const tag = String(params.tag);
      const value = (params.tagValue as unknown) ?? undefined;
      const allowed = discriminatorValues(e, opts.rootSchema);
      if (params.error === 'mapping' && typeof value === 'string') {
        src.valueProblem(
          src.nodeAt([...p, tag]) ?? node,
          `${where ? where + '.' : ''}${tag} must be one of: ${allowed.join(', ')} (got ${secret ? '(value hidden)' : JSON.stringify(value)})`,
        );
      } else if (value === undefined) {
        src.problemAt(src.nearestNode(p), `missing required key "${tag}"${where ? ` in ${where}` : ''} (one of: ${allowed.join(', ')})`);
      } else {
        src.valueProblem(src.nodeAt([...p, tag]) ?? node, `${where ? where + '.' : ''}${tag} must be a string (one of: ${allowed.join(', ')})`);
      }
      return true;
    }
    default:
      return false;
  }
}

/** The message about a bad value (reported at the value), or undefined when the error is reported elsewhere. */
function valueMessage(e: ErrorObject, where: string, secret: boolean, opts: SchemaMessageOptions): string | undefined {
  const shown = (v: unknown): string => (secret ? '(value hidden)' : JSON.stringify(v));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = String(params.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t);
      return `${where || 'the file'} must be ${types.join(' or ')}, got ${describeType(e.data)}`;
    }
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      return `${where} must be ${allowed.length > 1 ? 'one of: ' : ''}${allowed.map((a) => String(a)).join(', ')} (got ${shown(e.data)})`;
    }
    case 'pattern': {
      const custom = opts.patternMessages?.[String(params.pattern)];
      return custom ? custom(e.data, where) : `${where} ${shown(e.data)} does not match ${String(params.pattern)}`;
    }
    case 'minItems':
      return Number(params.limit) === 1 ? `${where} must not be empty` : `${where} must have at least ${String(params.limit)} items`;
    case 'maxItems':
      return `${where} must have at most ${String(params.limit)} items`;
    case 'minLength':
      return Number(params.limit) === 1 ? `${where} must not be empty` : `${where} must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `${where} must be at most ${String(params.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${where} must be ${String(params.comparison)} ${String(params.limit)}${secret ? '' : ` (got ${String(e.data)})`}`;
    case 'propertyNames':
      return undefined; // reported through the nested pattern error
    default:
      return `${where || 'the file'} ${e.message ?? 'is invalid'}`;
  }
}

function discriminatorValues(e: ErrorObject, rootSchema: unknown): string[] {
  const schema = e.parentSchema as { oneOf?: Array<Record<string, unknown>> } | undefined;
  const out: string[] = [];
  for (const sub of schema?.oneOf ?? []) {
    let s: Record<string, unknown> | undefined = sub;
    if (typeof s.$ref === 'string') {
      const ref = s.$ref;
      const root = (rootSchema ?? {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
      const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
      s = m ? (root[m[1]] ?? {})[m[2]] : undefined;
    }
    const t = ((s?.properties as Record<string, { const?: string; enum?: string[] }> | undefined) ?? {}).type;
    if (t?.const) out.push(t.const);
    else if (t?.enum) out.push(...t.enum);
  }
  return out;
}

/** Pattern messages for the duration and size definitions of both schemas. */
export function durationSizeMessages(durationPattern: string, sizePattern: string): SchemaMessageOptions['patternMessages'] {
  return {
    [durationPattern]: (v, where) => `${where}: ${errText(() => parseDuration(v as string), `invalid duration ${JSON.stringify(v)}`)}`,
    [sizePattern]: (v, where) => `${where}: ${errText(() => parseByteSize(v as string), `invalid size ${JSON.stringify(v)}`)}`,
  };
}

function errText(f: () => unknown, fallback: string): string {
  try {
    f();
    return fallback;
  } catch (e) {
    return (e as Error).message;
  }
}
