/** The rules loader's check of a `regex.pattern`: it compiles, keeps matching stateless, and cannot backtrack exponentially. */
import { regexBacktrackingRisk } from './backtracking-risk';

/** Compiles the regex and looks for catastrophic backtracking; returns the problem, or null. */
export function checkRegex(pattern: string, flags = ''): { offset: number; message: string } | null {
  if (/[gy]/.test(flags)) return { offset: 0, message: `regex flags "g" and "y" are not allowed (they make matching stateful)` };
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return { offset: 0, message: `invalid regex: ${(e as Error).message}` };
  }
  const risk = regexBacktrackingRisk(pattern, flags);
  if (risk) {
    return {
      offset: risk.offset,
      message: `regex is prone to catastrophic backtracking: ${JSON.stringify(risk.fragment)} can match the same text in exponentially many ways (nested or overlapping quantifiers); rewrite it so that each character can be matched by one path only`,
    };
  }
  return null;
}
