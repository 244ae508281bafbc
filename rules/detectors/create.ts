import type { Detector, DetectorConfig } from './types';
import { PatternDetector } from './pattern';
import { ThresholdDetector } from './threshold';
import { SpikeDetector } from './spike';
import { FlatlineDetector } from './flatline';
import { createMeasuringDetector } from './create-measuring';

/**
 * The detector of a rule. The rules loader has already validated the rule; the checks here only keep a
 * bad config (from a caller that skipped the loader) from giving a detector that divides by zero or
 * never decides anything.
 */
export function createDetector(cfg: DetectorConfig): Detector {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${cfg.type} detector: ${what}`);
  };
  need(Number.isFinite(cfg.windowMs) && cfg.windowMs >= (cfg.type === 'pattern' ? 0 : 1), 'window must be a positive number of ms');
  need(Number.isFinite(cfg.allowedLatenessMs) && cfg.allowedLatenessMs >= 0, 'allowed lateness must be >= 0');
  need(cfg.maxGroups >= 1, 'maxGroups must be >= 1');
  need(cfg.groupTtlMs > 0, 'groupTtlMs must be > 0');
  switch (cfg.type) {
    case 'pattern':
      return new PatternDetector(cfg);
    case 'threshold':
      need(cfg.threshold >= 1, 'threshold must be >= 1');
      return new ThresholdDetector(cfg);
    case 'spike':
      need(cfg.baselineMs >= cfg.windowMs, 'baseline must be at least as long as the window');
      need(cfg.ratio > 0, 'ratio must be > 0');
      return new SpikeDetector(cfg);
    case 'flatline':
      need(cfg.threshold >= 1, 'threshold must be >= 1');
      return new FlatlineDetector(cfg);
    case 'cardinality':
    case 'metric':
    case 'ratio':
      return createMeasuringDetector(cfg, need);
    default:
      throw new Error(`unknown detector type ${String((cfg as { type: unknown }).type)}`);
  }
}
