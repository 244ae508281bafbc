import type { Span, PipelineEvent } from '../../src/core/event';
import type { CheckpointRegistry, CheckpointEntry } from '../../src/core/checkpoints/registry';
import type { ReplaySet } from './replay-set';

/** A position in the store: a day file and a byte offset in it. */
export interface StoreMark { file: string; size: number }

interface WriteRecord { file: string; pos: number; spans: Span[] }

/**
 * A source is taken as gone (what the store holds of it will not be sent again) when the registry has
 * seen others this long after it was last seen, and after this start. Its collector's scans touch a
 * source at least once a minute while it is there, and acknowledgements touch it; time is counted on
 * the registry's `seen` stamps, so while the pipeline is stuck (no reading, no acknowledgement: a sink
 * down) no source goes.
 */
export const SOURCE_GONE_AFTER_MS = 5 * 60_000;
/** Ids of the replay set are held at most this long after start (on the same clock), whatever their source. */
export const REPLAY_HOLD_MS = 30 * 60_000;

/** Why ids left the replay set without being sent again (if they come later after all, they are written twice). */
export type ReleaseReason = 'source_gone' | 'held_too_long';

export interface WriteMarkOptions {
  /** called when ids leave the replay set without having come again */
  released: (reason: ReleaseReason, events: number, sources: number) => void;
}

/**
 * Where a restarted store must start looking for events it may be sent again: the mark committed with
 * the checkpoints. Everything before the mark is covered by the committed source positions (or belongs
 * to a source that is gone), so it will not come again; everything after it may.
 *
 * The mark moves past a write once each of its spans is covered by the checkpoints, or acknowledged
 * with its source gone (its position removed from the registry, or not seen for SOURCE_GONE_AFTER_MS).
 * It stays where the last start found it while the events written after it by an earlier run (the
 * replay set) have neither come again nor been covered: a second crash before they come again must
 * still recognise them. Replay ids of a source that is gone, and any still held REPLAY_HOLD_MS after
 * start, are let go (reported through `released`), so the mark always moves on in the end.
 */
export class WriteMark {
  private writes: WriteRecord[] = [];
  private head = 0;
  private readonly startedAt: number;
  /** per id prefix of the replay set, the checkpoint offset its ids were last settled against */
  private checkedAt = new Map<string, number>();
  /** the registry's activity clock of the commit in progress (-1: not looked up yet) */
  private now = -1;

  constructor(private registry: CheckpointRegistry, private startMark: StoreMark | undefined, private replayIds: ReplaySet, private o: WriteMarkOptions) {
    this.startedAt = Date.now(); // the registry's clock
  }

  /** Records a write of `events` that began at `pos` of `file`. */
  wrote(file: string, pos: number, events: PipelineEvent[]): void {
    const spans: Span[] = [];
    let last: Span | null = null;
    for (const e of events) {
      if (e.span === last) continue;
      last = e.span;
      if (!spans.includes(last)) spans.push(last);
    }
    this.writes.push({ file, pos, spans });
  }

  /** The mark to commit now, with the source positions of this same moment. */
  current(file: string, size: number): StoreMark | undefined {
    this.now = -1;
    if (this.replayIds.size > 0) {
      this.settleReplay();
      if (this.replayIds.size > 0) return this.startMark;
    }
    const w = this.writes;
    while (this.head < w.length && this.settled(w[this.head])) this.head++;
    if (this.head > 256 && this.head * 2 > w.length) { this.writes = w.slice(this.head); this.head = 0; }
    const first = this.writes[this.head];
    return first ? { file: first.file, size: first.pos } : { file, size };
  }

  /** The registry's last sign of life: the latest `seen` of its sources, and this start (looked up once per commit). */
  private activity(): number {
    if (this.now >= 0) return this.now;
    let t = this.startedAt;
    for (const [, e] of this.registry.entries()) if (e.seen > t) t = e.seen;
    this.now = t;
    return t;
  }

  /** A source whose position was removed, or that the registry has not seen for SOURCE_GONE_AFTER_MS of activity since (and since this start). */
  private gone(e: CheckpointEntry | undefined): boolean {
    return !e || this.activity() - Math.max(e.seen, this.startedAt) > SOURCE_GONE_AFTER_MS;
  }

  /** Nothing of the write will be sent again: each span is covered, or acknowledged and of a source that is gone. */
  private settled(r: WriteRecord): boolean {
    for (const s of r.spans) {
      const e = this.registry.get(s.source);
      if (e && e.offset >= s.end) continue;
      if (s.pending <= 0 && this.gone(e)) continue;
      return false;
    }
    return true;
  }

  /**
   * Drops replay ids that the committed positions now cover (they will not be sent again), those of
   * sources gone since start, and, REPLAY_HOLD_MS after start, all the rest.
   */
  private settleReplay(): void {
    const now = this.activity();
    const lookForGone = now - this.startedAt > SOURCE_GONE_AFTER_MS;
    const holdOver = now - this.startedAt > REPLAY_HOLD_MS;
    const ids = this.replayIds;
    let goneIds = 0, goneSources = 0, heldIds = 0, heldSources = 0;
    for (const [prefix, g] of [...ids.fileGroups()]) {
      if (g.source !== null) {
        const e = this.registry.get(g.source);
        if (e && e.offset !== this.checkedAt.get(prefix)) {
          this.checkedAt.set(prefix, e.offset);
          if (ids.dropBelow(prefix, e.offset) > 0 && g.offsets.size === 0) continue;
        }
        if (lookForGone && this.gone(e)) { goneIds += ids.dropGroup(prefix); goneSources++; continue; }
      }
      if (holdOver) { heldIds += ids.dropGroup(prefix); heldSources++; }
    }
    if (holdOver) {
      const n = ids.dropOthers();
      if (n > 0) { heldIds += n; heldSources++; }
    }
    if (ids.size === 0) this.checkedAt.clear();
    if (goneIds > 0) this.o.released('source_gone', goneIds, goneSources);
    if (heldIds > 0) this.o.released('held_too_long', heldIds, heldSources);
  }
}
