/**
 * User-info (`user:password@`) inside URLs (SPEC 5: never in logs, status output, /health or
 * errors). The loader moves it out of a URL into username/password ({@link splitUserinfo}); anything
 * that may show a URL, or a text that may hold one (a library's error message), goes through
 * {@link withoutUserinfo} or {@link scrubUserinfo} first.
 */

/** `scheme://user:pass@` in a free text; the authority ends at the last `@` before `/ ? #` or a space. */
const USERINFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * One URL without its user-info: `http://elastic:pw@es:9200` → `http://es:9200`. Also for strings
 * that are not valid URLs (so a rejected value can still be named in an error): `elastic:pw@es:9200`
 * without a scheme loses everything up to its last `@` before the path.
 */
export function withoutUserinfo(url: string): string {
  return splitUserinfo(url).url;
}

/** Every URL inside a text without its user-info (error messages and stacks of libraries). */
export function scrubUserinfo(text: string): string {
  return text.replace(USERINFO_IN_TEXT, '$1');
}

/** True when the URL carries user-info. */
export function hasUserinfo(url: string): boolean {
  return splitUserinfo(url).username !== undefined;
}

/**
 * A URL split into the URL without user-info and the (percent-decoded) user name and password it
 * carried: what the loader stores instead of the URL as written.
 */
export function splitUserinfo(url: string): { url: string; username?: string; password?: string } {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  const start = scheme ? scheme[0].length : 0;
  const end = firstOf(url, start, ['/', '?', '#']);
  const at = end > start ? url.lastIndexOf('@', end - 1) : -1;
  if (at < start) return { url };
  const info = url.slice(start, at);
  const colon = info.indexOf(':');
  return {
    url: url.slice(0, start) + url.slice(at + 1),
    username: decode(colon < 0 ? info : info.slice(0, colon)),
    ...(colon < 0 ? {} : { password: decode(info.slice(colon + 1)) }),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function firstOf(s: string, from: number, chars: string[]): number {
  let end = s.length;
  for (const c of chars) {
    const i = s.indexOf(c, from);
    if (i >= 0 && i < end) end = i;
  }
  return end;
}
