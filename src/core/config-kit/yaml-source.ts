/**
 * A decoded YAML file that reports problems at the position of the node they are about:
 * {@link YamlSource} (parse, find nodes by path, report, scrub secrets, sort) and
 * {@link scalarSourceOffset} (the source column of a character inside a quoted or plain scalar).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { formatProblem, type FileProblem } from './problems';

export type YamlPath = Array<string | number>;

/** Decoded YAML file: the document, a line counter, and the problems found so far. */
export class YamlSource {
  readonly problems: FileProblem[] = [];
  readonly lineCounter = new LineCounter();
  readonly doc: Document.Parsed;
  /** scalar nodes whose value is a secret (secret key, or filled from a secret-looking env var) */
  readonly secretNodes = new Set<Node>();
  /** the secret strings themselves, scrubbed from every problem message as a last resort */
  readonly secretValues = new Set<string>();
  private readonly valueReported = new Set<Node>();

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
    });
    for (const e of this.doc.errors) this.problemAtOffset(e.pos[0], cleanYamlMessage(e.message));
  }

  /** true when the YAML itself parsed (no syntax errors) */
  get syntaxOk(): boolean {
    return this.doc.errors.length === 0;
  }

  pos(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    return this.lineCounter.linePos(o);
  }

  problemAtOffset(offset: number, message: string): void {
    const { line, col } = this.pos(offset);
    this.problems.push({ file: this.file, line, col, message });
  }

  /** Reports at `node` (its first character), or at 1:1 without a node. */
  problemAt(node: Node | null | undefined, message: string): void {
    const r = node?.range;
    if (r) this.problemAtOffset(r[0], message);
    else this.problems.push({ file: this.file, line: 1, col: 1, message });
  }

  /** Reports a problem about a value; a second problem about the same node is dropped. */
  valueProblem(node: Node | null | undefined, message: string): void {
    if (node) {
      if (this.valueReported.has(node)) return;
      this.valueReported.add(node);
    }
    this.problemAt(node, message);
  }

  /** Marks a node as already reported (later value problems about it are dropped). */
  markReported(node: Node): void {
    this.valueReported.add(node);
  }

  hasValueProblem(node: Node | null | undefined): boolean {
    return !!node && this.valueReported.has(node);
  }

  resolve(n: unknown): Node | undefined {
    if (n == null) return undefined;
    if (isAlias(n)) return (n.resolve(this.doc) as Node | undefined) ?? undefined;
    return n as Node;
  }

  /**
   * The value node at `path` (or, with `key`, the key node of its pair). Missing → undefined.
   * An empty value (`key:` with nothing) yields the key node, which is where users look.
   */
  nodeAt(p: YamlPath, opts: { key?: boolean } = {}): Node | undefined {
    let node = this.resolve(this.doc.contents);
    let keyNode: Node | undefined;
    for (const seg of p) {
      if (!node) return undefined;
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((it) => keyText(it.key) === String(seg));
        if (!pair) return undefined;
        keyNode = pair.key as Node;
        const v = this.resolve(pair.value);
        node = v && !(isScalar(v) && v.value == null && v.range && v.range[0] === v.range[1]) ? v : keyNode;
      } else if (isSeq(node)) {
        const i = typeof seg === 'number' ? seg : Number(seg);
        if (!Number.isInteger(i)) return undefined;
        node = this.resolve(node.items[i]);
      } else if (isScalar(node) && (seg === 0 || seg === '0')) {
        // a scalar coerced into a one-element list
      } else {
        return undefined;
      }
    }
    return opts.key ? keyNode : node;
  }

  /** The node at `path`, or the closest existing ancestor. */
  nearestNode(p: YamlPath): Node | undefined {
    for (let n = p.length; n >= 0; n--) {
      const node = this.nodeAt(p.slice(0, n));
      if (node) return node;
    }
    return undefined;
  }

  /** Problem at the node of `path` (or its nearest ancestor). */
  problemAtPath(p: YamlPath, message: string, opts: { key?: boolean; value?: boolean } = {}): void {
    const node = (opts.key ? this.nodeAt(p, { key: true }) : undefined) ?? this.nearestNode(p);
    if (opts.value) this.valueProblem(node, message);
    else this.problemAt(node, message);
  }

  /** Problem at character `index` of the (decoded) string value of `node`. */
  problemInScalar(node: Node | undefined, index: number, message: string): void {
    if (!node || !isScalar(node) || !node.range) return this.problemAt(node, message);
    this.problemAtOffset(scalarSourceOffset(this.text, node, index), message);
  }

  isSecret(node: Node | null | undefined): boolean {
    return !!node && this.secretNodes.has(node);
  }

  markSecret(node: Node, value?: unknown): void {
    this.secretNodes.add(node);
    if (typeof value === 'string' && value.length > 0) this.secretValues.add(value);
  }

  /** The problems, sorted by position, deduplicated, with secret values scrubbed. */
  finish(): FileProblem[] {
    const secrets = [...this.secretValues].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    const seen = new Set<string>();
    const out: FileProblem[] = [];
    for (const p of this.problems) {
      let message = p.message;
      for (const s of secrets) message = message.split(s).join('[redacted]');
      const q = { ...p, message };
      const k = formatProblem(q);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(q);
    }
    return out.sort((a, b) => a.line - b.line || a.col - b.col);
  }

  /** Plain JS value of the document (null/empty document → undefined). */
  toJS(): unknown {
    const v = this.doc.toJS({ maxAliasCount: 1000 }) as unknown;
    return v === null ? undefined : v;
  }
}

/** The text of a mapping key (a scalar key's value). */
export function keyText(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}

function cleanYamlMessage(m: string): string {
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * Source offset of character `index` of the decoded value of a scalar node: exact for one-line
 * plain, single- and double-quoted scalars (escapes and `''` accounted for), a best-effort
 * alignment for multi-line and block scalars.
 */
export function scalarSourceOffset(text: string, node: Scalar, index: number): number {
  const [start, end] = node.range as [number, number, number];
  const raw = text.slice(start, end);
  const value = typeof node.source === 'string' ? node.source : String(node.value ?? '');
  const map: number[] = [];
  const oneLine = !/[\r\n]/.test(raw);
  if (oneLine && (node.type === 'PLAIN' || node.type === undefined)) {
    return start + Math.min(index, raw.length);
  } else if (oneLine && node.type === 'QUOTE_SINGLE') {
    for (let p = 1; p < raw.length - 1; p++) {
      map.push(p);
      if (raw[p] === "'" && raw[p + 1] === "'") p++;
    }
  } else if (oneLine && node.type === 'QUOTE_DOUBLE') {
    for (let p = 1; p < raw.length - 1; ) {
      if (raw[p] === '\\') {
        const c = raw[p + 1];
        const len = c === 'x' ? 4 : c === 'u' ? 6 : c === 'U' ? 10 : 2;
        map.push(p);
        if (c === 'U') map.push(p);
        p += len;
      } else {
        map.push(p);
        p++;
      }
    }
  } else {
    // greedy alignment of the decoded value against the source text
    let ptr = 0;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') ptr = raw.indexOf('\n') + 1;
    else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ptr = 1;
    for (let i = 0; i < value.length && i <= index; i++) {
      const c = value[i];
      let j = ptr;
      if (/\s/.test(c)) {
        while (j < raw.length && raw[j] !== c && j - ptr < 8 && /\s/.test(raw[j])) j++;
        if (raw[j] !== c) j = ptr;
      } else {
        while (j < raw.length && raw[j] !== c) j++;
        if (j >= raw.length) j = ptr;
      }
      map.push(j);
      ptr = Math.min(raw.length, j + 1);
    }
  }
  if (index < map.length) return start + map[index];
  if (map.length === 0) return start + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
  return start + map[map.length - 1] + 1;
}

