/**
 * `npm run largest`: the 15 largest production files and the 15 longest functions (in lines) over
 * collectors/, rules/, sinks/ and src/, to see where the code needs cutting. `node dist/bench/largest.js [root]`
 * measures another checkout (default: this one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const FOLDERS = ['collectors', 'rules', 'sinks', 'src'];
const TOP = 15;

interface Measured { lines: number; what: string }

/** The production TypeScript files under the folders, relative to `root`, in a stable order. */
function productionFiles(root: string): string[] {
  const files: string[] = [];
  for (const folder of FOLDERS) {
    for (const f of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts')) files.push(join(folder, f));
    }
  }
  return files.sort();
}

/** Lines of a file: a last line without its newline counts, the empty string after a final newline does not. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * What a function is called: its own name, or that of the variable, property or class member it is assigned
 * to; a nameless one (a callback) is named after the function it is written in.
 */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile, enclosing: string | undefined): string {
  const own = node.name;
  const cls = node.parent && ts.isClassLike(node.parent) ? node.parent.name?.text : undefined;
  const prefix = cls ? `${cls}.` : '';
  if (ts.isConstructorDeclaration(node)) return `${prefix}constructor`;
  if (own) return prefix + own.getText(sf);
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return prefix + p.name.getText(sf);
  return enclosing ? `${enclosing} › (callback)` : '(anonymous)';
}

/** Every function, method, constructor, accessor and arrow function of a file (nested ones too), with its length. */
function functions(file: string, text: string): Measured[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Measured[] = [];
  const visit = (node: ts.Node, enclosing: string | undefined): void => {
    let inside = enclosing;
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const first = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
      inside = functionName(fn, sf, enclosing);
      out.push({ lines: last - first + 1, what: `${inside}  ${file}:${first + 1}` });
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(sf, undefined);
  return out;
}

function top(items: Measured[]): string[] {
  return [...items].sort((a, b) => b.lines - a.lines || a.what.localeCompare(b.what)).slice(0, TOP)
    .map((m) => `${String(m.lines).padStart(6)}  ${m.what}`);
}

function main(): void {
  const root = resolve(process.argv[2] ?? join(__dirname, '..', '..'));
  const files: Measured[] = [];
  const fns: Measured[] = [];
  for (const f of productionFiles(root)) {
    const text = readFileSync(join(root, f), 'utf8');
    files.push({ lines: lineCount(text), what: f });
    fns.push(...functions(f, text));
  }
  console.log(`The ${TOP} largest production files (lines; ${files.length} files in ${FOLDERS.map((f) => `${f}/`).join(' ')}):`);
  for (const l of top(files)) console.log(l);
  console.log(`\nThe ${TOP} longest functions (lines; ${fns.length} functions):`);
  for (const l of top(fns)) console.log(l);
}

main();
