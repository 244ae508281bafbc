import { Client } from '@elastic/elasticsearch';
import { es, testEsUrl } from './es';

/** A client on the test Elasticsearch, set up as the sink's (no retries of its own). */
export function testEsClient(): Client {
  return new Client({ node: testEsUrl(), maxRetries: 0, requestTimeout: 5000 });
}

/** A lease index name of its own for one test (created by the first manager). */
export function uniqueLeaseIndex(name: string): string {
  return `vigil-fleet-test-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

export async function dropIndex(index: string): Promise<void> {
  await es('DELETE', `/${index}`).catch(() => undefined);
}

export function ruleIds(n: number, prefix = 'rule'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

/**
 * Samples the members' owned sets every `everyMs` while running; `overlaps` lists every sample where a
 * rule was in two sets at once.
 */
export class OwnershipSampler {
  readonly overlaps: string[] = [];
  samples = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly owners: () => Array<{ name: string; owned: () => Set<string> }>, private readonly everyMs = 20) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples += 1;
    const seen = new Map<string, string>();
    for (const o of this.owners()) {
      for (const r of o.owned()) {
        const other = seen.get(r);
        if (other !== undefined) this.overlaps.push(`${r} owned by ${other} and ${o.name} at sample ${this.samples}`);
        seen.set(r, o.name);
      }
    }
  }
}
