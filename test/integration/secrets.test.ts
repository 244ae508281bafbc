import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseConfigText } from '../../src/runtime/config/load';
import { scrubUserinfo, splitUserinfo, withoutUserinfo } from '../../src/core/config-kit/url-userinfo';
import { ControlServer } from '../../src/control/server';
import type { ComponentHealth, ControlTarget, SilenceRecord } from '../../src/control/control-target';
import { runCheck } from '../../src/runtime/check';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { freePort } from '../helpers/free-port';
import { captureLogger } from '../helpers/logger';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { waitFor } from '../helpers/wait';

const ES_PASSWORD = 'S3cr3tPw';
const HOOK_TOKEN = 'xoxHookT0kenInThePath';
const BAD_HOOK_TOKEN = 'b4dHookT0kenNoScheme';

describe('secrets: never in logs, /status, /health, vigil check or the outbox', function () {
  this.timeout(120_000);

  it('a daemon with an ES password in its URL, a webhook URL, a bad webhook URL and a token leaks none of them', async () => {
    const tmp = tempDir('secrets');
    const hook = new WebhookTestServer();
    hook.answer = () => 503; // the receiver keeps failing: errors are logged and shown again and again
    const hookPort = await hook.start();
    const hookUrl = `http://127.0.0.1:${hookPort}/services/T0AAA/B0BBB/${HOOK_TOKEN}`;
    const badHookUrl = `hooks.slack.com/services/T0CCC/B0DDD/${BAD_HOOK_TOKEN}`;
    const esPort = await freePort(); // nothing listens: every connection error would name the URL
    const esUrl = `http://elastic:${ES_PASSWORD}@127.0.0.1:${esPort}`;
    const env = { ...process.env, HOOK_URL: hookUrl, ES_URL: esUrl };
    const dir = tmp.path;
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'vigil.yaml'), [
      `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
      `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
      `inputs: [{ type: file, paths: [${JSON.stringify(join(dir, 'logs', '*.ndjson'))}], scan_interval: 100ms, poll_interval: 20ms }]`,
      `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
      'elasticsearch: { url: "${ES_URL}", request_timeout: 2s }',
      'control: { listen: "127.0.0.1:0" }',
      '',
    ].join('\n'));
    const rules = (extra: string) => [
      'notifiers:',
      '  hook: { type: webhook, url: "${HOOK_URL}", format: slack, retries: 100 }',
      extra,
      'rules:',
      "  - { id: boom, type: pattern, where: 'message: boom', notify: [hook] }",
      '',
    ].join('\n');
    writeFileSync(join(dir, 'rules.yaml'), rules(''));
    writeFileSync(join(dir, 'logs', 'app.ndjson'), `${JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'boom' })}\n`);

    let log = '';
    const child: ChildProcess = spawn(process.execPath, cliArgs('run', '--config', join(dir, 'vigil.yaml')), { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => { log += String(d); });
    try {
      const controlUrl = (): string | undefined => {
        const line = log.split('\n').find((l) => l.includes('control API listening'));
        return line ? (JSON.parse(line) as { url: string }).url : undefined;
      };
      await waitFor(() => /connection refused/.test(log) && !!controlUrl(), 30_000, 'the Elasticsearch connection error in the log');
      await waitFor(() => hook.requests.length >= 2 && /notification not delivered/.test(log), 30_000, 'failed webhook attempts in the log');
      expect(hook.requests[0].url).to.equal(`/services/T0AAA/B0BBB/${HOOK_TOKEN}`);
      // an edit with a webhook URL without a scheme: refused, reported in the log and /status
      writeFileSync(join(dir, 'rules.yaml'), rules(`  bad: { type: webhook, url: "${badHookUrl}" }`));
      await waitFor(() => /notifiers\.bad\.url/.test(log), 20_000, 'the refused rules edit in the log');

      const token = readFileSync(join(dir, 'state', 'control.token'), 'utf8').trim();
      const statusRes = await fetch(`${controlUrl()}/status`, { headers: { authorization: `Bearer ${token}` } });
      expect(statusRes.status).to.equal(200);
      const status = await statusRes.text();
      expect(status).to.contain('notifiers.bad.url');
      expect(status).to.contain('connection refused');
      const healthRes = await fetch(`${controlUrl()}/health`);
      expect(healthRes.status).to.equal(503);
      const health = await healthRes.text();
      expect(JSON.parse(health).failing).to.include('sink:elasticsearch');

      const check = spawnSync(process.execPath, cliArgs('check', '--config', 'vigil.yaml'), { cwd: dir, env, encoding: 'utf8' });
      expect(check.status).to.equal(1);
      const checkOut = `${check.stdout}${check.stderr}`;
      expect(checkOut).to.contain('notifiers.bad.url');

      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));

      // every file the daemon wrote (outbox, spool, checkpoints, dead letters), except the token's own file
      const written: Array<[string, string]> = [];
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else written.push([relative(dir, p), readFileSync(p, 'latin1')]);
        }
      };
      walk(join(dir, 'state'));
      walk(join(dir, 'outbox'));
      expect(written.some(([f]) => f.startsWith('outbox'))).to.equal(true);

      const shown: Array<[string, string]> = [
        ['the log', log], ['/status', status], ['/health', health], ['vigil check', checkOut],
        ...written.filter(([f]) => f !== join('state', 'control.token')),
      ];
      const secrets = [ES_PASSWORD, HOOK_TOKEN, hookUrl, BAD_HOOK_TOKEN, token];
      for (const [where, text] of shown) {
        for (const s of secrets) expect(text.includes(s), `${JSON.stringify(s)} in ${where}`).to.equal(false);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await hook.stop();
      tmp.cleanup();
    }
  });

  it('user-info in an Elasticsearch URL becomes username/password at load; the URL is kept without it', () => {
    const load = (yaml: string) => parseConfigText(yaml, 'vigil.yaml', { cwd: '/tmp', env: {} });
    const ok = load('elasticsearch: { url: "https://elastic:p%40ss:w@es.local:9200/" }\n');
    expect(ok.problems).to.deep.equal([]);
    expect(ok.config!.elasticsearch).to.deep.include({ hosts: ['https://es.local:9200'], username: 'elastic', password: 'p@ss:w' });
    const both = load('elasticsearch: { url: "http://elastic:S3cr3tPw@es:9200", username: bob, password: x }\n');
    expect(both.problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).to.deep.equal([
      '1:23: elasticsearch.url carries a user name and password ("user:password@") and elasticsearch.username/password is set too: give the credentials once',
    ]);
    const bad = load('elasticsearch: { url: "elastic:S3cr3tPw@es:9200" }\nkibana_url: "https://admin:S3cr3tPw@kibana:5601"\n');
    const messages = bad.problems.map((p) => p.message).join('\n');
    expect(messages).to.contain('elasticsearch.url "es:9200" is not an http(s) URL');
    expect(messages).to.contain('kibana_url must not carry a user name or password');
    expect(messages).not.to.contain('S3cr3tPw');
  });

  it('URL user-info helpers', () => {
    expect(withoutUserinfo('http://u:p@h:1/x@y')).to.equal('http://h:1/x@y');
    expect(withoutUserinfo('http://u:p@ss@h')).to.equal('http://h');
    expect(withoutUserinfo('u:p@h:9200')).to.equal('h:9200');
    expect(withoutUserinfo('http://h/?a=b@c')).to.equal('http://h/?a=b@c');
    expect(splitUserinfo('http://bob@h')).to.deep.equal({ url: 'http://h', username: 'bob' });
    expect(scrubUserinfo('request to https://elastic:pw@es:9200/_bulk failed, mail bob@example.com')).to.equal('request to https://es:9200/_bulk failed, mail bob@example.com');
  });

  it('a webhook URL that fails validation is named by its notifier in vigil check, never shown', () => {
    const tmp = tempDir('secrets-check');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), `notifiers:\n  chat: { type: webhook, url: "hooks.slack.com/services/T0/B0/${BAD_HOOK_TOKEN}" }\nrules: []\n`);
      const r = runCheck({ cwd: tmp.path, rules: 'rules.yaml' });
      expect(r.output).to.equal('rules.yaml:2:31: notifiers.chat.url is not an http(s) URL');
    } finally {
      tmp.cleanup();
    }
  });
});

/** A stand-in daemon whose component details name URLs (as the real one's do). */
class DetailTarget implements ControlTarget {
  readonly metricsContentType = 'text/plain';
  paused = false;
  health(): ComponentHealth[] {
    return [{ name: 'sink:elasticsearch', ok: false, detail: 'cannot connect to Elasticsearch at http://es.internal:9200' }, { name: 'rules', ok: true, detail: '3 rules' }];
  }
  status(): Record<string, unknown> { return { components: this.health() }; }
  async metricsText(): Promise<string> { return ''; }
  async reload(): Promise<{ ok: boolean; problems: string[] }> { return { ok: true, problems: [] }; }
  pause(): void { /* not used */ }
  resume(): void { /* not used */ }
  addSilence(): SilenceRecord { throw new Error('not used'); }
  removeSilence(): boolean { return false; }
  listSilences(): SilenceRecord[] { return []; }
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += String(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('control API exposure', function () {
  this.timeout(60_000);

  it('a non-loopback listen address without TLS is a config problem (vigil check, vigil run) unless allow_insecure', async () => {
    const problems = (yaml: string) => parseConfigText(yaml, 'vigil.yaml', { cwd: '/tmp', env: {} }).problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    expect(problems('control:\n  listen: 0.0.0.0:9680\n')).to.deep.equal([
      '2:11: control.listen "0.0.0.0:9680" is not a loopback address and control.tls is not set: the bearer token would travel in clear text (set control.tls, or control.allow_insecure: true to accept that)',
    ]);
    expect(problems('control:\n  listen: "[::]:9680"\n')).to.have.length(1);
    expect(problems('control:\n  listen: 0.0.0.0:9680\n  allow_insecure: true\n')).to.deep.equal([]);
    expect(problems('control:\n  listen: 0.0.0.0:9680\n  tls: { cert: c.pem, key: k.pem }\n')).to.deep.equal([]);
    for (const l of ['127.0.0.1:9680', '127.0.0.2:1', 'localhost:9680', '"[::1]:9680"', ':9680']) expect(problems(`control:\n  listen: ${l}\n`), l).to.deep.equal([]);

    const tmp = tempDir('insecure');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
      writeFileSync(join(tmp.path, 'vigil.yaml'), `state_dir: state\ninputs: []\ncontrol:\n  listen: 0.0.0.0:${await freePort()}\n`);
      const check = runCheck({ cwd: tmp.path, config: 'vigil.yaml' });
      expect(check.output).to.match(/^vigil\.yaml:4:11: control\.listen "0\.0\.0\.0:\d+" is not a loopback address and control\.tls is not set/m);
      const run = spawnSync(process.execPath, cliArgs('run', '--config', 'vigil.yaml'), { cwd: tmp.path, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain('is not a loopback address and control.tls is not set');
    } finally {
      tmp.cleanup();
    }
  });

  it('the control server itself refuses a non-loopback address without TLS unless allowInsecure', async () => {
    const tmp = tempDir('insecure-server');
    const cap = captureLogger();
    try {
      const refused = new ControlServer({ listen: '0.0.0.0:0', tokenFile: join(tmp.path, 't'), target: new DetailTarget(), log: cap.log });
      let err: Error | undefined;
      try { await refused.start(); } catch (e) { err = e as Error; }
      expect(err?.message).to.match(/^refusing to serve the control API on 0\.0\.0\.0:0 without TLS/);
      const allowed = new ControlServer({ listen: '0.0.0.0:0', tokenFile: join(tmp.path, 't'), target: new DetailTarget(), log: cap.log, allowInsecure: true });
      await allowed.start();
      await allowed.stop();
    } finally {
      tmp.cleanup();
    }
  });

  it('/health names components only; Host names other than this machine\'s are refused (DNS rebinding)', async () => {
    const tmp = tempDir('health-names');
    const cap = captureLogger();
    const server = new ControlServer({ listen: '127.0.0.1:0', tokenFile: join(tmp.path, 't'), target: new DetailTarget(), log: cap.log, allowedHosts: ['vigil.example.com'] });
    const { url } = await server.start();
    try {
      const port = new URL(url).port;
      const h = await get(`${url}/health`);
      expect(h.status).to.equal(503);
      expect(JSON.parse(h.body)).to.deep.equal({
        status: 'failing', failing: ['sink:elasticsearch'],
        components: [{ name: 'sink:elasticsearch', ok: false }, { name: 'rules', ok: true }],
      });
      expect(h.body).not.to.contain('es.internal');

      const evil = await get(`${url}/health`, { host: `evil.example:${port}` });
      expect(evil.status).to.equal(403);
      expect(JSON.parse(evil.body).error).to.match(/^Host "evil\.example:\d+" is not a name of this control API/);
      expect((await get(`${url}/metrics`, { host: 'rebound.attacker.test' })).status).to.equal(403);
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'vigil.example.com', `VIGIL.example.com:${port}`]) {
        expect((await get(`${url}/health`, { host })).status, host).to.equal(503);
      }
    } finally {
      await server.stop();
      tmp.cleanup();
    }
  });
});
