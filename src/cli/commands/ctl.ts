/**
 * `vigil ctl <action>`: talks to a running daemon's control API (SPEC sections 1 and 6).
 * Exit codes: 0 success, 1 the API (or the command line) reported an error, 2 the daemon cannot be reached.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { SilenceRecord } from '../../control/control-target';
import { readToken } from '../../control/token';
import { CtlConfigError, resolveCtlTarget } from './ctl-target';
import { formatAlerts, type AlertsStatus } from './ctl-alerts';

export type CtlAction = 'status' | 'reload' | 'silence' | 'unsilence' | 'pause' | 'resume' | 'health' | 'silences' | 'alerts';

export interface CtlArgs {
  action: CtlAction;
  rule?: string;
  group?: string; // "field=value,field2=value2"
  for?: string;
  id?: string;
  url?: string;
  tokenFile?: string;
  /** vigil.yaml whose `control` section says where the daemon listens and its token file */
  config?: string;
  cwd: string;
}

export interface CtlResult { code: number; output: string }

export const DEFAULT_CTL_URL = 'http://127.0.0.1:9680';
const REQUEST_TIMEOUT_MS = 30_000;

interface ApiResponse { status: number; body: unknown }

/** A failure that ends the command with `code` and `message`. */
class CtlError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export async function runCtl(args: CtlArgs): Promise<CtlResult> {
  try {
    const api = new Api(args);
    return { code: 0, output: await ACTIONS[args.action](api, args) };
  } catch (err) {
    if (err instanceof CtlError) return { code: err.code, output: err.message };
    if (err instanceof CtlConfigError) return { code: 1, output: err.message };
    return { code: 1, output: `vigil ctl: ${(err as Error).message}` };
  }
}

const ACTIONS: Record<CtlAction, (api: Api, args: CtlArgs) => Promise<string>> = {
  async health(api) {
    const r = await api.call('GET', '/health', undefined, false);
    const b = r.body as { status?: string; components?: Array<{ name: string; ok: boolean; detail?: string }> };
    if (r.status !== 200 && r.status !== 503) throw apiError(r);
    // /health names the components only; with the token, /status adds what is wrong with them
    const details = new Map<string, string>();
    try {
      const st = await api.call('GET', '/status');
      const comps = (st.body as { components?: Array<{ name: string; detail?: string }> } | undefined)?.components;
      if (st.status === 200) for (const c of comps ?? []) if (c.detail) details.set(c.name, c.detail);
    } catch { /* no token here: names only */ }
    const lines = [`vigil: ${b.status ?? 'unknown'}`];
    for (const c of b.components ?? []) {
      const detail = c.detail ?? details.get(c.name);
      lines.push(`  ${c.ok ? 'ok     ' : 'FAILING'} ${c.name}${detail ? ` — ${detail}` : ''}`);
    }
    if (r.status === 503) throw new CtlError(1, lines.join('\n'));
    return lines.join('\n');
  },
  async status(api) {
    return JSON.stringify(ok(await api.call('GET', '/status')), null, 2);
  },
  async alerts(api) {
    const st = ok(await api.call('GET', '/status')) as { alerts?: AlertsStatus };
    if (!st.alerts) throw new CtlError(1, 'vigil ctl: this daemon\'s /status has no "alerts" (an older vigil?)');
    return formatAlerts(st.alerts);
  },
  async reload(api) {
    const r = await api.call('POST', '/reload');
    if (r.status === 422) {
      const problems = (r.body as { problems?: string[] }).problems ?? [];
      throw new CtlError(1, ['reload rejected; the running rules are unchanged:', ...problems].join('\n'));
    }
    ok(r);
    return 'rules reloaded';
  },
  async silence(api, args) {
    const rule = required(args.rule, 'silence needs a RULE: vigil ctl silence RULE --for 2h [--group field=value,...]');
    const forText = required(args.for, `silence needs --for <duration>, e.g. vigil ctl silence ${rule} --for 2h`);
    const body: Record<string, unknown> = { rule, for: forText };
    if (args.group !== undefined) body.group = parseGroup(args.group);
    const rec = ok(await api.call('POST', '/silences', body)) as SilenceRecord;
    return `silenced ${describe(rec)} (id ${rec.id})`;
  },
  async unsilence(api, args) {
    if (args.id) {
      ok(await api.call('DELETE', `/silences/${encodeURIComponent(args.id)}`));
      return `removed silence ${args.id}`;
    }
    const rule = required(args.rule, 'unsilence needs a RULE (or --id <silence id>): vigil ctl unsilence RULE');
    const list = (ok(await api.call('GET', '/silences')) as { silences: SilenceRecord[] }).silences;
    const mine = list.filter((s) => s.rule === rule);
    if (mine.length === 0) return `no active silence for rule ${rule}`;
    for (const s of mine) {
      const r = await api.call('DELETE', `/silences/${encodeURIComponent(s.id)}`);
      if (r.status !== 404) ok(r); // 404: it expired in the meantime
    }
    return `removed ${mine.length} silence${mine.length === 1 ? '' : 's'} of rule ${rule}`;
  },
  async silences(api) {
    const list = (ok(await api.call('GET', '/silences')) as { silences: SilenceRecord[] }).silences;
    if (list.length === 0) return 'no active silences';
    return list.map((s) => `${s.id}  ${describe(s)}${s.comment ? `  # ${s.comment}` : ''}`).join('\n');
  },
  async pause(api) {
    ok(await api.call('POST', '/pause'));
    return 'paused: inputs are not read (sinks keep draining); resume with `vigil ctl resume`';
  },
  async resume(api) {
    ok(await api.call('POST', '/resume'));
    return 'resumed: reading inputs';
  },
};

function describe(s: SilenceRecord): string {
  const group = s.group && Object.keys(s.group).length > 0
    ? ` {${Object.entries(s.group).map(([k, v]) => `${k}=${v}`).join(', ')}}`
    : '';
  return `${s.rule}${group} until ${s.until}`;
}

function required(value: string | undefined, usage: string): string {
  if (value === undefined || value.trim() === '') throw new CtlError(1, `vigil ctl: ${usage}`);
  return value.trim();
}

/** "field=value,field2=value2" → { field: "value", field2: "value2" }. */
export function parseGroup(text: string): Record<string, string> {
  const group: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') throw new CtlError(1, `vigil ctl: --group ${JSON.stringify(text)}: expected field=value[,field2=value2]`);
    group[key] = part.slice(eq + 1).trim();
  }
  return group;
}

function ok(r: ApiResponse): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  throw apiError(r);
}

function apiError(r: ApiResponse): CtlError {
  const b = r.body as { error?: string; problems?: string[] } | undefined;
  const msg = b?.error ?? (b?.problems ? b.problems.join('\n') : typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  const reason = http.STATUS_CODES[r.status];
  return new CtlError(1, `vigil ctl: ${r.status}${reason ? ` ${reason}` : ''}: ${msg}`);
}

class Api {
  private readonly base: URL;
  private readonly tokenFile: string;
  private readonly ca?: string;
  /** where the URL came from (messages) */
  private readonly from: string;
  private token?: string;

  constructor(args: CtlArgs) {
    const target = resolveCtlTarget(args);
    const url = target.url;
    this.from = target.from;
    this.ca = target.ca;
    try {
      this.base = new URL(url);
    } catch {
      throw new CtlError(1, `vigil ctl: invalid URL ${JSON.stringify(url)} (expected e.g. ${DEFAULT_CTL_URL})`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new CtlError(1, `vigil ctl: invalid URL ${JSON.stringify(url)}: must start with http:// or https://`);
    }
    this.tokenFile = target.tokenFile;
  }

  /** The token; when it cannot be read, a daemon that is not running is reported first (exit 2). */
  private async bearer(): Promise<string> {
    if (this.token === undefined) {
      try {
        this.token = readToken(this.tokenFile);
      } catch (err) {
        await this.call('GET', '/health', undefined, false); // throws the exit-2 error when unreachable
        throw new CtlError(1, `vigil ctl: ${(err as Error).message}; pass --config with the daemon's vigil.yaml or --token-file (or set VIGIL_CTL_TOKEN_FILE), or run from the daemon's folder`);
      }
    }
    return this.token;
  }

  async call(method: string, route: string, body?: unknown, auth = true): Promise<ApiResponse> {
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + route, this.base);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (auth) headers.Authorization = `Bearer ${await this.bearer()}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const where = this.from === '--url' ? this.base.origin : `${this.base.origin} (from ${this.from})`;
    const hint = this.from === '--url' || this.from.includes('control.listen') ? '' : '; a daemon started with a vigil.yaml is found with --config vigil.yaml';
    return new Promise((resolve, reject) => {
      const options: https.RequestOptions = { method, headers, timeout: REQUEST_TIMEOUT_MS };
      const extraCa = url.protocol === 'https:' ? [extraCaCerts(), this.ca ? readCa(this.ca) : undefined].filter((c): c is Buffer => c !== undefined) : [];
      if (extraCa.length) options.ca = [...rootCertificates, ...extraCa];
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(unreachable(err, where, hint)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = text.trim() === '' ? undefined : JSON.parse(text); } catch { /* keep the text */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(unreachable(err, where, hint)));
      req.end(payload);
    });
  }
}

/**
 * NODE_EXTRA_CA_CERTS is honoured by Node at process start; it is read here too so that a value
 * set later (or a CA file that Node could not load at start) still applies.
 */
function extraCaCerts(): Buffer | undefined {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try { return fs.readFileSync(file); } catch { return undefined; }
}

/** The daemon's own certificate (control.tls.cert of its vigil.yaml), when readable. */
function readCa(file: string): Buffer | undefined {
  try { return fs.readFileSync(file); } catch { return undefined; }
}

function unreachable(err: NodeJS.ErrnoException, where: string, hint = ''): CtlError {
  const code = err.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new CtlError(2, `cannot reach vigil at ${where}: its TLS certificate is not trusted (${code}); set NODE_EXTRA_CA_CERTS to the daemon's certificate, or pass --config with its vigil.yaml`);
  }
  const why =
    code === 'ECONNREFUSED' ? 'connection refused' :
    code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found' :
    code === 'ETIMEDOUT' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000}s` :
    code === 'ECONNRESET' ? 'connection reset' :
    err.message;
  return new CtlError(2, `cannot reach vigil at ${where}: ${why} — is \`vigil run\` running?${code === 'ECONNREFUSED' ? hint : ''}`);
}
