/**
 * Text from events (log lines are attacker-controlled) made literal for Slack's `mrkdwn` (Slack,
 * "Formatting text for app surfaces"): `&`, `<` and `>` are Slack's control characters and become
 * `&amp;`, `&lt;`, `&gt;` (so a value cannot become a link, a mention or `<!channel>`); mrkdwn has no
 * escape for its formatting characters, so `*` `_` `~` `` ` `` become look-alikes (∗ ˍ ∼ ˋ) and cannot
 * turn a value bold, italic, struck or code; line breaks become spaces, and a `>` that would begin a
 * line (a quote) becomes ＞.
 */
const LOOKALIKES: Record<string, string> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };

export function slackText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/^(\s*)>/, '$1\uFF1E')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => LOOKALIKES[c]);
}

/** At most `max` characters of mrkdwn, never ending inside an entity (`&am`). */
export function capMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  return s.slice(0, max - 1).replace(/&[a-z]*$/, '') + '…';
}
