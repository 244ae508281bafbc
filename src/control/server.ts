/**
 * The local control API (SPEC section 6): a small JSON-over-HTTP(S) server in front of a
 * {@link ControlTarget}. `/health` and `/metrics` are open; every other route needs
 * `Authorization: Bearer <token>` with the token from the token file (see ./token.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { parseDuration } from '../core/units';
import type { Logger } from '../core/log';
import type { ControlTarget } from './control-target';
import { loadOrCreateToken, tokensEqual } from './token';
import { isLoopbackHost } from './loopback-host';

/** Largest request body accepted (larger → 413). */
export const MAX_BODY_BYTES = 64 * 1024;
/** After a 413, at most this much more of the body is read (so the client sees the reply) before the socket is cut. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

export interface ControlServerOptions {
  listen: string; // "host:port"; port 0 = any free port
  tokenFile: string;
  tls?: { cert: string; key: string }; // PEM file paths
  /** a non-loopback listen address without TLS is refused unless this is true */
  allowInsecure?: boolean;
  /** Host header names accepted besides loopback names, IP addresses, the listen host and this machine's name */
  allowedHosts?: string[];
  target: ControlTarget;
  log: Logger;
}

interface Reply { status: number; body?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }
interface Ctx { params: string[]; json(): unknown }
type Handler = (ctx: Ctx) => Reply | Promise<Reply>;
interface Route { path: RegExp; auth: boolean; methods: Record<string, Handler> }

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export class ControlServer {
  private server?: http.Server | https.Server;
  private token = '';
  private address = '';
  private readonly routes: Route[];
  private readonly hostNames: Set<string>;

  constructor(private readonly opts: ControlServerOptions) {
    this.routes = buildRoutes(opts.target);
    const machine = hostname().toLowerCase();
    this.hostNames = new Set(['localhost', machine, machine.split('.')[0], ...(opts.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  }

  /** The base URL (e.g. `http://127.0.0.1:9680`) once started, '' before. */
  get url(): string {
    return this.address;
  }

  async start(): Promise<{ url: string }> {
    if (this.server) throw new Error('the control API is already started');
    const { host, port } = parseListen(this.opts.listen);
    if (!this.opts.tls && !this.opts.allowInsecure && !isLoopbackHost(host)) {
      throw new Error(`refusing to serve the control API on ${this.opts.listen} without TLS: the bearer token would travel in clear text (set control.tls, listen on 127.0.0.1, or set control.allow_insecure: true)`);
    }
    this.hostNames.add(host.toLowerCase());
    this.token = loadOrCreateToken(this.opts.tokenFile, this.opts.log);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => { void this.handle(req, res); };
    const tls = this.opts.tls;
    const server = tls
      ? https.createServer({ cert: readPem(tls.cert, 'certificate'), key: readPem(tls.key, 'key') }, handler)
      : http.createServer(handler);
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.removeListener('listening', onListening);
        reject(listenError(err, this.opts.listen));
      };
      const onListening = (): void => {
        server.removeListener('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
    server.on('error', (err) => this.opts.log.error({ err }, 'control API server error'));
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    this.address = `${tls ? 'https' : 'http'}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${bound}`;
    this.opts.log.info({ url: this.address, tls: Boolean(tls), token_file: this.opts.tokenFile }, 'control API listening');
    if (!tls && !isLoopbackHost(host)) {
      this.opts.log.warn({ listen: this.opts.listen }, 'control API listens on a non-loopback address without TLS: the bearer token travels in clear text');
    }
    return { url: this.address };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      force.unref();
      server.close(() => { clearTimeout(force); resolve(); });
      server.closeIdleConnections();
    });
    this.opts.log.info({ url: this.address }, 'control API stopped');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const t0 = Date.now();
    const method = req.method ?? 'GET';
    let pathname = '/';
    let route: Route | undefined;
    let reply: Reply;
    try {
      this.checkHost(req.headers.host);
      pathname = new URL(req.url ?? '/', 'http://x').pathname;
      route = this.routes.find((r) => r.path.test(pathname));
      if (!route) throw new HttpError(404, `no such endpoint: ${method} ${pathname}`);
      const handler = Object.hasOwn(route.methods, method) ? route.methods[method] : method === 'HEAD' ? route.methods.GET : undefined;
      if (!handler) {
        const allow = allowed(route).join(', ');
        throw new HttpError(405, `method ${method} not allowed on ${pathname} (allowed: ${allow})`, { Allow: allow });
      }
      if (route.auth) this.authorize(req);
      const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      const params = (route.path.exec(pathname) as RegExpExecArray).slice(1);
      reply = await handler({ params, json: () => parseJson(raw, req.headers['content-type']) });
    } catch (err) {
      if (err instanceof HttpError) {
        reply = { status: err.status, body: { error: err.message }, headers: err.headers };
      } else {
        this.opts.log.error({ err, method, path: pathname }, 'control API request failed');
        const short = String((err as Error)?.message ?? err).split('\n')[0].slice(0, 200);
        reply = { status: 500, body: { error: route?.auth ? `internal error: ${short}` : 'internal error (see the vigil log)' } };
      }
    }
    this.send(req, res, reply);
    this.opts.log.debug({ method, path: pathname, status: reply.status, ms: Date.now() - t0 }, 'control API request');
  }

  /**
   * DNS rebinding: a web page whose name the attacker points at 127.0.0.1 may reach the API from a
   * browser, but its requests carry the attacker's name in Host. Accepted: IP addresses, loopback
   * names, the listen host, this machine's name and control.allowed_hosts.
   */
  private checkHost(header: string | undefined): void {
    if (header === undefined) return; // HTTP/1.0 without Host: not a browser
    const name = header.trim().toLowerCase().replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    if (isIP(name) || this.hostNames.has(name)) return;
    throw new HttpError(403, `Host ${JSON.stringify(header.slice(0, 100))} is not a name of this control API (protection against DNS rebinding); add it to control.allowed_hosts in vigil.yaml to use it`);
  }

  private authorize(req: http.IncomingMessage): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) {
      throw new HttpError(401, 'missing bearer token: send "Authorization: Bearer <token>" with the token from the control token file',
        { 'WWW-Authenticate': 'Bearer realm="vigil"' });
    }
    if (!tokensEqual(m[1], this.token)) {
      throw new HttpError(401, 'invalid bearer token', { 'WWW-Authenticate': 'Bearer realm="vigil", error="invalid_token"' });
    }
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    if (res.headersSent) { res.destroy(); return; }
    res.statusCode = reply.status;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    if (!req.complete) {
      // the body was not (fully) read (413): close afterwards, reading a bounded rest so the client gets the reply
      res.setHeader('Connection', 'close');
      let drained = 0;
      req.on('data', (c: Buffer) => { drained += c.length; if (drained > DRAIN_LIMIT_BYTES) req.destroy(); });
      req.on('error', () => { /* client went away */ });
      req.resume();
    }
    if (reply.status === 204) { res.end(); return; }
    if (reply.text !== undefined) {
      res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
      res.end(reply.text);
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(`${JSON.stringify(reply.body ?? {})}\n`);
  }
}

function buildRoutes(t: ControlTarget): Route[] {
  const paused = (): Reply => ({ status: 200, body: { paused: t.paused } });
  return [
    { path: /^\/health$/, auth: false, methods: { GET: () => health(t) } },
    { path: /^\/metrics$/, auth: false, methods: { GET: async () => ({ status: 200, text: await t.metricsText(), contentType: t.metricsContentType }) } },
    { path: /^\/status$/, auth: true, methods: { GET: () => ({ status: 200, body: { paused: t.paused, ...t.status() } }) } },
    {
      path: /^\/reload$/, auth: true, methods: {
        POST: async () => {
          const r = await t.reload();
          return r.ok ? { status: 200, body: { ok: true, problems: r.problems } } : { status: 422, body: { ok: false, problems: r.problems } };
        },
      },
    },
    {
      path: /^\/silences$/, auth: true, methods: {
        GET: () => ({ status: 200, body: { silences: t.listSilences() } }),
        POST: (ctx) => {
          const s = silenceRequest(ctx.json());
          let rec;
          try { rec = t.addSilence(s); } catch (err) { throw new HttpError(400, (err as Error).message); }
          return { status: 201, body: rec, headers: { Location: `/silences/${encodeURIComponent(rec.id)}` } };
        },
      },
    },
    {
      path: /^\/silences\/([^/]+)$/, auth: true, methods: {
        DELETE: (ctx) => {
          let id: string;
          try { id = decodeURIComponent(ctx.params[0]); } catch { id = ctx.params[0]; }
          if (!t.removeSilence(id)) throw new HttpError(404, `no silence with id ${JSON.stringify(id)}`);
          return { status: 204 };
        },
      },
    },
    { path: /^\/pause$/, auth: true, methods: { POST: () => { t.pause(); return paused(); } } },
    { path: /^\/resume$/, auth: true, methods: { POST: () => { t.resume(); return paused(); } } },
  ];
}

/**
 * Unauthenticated: names and states only (details may name URLs, files or errors; they are in /status),
 * and for a failing component the one reason that is a fixed word and tells an operator what to do: a full disk.
 */
function health(t: ControlTarget): Reply {
  const components = t.health().map((c) => (!c.ok && c.detail?.startsWith('disk full') ? { name: c.name, ok: c.ok, reason: 'disk full' } : { name: c.name, ok: c.ok }));
  const failing = components.filter((c) => !c.ok).map((c) => c.name);
  if (failing.length === 0) return { status: 200, body: { status: 'ok', components } };
  return { status: 503, body: { status: 'failing', failing, components } };
}

const SILENCE_KEYS = ['rule', 'group', 'for', 'comment'];

/** Validates a `POST /silences` body: `{rule, group?, for, comment?}`. */
function silenceRequest(body: unknown): { rule: string; group?: Record<string, string>; forMs: number; comment?: string } {
  const usage = 'expected a JSON object {"rule": "<rule id>", "for": "2h", "group"?: {"field": "value"}, "comment"?: "..."}';
  if (body === undefined) throw new HttpError(400, `empty request body: ${usage}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, `request body must be a JSON object: ${usage}`);
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !SILENCE_KEYS.includes(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}: ${usage}`);
  if (typeof b.rule !== 'string' || b.rule.trim() === '') throw new HttpError(400, `"rule" is required and must be a non-empty string: ${usage}`);
  if (b.for === undefined) throw new HttpError(400, `"for" is required (a duration like "30m", "2h", "1d")`);
  if (typeof b.for !== 'string' && typeof b.for !== 'number') throw new HttpError(400, `"for" must be a duration like "30m", "2h", "1d"`);
  let forMs: number;
  try { forMs = parseDuration(b.for); } catch (err) { throw new HttpError(400, `"for": ${(err as Error).message}`); }
  if (forMs <= 0) throw new HttpError(400, `"for" must be longer than 0`);
  const out: { rule: string; group?: Record<string, string>; forMs: number; comment?: string } = { rule: b.rule.trim(), forMs };
  if (b.group !== undefined) {
    if (typeof b.group !== 'object' || b.group === null || Array.isArray(b.group)) {
      throw new HttpError(400, `"group" must be an object of field → value, e.g. {"user.name": "bob"}`);
    }
    const group: Record<string, string> = {};
    for (const [k, v] of Object.entries(b.group)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new HttpError(400, `"group.${k}" must be a string, number or boolean`);
      }
      group[k] = String(v);
    }
    out.group = group;
  }
  if (b.comment !== undefined) {
    if (typeof b.comment !== 'string') throw new HttpError(400, `"comment" must be a string`);
    out.comment = b.comment;
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const tooBig = (): HttpError => new HttpError(413, `request body too large (limit ${MAX_BODY_BYTES} bytes)`);
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) { reject(tooBig()); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) { over = true; chunks.length = 0; reject(tooBig()); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

/** The body as JSON; `undefined` when empty. */
function parseJson(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, `unsupported Content-Type ${JSON.stringify(contentType)}: send application/json`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

function allowed(route: Route): string[] {
  const methods = Object.keys(route.methods);
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}

/** Splits "host:port" / "[v6]:port"; an empty host means 127.0.0.1. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`control listen address ${JSON.stringify(listen)} must be host:port (e.g. 127.0.0.1:9680)`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the control API TLS ${what} ${file}: ${(err as Error).message}`);
  }
}

function listenError(err: NodeJS.ErrnoException, listen: string): Error {
  if (err.code === 'EADDRINUSE') {
    return new Error(`cannot start the control API: address ${listen} is already in use (is another vigil running? change control.listen in vigil.yaml)`);
  }
  if (err.code === 'EACCES') return new Error(`cannot start the control API: permission denied to listen on ${listen}`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new Error(`cannot start the control API: address ${listen} is not available on this machine`);
  }
  return new Error(`cannot start the control API on ${listen}: ${err.message}`);
}
