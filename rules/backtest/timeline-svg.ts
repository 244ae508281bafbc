/**
 * The timeline chart of one rule, as hand-written inline SVG (no scripts, no external refs):
 * bars of matching events per window bucket, the threshold (threshold, flatline) or the
 * spike firing line (baseline x ratio), and a marker on the time axis per alert.
 *
 * Stable hooks for tests and styling:
 *   svg.timeline[data-rule=<id>], rect.bar (rect.bar.hot when the bucket meets the condition),
 *   line.threshold-line, path.baseline-line (path.baseline-avg: the plain baseline),
 *   g.alert-marker.firing / g.alert-marker.resolved, each with a <title> tooltip.
 */
import type { BacktestAlert, RuleBucket, RuleSeries } from './report-data';
import { countTicks, sameUtcDay, timeTickLabel, timeTicks } from './chart-scales';
import { durationText, escapeHtml as esc, groupLabel, numberText, shortTime, timeMs } from './report-text';

export const CHART = { width: 960, height: 290, left: 64, right: 24, top: 30, bottom: 62 };
/** More buckets than this are merged (each bar then shows the highest of several windows). */
export const MAX_BARS = 1500;

const COLOR = {
  bar: '#4a7fb5', hot: '#e0602c', threshold: '#c62828', baseline: '#7b1fa2',
  firing: '#c62828', resolved: '#2e7d32', grid: '#e3e6ea', axis: '#555', text: '#333',
};

interface Bar { start: number; count: number; baseline?: number; merged: number }

export interface TimelineOptions {
  /** Time range to show when the rule has no buckets (the report's from/to). */
  from?: string;
  to?: string;
}

function bucketWidth(starts: number[], windowMs: number): number {
  const win = windowMs > 0 ? windowMs : 60_000;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < starts.length; i++) {
    const d = starts[i] - starts[i - 1];
    if (d > 0 && d < gap) gap = d;
  }
  return Math.min(win, gap);
}

function readBars(buckets: RuleBucket[], windowMs: number): { bars: Bar[]; width: number } {
  const bars: Bar[] = [];
  for (const b of buckets) {
    const start = timeMs(b.start);
    if (start === undefined || !Number.isFinite(b.count)) continue;
    bars.push({ start, count: b.count, baseline: Number.isFinite(b.baseline) ? b.baseline : undefined, merged: 1 });
  }
  bars.sort((a, b) => a.start - b.start);
  const width = bucketWidth(bars.map((b) => b.start), windowMs);
  if (bars.length <= MAX_BARS) return { bars, width };
  const factor = Math.ceil(bars.length / MAX_BARS);
  const merged: Bar[] = [];
  for (let i = 0; i < bars.length; i += factor) {
    const part = bars.slice(i, i + factor);
    const baselines = part.map((p) => p.baseline).filter((v): v is number => v !== undefined);
    merged.push({
      start: part[0].start,
      count: Math.max(...part.map((p) => p.count)),
      baseline: baselines.length ? Math.max(...baselines) : undefined,
      merged: part.length,
    });
  }
  return { bars: merged, width: width * factor };
}

/** Whether a bucket meets the rule's firing condition (drawn as a "hot" bar). */
function isHot(rule: RuleSeries, bar: Bar): boolean {
  if (rule.type === 'threshold' && rule.threshold !== undefined) return bar.count >= rule.threshold;
  if (rule.type === 'flatline' && rule.threshold !== undefined) return bar.count < rule.threshold;
  if (rule.type === 'spike' && bar.baseline !== undefined) return bar.count > 0 && bar.count >= bar.baseline * (rule.ratio ?? 1);
  return false;
}

function alertTooltip(a: BacktestAlert): string {
  const lines = [
    `${a.state.toUpperCase()} (${a.severity}) at ${shortTime(a.at)}`,
    `group: ${groupLabel(a)}`,
    `count: ${a.count}`,
  ];
  if (a.reference !== undefined) lines.push(`reference: ${numberText(a.reference)}`);
  if (a.firstEvent) lines.push(`first event: ${shortTime(a.firstEvent)}`);
  if (a.lastEvent) lines.push(`last event: ${shortTime(a.lastEvent)}`);
  return lines.join('\n');
}

export function renderTimelineSvg(rule: RuleSeries, alerts: BacktestAlert[], options: TimelineOptions = {}): string {
  const { width: W, height: H, left, right, top, bottom } = CHART;
  const x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
  const { bars, width: bw } = readBars(rule.buckets, rule.windowMs);
  const ratio = rule.ratio ?? 1;
  const timedAlerts = alerts.filter((a) => timeMs(a.at) !== undefined);

  // Time domain: the buckets, the alerts, else the report's range.
  const times: number[] = [];
  for (const b of bars) times.push(b.start, b.start + bw);
  for (const a of timedAlerts) times.push(timeMs(a.at)!);
  if (times.length === 0) {
    const f = timeMs(options.from), t = timeMs(options.to);
    if (f !== undefined) times.push(f);
    if (t !== undefined) times.push(t);
  }
  const label = `Timeline of rule ${rule.rule}`;
  const open = `<svg class="timeline" data-rule="${esc(rule.rule)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" font-family="sans-serif" font-size="11">`;
  const parts: string[] = [open, `<title>${esc(label)}</title>`];
  if (times.length === 0) {
    parts.push(`<text class="empty" x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="${COLOR.text}">no matching events in the input</text>`, '</svg>');
    return parts.join('\n');
  }
  let tMin = Math.min(...times), tMax = Math.max(...times);
  if (tMax - tMin < 1000) { tMin -= rule.windowMs > 0 ? rule.windowMs : 60_000; tMax += rule.windowMs > 0 ? rule.windowMs : 60_000; }
  const pad = (tMax - tMin) * 0.01;
  tMin -= pad; tMax += pad;
  const xOf = (t: number): number => x0 + ((t - tMin) / (tMax - tMin)) * (x1 - x0);

  // Count domain: bars and the lines that decide firing.
  let yMaxRaw = Math.max(0, ...bars.map((b) => b.count));
  if (rule.threshold !== undefined && (rule.type === 'threshold' || rule.type === 'flatline')) yMaxRaw = Math.max(yMaxRaw, rule.threshold);
  if (rule.type === 'spike') for (const b of bars) if (b.baseline !== undefined) yMaxRaw = Math.max(yMaxRaw, b.baseline * ratio);
  const yScale = countTicks(yMaxRaw);
  const yOf = (v: number): number => y1 - (v / yScale.top) * (y1 - y0);
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();

  // Grid and count axis.
  parts.push('<g class="y-axis">');
  for (const v of yScale.ticks) {
    parts.push(`<line class="grid" x1="${x0}" x2="${x1}" y1="${f(yOf(v))}" y2="${f(yOf(v))}" stroke="${COLOR.grid}"/>`);
    parts.push(`<text class="tick-label" x="${x0 - 6}" y="${f(yOf(v) + 4)}" text-anchor="end" fill="${COLOR.text}">${numberText(v)}</text>`);
  }
  const yCaption = `events per ${durationText(rule.windowMs > 0 ? rule.windowMs : bw)}${bars[0] && bars[0].merged > 1 ? ` (highest of ${bars[0].merged} windows per bar)` : ''}`;
  parts.push(`<text class="axis-caption" transform="translate(14 ${f((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle" fill="${COLOR.text}">${esc(yCaption)}</text>`);
  parts.push('</g>');

  // Bars.
  parts.push('<g class="bars">');
  for (const b of bars) {
    const bx = xOf(b.start), bxe = xOf(b.start + bw);
    const w = Math.max(0.5, bxe - bx - (bxe - bx > 3 ? 1 : 0));
    const hot = isHot(rule, b);
    const tip = [`${shortTime(new Date(b.start).toISOString())} – ${shortTime(new Date(b.start + bw).toISOString())}: ${b.count} events`];
    if (b.baseline !== undefined) tip.push(`baseline ${numberText(b.baseline)}, firing line ${numberText(b.baseline * ratio)}`);
    if (rule.threshold !== undefined && rule.type !== 'spike') tip.push(`threshold ${numberText(rule.threshold)}`);
    parts.push(`<rect class="bar${hot ? ' hot' : ''}" x="${f(bx)}" y="${f(yOf(b.count))}" width="${f(w)}" height="${f(y1 - yOf(b.count))}" fill="${hot ? COLOR.hot : COLOR.bar}"><title>${esc(tip.join('\n'))}</title></rect>`);
  }
  parts.push('</g>');

  // The line that decides firing.
  if ((rule.type === 'threshold' || rule.type === 'flatline') && rule.threshold !== undefined) {
    const y = f(yOf(rule.threshold));
    const text = rule.type === 'flatline' ? `threshold ${numberText(rule.threshold)} (fires below)` : `threshold ${numberText(rule.threshold)}`;
    parts.push(`<line class="threshold-line" x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="${COLOR.threshold}" stroke-width="1.5" stroke-dasharray="6 4"><title>${esc(text)}</title></line>`);
    parts.push(`<text class="line-label" x="${x1 - 4}" y="${f(yOf(rule.threshold) - 5)}" text-anchor="end" fill="${COLOR.threshold}">${esc(text)}</text>`);
  }
  if (rule.type === 'spike') {
    const firing: string[] = [], plain: string[] = [];
    let prev: Bar | undefined;
    let last: { x: number; y: number } | undefined;
    for (const b of bars) {
      if (b.baseline === undefined) { prev = undefined; continue; }
      const xa = f(xOf(b.start)), xb = f(xOf(b.start + bw));
      const cmd = prev && prev.start + bw >= b.start ? 'L' : 'M';
      firing.push(`${cmd}${xa} ${f(yOf(b.baseline * ratio))} L${xb} ${f(yOf(b.baseline * ratio))}`);
      plain.push(`${cmd}${xa} ${f(yOf(b.baseline))} L${xb} ${f(yOf(b.baseline))}`);
      last = { x: xOf(b.start + bw), y: yOf(b.baseline * ratio) };
      prev = b;
    }
    if (firing.length > 0 && last) {
      const text = `firing line = baseline × ${numberText(ratio)}`;
      if (ratio !== 1) parts.push(`<path class="baseline-avg" d="${plain.join(' ')}" fill="none" stroke="${COLOR.baseline}" stroke-opacity="0.45" stroke-dasharray="2 3"><title>baseline average</title></path>`);
      parts.push(`<path class="baseline-line" d="${firing.join(' ')}" fill="none" stroke="${COLOR.baseline}" stroke-width="1.5"><title>${esc(text)}</title></path>`);
      parts.push(`<text class="line-label" x="${f(Math.min(last.x, x1) - 4)}" y="${f(last.y - 5)}" text-anchor="end" fill="${COLOR.baseline}">${esc(text)}</text>`);
    }
  }

  // Time axis with ticks and labels.
  const tt = timeTicks(tMin, tMax);
  const multiDay = !sameUtcDay(tMin, tMax) || tt.step >= 86_400_000;
  parts.push('<g class="x-axis">');
  parts.push(`<line x1="${x0}" x2="${x1}" y1="${y1}" y2="${y1}" stroke="${COLOR.axis}"/>`);
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}" stroke="${COLOR.axis}"/>`);
  for (const t of tt.ticks) {
    const x = f(xOf(t));
    parts.push(`<line x1="${x}" x2="${x}" y1="${y1}" y2="${y1 + 4}" stroke="${COLOR.axis}"/>`);
    parts.push(`<text class="tick-label" x="${x}" y="${y1 + 30}" text-anchor="middle" fill="${COLOR.text}">${timeTickLabel(t, tt.step, multiDay)}</text>`);
  }
  const day = multiDay ? '' : `, ${new Date(tMin).toISOString().slice(0, 10)}`;
  parts.push(`<text class="axis-caption" x="${f((x0 + x1) / 2)}" y="${H - 8}" text-anchor="middle" fill="${COLOR.text}">time (UTC${day})</text>`);
  parts.push('</g>');

  // Alert markers on the time axis: firing = red triangle, resolved = green ring; a faint guide up through the bars.
  parts.push('<g class="alert-markers">');
  for (const a of timedAlerts) {
    const x = xOf(timeMs(a.at)!);
    const firing = a.state === 'firing';
    const color = firing ? COLOR.firing : COLOR.resolved;
    const shape = firing
      ? `<path d="M${f(x)} ${y1 + 3} l-6 11 h12 z" fill="${color}"/>`
      : `<circle cx="${f(x)}" cy="${y1 + 10}" r="5" fill="#fff" stroke="${color}" stroke-width="2"/>`;
    parts.push(`<g class="alert-marker ${firing ? 'firing' : 'resolved'}" data-alert-id="${esc(a.id)}"><title>${esc(alertTooltip(a))}</title>`
      + `<line x1="${f(x)}" x2="${f(x)}" y1="${y0}" y2="${y1}" stroke="${color}" stroke-opacity="0.5" stroke-dasharray="${firing ? '3 3' : '1 3'}"/>${shape}</g>`);
  }
  parts.push('</g>');

  // Legend along the top.
  const legend: string[] = [];
  let lx = x0;
  const item = (swatch: string, text: string): void => {
    legend.push(`${swatch}<text x="${lx + 18}" y="${y0 - 12}" fill="${COLOR.text}">${esc(text)}</text>`);
    lx += 30 + text.length * 6;
  };
  item(`<rect x="${lx}" y="${y0 - 21}" width="12" height="12" fill="${COLOR.bar}"/>`, 'matching events');
  if (rule.type !== 'pattern') item(`<rect x="${lx}" y="${y0 - 21}" width="12" height="12" fill="${COLOR.hot}"/>`, rule.type === 'flatline' ? 'below threshold' : 'meets condition');
  if ((rule.type === 'threshold' || rule.type === 'flatline') && rule.threshold !== undefined) item(`<line x1="${lx}" x2="${lx + 12}" y1="${y0 - 15}" y2="${y0 - 15}" stroke="${COLOR.threshold}" stroke-width="2" stroke-dasharray="4 2"/>`, 'threshold');
  if (rule.type === 'spike') item(`<line x1="${lx}" x2="${lx + 12}" y1="${y0 - 15}" y2="${y0 - 15}" stroke="${COLOR.baseline}" stroke-width="2"/>`, `baseline × ${numberText(ratio)}`);
  item(`<path d="M${lx + 6} ${y0 - 21} l-6 11 h12 z" fill="${COLOR.firing}"/>`, 'alert fired');
  item(`<circle cx="${lx + 6}" cy="${y0 - 15}" r="5" fill="#fff" stroke="${COLOR.resolved}" stroke-width="2"/>`, 'alert resolved');
  parts.push(`<g class="legend">${legend.join('')}</g>`);

  parts.push('</svg>');
  return parts.join('\n');
}
