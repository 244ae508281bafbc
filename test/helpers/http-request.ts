import * as http from 'node:http';
import * as https from 'node:https';

/** A response read whole: status, headers, body text, and the body parsed as JSON when it is JSON. */
export interface Res { status: number; headers: http.IncomingHttpHeaders; text: string; json: any }

/**
 * One HTTP(S) request without keep-alive (a test's server can stop at once): `token` as a bearer token,
 * `body` sent as JSON unless a Content-Type is given, or in 8 KiB chunks without a length when `chunked`.
 */
export function request(url: string, method: string, opts: { token?: string; body?: string | Buffer; headers?: Record<string, string>; ca?: Buffer; chunked?: boolean } = {}): Promise<Res> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined && !opts.chunked) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  if (opts.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method, headers, ca: opts.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (opts.chunked && opts.body !== undefined) {
      const buf = Buffer.from(opts.body);
      for (let i = 0; i < buf.length; i += 8192) req.write(buf.subarray(i, i + 8192));
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}
