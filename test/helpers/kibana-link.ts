/** Reads a Kibana Discover link back: the KQL query and the time range (undoing URL and rison encoding). */
export function decodeDiscoverLink(link: string): { base: string; query: string; language: string; from: string; to: string } {
  const u = new URL(link);
  if (!u.hash.startsWith('#/?')) throw new Error(`not a Discover state hash: ${u.hash}`);
  const params = new URLSearchParams(u.hash.slice(3));
  const g = params.get('_g') ?? '';
  const a = params.get('_a') ?? '';
  const str = `'((?:[^!']|!.)*)'`;
  const gm = new RegExp(`^\\(time:\\(from:${str},to:${str}\\)\\)$`).exec(g);
  const am = new RegExp(`^\\(query:\\(language:([a-z]+),query:${str}\\)\\)$`).exec(a);
  if (!gm || !am) throw new Error(`unexpected Discover state: _g=${g} _a=${a}`);
  const unrison = (s: string) => s.replace(/!(.)/g, '$1');
  return { base: `${u.origin}${u.pathname}`, from: unrison(gm[1]), to: unrison(gm[2]), language: am[1], query: unrison(am[2]) };
}
