/** `idSet('4624 4720-4726')`: a set of event ids (as text, as `event.code` holds them) from ids and ranges. */
export function idSet(spec: string): ReadonlySet<string> {
  const out = new Set<string>();
  for (const part of spec.trim().split(/\s+/)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(String(i));
  }
  return out;
}
