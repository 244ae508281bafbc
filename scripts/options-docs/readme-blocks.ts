/**
 * The generated blocks of the README: the text between `<!-- options:<id> -->` and
 * `<!-- /options:<id> -->`, read and replaced; everything around them is left as it is.
 */

const BLOCK = /<!-- options:([\w-]+) -->\n([\s\S]*?)\n?<!-- \/options:\1 -->/g;

/** One block: its id and its text (without the marker lines). */
export interface ReadmeBlock {
  id: string;
  text: string;
}

/** Every block of `readme`, in order (an id may occur twice: the checker says so). */
export function readBlocks(readme: string): ReadmeBlock[] {
  return [...readme.matchAll(BLOCK)].map((m) => ({ id: m[1], text: m[2] }));
}

/** `readme` with each block whose id is in `texts` replaced by that text. */
export function replaceBlocks(readme: string, texts: Map<string, string>): string {
  return readme.replace(BLOCK, (whole, id: string) => {
    const text = texts.get(id);
    return text === undefined ? whole : `<!-- options:${id} -->\n${text}\n<!-- /options:${id} -->`;
  });
}

/** The first cell of each table row of a block (header and separator left out), without its backticks. */
export function rowNames(blockText: string): string[] {
  return blockText
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => l.split('|')[1].trim().replace(/^`|`$/g, ''));
}
