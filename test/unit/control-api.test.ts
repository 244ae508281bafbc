import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { SilenceRecord } from '../../src/control/control-target';
import { ControlServer, MAX_BODY_BYTES } from '../../src/control/server';
import { tokensEqual } from '../../src/control/token';
import { runCtl } from '../../src/cli/commands/ctl';
import { tempDir } from '../helpers/temp-dir';
import { FakeTarget } from '../helpers/fake-control-target';
import { request } from '../helpers/http-request';

/** A pino logger whose lines are kept in `lines`. */
function memoryLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  return { log: pino({ level: 'debug' }, dest), lines };
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('control API (ControlServer)', () => {
  let dir: ReturnType<typeof tempDir>;
  let target: FakeTarget;
  let server: ControlServer;
  let url: string;
  let token: string;
  let logLines: string[];
  let tokenFile: string;

  beforeEach(async () => {
    dir = tempDir('control');
    target = new FakeTarget();
    tokenFile = path.join(dir.path, 'data', 'state', 'control.token');
    const mem = memoryLogger();
    logLines = mem.lines;
    server = new ControlServer({ listen: '127.0.0.1:0', tokenFile, target, log: mem.log });
    url = (await server.start()).url;
    token = fs.readFileSync(tokenFile, 'utf8').trim();
  });

  afterEach(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('starts on a free port and reports its URL', () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).to.equal(url);
  });

  describe('GET /health (no auth)', () => {
    it('is 200 with every component when all are ok', async () => {
      const r = await request(`${url}/health`, 'GET');
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/json; charset=utf-8');
      expect(r.json).to.deep.equal({ status: 'ok', components: target.components });
    });

    it('is 503 naming the failing components', async () => {
      target.components[1] = { name: 'sink:elasticsearch', ok: false, detail: 'connection refused' };
      const r = await request(`${url}/health`, 'GET');
      expect(r.status).to.equal(503);
      expect(r.json.status).to.equal('failing');
      expect(r.json.failing).to.deep.equal(['sink:elasticsearch']);
      expect(r.json.components).to.have.length(3);
    });

    it('answers 500 (not a crash) when the target throws, without details to unauthenticated callers', async () => {
      target.failHealth = true;
      const r = await request(`${url}/health`, 'GET');
      expect(r.status).to.equal(500);
      expect(r.json.error).to.be.a('string').and.not.include('exploded');
      expect(logLines.some((l) => l.includes('control API request failed'))).to.equal(true);
      target.failHealth = false;
      expect((await request(`${url}/health`, 'GET')).status).to.equal(200);
    });
  });

  it('GET /metrics needs no auth and uses the target content type', async () => {
    const r = await request(`${url}/metrics`, 'GET');
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal(target.metricsContentType);
    expect(r.text).to.include('vigil_events_total 42');
  });

  describe('authentication', () => {
    const authed: Array<[string, string, string?]> = [
      ['GET', '/status'], ['POST', '/reload'], ['GET', '/silences'], ['POST', '/silences', '{"rule":"errors","for":"1h"}'],
      ['DELETE', '/silences/s1'], ['POST', '/pause'], ['POST', '/resume'],
    ];
    for (const [method, route, body] of authed) {
      it(`${method} ${route} is 401 without a token and with a wrong one`, async () => {
        for (const bad of [undefined, 'wrong-token', `${token}x`, token.slice(0, -1)]) {
          const r = await request(`${url}${route}`, method, { token: bad, body });
          expect(r.status, `token ${String(bad)}`).to.equal(401);
          expect(r.headers['www-authenticate']).to.match(/^Bearer/);
          expect(r.json.error).to.be.a('string');
        }
        const basic = await request(`${url}${route}`, method, { headers: { Authorization: `Basic ${token}` }, body });
        expect(basic.status).to.equal(401);
        expect(target.paused).to.equal(false);
        expect(target.reloads).to.equal(0);
        expect(target.silences.size).to.equal(0);
      });
    }

    it('accepts the token from the file', async () => {
      const r = await request(`${url}/status`, 'GET', { token });
      expect(r.status).to.equal(200);
    });

    it('compares tokens in constant time over equal-length digests', () => {
      expect(tokensEqual('abc', 'abc')).to.equal(true);
      expect(tokensEqual('abc', 'abd')).to.equal(false);
      expect(tokensEqual('abc', 'abcd')).to.equal(false);
      expect(tokensEqual('', 'abc')).to.equal(false);
    });
  });

  describe('token file', () => {
    it('is created on first start with mode 0600 (folder 0700) and a 32-byte base64url token', function () {
      if (process.platform === 'win32') this.skip();
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(fs.statSync(tokenFile).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(tokenFile)).mode & 0o777).to.equal(0o700);
    });

    it('is reused on restart', async () => {
      await server.stop();
      const again = new ControlServer({ listen: '127.0.0.1:0', tokenFile, target, log: memoryLogger().log });
      const u2 = (await again.start()).url;
      try {
        expect(fs.readFileSync(tokenFile, 'utf8').trim()).to.equal(token);
        expect((await request(`${u2}/status`, 'GET', { token })).status).to.equal(200);
      } finally {
        await again.stop();
      }
    });

    it('warns (but starts) when the file is readable by others', async function () {
      if (process.platform === 'win32') this.skip();
      await server.stop();
      fs.chmodSync(tokenFile, 0o644);
      const mem = memoryLogger();
      const again = new ControlServer({ listen: '127.0.0.1:0', tokenFile, target, log: mem.log });
      const u2 = (await again.start()).url;
      try {
        expect(mem.lines.some((l) => JSON.parse(l).level === 40 && l.includes('chmod 600'))).to.equal(true);
        expect((await request(`${u2}/status`, 'GET', { token })).status).to.equal(200);
      } finally {
        await again.stop();
      }
    });

    it('logs the URL at start but never the token', async () => {
      await request(`${url}/status`, 'GET', { token });
      expect(logLines.some((l) => l.includes(url))).to.equal(true);
      expect(logLines.join('\n')).to.not.include(token);
    });
  });

  it('GET /status returns the target status as JSON', async () => {
    const r = await request(`${url}/status`, 'GET', { token });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(r.json.inputs[0]).to.deep.equal({ name: 'app-logs', lag_bytes: 12 });
    expect(r.json.sinks[0].queue).to.equal(3);
    expect(r.json.paused).to.equal(false);
  });

  it('an error thrown by the target is a 500 with a short message and a log line', async () => {
    target.failStatus = true;
    const r = await request(`${url}/status`, 'GET', { token });
    expect(r.status).to.equal(500);
    expect(r.json.error).to.equal('internal error: status exploded');
    expect(logLines.some((l) => l.includes('control API request failed'))).to.equal(true);
    expect((await request(`${url}/health`, 'GET')).status).to.equal(200);
  });

  describe('POST /reload', () => {
    it('is 200 {ok:true} when the rules load', async () => {
      const r = await request(`${url}/reload`, 'POST', { token });
      expect(r.status).to.equal(200);
      expect(r.json.ok).to.equal(true);
      expect(target.reloads).to.equal(1);
    });

    it('is 422 with the problems when they do not', async () => {
      target.reloadResult = { ok: false, problems: ['rules.yaml:4:5: unknown field "thresold"'] };
      const r = await request(`${url}/reload`, 'POST', { token });
      expect(r.status).to.equal(422);
      expect(r.json).to.deep.equal({ ok: false, problems: ['rules.yaml:4:5: unknown field "thresold"'] });
    });
  });

  describe('silences', () => {
    it('adds (201, duration parsed), lists and deletes (204, then 404)', async () => {
      const body = JSON.stringify({ rule: 'failed-logon-burst', group: { 'user.name': 'bob' }, for: '2h', comment: 'maintenance' });
      const t0 = Date.now();
      const add = await request(`${url}/silences`, 'POST', { token, body });
      expect(add.status).to.equal(201);
      expect(add.json).to.include({ rule: 'failed-logon-burst', comment: 'maintenance' });
      expect(add.json.group).to.deep.equal({ 'user.name': 'bob' });
      const ms = Date.parse(add.json.until) - t0;
      expect(ms).to.be.within(2 * 3600_000 - 1000, 2 * 3600_000 + 5000);
      expect(add.headers.location).to.equal(`/silences/${add.json.id}`);

      const list = await request(`${url}/silences`, 'GET', { token });
      expect(list.status).to.equal(200);
      expect(list.json.silences.map((s: SilenceRecord) => s.id)).to.deep.equal([add.json.id]);

      const del = await request(`${url}/silences/${add.json.id}`, 'DELETE', { token });
      expect(del.status).to.equal(204);
      expect(del.text).to.equal('');
      const again = await request(`${url}/silences/${add.json.id}`, 'DELETE', { token });
      expect(again.status).to.equal(404);
      expect(again.json.error).to.include(add.json.id);
    });

    it('accepts combined durations and a bare number of seconds', async () => {
      const a = await request(`${url}/silences`, 'POST', { token, body: '{"rule":"errors","for":"1h30m"}' });
      expect(a.status).to.equal(201);
      expect(Date.parse(a.json.until) - Date.parse(a.json.created)).to.equal(90 * 60_000);
      const b = await request(`${url}/silences`, 'POST', { token, body: '{"rule":"errors","for":90}' });
      expect(Date.parse(b.json.until) - Date.parse(b.json.created)).to.equal(90_000);
    });

    const bad: Array<[string, string, RegExp]> = [
      ['invalid JSON', '{"rule": "errors", for: 2h}', /not valid JSON/],
      ['an empty body', '', /empty request body/],
      ['a JSON array', '[1,2]', /must be a JSON object/],
      ['no rule', '{"for":"2h"}', /"rule" is required/],
      ['no for', '{"rule":"errors"}', /"for" is required/],
      ['a bad duration', '{"rule":"errors","for":"2 hours"}', /"for": invalid duration "2 hours"/],
      ['a zero duration', '{"rule":"errors","for":"0s"}', /longer than 0/],
      ['an unknown field', '{"rule":"errors","for":"2h","duration":"2h"}', /unknown field\(s\) "duration"/],
      ['a bad group', '{"rule":"errors","for":"2h","group":"user.name=bob"}', /"group" must be an object/],
      ['an unknown rule', '{"rule":"nope","for":"2h"}', /unknown rule "nope"/],
    ];
    for (const [what, body, msg] of bad) {
      it(`is 400 with a clear message for ${what}`, async () => {
        const r = await request(`${url}/silences`, 'POST', { token, body });
        expect(r.status).to.equal(400);
        expect(r.json.error).to.match(msg);
        expect(target.silences.size).to.equal(0);
      });
    }

    it('is 415 for a non-JSON content type', async () => {
      const r = await request(`${url}/silences`, 'POST', { token, body: 'rule=errors', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(r.status).to.equal(415);
    });
  });

  it('POST /pause and /resume toggle the target and report {paused}', async () => {
    const p = await request(`${url}/pause`, 'POST', { token });
    expect(p.status).to.equal(200);
    expect(p.json).to.deep.equal({ paused: true });
    expect(target.paused).to.equal(true);
    const r = await request(`${url}/resume`, 'POST', { token });
    expect(r.json).to.deep.equal({ paused: false });
    expect(target.paused).to.equal(false);
  });

  it('unknown paths are 404 JSON', async () => {
    for (const route of ['/', '/nope', '/status/', '/silences/a/b']) {
      const r = await request(`${url}${route}`, 'GET', { token });
      expect(r.status, route).to.equal(404);
      expect(r.headers['content-type']).to.equal('application/json; charset=utf-8');
      expect(r.json.error).to.include(route);
    }
  });

  it('wrong methods are 405 with an Allow header', async () => {
    const a = await request(`${url}/status`, 'DELETE', { token });
    expect(a.status).to.equal(405);
    expect(a.headers.allow).to.equal('GET, HEAD');
    const b = await request(`${url}/reload`, 'GET', { token });
    expect(b.status).to.equal(405);
    expect(b.headers.allow).to.equal('POST');
    const c = await request(`${url}/silences`, 'PUT', { token });
    expect(c.headers.allow).to.equal('GET, POST, HEAD');
    expect(c.json.error).to.match(/not allowed/);
  });

  it('bodies over 64 KiB are 413 (with and without Content-Length) and the server keeps serving', async () => {
    const big = JSON.stringify({ rule: 'errors', for: '2h', comment: 'x'.repeat(MAX_BODY_BYTES) });
    const a = await request(`${url}/silences`, 'POST', { token, body: big });
    expect(a.status).to.equal(413);
    expect(a.json.error).to.match(/too large/);
    const b = await request(`${url}/silences`, 'POST', { token, body: big, chunked: true });
    expect(b.status).to.equal(413);
    expect(target.silences.size).to.equal(0);
    expect((await request(`${url}/health`, 'GET')).status).to.equal(200);
  });

  it('fails to start with a clear message when the address is in use', async () => {
    const port = new URL(url).port;
    const other = new ControlServer({ listen: `127.0.0.1:${port}`, tokenFile, target, log: memoryLogger().log });
    let err: Error | undefined;
    try { await other.start(); } catch (e) { err = e as Error; }
    expect(err?.message).to.include(`127.0.0.1:${port}`).and.include('already in use');
    expect((await request(`${url}/health`, 'GET')).status).to.equal(200);
  });

  it('rejects a malformed listen address', async () => {
    const other = new ControlServer({ listen: '127.0.0.1', tokenFile, target, log: memoryLogger().log });
    let err: Error | undefined;
    try { await other.start(); } catch (e) { err = e as Error; }
    expect(err?.message).to.match(/must be host:port/);
  });
});

describe('vigil ctl (runCtl) against a running control API', () => {
  let dir: ReturnType<typeof tempDir>;
  let target: FakeTarget;
  let server: ControlServer;
  let url: string;

  beforeEach(async () => {
    dir = tempDir('ctl');
    target = new FakeTarget();
    // the default token file, relative to the folder vigil ctl runs in
    server = new ControlServer({ listen: '127.0.0.1:0', tokenFile: path.join(dir.path, 'data', 'state', 'control.token'), target, log: memoryLogger().log });
    url = (await server.start()).url;
  });

  afterEach(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('status prints the daemon status as JSON (default token file under cwd)', async () => {
    const r = await runCtl({ action: 'status', url, cwd: dir.path });
    expect(r.code, r.output).to.equal(0);
    expect(JSON.parse(r.output).inputs[0].name).to.equal('app-logs');
  });

  it('honours VIGIL_CTL_URL and VIGIL_CTL_TOKEN_FILE', async () => {
    const saved = { u: process.env.VIGIL_CTL_URL, t: process.env.VIGIL_CTL_TOKEN_FILE };
    try {
      process.env.VIGIL_CTL_URL = url;
      process.env.VIGIL_CTL_TOKEN_FILE = path.join(dir.path, 'data', 'state', 'control.token');
      const r = await runCtl({ action: 'pause', cwd: '/' });
      expect(r.code, r.output).to.equal(0);
      expect(target.paused).to.equal(true);
    } finally {
      if (saved.u === undefined) delete process.env.VIGIL_CTL_URL; else process.env.VIGIL_CTL_URL = saved.u;
      if (saved.t === undefined) delete process.env.VIGIL_CTL_TOKEN_FILE; else process.env.VIGIL_CTL_TOKEN_FILE = saved.t;
    }
  });

  it('health: 0 when ok, 1 listing the failing component', async () => {
    const ok = await runCtl({ action: 'health', url, cwd: dir.path });
    expect(ok.code).to.equal(0);
    expect(ok.output).to.include('vigil: ok');
    target.components[0] = { name: 'input:app-logs', ok: false, detail: 'file missing' };
    const bad = await runCtl({ action: 'health', url, cwd: dir.path });
    expect(bad.code).to.equal(1);
    expect(bad.output).to.include('FAILING input:app-logs — file missing');
  });

  it('reload: 0 on success, 1 printing the problems', async () => {
    expect((await runCtl({ action: 'reload', url, cwd: dir.path })).code).to.equal(0);
    target.reloadResult = { ok: false, problems: ['rules.yaml:3:7: window must be a duration'] };
    const r = await runCtl({ action: 'reload', url, cwd: dir.path });
    expect(r.code).to.equal(1);
    expect(r.output).to.include('rules.yaml:3:7: window must be a duration');
  });

  it('silence, silences and unsilence (removes every silence of that rule)', async () => {
    const a = await runCtl({ action: 'silence', rule: 'errors', for: '2h', group: 'user.name=bob,host.name=web1', url, cwd: dir.path });
    expect(a.code, a.output).to.equal(0);
    expect(a.output).to.match(/^silenced errors \{user\.name=bob, host\.name=web1\} until \S+ \(id s1\)$/);
    expect(target.silences.get('s1')?.group).to.deep.equal({ 'user.name': 'bob', 'host.name': 'web1' });
    expect((await runCtl({ action: 'silence', rule: 'errors', for: '30m', url, cwd: dir.path })).code).to.equal(0);
    expect((await runCtl({ action: 'silence', rule: 'failed-logon-burst', for: '1d', url, cwd: dir.path })).code).to.equal(0);

    const list = await runCtl({ action: 'silences', url, cwd: dir.path });
    expect(list.output.split('\n')).to.have.length(3);

    const un = await runCtl({ action: 'unsilence', rule: 'errors', url, cwd: dir.path });
    expect(un.code, un.output).to.equal(0);
    expect(un.output).to.equal('removed 2 silences of rule errors');
    expect(target.listSilences().map((s) => s.rule)).to.deep.equal(['failed-logon-burst']);

    const byId = await runCtl({ action: 'unsilence', id: 's3', url, cwd: dir.path });
    expect(byId.code).to.equal(0);
    expect(target.silences.size).to.equal(0);
    expect((await runCtl({ action: 'silences', url, cwd: dir.path })).output).to.equal('no active silences');
  });

  it('silence errors: the server message for an unknown rule or bad duration, usage for a missing --for', async () => {
    const unknown = await runCtl({ action: 'silence', rule: 'nope', for: '2h', url, cwd: dir.path });
    expect(unknown.code).to.equal(1);
    expect(unknown.output).to.include('400 Bad Request').and.include('unknown rule "nope"');
    const badFor = await runCtl({ action: 'silence', rule: 'errors', for: '2 hours', url, cwd: dir.path });
    expect(badFor.code).to.equal(1);
    expect(badFor.output).to.include('invalid duration');
    const noFor = await runCtl({ action: 'silence', rule: 'errors', url, cwd: dir.path });
    expect(noFor.code).to.equal(1);
    expect(noFor.output).to.include('--for');
    const badGroup = await runCtl({ action: 'silence', rule: 'errors', for: '1h', group: 'bob', url, cwd: dir.path });
    expect(badGroup.code).to.equal(1);
    expect(badGroup.output).to.include('field=value');
  });

  it('pause and resume', async () => {
    const p = await runCtl({ action: 'pause', url, cwd: dir.path });
    expect(p.code).to.equal(0);
    expect(p.output).to.match(/^paused/);
    expect(target.paused).to.equal(true);
    const r = await runCtl({ action: 'resume', url, cwd: dir.path });
    expect(r.code).to.equal(0);
    expect(target.paused).to.equal(false);
  });

  it('a wrong or missing token file is exit 1 with a clear message', async () => {
    const wrong = path.join(dir.path, 'wrong.token');
    fs.writeFileSync(wrong, 'not-the-token\n');
    const r = await runCtl({ action: 'status', url, tokenFile: wrong, cwd: dir.path });
    expect(r.code).to.equal(1);
    expect(r.output).to.include('401').and.include('invalid bearer token');
    const missing = await runCtl({ action: 'status', url, tokenFile: 'nope.token', cwd: dir.path });
    expect(missing.code).to.equal(1);
    expect(missing.output).to.include(path.join(dir.path, 'nope.token')).and.include('--token-file');
  });

  it('an unreachable daemon is exit 2 with a clear message', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await runCtl({ action: 'status', url: dead, cwd: dir.path });
    expect(r.code).to.equal(2);
    expect(r.output).to.equal(`cannot reach vigil at ${dead}: connection refused — is \`vigil run\` running?`);
    const h = await runCtl({ action: 'health', url: dead, cwd: dir.path });
    expect(h.code).to.equal(2);
    // no token file either (the daemon never ran here): still "cannot reach", not a token problem
    const noToken = await runCtl({ action: 'pause', url: dead, tokenFile: 'missing.token', cwd: dir.path });
    expect(noToken.code).to.equal(2);
    expect(noToken.output).to.include('connection refused');
  });

  it('a bad URL is exit 1', async () => {
    const r = await runCtl({ action: 'status', url: 'ftp://x', cwd: dir.path });
    expect(r.code).to.equal(1);
    expect(r.output).to.include('http://');
  });
});
