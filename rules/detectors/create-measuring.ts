import type { Detector, DetectorConfig } from './types';
import { CardinalityDetector } from './cardinality';
import { MetricDetector } from './metric';
import { RatioDetector } from './ratio';

/** create.ts for cardinality, metric and ratio: their own checks, then the detector */
export function createMeasuringDetector(cfg: DetectorConfig, need: (ok: boolean, what: string) => void): Detector {
  const m = cfg.measure ?? {};
  need(m.exactLimit === undefined || m.exactLimit >= 1, 'exact limit must be >= 1');
  switch (cfg.type) {
    case 'cardinality':
      need(m.max !== undefined || m.min !== undefined, 'needs max or min');
      return new CardinalityDetector(cfg);
    case 'metric':
      need(m.agg !== undefined, 'needs agg');
      need(m.above !== undefined || m.below !== undefined, 'needs above or below');
      return new MetricDetector(cfg);
    default:
      need(cfg.threshold > 0, 'threshold must be > 0');
      return new RatioDetector(cfg);
  }
}
