/**
 * The notifiers that call a service's own API (`pagerduty`, `opsgenie`) or a chat robot (`dingtalk`,
 * `wecom`, `feishu`), resolved with their defaults and checked. Their keys and URLs are credentials:
 * they are remembered as secrets, so no problem, log line or redacted dump shows them.
 */
import type { YamlPath, YamlSource } from '../../src/core/config-kit';
import { NOTIFIER_DEFAULTS } from '../defaults';
import type { ApiNotifierDef, OpsgenieResponder } from '../types';
import { asObj, strings, type Obj } from './raw-values';
import { notifierTiming, notifierUrl, regionalUrl } from './http-notifier-fields';

type Pos = { line: number; col: number };

/** undefined: `o.type` is none of these types. */
export function apiNotifier(src: YamlSource, name: string, o: Obj, pos: Pos): ApiNotifierDef | undefined {
  switch (o.type) {
    case 'pagerduty': {
      const routing_key = secretString(src, o.routing_key);
      return { name, type: 'pagerduty', url: regionalUrl(src, name, o, NOTIFIER_DEFAULTS.pagerduty_url), routing_key, ...notifierTiming(src, name, o), ...pos };
    }
    case 'opsgenie': {
      const api_key = secretString(src, o.api_key);
      return {
        name,
        type: 'opsgenie',
        url: regionalUrl(src, name, o, NOTIFIER_DEFAULTS.opsgenie_url).replace(/\/+$/, ''),
        api_key,
        responders: responders(src, name, o.responders),
        tags: strings(o.tags),
        ...notifierTiming(src, name, o),
        ...pos,
      };
    }
    case 'dingtalk':
    case 'feishu': {
      const url = notifierUrl(src, name, o, { secret: true });
      const secret = secretString(src, o.secret);
      return { name, type: o.type, url, ...(secret ? { secret } : {}), ...notifierTiming(src, name, o), ...pos };
    }
    case 'wecom':
      return { name, type: 'wecom', url: notifierUrl(src, name, o, { secret: true }), ...notifierTiming(src, name, o), ...pos };
    default:
      return undefined;
  }
}

/** A credential's value ('' when absent), remembered so that no message shows it. */
function secretString(src: YamlSource, v: unknown): string {
  if (typeof v !== 'string') return '';
  src.secretValues.add(v);
  return v;
}

function responders(src: YamlSource, name: string, v: unknown): OpsgenieResponder[] {
  if (!Array.isArray(v)) return [];
  const out: OpsgenieResponder[] = [];
  v.forEach((item, i) => {
    const r = asObj(item);
    const p: YamlPath = ['notifiers', name, 'responders', i];
    if (typeof r.type !== 'string') return; // the schema has said so
    const who: Partial<OpsgenieResponder> = {};
    for (const k of ['id', 'name', 'username'] as const) if (typeof r[k] === 'string') who[k] = r[k] as string;
    // Opsgenie names a user by id or username, a team, escalation or schedule by id or name
    const byName = r.type === 'user' ? 'username' : 'name';
    const wrong = r.type === 'user' ? 'name' : 'username';
    if (r[wrong] !== undefined) {
      src.problemAtPath([...p, wrong], `notifiers.${name}.responders[${i}]: a ${r.type} is named by id or ${byName}, not ${wrong}`, { key: true });
    } else if (!who.id && !who[byName]) {
      src.problemAtPath(p, `notifiers.${name}.responders[${i}] needs an id or a ${byName}`);
    }
    out.push({ type: r.type as OpsgenieResponder['type'], ...who });
  });
  return out;
}
