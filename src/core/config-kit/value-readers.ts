/**
 * Reading values out of a schema-checked config section: durations, sizes, integers, strings and
 * paths with their defaults, a bad value reported at its node (`file:line:col`). What a
 * component's validation function receives ({@link ConfigContext}).
 */
import { parseByteSize, parseDuration } from '../units';
import { resolvePath } from './paths';
import { displayPath } from './schema-problems';
import type { YamlPath, YamlSource } from './yaml-source';

/** A mapping as plain data. */
export type Obj = Record<string, unknown>;

/** `v` when it is a mapping, else an empty one (the schema reported it). */
export function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** The strings of a list (other items were reported by the schema). */
export function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Reads values with defaults; a value that does not parse is reported at `path` and the default is kept. */
export class ValueReaders {
  constructor(
    private readonly src: YamlSource,
    private readonly baseDir: string,
  ) {}

  /** A duration in milliseconds (a secret value is not echoed). */
  dur(p: YamlPath, v: unknown, def: number): number {
    if (v === undefined || v === null) return def;
    try {
      return parseDuration(v as string | number);
    } catch (e) {
      const src = this.src;
      src.problemAtPath(p, `${displayPath(p)}: ${src.isSecret(src.nodeAt(p)) ? 'invalid duration' : (e as Error).message}`, { value: true });
      return def;
    }
  }

  /** A byte size. */
  size(p: YamlPath, v: unknown, def: number): number {
    if (v === undefined || v === null) return def;
    try {
      return parseByteSize(v as string | number);
    } catch (e) {
      this.src.problemAtPath(p, `${displayPath(p)}: ${(e as Error).message}`, { value: true });
      return def;
    }
  }

  /** A finite number (its range is the schema's). */
  int(v: unknown, def: number): number {
    return typeof v === 'number' && Number.isFinite(v) ? v : def;
  }

  /** A non-empty string, else undefined. */
  str(v: unknown): string | undefined {
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** A path resolved against the config file's folder, or `def` when not given. */
  file(v: unknown, def: string): string {
    return this.str(v) ? resolvePath(this.baseDir, v as string) : def;
  }
}

/** What a component's validation function gets: the source to report into, the base folder, the readers. */
export interface ConfigContext {
  src: YamlSource;
  /** the folder of the config file: relative paths are resolved against it */
  baseDir: string;
  read: ValueReaders;
  /** checks a KQL string (an input's `filter`): null when valid, else where and why; absent: not checked here */
  validateKql?: (text: string) => { offset: number; message: string } | null;
}

export function configContext(src: YamlSource, baseDir: string, validateKql?: ConfigContext['validateKql']): ConfigContext {
  return { src, baseDir, read: new ValueReaders(src, baseDir), validateKql };
}
