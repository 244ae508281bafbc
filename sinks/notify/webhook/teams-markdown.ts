/**
 * Text from events made literal for Teams cards: Adaptive Card TextBlock text and FactSet titles and
 * values render a subset of CommonMark (bold, italic, lists, links; Teams also fills `{{DATE(…)}}`).
 * CommonMark's backslash escape makes any ASCII punctuation literal: the characters that mark up
 * inline text (emphasis `*` `_` `~`, code `` ` ``, links `[…]` and `<…>`, `{{…}}`) are escaped wherever
 * they are, the ones that only start a block (`-` `+` `1.` lists, `>` quotes, `#`) at the start; line
 * breaks become spaces, so nothing else starts a line.
 */
export function teamsText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_~[\]<{}]/g, '\\$&')
    .replace(/^(\s*)([-+>#])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}
