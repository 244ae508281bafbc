/** `DOMAIN\name` → its two parts, as Winlogbeat splits `User`-like fields; undefined unless there are exactly two. */
export function splitDomainUser(s: string | undefined): { domain: string; name: string } | undefined {
  if (!s) return undefined;
  const parts = s.split('\\');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { domain: parts[0], name: parts[1] };
}
