import type { Alert } from '../../../rules';
import { summaryRows } from '../view/alert-summary';
import { alertHeadline, sampleLine } from '../view/alert-lines';
import type { AlertLink } from '../view/kibana-link';

/**
 * Text from events made literal for the markdown of DingTalk and WeCom robots (log lines are
 * attacker-controlled): these dialects have no escape character, so the characters that would mark
 * text up become look-alikes: `<` `>` (HTML such as `<font>`, WeCom's `<@userid>` mentions, quotes)
 * ＜ ＞, `[` `]` (links and images) ［ ］, `*` `_` `~` `` ` `` (emphasis, code) ∗ ˍ ∼ ˋ, a leading
 * `#` (a heading) ＃; line breaks become spaces, so a value cannot start a line of its own.
 */
const LOOKALIKES: Record<string, string> = {
  '<': '\uFF1C', '>': '\uFF1E', '[': '\uFF3B', ']': '\uFF3D', '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB',
};

export function robotText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[<>[\]*_~`]/g, (c) => LOOKALIKES[c])
    .replace(/^(\s*)#/, '$1\uFF03');
}

/** A link target inside `[text](…)`: the parentheses of Kibana's rison state would end it early. */
export function markdownLinkTarget(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
}

/** How many alerts of a bundle a robot message shows in full, and samples per alert. */
const MAX_ALERTS_SHOWN = 10;
const SAMPLES_ALONE = 5;
const SAMPLES_IN_BUNDLE = 2;

/**
 * The paragraphs of a robot message, most important first: per alert its headline (a heading), its
 * rows, its Discover link and its newest samples; then, for a bundle of more than ten, one line for
 * the rest. Every value from events went through {@link robotText}.
 */
export function alertParagraphs(alerts: Alert[], link: (a: Alert) => AlertLink | undefined): string[] {
  const out: string[] = [];
  if (alerts.length > 1) out.push(`### ${alerts.length} alerts`);
  const samples = alerts.length > 1 ? SAMPLES_IN_BUNDLE : SAMPLES_ALONE;
  for (const a of alerts.slice(0, MAX_ALERTS_SHOWN)) {
    const l = link(a);
    out.push(
      `#### ${robotText(alertHeadline(a))}`,
      ...summaryRows(a).map((r) => `**${r.label}:** ${robotText(r.value)}`),
      ...(l?.url ? [`[Open in Kibana Discover](${markdownLinkTarget(l.url)})`] : []),
      ...(l?.note ? [robotText(l.note)] : []),
      ...a.samples.slice(-samples).map((s) => `> ${robotText(sampleLine(s))}`),
    );
  }
  if (alerts.length > MAX_ALERTS_SHOWN) {
    out.push(`and ${alerts.length - MAX_ALERTS_SHOWN} more: ${alerts.slice(MAX_ALERTS_SHOWN).map((a) => robotText(alertHeadline(a))).join('; ')}`);
  }
  return out;
}

/**
 * Paragraphs joined by `separator` within `maxBytes` of UTF-8, the last line (the delivery key)
 * always kept: paragraphs that do not fit are left off, with a line saying so.
 */
export function fitMarkdown(paragraphs: string[], lastLine: string, separator: string, maxBytes: number): string {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const cutNote = `… (cut: the rest would be over ${maxBytes} bytes)`;
  const reserve = bytes(separator) * 2 + bytes(cutNote) + bytes(lastLine);
  const kept: string[] = [];
  let used = 0;
  for (const p of paragraphs) {
    const add = (kept.length ? bytes(separator) : 0) + bytes(p);
    if (used + add + reserve > maxBytes) {
      if (kept.length === 0) kept.push(cutToBytes(p, maxBytes - reserve));
      kept.push(cutNote);
      return [...kept, lastLine].join(separator);
    }
    kept.push(p);
    used += add;
  }
  return [...kept, lastLine].join(separator);
}

/** The longest start of `s` of at most `max` UTF-8 bytes, never splitting a character. */
function cutToBytes(s: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}
