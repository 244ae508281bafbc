import type peggy from 'peggy';
import type { Ast } from './ast';
import { join } from 'node:path';
import { KQL_GRAMMAR } from './grammar';
import { GENERATED_PARSER_FILE, KQL_GRAMMAR_DIGEST } from './grammar-digest';

/** A KQL text that does not parse; `column` is 1-based within its line, `offset` 0-based in the text. */
export class KqlSyntaxError extends Error {
  constructor(message: string, readonly offset: number, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'KqlSyntaxError';
  }
}

interface PeggyLocationError { message: string; location?: { start: { offset: number; line: number; column: number } } }

// The parser `npm run build` generated from the grammar (scripts/kql-parser/generate.ts); generated here,
// once per process, when there is none or it was made from another grammar (generating takes tens of ms).
// peggy itself is loaded only then: with the generated parser a process does not carry the generator.
let parser: peggy.Parser | undefined;
function getParser(): peggy.Parser {
  parser ??= prebuiltParser() ?? (require('peggy') as typeof peggy).generate(KQL_GRAMMAR);
  return parser;
}

function prebuiltParser(): peggy.Parser | undefined {
  let mod: { parse?: peggy.Parser['parse']; grammarDigest?: string };
  try {
    mod = require(join(__dirname, GENERATED_PARSER_FILE)) as typeof mod;
  } catch {
    return undefined;
  }
  if (mod.grammarDigest !== KQL_GRAMMAR_DIGEST || typeof mod.parse !== 'function') return undefined;
  return mod as peggy.Parser;
}

/** Parses a KQL query into its AST; throws KqlSyntaxError for bad input (including an empty query). */
export function parseKql(text: string): Ast {
  if (text.trim() === '') throw new KqlSyntaxError('empty KQL query', 0, 1, 1);
  try {
    return getParser().parse(text) as Ast;
  } catch (err) {
    const e = err as PeggyLocationError;
    if (!e.location) throw err;
    const { offset, line, column } = e.location.start;
    throw new KqlSyntaxError(`KQL syntax error at column ${column}: ${e.message}`, offset, line, column);
  }
}
