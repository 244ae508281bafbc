/**
 * The notifiers' templates (`subject`, an email's `body`, the strings of a webhook's `body`) checked
 * at load: Mustache syntax (mustache.js, logic-less: names, sections, comments; nothing from
 * rules.yaml is ever run), a fault reported at its character as `rules.yaml:LINE:COL`. Partials
 * (`{{> name}}`) are refused: Vigil has none to offer, and one would render as nothing.
 * What the templates are filled with is sinks/notify/view/template-view.ts.
 */
import { isScalar } from 'yaml';
import Mustache from 'mustache';
import { displayPath, type YamlPath, type YamlSource } from '../../src/core/config-kit';

type Token = [string, string, number, number, Token[]?];

/** Checks the template at `p` (a string value); false when it has a fault (reported). */
export function checkTemplate(src: YamlSource, p: YamlPath, text: string): boolean {
  const fault = templateFault(text);
  if (!fault) return true;
  const node = src.nodeAt(p);
  const message = `${displayPath(p)}: ${fault.message}`;
  if (node && isScalar(node)) src.problemInScalar(node, fault.offset, message);
  else src.problemAtPath(p, message, { value: true });
  return false;
}

/** Every string inside a JSON-like value (a webhook `body`), with its path, checked; false on any fault. */
export function checkTemplateTree(src: YamlSource, p: YamlPath, value: unknown): boolean {
  if (typeof value === 'string') return checkTemplate(src, p, value);
  let ok = true;
  if (Array.isArray(value)) value.forEach((v, i) => { ok = checkTemplateTree(src, [...p, i], v) && ok; });
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) ok = checkTemplateTree(src, [...p, k], v) && ok;
  }
  return ok;
}

/** The first fault of a template and the index of the character it is at, or null. */
export function templateFault(text: string): { offset: number; message: string } | null {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(text) as unknown as Token[];
  } catch (e) {
    return parseFault(text, (e as Error).message);
  }
  const partial = findPartial(tokens);
  if (partial) return { offset: partial[2], message: `template: partials ({{> ${partial[1]}}}) are not supported` };
  return null;
}

function findPartial(tokens: Token[]): Token | undefined {
  for (const t of tokens) {
    if (t[0] === '>') return t;
    if ((t[0] === '#' || t[0] === '^') && Array.isArray(t[4])) {
      const inner = findPartial(t[4]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** mustache.js's error ("Unclosed tag at 17") as a message and the character it is about. */
function parseFault(text: string, raw: string): { offset: number; message: string } {
  const at = /\bat (\d+)$/.exec(raw);
  const end = at ? Number(at[1]) : 0;
  let m: RegExpExecArray | null;
  if (/^Unclosed tag/.test(raw)) {
    // mustache.js says where it gave up (the end); the tag that is not closed is the last "{{" before it
    const open = text.lastIndexOf('{{', Math.max(0, end - 1));
    return { offset: open >= 0 ? open : end, message: 'template: a tag opened with "{{" is not closed with "}}"' };
  }
  if ((m = /^Unclosed section "([^"]*)"/.exec(raw))) {
    const name = m[1];
    const open = lastMatch(text, new RegExp(`\\{\\{\\s*[#^]\\s*${escapeRe(name)}\\s*\\}\\}`, 'g'), end);
    return { offset: open ?? end, message: `template: section "${name}" is opened ({{#${name}}}) but not closed ({{/${name}}})` };
  }
  if ((m = /^Unopened section "([^"]*)"/.exec(raw))) {
    return { offset: end, message: `template: {{/${m[1]}}} closes a section that is not open` };
  }
  if (/^Invalid tags/.test(raw)) {
    const eq = text.indexOf('{{=');
    return { offset: eq >= 0 ? eq : 0, message: 'template: invalid delimiters in {{=… …=}}' };
  }
  return { offset: end, message: `template: ${raw}` };
}

function lastMatch(text: string, re: RegExp, before: number): number | undefined {
  let found: number | undefined;
  for (let m = re.exec(text); m && m.index < before; m = re.exec(text)) found = m.index;
  return found;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
