/**
 * The last phase: `vigil.original` into the event, then `tags`: the line's own tags (an array, a
 * string or null) followed by Vigil's tags for the line's flags. A `tags` object, or one made by a
 * dotted key like "tags.x", goes to `vigil.original`.
 */
import { isPlainObject, own, setOwn, type Obj } from './json-objects';
import { lineState, markConflict, tagsForFlags } from './line-state';
import { addOriginal, conflictAt } from './vigil-original';
import { RootKeys, picked } from './root-keys';

const P_TAGS = ['tags'];

export function shapeTags(doc: Obj, keys: RootKeys): void {
  let tags = keys & RootKeys.Tags ? picked.tags : undefined;
  if (isPlainObject(tags)) {
    conflictAt(P_TAGS, tags);
    tags = undefined;
  }
  if (picked.touched) {
    const t = doc.tags; // only from a key like "tags.x"
    if (t !== undefined && t !== null) conflictAt(P_TAGS, t); // (overwritten below: the flag is set)
  }
  if (lineState.orig !== null) placeOriginals(doc, lineState.orig);
  const flags = lineState.flags;
  if (tags !== undefined) {
    if (Array.isArray(tags)) {
      if (flags !== 0) {
        const vt = tagsForFlags(flags);
        for (let i = 0; i < vt.length; i++) if (tags.indexOf(vt[i]) === -1) tags.push(vt[i]);
      }
      doc.tags = tags;
    } else if (tags === null) {
      doc.tags = flags !== 0 ? tagsForFlags(flags) : null;
    } else {
      const t = tagsForFlags(flags);
      t.unshift(tags as string);
      doc.tags = t;
    }
  } else if (flags !== 0) {
    doc.tags = tagsForFlags(flags);
  }
}

/** The line's gathered `vigil.original` into `doc.vigil.original`, merged with one the line has (keep-first). */
function placeOriginals(doc: Obj, orig: Obj): void {
  const vg = doc.vigil;
  if (!isPlainObject(vg)) {
    if (vg !== undefined && vg !== null) {
      addOriginal(['vigil'], vg);
      markConflict();
    }
    doc.vigil = { original: orig };
  } else {
    const o = vg.original;
    if (isPlainObject(o)) {
      for (const k in orig) if (own(o, k) === undefined) setOwn(o, k, orig[k]);
    } else {
      if (o !== undefined && o !== null) {
        addOriginal(['vigil', 'original'], o);
        markConflict();
      }
      vg.original = orig;
    }
  }
}
