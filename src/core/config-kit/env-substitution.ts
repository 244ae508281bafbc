/**
 * `${VAR}` and `${VAR:-default}` in the string values of a {@link YamlSource} (`$${` is a literal
 * `${`), with secrets marked as they are filled in, and the pruning of values that became empty.
 */
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { isSecretKey, SECRET_ENV_NAME } from './secrets';
import { keyText, type YamlPath, type YamlSource } from './yaml-source';

export interface EnvSubstitutionOptions {
  env: NodeJS.ProcessEnv;
  /** unset variable without a default: a problem (default) or the empty string */
  unset?: 'error' | 'empty';
  /** only substitute under paths for which this returns true (default: everywhere) */
  include?: (p: YamlPath) => boolean;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string scalar (values, not keys) in place;
 * `$${` stays a literal `${`. Marks secrets. Problems are reported at the `${` inside the value.
 * Returns the paths of mapping values that became empty (see {@link pruneEmptied}).
 */
export function substituteEnv(src: YamlSource, opts: EnvSubstitutionOptions): YamlPath[] {
  const emptied: YamlPath[] = [];
  const walk = (n: unknown, p: YamlPath, secret: boolean): void => {
    if (n == null || isAlias(n)) return;
    if (isMap(n)) {
      for (const pair of n.items) {
        const k = keyText(pair.key);
        walk(pair.value, [...p, k], secret || isSecretKey(k, p[p.length - 1]));
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => walk(it, [...p, i], secret));
    } else if (isScalar(n)) {
      if (secret) {
        src.markSecret(n as Node);
        if (n.value != null && typeof n.value !== 'string') src.secretValues.add(String(n.value));
      }
      if (typeof n.value !== 'string' || (opts.include && !opts.include(p))) {
        if (secret && typeof n.value === 'string') src.secretValues.add(n.value);
        return;
      }
      const r = expandEnv(n.value, opts.env);
      for (const e of r.errors) {
        if (e.unset && opts.unset === 'empty') continue;
        src.problemInScalar(n as Node, e.index, e.message);
        src.markReported(n as Node);
      }
      if (r.secret) {
        src.markSecret(n as Node);
        for (const part of r.secretParts) src.secretValues.add(part);
      }
      if (secret && r.value) src.secretValues.add(r.value);
      if (r.value !== n.value) {
        n.value = r.value;
        if (r.value === '' && typeof p[p.length - 1] === 'string') emptied.push(p);
      }
    }
  };
  walk(src.doc.contents, [], false);
  return emptied;
}

/** Deletes mapping entries whose value is null (`key:` with nothing): an empty value counts as not set. */
export function pruneNulls(data: unknown): void {
  if (Array.isArray(data)) {
    for (const x of data) pruneNulls(x);
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (v === null) delete (data as Record<string, unknown>)[k];
      else pruneNulls(v);
    }
  }
}

/**
 * Deletes the mapping entries at `paths` from plain data: a value that is empty after `${VAR}`
 * substitution (e.g. `api_key: ${ES_API_KEY:-}`) counts as not set.
 */
export function pruneEmptied(data: unknown, paths: YamlPath[]): void {
  for (const p of paths) {
    let cur: unknown = data;
    for (const seg of p.slice(0, -1)) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
    const last = p[p.length - 1];
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && (cur as Record<string, unknown>)[last as string] === '') {
      delete (cur as Record<string, unknown>)[last as string];
    }
  }
}

interface EnvExpansion {
  value: string;
  /** some part came from a secret-looking variable (its values are in secretParts) */
  secret: boolean;
  secretParts: string[];
  errors: Array<{ index: number; message: string; unset?: boolean }>;
}

/** Expands `${VAR}` / `${VAR:-default}` in one string. */
export function expandEnv(s: string, env: NodeJS.ProcessEnv): EnvExpansion {
  const out: EnvExpansion = { value: '', secret: false, secretParts: [], errors: [] };
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('$', i);
    if (at < 0) {
      out.value += s.slice(i);
      break;
    }
    out.value += s.slice(i, at);
    if (s.startsWith('$${', at)) {
      out.value += '${';
      i = at + 3;
      continue;
    }
    if (!s.startsWith('${', at)) {
      out.value += '$';
      i = at + 1;
      continue;
    }
    const close = s.indexOf('}', at + 2);
    if (close < 0) {
      out.errors.push({ index: at, message: 'unterminated "${" (write "$${" for a literal "${")' });
      out.value += s.slice(at);
      break;
    }
    const inner = s.slice(at + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/.exec(inner);
    if (!m) {
      out.errors.push({
        index: at,
        message: `bad environment reference "\${${inner.length > 40 ? inner.slice(0, 40) + '...' : inner}}" (expected \${NAME} or \${NAME:-default})`,
      });
    } else {
      const name = m[1];
      const v = env[name];
      if (v !== undefined && (m[2] === undefined || v !== '')) {
        out.value += v;
        if (SECRET_ENV_NAME.test(name)) {
          out.secret = true;
          if (v) out.secretParts.push(v);
        }
      } else if (m[2] !== undefined) {
        out.value += m[2];
      } else {
        out.errors.push({ index: at, message: `environment variable ${name} is not set`, unset: true });
      }
    }
    i = close + 1;
  }
  return out;
}

