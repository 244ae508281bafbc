import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/** The production folders whose imports obey the layer rule. */
export const PRODUCTION_ROOTS = ['collectors', 'rules', 'sinks', 'src'];

/**
 * The layers, lowest first (`src/core` ← collectors ← rules ← sinks ← runtime ← cli: a file may import
 * its own layer and the ones below). src/control (the HTTP control API) belongs to the runtime.
 */
export const LAYERS = ['core', 'collectors', 'rules', 'sinks', 'runtime', 'cli'] as const;
export type Layer = typeof LAYERS[number];

/** The layer of a production file; a file of src/ outside core/, runtime/, control/ and cli/ has none (the test names it). */
export function layerOf(file: string): Layer {
  if (file.startsWith('src/core/')) return 'core';
  if (file.startsWith('collectors/')) return 'collectors';
  if (file.startsWith('rules/')) return 'rules';
  if (file.startsWith('sinks/')) return 'sinks';
  if (file.startsWith('src/runtime/') || file.startsWith('src/control/')) return 'runtime';
  if (file.startsWith('src/cli/')) return 'cli';
  throw new Error(`${file} is in no layer: production code lives in src/core, collectors, rules, sinks, src/runtime, src/control or src/cli`);
}

/**
 * What a file counts in for cycles: its component folder (`collectors/evtx`, `rules/kql`, `sinks/notify`,
 * `src/core`). A file directly in a layer's folder (`rules/types.ts`, `rules/engine.ts`) counts on its own:
 * the layer's root holds both what its folders share (types, defaults) and what assembles them (the engine).
 */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

export interface ImportEdge { from: string; to: string; typeOnly: boolean }

function listTs(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    const st = statSync(join(root, rel));
    if (st.isDirectory()) listTs(root, rel, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
}

function resolveImport(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = resolve(root, dirname(from), spec);
  for (const cand of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(cand)) return relative(root, cand).split('\\').join('/');
  if (spec.endsWith('.json') && existsSync(base)) return relative(root, base).split('\\').join('/');
  return null;
}

/** Every import (and re-export) between the production files under `root`, type-only ones included. */
export function importEdges(root: string): ImportEdge[] {
  const files: string[] = [];
  for (const r of PRODUCTION_ROOTS) if (existsSync(join(root, r))) listTs(root, r, files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const sf = ts.createSourceFile(from, readFileSync(join(root, from), 'utf8'), ts.ScriptTarget.Latest, false);
    const visit = (node: ts.Node): void => {
      let spec: ts.Expression | undefined;
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) { spec = node.moduleSpecifier; typeOnly = !!node.importClause?.isTypeOnly; }
      else if (ts.isExportDeclaration(node) && node.moduleSpecifier) { spec = node.moduleSpecifier; typeOnly = node.isTypeOnly; }
      else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) spec = node.moduleReference.expression;
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1) spec = node.arguments[0];
      else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) spec = node.arguments[0];
      if (spec && ts.isStringLiteralLike(spec)) {
        const to = resolveImport(root, from, spec.text);
        if (to) edges.push({ from, to, typeOnly });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return edges;
}

/** Imports against the layer rule (type-only imports count the same). */
export function layerViolations(edges: ImportEdge[]): string[] {
  const out = new Set<string>();
  for (const e of edges) {
    const a = LAYERS.indexOf(layerOf(e.from)), b = LAYERS.indexOf(layerOf(e.to));
    if (b > a) out.add(`${e.from} -> ${e.to} (${layerOf(e.from)} may not import ${layerOf(e.to)})`);
  }
  return [...out].sort();
}

/**
 * Component folders that the layers above them reach through their entry files only: what they export
 * there is their public face, the rest of the folder is theirs to rearrange. (rules/ has two: what a
 * daemon uses, and the command line's offline tools, which a daemon does not load.)
 */
export const ENTRY_FILES: Record<string, readonly string[]> = { 'rules/': ['rules/index.ts', 'rules/offline.ts'] };

/** Imports from a higher layer into a folder of ENTRY_FILES that do not go through one of its entry files. */
export function entryViolations(edges: ImportEdge[]): string[] {
  const out = new Set<string>();
  for (const e of edges) {
    for (const [folder, entries] of Object.entries(ENTRY_FILES)) {
      if (!e.to.startsWith(folder) || entries.includes(e.to)) continue;
      if (LAYERS.indexOf(layerOf(e.from)) <= LAYERS.indexOf(layerOf(e.to))) continue; // its own layer or below
      out.add(`${e.from} -> ${e.to} (import ${folder} through ${entries.join(' or ')})`);
    }
  }
  return [...out].sort();
}

/** Pairs of folders that import each other, directly or through others (each cycle named by its folders, sorted). */
export function folderCycles(edges: ImportEdge[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = folderOf(e.from), b = folderOf(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  // strongly connected components (Tarjan): every component of more than one folder is a cycle
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const cycles: string[] = [];
  const nodes = new Set<string>([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])]);
  const strong = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) cycles.push(comp.sort().join(' <-> '));
    }
  };
  for (const v of nodes) if (!idx.has(v)) strong(v);
  return cycles.sort();
}
