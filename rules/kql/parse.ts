import peggy from 'peggy';
import type { Ast } from './ast';
import { KQL_GRAMMAR } from './grammar';

/** A KQL text that does not parse; `column` is 1-based within its line, `offset` 0-based in the text. */
export class KqlSyntaxError extends Error {
  constructor(message: string, readonly offset: number, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'KqlSyntaxError';
  }
}

interface PeggyLocationError { message: string; location?: { start: { offset: number; line: number; column: number } } }

// Generated once per process, on first use: generating takes milliseconds, parsing then is cheap.
let parser: peggy.Parser | undefined;
function getParser(): peggy.Parser {
  parser ??= peggy.generate(KQL_GRAMMAR);
  return parser;
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
