import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor, sleep } from '../helpers/wait';
import { testEsUrl, countDocs, deleteTarget, uniqueTarget } from '../helpers/es';


function yamlFor(dir: string, url: string, target: string): string {
  return [
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    `inputs: [{ type: file, paths: [${JSON.stringify(join(dir, 'logs', '*.ndjson'))}], scan_interval: 200ms }]`,
    `elasticsearch: { url: ${JSON.stringify(url)}, data_stream: ${target}, username: vigil, password: wrong-secret, request_timeout: 3s }`,
    'control: { listen: "127.0.0.1:0" }',
    '',
  ].join('\n');
}

interface Running { p: ChildProcess; log: () => string; controlUrl: () => string | undefined }

function run(dir: string): Running {
  const p = spawn(process.execPath, cliArgs('run', '--config', join(dir, 'vigil.yaml')), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d) => { err += String(d); });
  return {
    p,
    log: () => err,
    controlUrl: () => {
      const line = err.split('\n').find((l) => l.includes('control API listening'));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    },
  };
}

async function stop(r: Running): Promise<number | null> {
  if (r.p.exitCode !== null) return r.p.exitCode;
  r.p.kill('SIGTERM');
  return new Promise((res) => r.p.on('exit', (code) => res(code)));
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler!);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** A component's detail: /health names components only, /status (with the token) says what is wrong. */
async function detailOf(r: Running, dir: string, name: string): Promise<string | undefined> {
  const token = readFileSync(join(dir, 'state', 'control.token'), 'utf8').trim();
  const res = await fetch(`${r.controlUrl()}/status`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json() as { components: Array<{ name: string; detail?: string }> };
  return body.components.find((c) => c.name === name)?.detail;
}

async function health(r: Running): Promise<{ status: number; body: { failing?: string[]; components: Array<{ name: string; ok: boolean; detail?: string }> } }> {
  const res = await fetch(`${r.controlUrl()}/health`);
  return { status: res.status, body: await res.json() as never };
}

describe('Elasticsearch: wrong URL or credentials', function () {
  this.timeout(120_000);
  const targets: string[] = [];
  after(async () => { for (const t of targets) await deleteTarget(t); });

  function setup(url: string, target: string): ReturnType<typeof tempDir> {
    const tmp = tempDir('es-conn');
    mkdirSync(join(tmp.path, 'logs'));
    const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ msg: `line ${i}`, seq: i }));
    writeFileSync(join(tmp.path, 'logs', 'app.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    writeFileSync(join(tmp.path, 'vigil.yaml'), yamlFor(tmp.path, url, target));
    return tmp;
  }

  it('a URL where nothing listens: said at start and in /health, no crash loop, nothing dropped once the URL is right', async () => {
    const closed = await listen(() => undefined);
    const deadUrl = closed.url;
    await new Promise((r) => closed.server.close(r));
    const target = uniqueTarget('conn');
    targets.push(target);
    const tmp = setup(deadUrl, target);
    let r = run(tmp.path);
    try {
      await waitFor(() => /connection refused/.test(r.log()) && !!r.controlUrl(), 20_000, 'the connection error in the log');
      const line = r.log().split('\n').find((l) => /connection refused/.test(l))!;
      expect(line).to.include(deadUrl);
      expect(line).to.not.include('wrong-secret');
      const h = await health(r);
      expect(h.status).to.equal(503);
      expect(h.body.failing).to.deep.equal(['sink:elasticsearch']);
      expect(h.body.components.find((c) => c.name === 'sink:elasticsearch')).to.deep.equal({ name: 'sink:elasticsearch', ok: false });
      expect(await detailOf(r, tmp.path, 'sink:elasticsearch')).to.match(/connection refused/);
      await sleep(3000);
      expect(r.p.exitCode, 'still running').to.equal(null);
      expect(await stop(r)).to.equal(0);
      // the events waited in the spool; with the right URL they all arrive
      writeFileSync(join(tmp.path, 'vigil.yaml'), yamlFor(tmp.path, testEsUrl(), target));
      r = run(tmp.path);
      await waitFor(async () => (await countDocs(target)) === 500, 60_000, 'the 500 events in Elasticsearch', 500);
      await waitFor(async () => (await health(r)).status === 200, 10_000, '/health to be 200');
    } finally {
      await stop(r);
      tmp.cleanup();
    }
  });

  it('wrong credentials (401) and a server that is not Elasticsearch are named as such', async () => {
    const unauthorized = await listen((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="security"', 'x-elastic-product': 'Elasticsearch' });
      res.end(JSON.stringify({ error: { type: 'security_exception', reason: 'unable to authenticate user [vigil]' }, status: 401 }));
    });
    const notEs = await listen((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"hello":"world"}'); });
    // (not /401/ alone: the listener's random port may hold those digits, and the URL is in the log from the start)
    const cases: Array<[string, RegExp]> = [[unauthorized.url, /401 Unauthorized/], [notEs.url, /not Elasticsearch/]];
    try {
      for (const [url, expected] of cases) {
        const tmp = setup(url, uniqueTarget('bad'));
        const r = run(tmp.path);
        try {
          await waitFor(() => expected.test(r.log()) && !!r.controlUrl(), 20_000, `${expected} in the log`);
          const h = await health(r);
          expect(h.status).to.equal(503);
          expect(h.body.components.find((c) => c.name === 'sink:elasticsearch')!.detail).to.equal(undefined);
          expect(await detailOf(r, tmp.path, 'sink:elasticsearch')).to.match(expected);
          expect(r.log()).to.not.include('wrong-secret');
          await sleep(1500);
          expect(r.p.exitCode).to.equal(null);
        } finally {
          expect(await stop(r)).to.equal(0);
          tmp.cleanup();
        }
      }
    } finally {
      unauthorized.server.close();
      notEs.server.close();
    }
  });
});
