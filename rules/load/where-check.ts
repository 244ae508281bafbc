/** A rule's `where` (KQL): checked once per YAML node (a `where` in defaults serves many rules), and where it starts. */
import { isScalar, type Node } from 'yaml';
import type { YamlSource } from '../../src/core/config-kit';
import type { WhereValidator } from '../types';
import type { RuleInput } from './rule-input';

/** The rule's `where` (or `key`: a ratio rule's `of`; '' when absent) and its node; a KQL fault is reported at its character. */
export function checkWhere(
  input: RuleInput,
  validateWhere: WhereValidator | undefined,
  checked: Set<Node | undefined>,
  key: 'where' | 'of' = 'where',
): { where: string; whereNode: Node | undefined } {
  const { merged, src } = input;
  const where = typeof merged[key] === 'string' ? (merged[key] as string) : '';
  const whereNode = src.nodeAt(input.origin(key));
  if (validateWhere && where.trim() !== '' && whereNode && !checked.has(whereNode)) {
    checked.add(whereNode);
    let err: { offset: number; message: string } | null = null;
    try {
      err = validateWhere(where);
    } catch (e) {
      err = { offset: 0, message: (e as Error).message };
    }
    if (err) {
      input.bad = true;
      src.problemInScalar(whereNode, Math.max(0, Math.min(err.offset, where.length)), `invalid KQL in ${key}: ${err.message}`);
      src.markReported(whereNode);
    }
  } else if (whereNode && checked.has(whereNode) && src.hasValueProblem(whereNode)) {
    input.bad = true;
  }
  return { where, whereNode };
}

/** Where the `where` string's text starts (inside its quotes), for messages about it. */
export function wherePosition(src: YamlSource, whereNode: Node | undefined): { where_line?: number; where_col?: number } {
  if (!whereNode?.range) return {};
  const quoted = isScalar(whereNode) && (whereNode.type === 'QUOTE_DOUBLE' || whereNode.type === 'QUOTE_SINGLE');
  const wp = src.pos(quoted ? whereNode.range[0] + 1 : whereNode.range[0]);
  return { where_line: wp.line, where_col: wp.col };
}
