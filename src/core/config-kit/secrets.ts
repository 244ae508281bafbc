/**
 * Secrets in config files (SPEC 5: never in logs, /status, /health, errors or check output): which
 * keys and environment variables hold them, the secret strings a loader found, and redaction.
 */

/** Keys whose values are secrets: never echoed in errors, replaced by "[redacted]" in redacted output. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'api_key', 'secret', 'token', 'routing_key']);

/** An environment variable whose name looks like this holds a secret. */
export const SECRET_ENV_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL/i;

/** Is the value at this key a secret (password, api_key, secret, token, auth-ish header)? */
export function isSecretKey(key: string | number | undefined, parentKey?: string | number): boolean {
  if (typeof key !== 'string') return false;
  if (SECRET_KEYS.has(key.toLowerCase())) return true;
  if (parentKey === 'headers' && /auth|token|key|secret|cookie|password/i.test(key)) return true;
  return false;
}

const secretRegistry = new WeakMap<object, Set<string>>();

/** Remembers the secret strings of a loaded object (for {@link redactConfig} / {@link redactSecrets}). */
export function registerSecrets(obj: object, values: Iterable<string>): void {
  const set = secretRegistry.get(obj) ?? new Set<string>();
  for (const v of values) if (v) set.add(v);
  secretRegistry.set(obj, set);
}

/** The secret strings known for an object returned by a loader. */
export function secretValuesOf(obj: object): string[] {
  return [...(secretRegistry.get(obj) ?? [])];
}

/**
 * A deep copy with secrets replaced by "[redacted]": values of password / api_key / secret /
 * token keys and auth-ish headers, passwords in URLs, and any known secret string (e.g. one that
 * came from a `*SECRET*`/`*PASSWORD*`/`*TOKEN*`/`*KEY*` environment variable).
 */
export function redactSecrets(value: unknown, secrets: Iterable<string> = []): unknown {
  const list = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const scrub = (s: string): string => {
    let out = s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)[^/\s]+@/i, '$1[redacted]@');
    for (const sec of list) if (out.includes(sec)) out = out.split(sec).join('[redacted]');
    return out;
  };
  const walk = (v: unknown, key?: string | number, parentKey?: string | number): unknown => {
    if (typeof v === 'string') return isSecretKey(key, parentKey) ? '[redacted]' : scrub(v);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, i, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, k, key);
      return out;
    }
    return v;
  };
  return walk(value);
}

