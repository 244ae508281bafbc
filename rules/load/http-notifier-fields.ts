/**
 * What the notifiers that call an HTTP API share in rules.yaml: an http(s) `url` (problems name the
 * notifier, never the URL: a robot's webhook URL is a credential), `timeout` and `retries`.
 */
import { parseDuration } from '../../src/core/units';
import { isHttpUrl, type YamlPath, type YamlSource } from '../../src/core/config-kit';
import { hasUserinfo } from '../../src/core/config-kit/url-userinfo';
import { NOTIFIER_DEFAULTS } from '../defaults';
import type { Obj } from './raw-values';

/**
 * Checks `notifiers.<name>.url` as written (an http(s) URL without user-info) and returns it ('' when
 * absent). `secret`: the URL is a credential, kept out of every message (and of `vigil check`'s).
 */
export function notifierUrl(src: YamlSource, name: string, o: Obj, opts: { secret: boolean }): string {
  const p: YamlPath = ['notifiers', name, 'url'];
  const url = typeof o.url === 'string' ? o.url : '';
  if (url && opts.secret) src.secretValues.add(url);
  if (!url || src.hasValueProblem(src.nodeAt(p))) return url;
  if (!isHttpUrl(url)) src.problemAtPath(p, `notifiers.${name}.url is not an http(s) URL`, { value: true });
  else if (hasUserinfo(url)) src.problemAtPath(p, `notifiers.${name}.url must not carry "user:password@"`, { value: true });
  return url;
}

/** `timeout` in ms (default {@link NOTIFIER_DEFAULTS.api_timeout_ms}) and `retries` when set. */
export function notifierTiming(src: YamlSource, name: string, o: Obj): { timeout_ms: number; retries?: number } {
  let timeout_ms: number = NOTIFIER_DEFAULTS.api_timeout_ms;
  if (o.timeout !== undefined) {
    try {
      timeout_ms = parseDuration(o.timeout as string | number);
    } catch (e) {
      src.problemAtPath(['notifiers', name, 'timeout'], `notifiers.${name}.timeout: ${(e as Error).message}`, { value: true });
    }
  }
  return typeof o.retries === 'number' ? { timeout_ms, retries: o.retries } : { timeout_ms };
}

/**
 * `url`, or the default URL of `region` (us unless set): PagerDuty and Opsgenie have one per
 * service region. Both together is a problem (which one would win is not obvious).
 */
export function regionalUrl(src: YamlSource, name: string, o: Obj, byRegion: { us: string; eu: string }): string {
  const url = notifierUrl(src, name, o, { secret: false });
  if (url && o.region !== undefined) {
    src.problemAtPath(['notifiers', name, 'url'], `notifiers.${name}: give region or url, not both`, { key: true });
  }
  if (url) return url;
  return o.region === 'eu' ? byRegion.eu : byRegion[NOTIFIER_DEFAULTS.region];
}
