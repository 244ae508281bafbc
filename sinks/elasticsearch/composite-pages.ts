/** A composite aggregation's answer, as far as its paging goes. */
export interface CompositePage<B> {
  buckets?: B[];
  after_key?: Record<string, unknown>;
}

/**
 * The buckets of a composite aggregation, a page at a time: `search(after)` asks for one page (the first
 * with `after` undefined) and returns the aggregation; the pages end with one that has no `after_key` or
 * fewer than `pageSize` buckets.
 */
export async function* compositePages<B>(pageSize: number, search: (after: Record<string, unknown> | undefined) => Promise<CompositePage<B> | undefined>): AsyncGenerator<B[], void, undefined> {
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const page = await search(after);
    const buckets = page?.buckets ?? [];
    yield buckets;
    if (!page?.after_key || buckets.length < pageSize) return;
    after = page.after_key;
  }
}
