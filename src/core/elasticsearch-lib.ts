/**
 * The Elasticsearch client library (@elastic/elasticsearch), loaded when first used rather than when a
 * module naming it is: loading it adds about 18 MB to a process (its code and what it builds as it
 * loads), which a daemon without an Elasticsearch input, output or fleet would carry for nothing. Code
 * that needs the library's values (the client class, its error classes) gets them from here; its types
 * are imported as types (`import type`), which cost nothing at run time.
 */
import type * as Elastic from '@elastic/elasticsearch';

let loaded: typeof Elastic | undefined;

/** The library, loaded on the first call. */
export function elasticsearchLib(): typeof Elastic {
  // a require at the first use, not an import at the top: see above
  loaded ??= require('@elastic/elasticsearch') as typeof Elastic;
  return loaded;
}

/** The library's error classes (for `instanceof`: an error of the library means it is loaded already). */
export function esErrors(): typeof Elastic.errors {
  return elasticsearchLib().errors;
}

/** True when the library has been loaded by this process (what the memory test checks). */
export function elasticsearchLibLoaded(): boolean {
  return loaded !== undefined;
}
