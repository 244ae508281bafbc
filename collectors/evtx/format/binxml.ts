import type { XmlNode } from '../../windows-event/xml-tree';
import { fail } from './errors';
import { decodeValue } from './substitution-values';
import type { SubValue, TAttr, TElem, TPart, TSub, XmlValue } from './template-nodes';
import { instantiate, tattr } from './template-nodes';
import { fieldsPlan, valuePlan, type FieldsPlan, type ValuePlan } from './record-fields';

/** Binary XML token codes (low 5 bits; 0x40 = "has attributes" / "more data follows"). */
const enum Token {
  EOF = 0x00, OpenStartElement = 0x01, CloseStartElement = 0x02, CloseEmptyElement = 0x03, EndElement = 0x04,
  Value = 0x05, Attribute = 0x06, CDataSection = 0x07, CharRef = 0x08, EntityRef = 0x09, PITarget = 0x0a,
  PIData = 0x0b, TemplateInstance = 0x0c, NormalSubstitution = 0x0d, OptionalSubstitution = 0x0e,
  FragmentHeader = 0x0f,
}

const MAX_ELEMENT_DEPTH = 128;
const MAX_NESTING = 16;
const MAX_VALUES = 4096;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A template instance, not yet instantiated: the definition's offset in the chunk, its parts and the values. */
export interface TemplateValues {
  defOff: number;
  template: TPart[];
  values: SubValue[];
}

/** A parsed template definition (or the failure to parse it), cached per chunk by its offset. */
type CachedTemplate = TPart[] | Error;

/**
 * Per-chunk decoding state: the 64 KiB chunk buffer (offsets in Binary XML are chunk-relative),
 * the chunk's name strings and its template definitions, decoded once and reused by later records.
 */
export class ChunkDecoder {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, CachedTemplate | 'pending'>();
  private readonly plans = new Map<number, FieldsPlan | null>();
  private readonly valuePlans = new Map<number, ValuePlan | null>();

  constructor(readonly buf: Buffer) {}

  /** Decode the Binary XML of one record at buf[start, end) into XML nodes. Throws EvtxFormatError. */
  decodeRecord(start: number, end: number): XmlNode[] {
    const p = new Parser(this, start, end, false, 0);
    return p.document();
  }

  /**
   * A record made of one template instance (fragment headers aside; how Windows writes records): its
   * template and decoded values, for reading without building the tree. Undefined when the record is
   * made otherwise (decode it with `decodeRecord`). Throws what `decodeRecord` would throw up to there.
   */
  decodeInstance(start: number, end: number): TemplateValues | undefined {
    return new Parser(this, start, end, false, 0).soleInstance();
  }

  /** The fields plan of the template at `defOff` (record-fields.ts), made once per chunk; null: read through the tree. */
  fieldsPlan(defOff: number, template: TPart[]): FieldsPlan | null {
    return planned(this.plans, defOff, template, fieldsPlan);
  }

  /** The plan of the Binary XML value template at `defOff` (record-fields.ts), made once per chunk. */
  valuePlan(defOff: number, template: TPart[]): ValuePlan | null {
    return planned(this.valuePlans, defOff, template, valuePlan);
  }

  /** The name string (BinXmlName) at chunk offset `off`. */
  name(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    const buf = this.buf;
    if (off < 0 || off + 8 > buf.length) fail(`name offset ${off} outside chunk`);
    const count = buf.readUInt16LE(off + 6);
    if (off + 8 + 2 * count > buf.length) fail(`name at ${off} runs past chunk`);
    const s = buf.toString('utf16le', off + 8, off + 8 + 2 * count);
    this.names.set(off, s);
    return s;
  }

  /** Byte length of the name structure at `off` (for skipping an inline name). */
  nameSize(off: number): number {
    if (off + 8 > this.buf.length) fail(`name offset ${off} outside chunk`);
    return 8 + 2 * this.buf.readUInt16LE(off + 6) + 2;
  }

  /** Whether a plausible name structure lies at `off` (used to tell element-start layouts apart). */
  plausibleName(off: number, before: number): boolean {
    const buf = this.buf;
    if (off < 512 || off >= before || off + 10 > buf.length) return false;
    const count = buf.readUInt16LE(off + 6);
    const endOff = off + 8 + 2 * count;
    return count > 0 && endOff + 2 <= buf.length && buf.readUInt16LE(endOff) === 0;
  }

  /** The template definition whose header is at chunk offset `off`: [next u32][guid 16][size u32][fragment]. */
  template(off: number, depth: number): TPart[] {
    const c = this.templates.get(off);
    if (c === 'pending') fail(`template at ${off} refers to itself`);
    if (c instanceof Error) throw c;
    if (c) return c;
    const buf = this.buf;
    if (off + 24 > buf.length) fail(`template offset ${off} outside chunk`);
    const size = buf.readUInt32LE(off + 20);
    const start = off + 24;
    const end = start + size;
    if (end > buf.length) fail(`template at ${off} runs past chunk`);
    this.templates.set(off, 'pending');
    try {
      const parts = new Parser(this, start, end, true, depth).fragmentContent();
      this.templates.set(off, parts);
      return parts;
    } catch (e) {
      this.templates.set(off, e as Error);
      throw e;
    }
  }
}

/** A template's plan from `plans` (by the template's offset), made with `make` the first time. */
function planned<P>(plans: Map<number, P | null>, defOff: number, template: TPart[], make: (t: TPart[]) => P | null): P | null {
  let plan = plans.get(defOff);
  if (plan === undefined) {
    plan = make(template);
    plans.set(defOff, plan);
  }
  return plan;
}

/** One pass over a Binary XML token stream in buf[pos, end). */
class Parser {
  private pos: number;
  private readonly buf: Buffer;
  private elementDepth = 0;

  constructor(
    private readonly chunk: ChunkDecoder,
    start: number,
    private readonly end: number,
    private readonly inTemplate: boolean,
    private readonly nesting: number,
  ) {
    this.pos = start;
    this.buf = chunk.buf;
    if (end > this.buf.length) fail('token stream runs past chunk');
    if (nesting > MAX_NESTING) fail('binary XML nested too deep');
  }

  private need(n: number): void {
    if (this.pos + n > this.end) fail(`token stream truncated at ${this.pos}`);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Read a name reference; an inline name (offset == here) is skipped over. */
  private nameRef(): string {
    const off = this.u32();
    if (off === this.pos) {
      const size = this.chunk.nameSize(off);
      this.need(size);
      this.pos += size;
    }
    return this.chunk.name(off);
  }

  /** Counted UTF-16 string: u16 character count, then the characters. */
  private countedString(): string {
    const n = this.u16();
    this.need(2 * n);
    const s = this.buf.toString('utf16le', this.pos, this.pos + 2 * n);
    this.pos += 2 * n;
    return s;
  }

  /** A whole record document: fragment(s), up to EOF or the end of the record. */
  document(): XmlNode[] {
    return instantiate(this.fragmentContent(), []);
  }

  /** The record's one template instance, when that is all it holds (see ChunkDecoder.decodeInstance). */
  soleInstance(): TemplateValues | undefined {
    while (this.pos < this.end && this.buf[this.pos] !== Token.EOF && (this.buf[this.pos] & 0x1f) === Token.FragmentHeader) {
      this.need(4);
      this.pos += 4;
    }
    if (this.pos >= this.end || (this.buf[this.pos] & 0x1f) !== Token.TemplateInstance) return undefined;
    const inst = this.templateValues();
    return this.pos >= this.end || this.buf[this.pos] === Token.EOF ? inst : undefined;
  }

  /** Content at top level (fragment headers, elements, template instances, PIs) until EOF or end of data. */
  fragmentContent(): TPart[] {
    const out: TPart[] = [];
    while (this.pos < this.end) {
      const t = this.buf[this.pos];
      if (t === Token.EOF) {
        this.pos++;
        return out;
      }
      this.contentToken(out, true);
    }
    return out;
  }

  /** Consume one content token at this.pos, appending what it produces to out. */
  private contentToken(out: TPart[], topLevel: boolean): void {
    const t = this.buf[this.pos];
    switch (t & 0x1f) {
      case Token.FragmentHeader:
        this.need(4);
        this.pos += 4;
        return;
      case Token.OpenStartElement:
        out.push(this.element());
        return;
      case Token.TemplateInstance:
        out.push({ k: 'd', nodes: this.templateInstance() });
        return;
      case Token.Value:
        this.pos++;
        out.push(this.valueText());
        return;
      case Token.CDataSection:
        this.pos++;
        out.push(this.countedString());
        return;
      case Token.CharRef:
        this.pos++;
        out.push(String.fromCharCode(this.u16()));
        return;
      case Token.EntityRef: {
        this.pos++;
        const n = this.nameRef();
        out.push(ENTITIES[n] ?? `&${n};`);
        return;
      }
      case Token.PITarget:
        this.pos++;
        this.nameRef();
        return;
      case Token.PIData:
        this.pos++;
        this.countedString();
        return;
      case Token.NormalSubstitution:
      case Token.OptionalSubstitution:
        out.push(this.substitution());
        return;
      default:
        fail(`unexpected token 0x${t.toString(16)} at ${this.pos}${topLevel ? ' (top level)' : ''}`);
    }
  }

  /** Value token body (after the token byte): value type, then the data (a counted UTF-16 string). */
  private valueText(): string {
    const type = this.u8();
    if (type === 0x01) return this.countedString();
    if (type === 0x02) {
      const n = this.u16();
      this.need(n);
      const s = this.buf.toString('latin1', this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    return fail(`unsupported value token type 0x${type.toString(16)}`);
  }

  private substitution(): TSub {
    const optional = (this.buf[this.pos] & 0x1f) === Token.OptionalSubstitution;
    if (!this.inTemplate) fail(`substitution outside a template at ${this.pos}`);
    this.pos++;
    const index = this.u16();
    const type = this.u8();
    return { k: 's', index, type, optional };
  }

  /**
   * Element start: token, [dependency id u16], data size u32, name offset u32, [attribute list].
   * The dependency id is absent in Binary XML held in substitution values and in the flat (template-less) records
   * some newer Windows builds write, so both layouts are checked: the one whose name offset makes sense wins.
   */
  private element(): TElem {
    if (++this.elementDepth > MAX_ELEMENT_DEPTH) fail('elements nested too deep');
    const tokenPos = this.pos;
    const hasAttrs = (this.buf[this.pos] & 0x40) !== 0;
    this.pos++;
    if (this.hasDependencyId(tokenPos + 1)) this.pos += 2;
    this.u32(); // data size
    const name = stripPrefix(this.nameRef());
    const attrs: TAttr[] = [];
    if (hasAttrs) {
      const listSize = this.u32();
      const listEnd = Math.min(this.end, this.pos + listSize);
      while (this.pos < listEnd && (this.buf[this.pos] & 0x1f) === Token.Attribute) {
        const more = (this.buf[this.pos] & 0x40) !== 0;
        this.pos++;
        const aname = this.nameRef();
        const parts = this.attributeValue();
        if (!aname.startsWith('xmlns:')) attrs.push(tattr(stripPrefix(aname), parts));
        if (!more) break;
      }
    }
    const el: TElem = { k: 'e', name, attrs, children: [], only: -2 };
    const close = this.u8();
    if (close === Token.CloseEmptyElement) {
      this.elementDepth--;
      return el;
    }
    if (close !== Token.CloseStartElement) fail(`expected close of start element at ${this.pos - 1}, got 0x${close.toString(16)}`);
    for (;;) {
      if (this.pos >= this.end) fail(`element <${name}> not closed before end of data`);
      const t = this.buf[this.pos];
      if (t === Token.EndElement) {
        this.pos++;
        break;
      }
      if (t === Token.EOF) fail(`end of stream inside element <${name}>`);
      this.contentToken(el.children, false);
    }
    this.elementDepth--;
    return el;
  }

  /** Choose the element-start layout (with or without the u16 dependency id) whose name offset makes sense. */
  private hasDependencyId(p: number): boolean {
    if (p + 10 > this.end) return false;
    const withDep = this.buf.readUInt32LE(p + 6);
    const without = this.buf.readUInt32LE(p + 4);
    if (withDep === p + 10) return true;
    if (without === p + 8) return false;
    if (this.chunk.plausibleName(withDep, p)) return true;
    return !this.chunk.plausibleName(without, p);
  }

  /** Attribute data: value text, substitutions, character and entity references. */
  private attributeValue(): (string | TSub)[] {
    const parts: (string | TSub)[] = [];
    while (this.pos < this.end) {
      const base = this.buf[this.pos] & 0x1f;
      if (base === Token.Value) {
        this.pos++;
        parts.push(this.valueText());
      } else if (base === Token.NormalSubstitution || base === Token.OptionalSubstitution) {
        parts.push(this.substitution());
      } else if (base === Token.CharRef) {
        this.pos++;
        parts.push(String.fromCharCode(this.u16()));
      } else if (base === Token.EntityRef) {
        this.pos++;
        const n = this.nameRef();
        parts.push(ENTITIES[n] ?? `&${n};`);
      } else if (base === Token.CDataSection) {
        this.pos++;
        parts.push(this.countedString());
      } else break;
    }
    return parts;
  }

  /**
   * Template instance: token, u8, template id u32, definition offset u32; the definition follows in place when
   * its offset is here; then the instance data: value count, (size u16, type u8, pad u8) descriptors, values.
   */
  private templateInstance(): XmlNode[] {
    const { template, values } = this.templateValues();
    return instantiate(template, values);
  }

  private templateValues(): TemplateValues {
    this.pos++;
    this.need(9);
    this.pos += 5;
    const defOff = this.u32();
    if (defOff === this.pos) {
      this.need(24);
      const size = this.buf.readUInt32LE(this.pos + 20);
      this.need(24 + size);
      this.pos += 24 + size;
    }
    const template = this.chunk.template(defOff, this.nesting + 1);
    const count = this.u32();
    if (count > MAX_VALUES || this.pos + 4 * count > this.end) fail(`template value count ${count} too large`);
    const descPos = this.pos;
    this.pos += 4 * count;
    const values: SubValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const size = this.buf.readUInt16LE(descPos + 4 * i);
      const type = this.buf[descPos + 4 * i + 2];
      this.need(size);
      values[i] = decodeValue(this.buf, type, this.pos, size, (p, n) => this.nested(p, n));
      this.pos += size;
    }
    return { defOff, template, values };
  }

  /** A Binary XML value: parsed now (so that its damage is found with its record's), instantiated when read. */
  private nested(p: number, size: number): XmlValue {
    const sole = new Parser(this.chunk, p, p + size, false, this.nesting + 1).soleInstance();
    if (sole) return new InstanceValue(sole);
    const sub = new Parser(this.chunk, p, p + size, false, this.nesting + 1);
    return { k: 'xml', nodes: sub.document() };
  }
}

/** A Binary XML value made of one template instance: its nodes built when first read. */
class InstanceValue implements XmlValue {
  readonly k = 'xml';
  private built: XmlNode[] | undefined;

  constructor(readonly instance: TemplateValues) {}

  get nodes(): XmlNode[] {
    this.built ??= instantiate(this.instance.template, this.instance.values);
    return this.built;
  }
}

function stripPrefix(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
