import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

export interface WebhookRequest { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer; answered: number | null; at: number }
export type WebhookAnswer = number | 'hang' | { status: number; headers: Record<string, string>; body?: string };

/**
 * A real HTTP server on 127.0.0.1 recording every request. `answer` decides each response: a status
 * code (with headers and a body: "ok" for 2xx by default), or 'hang' for a server that takes the
 * request and never answers.
 */
export class WebhookTestServer {
  readonly requests: WebhookRequest[] = [];
  answer: (req: WebhookRequest, n: number) => WebhookAnswer = () => 200;
  private server: Server | null = null;
  private hanging: ServerResponse[] = [];

  start(port = 0): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: WebhookRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), answered: null, at: Date.now() };
        this.requests.push(r);
        const a = this.answer(r, this.requests.length);
        if (a === 'hang') { this.hanging.push(res); return; }
        const { status, headers, body } = typeof a === 'number' ? { status: a, headers: {}, body: undefined } : a;
        r.answered = status;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body ?? (status < 300 ? 'ok' : `status ${status}`));
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  }

  /** Requests that were answered 2xx. */
  accepted(): WebhookRequest[] {
    return this.requests.filter((r) => r.answered !== null && r.answered < 300);
  }

  stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging = [];
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
