/**
 * Readers of the plain data the YAML turned into: the schema has reported what is wrong, so these
 * only pick what is usable (a mapping, a list of strings) and a node's position.
 */
import type { Node } from 'yaml';
import type { YamlSource } from '../../src/core/config-kit';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function posOf(src: YamlSource, node: Node | undefined): { line: number; col: number } {
  return node?.range ? src.pos(node.range[0]) : { line: 1, col: 1 };
}
