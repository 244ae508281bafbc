/**
 * Rison (the notation Kibana keeps its URL state in), for the two shapes the Discover link needs.
 * A string is always quoted: inside quotes rison escapes only `!` (as `!!`) and `'` (as `!'`).
 * Bare words are used only for identifier-like values (`kuery`), as Kibana itself writes them.
 */
export function risonString(s: string): string {
  return `'${s.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A bare rison word when it may be one, else a quoted string. */
export function risonWord(s: string): string {
  return BARE.test(s) ? s : risonString(s);
}
