import { filePositionOfId } from '../../src/core/event';
import type { CheckpointRegistry } from '../../src/core/checkpoints/registry';

/**
 * The checkpoint key and offset that a stored event's id stands for (file lines only: the ids of
 * `fileEventId`), decoded once per id prefix. Tells whether the committed positions already cover
 * an id, i.e. whether a restarted collector can still send it again.
 */
export class IdPositions {
  private sourceOfPrefix = new Map<string, string | null>();

  /** The checkpoint key of a file line's id; null for any other id (Windows events, ...). */
  sourceOf(id: string): string | null {
    const dot = id.indexOf('.');
    if (dot !== 22) return null;
    const prefix = id.slice(0, dot);
    let source = this.sourceOfPrefix.get(prefix);
    if (source === undefined) {
      source = filePositionOfId(id)?.source ?? null;
      this.sourceOfPrefix.set(prefix, source);
    }
    return source;
  }

  /** The line offset of an id that `sourceOf` knows (parseInt stops at the dot before the host's tag). */
  offsetOf(id: string): number {
    return parseInt(id.slice(id.indexOf('.') + 1), 36);
  }

  /** True when the registry's position of the id's source is past its line: it will not be sent again. */
  covered(id: string, registry: CheckpointRegistry): boolean {
    const source = this.sourceOf(id);
    if (source === null) return false;
    const e = registry.get(source);
    return e !== undefined && e.offset > this.offsetOf(id);
  }
}
