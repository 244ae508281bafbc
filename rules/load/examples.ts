/** A rule's `examples` (run by `vigil test-rules`), with their defaults and positions. */
import { displayPath, type YamlPath } from '../../src/core/config-kit';
import { parseDuration } from '../../src/core/units';
import { EXAMPLE_DEFAULTS } from '../defaults';
import type { RuleExample } from '../types';
import { asObj, posOf } from './raw-values';
import type { RuleInput } from './rule-input';

export function buildExamples(input: RuleInput): RuleExample[] {
  const { own, src } = input;
  return (Array.isArray(own.examples) ? own.examples : []).map((ex, j) => {
    const e = asObj(ex);
    const p: YamlPath = [...input.path, 'examples', j];
    let every: number = EXAMPLE_DEFAULTS.every_ms;
    if (e.every !== undefined) {
      try {
        every = parseDuration(e.every as string | number);
      } catch (err) {
        input.fail([...p, 'every'], `${displayPath([...p, 'every'])}: ${(err as Error).message}`);
      }
    }
    const { line, col } = posOf(src, src.nodeAt(p));
    return {
      events: (Array.isArray(e.events) ? e.events : []).filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)),
      repeat: typeof e.repeat === 'number' ? e.repeat : EXAMPLE_DEFAULTS.repeat,
      every_ms: every,
      expect: typeof e.expect === 'number' ? e.expect : EXAMPLE_DEFAULTS.expect,
      line,
      col,
    };
  });
}
