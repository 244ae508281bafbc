import type { AckBatch, PipelineEvent } from '../../src/event';
import { filePositionOfId } from '../../src/event';
import type { CheckpointRegistry } from '../../src/checkpoints/registry';

/** A position in the store: a day file and a byte offset in it. */
export interface StoreMark { file: string; size: number }

interface WriteRecord { file: string; pos: number; spans: AckBatch[] }

/**
 * Where a restarted store must start looking for events it may be sent again: the mark committed with
 * the checkpoints. Everything before the mark is covered by the committed source positions, so it will
 * not come again; everything after it may. The mark moves only past writes whose spans the checkpoints
 * cover, and stays where the last start found it while the events written after it by an earlier run
 * (the replay set) have neither come again nor been covered by the checkpoints: a second crash before
 * they come again must still recognise them.
 */
export class WriteMark {
  private writes: WriteRecord[] = [];
  private head = 0;
  private sourceOfPrefix = new Map<string, string | null>();

  constructor(private registry: CheckpointRegistry, private startMark: StoreMark | undefined, private replayIds: Set<string>) {}

  /** Records a write of `events` that began at `pos` of `file`. */
  wrote(file: string, pos: number, events: PipelineEvent[]): void {
    const spans: AckBatch[] = [];
    let last: AckBatch | null = null;
    for (const e of events) {
      if (e.batch === last) continue;
      last = e.batch;
      if (!spans.includes(last)) spans.push(last);
    }
    this.writes.push({ file, pos, spans });
  }

  /** The mark to commit now, with the source positions of this same moment. */
  current(file: string, size: number): StoreMark | undefined {
    if (this.replayIds.size > 0) {
      this.settleReplay();
      if (this.replayIds.size > 0) return this.startMark;
    }
    const w = this.writes;
    while (this.head < w.length && this.covered(w[this.head])) this.head++;
    if (this.head > 256 && this.head * 2 > w.length) { this.writes = w.slice(this.head); this.head = 0; }
    const first = this.writes[this.head];
    return first ? { file: first.file, size: first.pos } : { file, size };
  }

  private covered(r: WriteRecord): boolean {
    for (const s of r.spans) {
      const e = this.registry.get(s.source);
      if (!e || e.offset < s.end) return false;
    }
    return true;
  }

  /** Drops replay ids that the committed positions now cover (they will not be sent again). */
  private settleReplay(): void {
    for (const id of this.replayIds) {
      const dot = id.indexOf('.');
      const prefix = dot > 0 ? id.slice(0, dot) : id;
      let source = this.sourceOfPrefix.get(prefix);
      if (source === undefined) {
        source = filePositionOfId(id)?.source ?? null;
        this.sourceOfPrefix.set(prefix, source);
      }
      if (source === null) continue; // only its coming again settles it
      const e = this.registry.get(source);
      if (e && e.offset > parseInt(id.slice(dot + 1), 36)) this.replayIds.delete(id);
    }
  }
}
