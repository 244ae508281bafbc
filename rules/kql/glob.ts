/**
 * KQL wildcards only know `*`, so a pattern is a list of literal segments that must appear in order,
 * the first at the start and the last at the end. Matching them with startsWith/indexOf/endsWith is
 * exact for `*`-only globs (leftmost placement of the middle segments never loses a match) and
 * avoids building a RegExp (and any backtracking) per query or per event.
 */
export function compileGlob(segments: readonly string[]): (s: string) => boolean {
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((m) => m !== '');
  const minLength = segments.reduce((n, s) => n + s.length, 0);
  return (s: string): boolean => {
    if (s.length < minLength || !s.startsWith(first) || !s.endsWith(last)) return false;
    let pos = first.length;
    const end = s.length - last.length;
    for (const m of middle) {
      const at = s.indexOf(m, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}

/**
 * An unquoted wildcard value on a text field, split at whitespace into words: words with a star
 * are token patterns (lower-cased, as the index holds lower-cased tokens), the rest is plain text
 * to analyse. Vigil treats the words as alternatives, like the match query of a plain value.
 */
export function splitWildcardWords(segments: readonly string[]): { patterns: string[][]; plain: string } {
  const words: string[][] = [['']]; // each word as its own segment list
  segments.forEach((seg, i) => {
    if (i > 0) words[words.length - 1].push('');
    const parts = seg.split(/[ \t\r\n]+/);
    parts.forEach((part, j) => {
      if (j > 0) words.push(['']);
      const w = words[words.length - 1];
      w[w.length - 1] += part;
    });
  });
  const patterns: string[][] = [];
  const plain: string[] = [];
  for (const w of words) {
    if (w.length > 1) patterns.push(w.map((s) => s.toLowerCase()));
    else if (w[0] !== '') plain.push(w[0]);
  }
  return { patterns, plain: plain.join(' ') };
}
