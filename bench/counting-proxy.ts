/**
 * An HTTP proxy on 127.0.0.1 in front of Elasticsearch that counts what a client asks of it: requests by
 * kind (stats, refresh, search, other) and the bytes of the search answers. The fleet benchmarks put it
 * between a fleet runner and the cluster to measure a runner's cost per poll and per event.
 */
import { createServer, request, type Server } from 'node:http';

export type RequestKind = 'stats' | 'refresh' | 'search' | 'other';

export interface ProxyCounts { requests: Record<RequestKind, number>; searchBytes: number }

function kindOf(path: string): RequestKind {
  const p = path.split('?')[0];
  if (p.includes('/_stats')) return 'stats';
  if (p.endsWith('/_refresh')) return 'refresh';
  if (p.endsWith('/_search') || p.includes('/_search/')) return 'search';
  return 'other';
}

export class CountingProxy {
  private server: Server | null = null;
  port = 0;
  counts: ProxyCounts = { requests: { stats: 0, refresh: 0, search: 0, other: 0 }, searchBytes: 0 };
  /** performance.now() of every search request taken */
  readonly searchTimes: number[] = [];

  constructor(private target: string) {}

  async start(): Promise<string> {
    const t = new URL(this.target);
    this.server = createServer((req, res) => {
      const kind = kindOf(req.url ?? '/');
      this.counts.requests[kind]++;
      if (kind === 'search') this.searchTimes.push(performance.now());
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.on('data', (c: Buffer) => { if (kind === 'search') this.counts.searchBytes += c.length; });
        r.pipe(res);
      });
      up.on('error', () => { res.destroy(); });
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** A copy of the counts now (to subtract from a later one). */
  snapshot(): ProxyCounts {
    return { requests: { ...this.counts.requests }, searchBytes: this.counts.searchBytes };
  }

  stop(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}
