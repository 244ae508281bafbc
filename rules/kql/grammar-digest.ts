import { createHash } from 'node:crypto';
import { KQL_GRAMMAR } from './grammar';

/** The digest of the KQL grammar a generated parser was made from (a parser made from another is stale). */
export const KQL_GRAMMAR_DIGEST = createHash('sha256').update(KQL_GRAMMAR).digest('hex').slice(0, 16);

/** Where `npm run build` writes the parser generated from the grammar (beside parse.js in dist/). */
export const GENERATED_PARSER_FILE = 'kql-parser.generated.js';
