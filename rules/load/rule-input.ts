/**
 * One item of `rules:` as the rule builders see it: its own keys, the keys merged with `defaults`
 * (a rule's own key wins), where each key comes from, and how a problem about it is reported.
 */
import type { Node } from 'yaml';
import { parseDuration } from '../../src/core/units';
import { displayPath, type YamlPath, type YamlSource } from '../../src/core/config-kit';
import type { Obj } from './raw-values';

export class RuleInput {
  readonly path: YamlPath;
  /** the rule's mapping */
  readonly node: Node | undefined;
  readonly merged: Obj;
  readonly idNode: Node | undefined;
  /** '' when the rule has no string id */
  readonly id: string;
  /** `rule "ID"`, or `rules[I]` without an id */
  readonly label: string;
  /** set once a problem about this rule is reported: the rule is not built */
  bad = false;

  constructor(
    readonly src: YamlSource,
    readonly index: number,
    readonly own: Obj,
    defaults: Obj,
  ) {
    this.path = ['rules', index];
    this.node = src.nodeAt(this.path);
    this.merged = { ...defaults, ...own };
    this.idNode = src.nodeAt([...this.path, 'id']);
    this.id = typeof own.id === 'string' ? own.id : '';
    this.label = this.id ? `rule "${this.id}"` : `rules[${index}]`;
  }

  /** where a key of the merged rule comes from: the rule itself, or the defaults */
  origin(k: string): YamlPath {
    return k in this.own ? [...this.path, k] : ['defaults', k];
  }

  /** Reports a problem (about a value unless `value` is false) and marks the rule bad. */
  fail(p: YamlPath | Node | undefined, message: string, value = true): void {
    this.bad = true;
    if (Array.isArray(p)) this.src.problemAtPath(p, message, { value });
    else if (value) this.src.valueProblem(p, message);
    else this.src.problemAt(p, message);
  }

  /** The merged key `k` as milliseconds; undefined when absent or bad (reported). */
  duration(k: string): number | undefined {
    const v = this.merged[k];
    if (v === undefined || v === null) return undefined;
    try {
      return parseDuration(v as string | number);
    } catch (e) {
      this.fail(this.origin(k), `${displayPath(this.origin(k))}: ${(e as Error).message}`);
      return undefined;
    }
  }
}
