/**
 * The `notifiers:` section: each notifier resolved with its defaults and checked (email addresses;
 * a webhook's URL, which is a credential and never appears in a message, and its timeout; the
 * notifiers that call an API of their own are in api-notifiers.ts).
 */
import { parseDuration } from '../../src/core/units';
import { isHttpUrl, type YamlPath, type YamlSource } from '../../src/core/config-kit';
import { hasUserinfo } from '../../src/core/config-kit/url-userinfo';
import { NOTIFIER_DEFAULTS } from '../defaults';
import type { EmailNotifierDef, NotifierDef, WebhookNotifierDef } from '../types';
import { asObj, posOf, strings, type Obj } from './raw-values';
import { apiNotifier } from './api-notifiers';
import { checkTemplate, checkTemplateTree } from './template-check';

export function buildNotifiers(src: YamlSource, raw: Obj): Record<string, NotifierDef> {
  const out: Record<string, NotifierDef> = {};
  for (const [name, v] of Object.entries(raw)) {
    const o = asObj(v);
    const p: YamlPath = ['notifiers', name];
    const pos = posOf(src, src.nodeAt(p, { key: true }));
    if (o.type === 'email') out[name] = emailNotifier(src, name, o, pos);
    else if (o.type === 'webhook') out[name] = webhookNotifier(src, name, o, pos);
    else {
      const api = apiNotifier(src, name, o, pos);
      if (api) out[name] = api;
    }
  }
  return out;
}

function emailNotifier(src: YamlSource, name: string, o: Obj, { line, col }: { line: number; col: number }): EmailNotifierDef {
  const p: YamlPath = ['notifiers', name];
  const n: EmailNotifierDef = {
    name,
    type: 'email',
    to: strings(o.to),
    cc: strings(o.cc),
    bcc: strings(o.bcc),
    subject: typeof o.subject === 'string' ? o.subject : NOTIFIER_DEFAULTS.email_subject,
    line,
    col,
  };
  if (typeof o.from === 'string') n.from = o.from;
  checkTemplate(src, [...p, 'subject'], n.subject);
  if (typeof o.body === 'string' && checkTemplate(src, [...p, 'body'], o.body)) n.body = o.body;
  for (const k of ['to', 'cc', 'bcc'] as const) {
    n[k].forEach((addr, i) => {
      if (addr && !/^[^@\s]+@[^@\s]+$/.test(addr.replace(/^.*<([^>]*)>\s*$/, '$1'))) {
        src.problemAtPath([...p, k, i], `notifiers.${name}.${k}[${i}] ${JSON.stringify(addr)} is not an email address`, { value: true });
      }
    });
  }
  return n;
}

function webhookNotifier(src: YamlSource, name: string, o: Obj, { line, col }: { line: number; col: number }): WebhookNotifierDef {
  const p: YamlPath = ['notifiers', name];
  let timeout: number = NOTIFIER_DEFAULTS.webhook_timeout_ms;
  if (o.timeout !== undefined) {
    try {
      timeout = parseDuration(o.timeout as string | number);
    } catch (e) {
      src.problemAtPath([...p, 'timeout'], `notifiers.${name}.timeout: ${(e as Error).message}`, { value: true });
    }
  }
  // a webhook URL is a credential (Slack's and Teams' carry their token in the path): problems name the notifier, never the URL
  const url = typeof o.url === 'string' ? o.url : '';
  const urlNode = src.nodeAt([...p, 'url']);
  if (url) src.secretValues.add(url);
  if (url && !src.hasValueProblem(urlNode) && !isHttpUrl(url)) {
    src.problemAtPath([...p, 'url'], `notifiers.${name}.url is not an http(s) URL`, { value: true });
  } else if (url && hasUserinfo(url)) {
    src.problemAtPath([...p, 'url'], `notifiers.${name}.url must not carry "user:password@" (HTTP clients refuse it): send the credentials in headers.Authorization`, { value: true });
  }
  const headers: Record<string, string> = {};
  for (const [k, hv] of Object.entries(asObj(o.headers))) if (typeof hv === 'string') headers[k] = hv;
  const n: WebhookNotifierDef = {
    name,
    type: 'webhook',
    url,
    format: o.format === 'slack' || o.format === 'teams' ? o.format : NOTIFIER_DEFAULTS.webhook_format,
    method: o.method === 'PUT' ? 'PUT' : NOTIFIER_DEFAULTS.webhook_method,
    headers,
    timeout_ms: timeout,
    line,
    col,
  };
  if (typeof o.secret === 'string' && o.secret !== '') n.secret = o.secret;
  if (typeof o.retries === 'number') n.retries = o.retries;
  if (o.body !== undefined) {
    if (n.format !== 'json') src.problemAtPath([...p, 'body'], `notifiers.${name}.body replaces the json body; it cannot be used with format: ${n.format}`);
    else if (checkTemplateTree(src, [...p, 'body'], o.body)) n.body = o.body;
  }
  return n;
}
