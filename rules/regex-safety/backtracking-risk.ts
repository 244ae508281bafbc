/**
 * Is a regex prone to catastrophic (exponential) backtracking? A small JavaScript-regex parser
 * (regex-parser.ts), a position automaton (position-automaton.ts) and an exponential-ambiguity
 * check (exponential-ambiguity.ts). Lookarounds, anchors and back-references are treated as
 * matching the empty string. Polynomial blow-ups (`.*a.*a.*a`) are not reported.
 */
import { hasExponentialAmbiguity } from './exponential-ambiguity';
import { PositionAutomaton } from './position-automaton';
import { RegexParser, type RNode } from './regex-parser';

function edaOf(n: RNode): boolean | undefined {
  try {
    const a = new PositionAutomaton();
    a.build(n);
    return hasExponentialAmbiguity(a);
  } catch {
    return undefined;
  }
}

/**
 * Is the regex prone to catastrophic (exponential) backtracking? Returns the offending
 * sub-pattern (the innermost unbounded repetition that is exponentially ambiguous on its own,
 * or the whole pattern) and its offset in `pattern`, or null when safe / not analysable.
 */
export function regexBacktrackingRisk(pattern: string, flags = ''): { offset: number; fragment: string } | null {
  let ast: RNode;
  try {
    ast = new RegexParser(pattern, flags).parse();
  } catch {
    return null;
  }
  if (edaOf(ast) !== true) return null;
  const reps: Array<Extract<RNode, { k: 'rep' }>> = [];
  const collect = (n: RNode): void => {
    if (n.k === 'rep') {
      reps.push(n);
      collect(n.body);
    } else if (n.k === 'seq') n.items.forEach(collect);
    else if (n.k === 'alt') n.alts.forEach(collect);
  };
  collect(ast);
  const culprits = reps.filter((r) => r.max === Infinity || r.max > 1).filter((r) => edaOf(r) === true);
  culprits.sort((a, b) => a.end - a.start - (b.end - b.start));
  if (culprits.length) return { offset: culprits[0].start, fragment: pattern.slice(culprits[0].start, culprits[0].end) };
  return { offset: 0, fragment: pattern };
}
