/**
 * The words of one option's README row: its type in plain words (`duration`, `list of strings`,
 * `integer ≥ 1`), whether it is required, its default, and its description made safe for a
 * Markdown table cell.
 */
import { branchType, refName, resolveRef, type OptionEntry, type SchemaNode } from './option-paths';

/** Definitions that are value types, named as such rather than spelled out. */
const VALUE_TYPES = new Set(['duration', 'size']);

function plural(words: string): string {
  return words.replace(/\b(string|integer|number|mapping|duration|size|boolean)\b/g, '$1s');
}

/** A schema's type in words. */
export function typeWords(root: SchemaNode, written: SchemaNode): string {
  const name = refName(written);
  if (name !== undefined && VALUE_TYPES.has(name)) return name;
  const node = resolveRef(root, written);
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (node.if !== undefined) {
    return [node.then, node.else].map((b) => typeWords(root, b as SchemaNode)).join(' or ');
  }
  if (Array.isArray(node.oneOf)) {
    const types = node.oneOf.map((b) => branchType(resolveRef(root, b as SchemaNode)));
    if (types.every((t) => t !== undefined)) return `mapping by type (${types.join(', ')})`;
    return node.oneOf.map((b) => typeWords(root, b as SchemaNode)).join(' or ');
  }
  const t = node.type;
  if (Array.isArray(t)) return t.join(' or ');
  switch (t) {
    case 'array': {
      const items = node.items as SchemaNode | undefined;
      if (!items) return 'list';
      const each = typeWords(root, items);
      return each.startsWith('one of ') ? `list of ${each.slice('one of '.length)}` : `list of ${plural(each)}`;
    }
    case 'object':
      return 'mapping';
    case 'integer':
    case 'number':
      return `${t}${rangeWords(node)}`;
    case 'string':
    case 'boolean':
      return t;
    default:
      throw new Error(`no words for the schema ${JSON.stringify(node)}`);
  }
}

function rangeWords(node: SchemaNode): string {
  const min = typeof node.minimum === 'number' ? node.minimum : undefined;
  const max = typeof node.maximum === 'number' ? node.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/** A default as it would be written in vigil.yaml. */
function defaultWords(v: unknown): string {
  return `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
}

/** The "type / default" cell: the type, then `required` or the default when there is one. */
export function typeCell(root: SchemaNode, o: OptionEntry): string {
  const parts = [typeWords(root, o.schema)];
  if (o.required) parts.push('required');
  if (o.schema.default !== undefined) parts.push(`default ${defaultWords(o.schema.default)}`);
  return cellText(parts.join(', '));
}

/** The "meaning" cell: the option's description. */
export function meaningCell(o: OptionEntry): string {
  return cellText(typeof o.schema.description === 'string' ? o.schema.description : '');
}

/** Text safe in a table cell: no column break, no HTML tag, on one line. */
export function cellText(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*\n\s*/g, ' ');
}
