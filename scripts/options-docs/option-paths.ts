/**
 * Every option of a JSON Schema, as a path the README can name: `pipeline.batch_size`, an array's
 * items as `[]` (`channels[].name`), a branch of a oneOf told apart by its `type` constant as
 * `[type=file]` (`inputs[type=file].paths`). Local `$ref`s are followed into `definitions`; the
 * branches of `if`/`then`/`else` and of an undiscriminated oneOf add up under the same path.
 */

/** A JSON Schema node, read loosely (the composed vigil.yaml schema is a plain object). */
export type SchemaNode = { readonly [keyword: string]: unknown };

/** One option: where it sits, its schema as written (a `$ref` not followed), and whether it must be given. */
export interface OptionEntry {
  path: string;
  schema: SchemaNode;
  required: boolean;
}

/** What a walk found: the options in schema order, and the definitions it reached. */
export interface OptionWalk {
  options: OptionEntry[];
  reachedDefinitions: Set<string>;
}

const REF_PREFIX = '#/definitions/';

function asNode(v: unknown): SchemaNode | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as SchemaNode) : undefined;
}

/** The definition a local `$ref` names, or undefined for a node without one. */
export function refName(node: SchemaNode): string | undefined {
  const ref = node.$ref;
  if (typeof ref !== 'string') return undefined;
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`only local definitions are followed, not ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** `node` with its `$ref` followed (once: definitions do not point at definitions here). */
export function resolveRef(root: SchemaNode, node: SchemaNode): SchemaNode {
  const name = refName(node);
  if (name === undefined) return node;
  const def = asNode(asNode(root.definitions)?.[name]);
  if (!def) throw new Error(`$ref to a missing definition: ${name}`);
  return def;
}

/** The `type` constant a oneOf branch is told apart by, if it has one. */
export function branchType(branch: SchemaNode): string | undefined {
  const c = asNode(asNode(branch.properties)?.type)?.const;
  return typeof c === 'string' ? c : undefined;
}

/** Walks every option of `root` (its properties, and what they hold, through definitions). */
export function listOptions(root: SchemaNode): OptionWalk {
  const options: OptionEntry[] = [];
  const seen = new Set<string>();
  const reachedDefinitions = new Set<string>();

  const follow = (node: SchemaNode): SchemaNode => {
    const name = refName(node);
    if (name !== undefined) reachedDefinitions.add(name);
    return resolveRef(root, node);
  };

  const walkProperties = (node: SchemaNode, prefix: string): void => {
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    for (const [key, value] of Object.entries(asNode(node.properties) ?? {})) {
      const schema = asNode(value);
      if (!schema) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      if (!seen.has(path)) {
        seen.add(path);
        options.push({ path, schema, required: required.includes(key) });
      }
      descend(schema, path);
    }
  };

  const descend = (written: SchemaNode, path: string): void => {
    const node = follow(written);
    if (node.properties) walkProperties(node, path);
    const items = asNode(node.items);
    if (items) descend(items, `${path}[]`);
    for (const k of ['then', 'else'] as const) {
      const branch = asNode(node[k]);
      if (branch) descend(branch, path);
    }
    if (Array.isArray(node.oneOf)) {
      for (const b of node.oneOf) {
        const branch = follow(asNode(b) ?? {});
        const type = branchType(branch);
        // a branch chosen by its type: `inputs[]` becomes `inputs[type=file]`
        const at = type === undefined ? path : `${path.replace(/\[\]$/, '')}[type=${type}]`;
        descend(branch, at);
      }
    }
  };

  walkProperties(root, '');
  return { options, reachedDefinitions };
}
