import Mustache from 'mustache';
import type { Alert, AlertSample } from '../../../rules';
import { display, groupLabel, topCountText } from './alert-summary';
import { alertDiscoverLink } from './kibana-link';

/**
 * What the notifiers' Mustache templates (rules.yaml: `subject`, an email's `body`, a webhook's
 * `body`) are filled with: the alert's fields, the group's values and the first sample's fields by
 * their dotted names (`{{host.name}}`; the alert's own fields win a clash), plus lists to iterate
 * (`{{#samples}}`, `{{#top_counts}}`, `{{#alerts}}` for a bundle). Templates were checked at load
 * (rules/load/template-check.ts).
 *
 * Every object and list here has no prototype, so a name can only reach data: `{{constructor}}` or
 * `{{#samples.map}}` find nothing (mustache.js looks names up with `in`). Values are inserted as
 * they are (no HTML escaping): each output escapes for its own syntax (the HTML email part escapes
 * the whole rendered text, the subject is cleaned as a subject, JSON bodies are serialised).
 */
export type View = Record<string, unknown>;

/** The fields of one alert for a template. */
export function alertView(alert: Alert, kibanaUrl?: string): View {
  const view = bare<View>({});
  const first = alert.samples[0];
  if (first) nestInto(view, sampleValues(first));
  nestInto(view, alert.group);
  const link = kibanaUrl ? alertDiscoverLink(kibanaUrl, alert) : undefined;
  const own: View = {
    id: alert.id,
    rule: alert.rule,
    description: alert.description ?? '',
    severity: alert.severity,
    state: alert.state,
    group: groupLabel(alert.group),
    count: alert.count,
    reference: alert.reference,
    value: alert.value,
    window_start: alert.window.start,
    window_end: alert.window.end,
    first_event: alert.first_event,
    last_event: alert.last_event,
    fired_at: alert.fired_at,
    resolved_at: alert.resolved_at,
    query: alert.query,
    tags: list(alert.tags),
    kibana_url: link?.url,
    samples: list(alert.samples.map((s) => nestInto(bare<View>({}), sampleValues(s)))),
    sample: first ? nestInto(bare<View>({}), sampleValues(first)) : undefined,
    top_counts: list((alert.top_counts ?? []).map((t) => bare<View>({
      field: t.field,
      values: list(t.values.map((v) => bare<View>({ value: v.value === null ? '(missing)' : v.value, count: v.count }))),
      others: t.others,
      text: topCountText(t),
    }))),
  };
  for (const [k, v] of Object.entries(own)) if (v !== undefined) view[k] = v;
  return view;
}

/** The view of a message: the first alert's fields, and `alerts` (each alert's view) with `alert_count` for a bundle. */
export function messageView(alerts: Alert[], kibanaUrl?: string): View {
  const views = alerts.map((a) => alertView(a, kibanaUrl));
  return Object.assign(bare<View>({}), views[0], { alerts: list(views), alert_count: alerts.length });
}

/** A template filled in, values as they are. */
export function renderTemplate(template: string, view: View): string {
  return Mustache.render(template, view, undefined, { escape: asText });
}

/** A value a tag names, as text: a list as its items joined by ", ", an object as its `k=v` pairs. */
function asText(v: unknown): string {
  if (Array.isArray(v)) return Array.from(v as unknown[], asText).join(', ');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${asText(x)}`).join(', ');
  return String(v);
}

/** A `{{name}}` alone (nothing around it): its value as it is, else undefined. */
const SINGLE_TAG = /^\{\{\{?\s*([^\s{}#^/!>=&][^{}]*?)\s*\}?\}\}$/;

/**
 * A JSON template (a webhook `body`): each string filled in; a string that is one tag alone takes
 * the value itself (`"{{count}}"` gives a number, `"{{samples}}"` a list), undefined when it names nothing.
 */
export function renderJsonTemplate(template: unknown, view: View): unknown {
  if (typeof template === 'string') {
    const m = SINGLE_TAG.exec(template);
    if (m) return new Mustache.Context(view).lookup(m[1]) as unknown;
    return renderTemplate(template, view);
  }
  if (Array.isArray(template)) return template.map((t) => renderJsonTemplate(t, view));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderJsonTemplate(v, view)]));
  }
  return template;
}

/** A sample's values as text (objects flattened, long values cut), numbers and booleans as they are. */
function sampleValues(s: AlertSample): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'number' || typeof v === 'boolean' ? v : display(v);
  return out;
}

/** `{"host.name": x}` → `{host: {name: x}}` into `into` (a path through a value that is not an object is left out). */
function nestInto(into: View, flat: Record<string, unknown>): View {
  for (const [path, v] of Object.entries(flat)) {
    const segs = path.split('.');
    let node: View = into;
    let ok = true;
    for (const seg of segs.slice(0, -1)) {
      const next = node[seg];
      if (next === undefined) node = node[seg] = bare<View>({});
      else if (next && typeof next === 'object' && !Array.isArray(next)) node = next as View;
      else { ok = false; break; }
    }
    const leaf = segs[segs.length - 1];
    if (ok && !(node[leaf] && typeof node[leaf] === 'object')) node[leaf] = v;
  }
  return into;
}

function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}

function list<T>(items: T[]): T[] {
  return Object.setPrototypeOf(items.slice(), null) as T[];
}
