import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/**
 * Stand-ins for PagerDuty, Opsgenie, DingTalk, WeCom and Feishu on one real HTTP server on 127.0.0.1.
 * Each checks a request as its service documents it (paths, headers, body shape, signature, computed
 * here independently of Vigil's code) and answers as the service does: a request that breaks the
 * documented shape gets the service's refusal and its problems are kept in `problems`, so a test can
 * assert there were none. PagerDuty's and Opsgenie's stand-ins keep their open alerts by dedup key /
 * alias, as the services do, so a test sees a resolve close what its trigger opened.
 *
 * `override` answers a request in place of the stand-in (a rate limit, a refusal, a bare 200).
 */
export interface ReceivedRequest { service: string; method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; raw: string; body: Record<string, unknown>; problems: string[] }
export interface Answer { status: number; body: string; headers?: Record<string, string> }

export const ROUTING_KEY = 'pd0routing0key0for0tests00000001';
export const GENIE_KEY = 'genie-key-for-tests-0001';
export const DING_TOKEN = 'ding-access-token-for-tests-01';
export const DING_SECRET = 'SECding-secret-for-tests-01';
export const WECOM_KEY = 'wecom-key-for-tests-0001';
export const FEISHU_TOKEN = 'feishu-hook-token-for-tests-01';
export const FEISHU_SECRET = 'feishu-secret-for-tests-01';

export class ApiReceivers {
  readonly requests: ReceivedRequest[] = [];
  /** PagerDuty alerts open by dedup_key, Opsgenie alerts open by alias */
  readonly pagerdutyOpen = new Set<string>();
  readonly opsgenieOpen = new Set<string>();
  override: (r: ReceivedRequest, n: number) => Answer | undefined = () => undefined;
  private server: Server | null = null;

  start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        const problems: string[] = [];
        try { body = JSON.parse(raw) as Record<string, unknown>; } catch { problems.push('body is not JSON'); }
        const r: ReceivedRequest = { service: serviceOf(u.pathname), method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, raw, body, problems };
        this.requests.push(r);
        if (req.method !== 'POST') problems.push(`method ${req.method}`);
        if (!/^application\/json/.test(String(req.headers['content-type']))) problems.push('content-type is not application/json');
        const a = this.override(r, this.requests.length) ?? this.answer(r);
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body);
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
    });
  }

  of(service: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.service === service);
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  private answer(r: ReceivedRequest): Answer {
    switch (r.service) {
      case 'pagerduty': return this.pagerduty(r);
      case 'opsgenie': return this.opsgenie(r);
      case 'dingtalk': return dingtalk(r);
      case 'wecom': return wecom(r);
      case 'feishu': return feishu(r);
      default: return { status: 404, body: '{}' };
    }
  }

  /** Events API v2: routing_key, event_action, dedup_key; a trigger's payload needs summary (≤1024), source, severity. */
  private pagerduty(r: ReceivedRequest): Answer {
    const b = r.body;
    const p = b.payload as Record<string, unknown> | undefined;
    if (b.routing_key !== ROUTING_KEY) return json(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    if (!['trigger', 'acknowledge', 'resolve'].includes(String(b.event_action))) r.problems.push('event_action');
    if (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255) r.problems.push('dedup_key');
    if (b.event_action === 'trigger') {
      if (!p || typeof p.summary !== 'string' || p.summary.length > 1024 || typeof p.source !== 'string' || !['critical', 'error', 'warning', 'info'].includes(String(p.severity))) r.problems.push('payload');
      if (p && p.timestamp !== undefined && Number.isNaN(Date.parse(String(p.timestamp)))) r.problems.push('payload.timestamp');
    }
    if (r.problems.length) return json(400, { status: 'invalid event', message: 'Event object is invalid', errors: r.problems });
    if (b.event_action === 'trigger') this.pagerdutyOpen.add(String(b.dedup_key));
    if (b.event_action === 'resolve') this.pagerdutyOpen.delete(String(b.dedup_key));
    return json(202, { status: 'success', message: 'Event processed', dedup_key: b.dedup_key });
  }

  /** Alert API: GenieKey; create needs message (≤130), alias ≤512; close by alias with identifierType=alias. */
  private opsgenie(r: ReceivedRequest): Answer {
    if (r.headers.authorization !== `GenieKey ${GENIE_KEY}`) return json(401, { message: 'Could not authenticate', took: 0, requestId: 'r' });
    const b = r.body;
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(r.path);
    if (r.path === '/v2/alerts') {
      if (typeof b.message !== 'string' || b.message.length === 0 || b.message.length > 130) r.problems.push('message');
      if (typeof b.alias !== 'string' || b.alias.length > 512) r.problems.push('alias');
      if (typeof b.description === 'string' && b.description.length > 15_000) r.problems.push('description');
      if (!['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(b.priority))) r.problems.push('priority');
      if (b.details !== undefined && Object.values(b.details as object).some((v) => typeof v !== 'string')) r.problems.push('details');
      if (!Array.isArray(b.tags) || b.tags.length > 20) r.problems.push('tags');
      if (!r.problems.length) this.opsgenieOpen.add(String(b.alias));
    } else if (close) {
      if (r.query.get('identifierType') !== 'alias') r.problems.push('identifierType');
      if (!r.problems.length) this.opsgenieOpen.delete(decodeURIComponent(close[1]));
    } else {
      r.problems.push(`path ${r.path}`);
    }
    if (r.problems.length) return json(422, { message: `Request body is not processable: ${r.problems.join(', ')}`, took: 0, requestId: 'r' });
    return json(202, { result: 'Request will be processed', took: 0.01, requestId: `req-${Date.now()}` });
  }
}

function serviceOf(path: string): string {
  if (path === '/v2/enqueue') return 'pagerduty';
  if (path.startsWith('/v2/alerts')) return 'opsgenie';
  if (path === '/robot/send') return 'dingtalk';
  if (path === '/cgi-bin/webhook/send') return 'wecom';
  if (path.startsWith('/open-apis/bot/v2/hook/')) return 'feishu';
  return 'unknown';
}

function json(status: number, body: unknown): Answer {
  return { status, body: JSON.stringify(body) };
}

/** Custom robot: access_token; when signed, timestamp (ms, within an hour) and sign; msgtype markdown with title and text. */
function dingtalk(r: ReceivedRequest): Answer {
  if (r.query.get('access_token') !== DING_TOKEN) return json(200, { errcode: 300005, errmsg: 'token is not exist' });
  const ts = r.query.get('timestamp');
  if (ts !== null) {
    const expected = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64');
    if (r.query.get('sign') !== expected || Math.abs(Date.now() - Number(ts)) > 3_600_000) return json(200, { errcode: 310000, errmsg: 'sign not match' });
  }
  const md = r.body.markdown as Record<string, unknown> | undefined;
  if (r.body.msgtype !== 'markdown' || typeof md?.title !== 'string' || typeof md?.text !== 'string') return json(200, { errcode: 40035, errmsg: '缺少参数 json' });
  return json(200, { errcode: 0, errmsg: 'ok' });
}

/** Group robot: key; msgtype markdown, content at most 4096 bytes. */
function wecom(r: ReceivedRequest): Answer {
  if (r.query.get('key') !== WECOM_KEY) return json(200, { errcode: 93000, errmsg: 'invalid webhook url' });
  const md = r.body.markdown as Record<string, unknown> | undefined;
  if (r.body.msgtype !== 'markdown' || typeof md?.content !== 'string') return json(200, { errcode: 40008, errmsg: 'invalid message type' });
  if (Buffer.byteLength(md.content, 'utf8') > 4096) return json(200, { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' });
  return json(200, { errcode: 0, errmsg: 'ok' });
}

/** Custom bot: when signed, timestamp (s, within an hour) and sign in the body; msg_type interactive with a card. */
function feishu(r: ReceivedRequest): Answer {
  if (!r.path.endsWith(`/${FEISHU_TOKEN}`)) return json(200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} });
  if (r.body.timestamp !== undefined) {
    const ts = String(r.body.timestamp);
    const expected = createHmac('sha256', `${ts}\n${FEISHU_SECRET}`).update('').digest('base64');
    if (r.body.sign !== expected || Math.abs(Date.now() / 1000 - Number(ts)) > 3600) {
      return json(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} });
    }
  }
  const card = r.body.card as Record<string, unknown> | undefined;
  if (r.body.msg_type !== 'interactive' || !card || !Array.isArray(card.elements)) return json(200, { code: 9499, msg: 'Bad Request', data: {} });
  if (Buffer.byteLength(r.raw, 'utf8') > 20 * 1024) return json(200, { code: 9499, msg: 'Bad Request', data: {} });
  return json(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });
}
