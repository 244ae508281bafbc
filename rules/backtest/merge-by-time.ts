import type { EventDoc } from '../../src/core/event';
import { eventTime, type InputEvents } from './input-events';

/** A file waiting to be opened, with the time of its first event. */
export interface PendingInput { file: string; first: number; open: () => InputEvents }

interface Head { t: number; order: number; doc: EventDoc; input: InputEvents }

/** Earlier event first; at equal times the file that comes first in the input order (so a replay is deterministic). */
const before = (a: Head, b: Head): boolean => a.t < b.t || (a.t === b.t && a.order < b.order);

/** A binary min-heap of the inputs' next events. */
class HeadHeap {
  private readonly items: Head[] = [];
  get size(): number { return this.items.length; }
  peek(): Head | undefined { return this.items[0]; }
  push(h: Head): void {
    const a = this.items;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Head | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Interleaves the events of several files by event time, as they would have arrived live: each
 * file's own events keep their order (a file is never reordered, so a late line stays late), and
 * between files the earliest next event goes first. A file is opened only once the replay reaches
 * its first event, so files that follow each other in time (rotated logs) are never open together.
 * Events whose time does not parse, or that have no time of their own (the input's `untimed`), go with
 * the time of the file's event before them.
 */
export async function* mergeByTime(pending: PendingInput[], onOpen?: (input: InputEvents) => void): AsyncGenerator<{ doc: EventDoc; t: number; input: InputEvents }> {
  const queue = pending.map((p, order) => ({ ...p, order })).sort((a, b) => a.first - b.first || a.order - b.order);
  const heap = new HeadHeap();
  const open = new Set<InputEvents>();
  let q = 0;
  const advance = async (input: InputEvents, order: number, lastT: number): Promise<void> => {
    const next = await input.events.next();
    if (next.done) { open.delete(input); return; }
    const t = input.untimed?.(next.value) ? NaN : eventTime(next.value);
    heap.push({ t: Number.isFinite(t) ? t : lastT, order, doc: next.value, input });
  };
  try {
    for (;;) {
      // open every file whose first event is due before the earliest event at hand
      while (q < queue.length && (heap.size === 0 || queue[q].first <= heap.peek()!.t)) {
        const p = queue[q++];
        const input = p.open();
        open.add(input);
        onOpen?.(input);
        await advance(input, p.order, Number.isFinite(p.first) ? p.first : -Infinity);
      }
      const head = heap.pop();
      if (!head) return;
      yield { doc: head.doc, t: head.t, input: head.input };
      await advance(head.input, head.order, head.t);
    }
  } finally {
    // stopped early: close what is still open
    for (const input of open) await input.events.return(undefined);
  }
}
