import type { XmlNode } from '../../windows-event/xml-tree';

/**
 * The most a decoded record may expand to, in characters of names, attribute values and text (plus one
 * per node). Binary XML can nest a template instance inside a value of another and repeat a value many
 * times, so a few hundred crafted or damaged bytes can describe a tree of billions of nodes (its subtrees
 * shared): serialising or mapping it would never end. Real records expand to kilobytes.
 */
export const MAX_EXPANDED_SIZE = 4 * 1024 * 1024;

/**
 * The size `nodes` expand to when walked in full, counting no further than `limit` (a result above it
 * means "too large"), so the work is bounded by `limit` whatever the tree shares.
 */
export function expandedSize(nodes: readonly XmlNode[], limit = MAX_EXPANDED_SIZE): number {
  return addSizes(nodes, 0, limit);
}

function addSizes(nodes: readonly XmlNode[], total: number, limit: number): number {
  for (let i = 0; i < nodes.length && total <= limit; i++) {
    const n = nodes[i];
    if (typeof n === 'string') total += 1 + n.length;
    else {
      total += 1 + n.name.length;
      const attrs = n.attrs;
      for (const k in attrs) total += k.length + attrs[k].length;
      if (n.children.length > 0) total = addSizes(n.children, total, limit);
    }
  }
  return total;
}
