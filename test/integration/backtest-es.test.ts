import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { deleteTarget, es, testEsUrl, uniqueTarget } from '../helpers/es';
import { FLEET_DAY_RULES, FLEET_DAY_START, fleetDay } from '../helpers/fleet-day';
import { normaliseNdjsonAscii } from '../../collectors/ndjson/ndjson';
import { setupTarget } from '../../sinks/elasticsearch/template';
import { eventMappings } from '../../src/core/ecs-fields';
import { VIGIL_VERSION } from '../../src/core/version';
import { esEvents } from '../../rules/backtest/es-events';
import { esSelection } from '../../rules/backtest/es-selection';
import { checkRulesFile } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';

const DAY_FROM = new Date(FLEET_DAY_START).toISOString();
const DAY_TO = new Date(FLEET_DAY_START + 86_400_000).toISOString();

function backtest(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, cliArgs('backtest', ...args), { cwd, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking this process (whose own HTTP server the command talks to). */
function backtestAsync(cwd: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs('backtest', ...args), { cwd });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Bulk `create` with ids, as the sink writes; every document must be taken. */
async function bulkCreate(target: string, docs: Array<{ id: string; doc: Record<string, unknown> }>): Promise<void> {
  for (let i = 0; i < docs.length; i += 5_000) {
    const body = docs.slice(i, i + 5_000).flatMap(({ id, doc }) => [JSON.stringify({ create: { _id: id } }), JSON.stringify(doc)]).join('\n') + '\n';
    const res = await fetch(`${testEsUrl()}/${target}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    const r = await res.json() as { errors: boolean };
    if (r.errors) throw new Error(`bulk into ${target}: ${JSON.stringify(r).slice(0, 1000)}`);
  }
  await es('POST', `/${target}/_refresh`);
}

describe('vigil backtest --es (rules on history from Elasticsearch)', function () {
  this.timeout(300_000);
  const tmp = tempDir('backtest-es');
  const target = uniqueTarget('btes');
  let total = 0;

  before(async () => {
    // the day as each host's log file, and as the agents' sink would have put it into Elasticsearch:
    // Vigil's template and data stream, the documents the NDJSON normaliser makes from those lines
    mkdirSync(join(tmp.path, 'logs'));
    writeFileSync(join(tmp.path, 'rules.yaml'), FLEET_DAY_RULES);
    const client = new Client({ node: testEsUrl() });
    await setupTarget(client, { dataStream: target, vigilVersion: VIGIL_VERSION });
    await client.close();
    const docs: Array<{ id: string; doc: Record<string, unknown> }> = [];
    const ingested = new Date().toISOString();
    for (const [host, lines] of fleetDay()) {
      writeFileSync(join(tmp.path, 'logs', `${host}.ndjson`), `${lines.join('\n')}\n`);
      let offset = 0;
      for (const line of lines) {
        const ctx = { hostName: host, path: `/var/log/${host}.ndjson`, offset, dataset: host, truncated: false, ingested };
        docs.push({ id: `${host}.${offset.toString(36)}`, doc: normaliseNdjsonAscii(line, ctx) });
        offset += Buffer.byteLength(line) + 1;
      }
    }
    total = docs.length;
    await bulkCreate(target, docs);
  });

  after(async () => {
    await deleteTarget(target);
    tmp.cleanup();
  });

  it('gives the same alerts (ids, times, counts, states) as the backtest of the same day as files', () => {
    const files = backtest(tmp.path, 'logs/*.ndjson', '--rules', 'rules.yaml', '--format', 'ndjson');
    expect(files.status, files.stderr).to.equal(0);
    const fromEs = backtest(tmp.path, '--es', testEsUrl(), '--index', target, '--from', DAY_FROM, '--to', DAY_TO, '--rules', 'rules.yaml', '--format', 'ndjson');
    expect(fromEs.status, fromEs.stderr).to.equal(0);
    const alerts = fromEs.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // each burst fired its rule (hand-placed in the generated day)
    const fired = (rule: string) => alerts.filter((a) => a.rule === rule && a.state === 'firing');
    expect(fired('failed-logons').map((a) => (a.group as Record<string, string>)['user.name'])).to.include('admin');
    expect(fired('spray').map((a) => (a.group as Record<string, string>)['user.name'])).to.include('svc-backup');
    expect(fired('error-spike')).to.have.length.greaterThan(0);
    expect(fired('new-logon-user').map((a) => a.first_event)).to.deep.equal([new Date(FLEET_DAY_START + 15 * 3_600_000 + 123).toISOString()]);
    const silent = alerts.filter((a) => a.rule === 'host-silent');
    expect(silent.map((a) => [a.state, (a.group as Record<string, string>)['host.name']])).to.deep.equal([['firing', 'web-3'], ['resolved', 'web-3']]);
    expect(fired('encoded-powershell')).to.have.length(2);
    // and the very same alerts, byte for byte, as the files give
    expect(fromEs.stdout).to.equal(files.stdout);
  });

  it('the report counts every event of the rules once: the same matches per rule and window as the files', () => {
    const files = backtest(tmp.path, 'logs/*.ndjson', '--rules', 'rules.yaml', '--format', 'html', '--out', 'files.html');
    expect(files.status, files.stderr).to.equal(0);
    // small pages: many page boundaries
    const fromEs = backtest(tmp.path, '--es', testEsUrl(), '--index', target, '--from', DAY_FROM, '--to', DAY_TO, '--rules', 'rules.yaml', '--format', 'table', '--page-size', '997');
    expect(fromEs.status, fromEs.stderr).to.equal(0);
    const table = backtest(tmp.path, 'logs/*.ndjson', '--rules', 'rules.yaml', '--format', 'table');
    // the tables differ only in the input named and the time they were made
    const strip = (s: string) => s.split('\n').filter((l) => !/^(input|generated|files?)\b/i.test(l.trim())).join('\n');
    expect(strip(fromEs.stdout)).to.equal(strip(table.stdout));
  });

  it('reads only the fields the rules read (`_source` filtering) and they suffice', async () => {
    const { rules } = checkRulesFile(join(tmp.path, 'rules.yaml'), { validateWhere, unsetEnv: 'empty' });
    const sel = esSelection(rules!);
    expect(sel.notes).to.deep.equal([]);
    expect(sel.sourceIncludes).to.include.members(['@timestamp', 'event.code', 'user.name', 'host.name', 'process.command_line', 'source.ip', 'service.name', 'log.level']);
    const client = new Client({ node: testEsUrl() });
    try {
      let n = 0, withBody = 0, mallory: Record<string, unknown> | undefined;
      for await (const { doc } of esEvents(client, { index: target, query: sel.query, from: FLEET_DAY_START, to: FLEET_DAY_START + 86_400_000, sourceIncludes: sel.sourceIncludes })) {
        n++;
        if ((doc.http as { request?: unknown } | undefined)?.request) withBody++;
        if ((doc.user as { name?: string } | undefined)?.name === 'mallory') mallory = doc;
      }
      // every document is one some rule can match (each web event is a `service.name: shop` event)
      expect(n).to.equal(total);
      // the request bodies, which no rule reads, stayed in Elasticsearch
      expect(withBody).to.equal(0);
      expect(mallory).to.deep.include({ event: { code: '4624', action: 'logged-in' }, host: { name: 'dc-2' }, user: { name: 'mallory' } });
      expect(mallory).to.have.property('source');
      expect(mallory).to.not.have.property('log');
    } finally {
      await client.close();
    }
  });

  it('a page boundary inside a millisecond of thousands of events, over three shards: none lost, none read twice', async () => {
    const index = `vigil-btes-ms-${Date.now().toString(36)}`;
    const created = await es('PUT', `/${index}`, { settings: { number_of_shards: 3, number_of_replicas: 0 }, mappings: eventMappings });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    try {
      const at = Date.UTC(2026, 0, 6, 12);
      const docs = [] as Array<{ id: string; doc: Record<string, unknown> }>;
      docs.push({ id: 'before', doc: { '@timestamp': new Date(at - 1).toISOString(), event: { code: '4625' }, seq: -1 } });
      for (let i = 0; i < 3_001; i++) docs.push({ id: `s${i}`, doc: { '@timestamp': new Date(at).toISOString(), event: { code: '4625' }, seq: i } });
      docs.push({ id: 'after', doc: { '@timestamp': new Date(at + 1).toISOString(), event: { code: '4625' }, seq: 3_001 } });
      await bulkCreate(index, docs);
      const client = new Client({ node: testEsUrl() });
      const seen: number[] = [];
      let last = -Infinity, ordered = true;
      try {
        for await (const { doc, t } of esEvents(client, { index, query: { match_all: {} }, from: at - 60_000, to: at + 60_000, pageSize: 500, sourceIncludes: ['@timestamp', 'seq'] })) {
          seen.push(doc.seq as number);
          if (t < last) ordered = false;
          last = t;
        }
      } finally {
        await client.close();
      }
      expect(ordered).to.equal(true);
      expect(seen.length).to.equal(3_003);
      expect([...new Set(seen)].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 3_003 }, (_, i) => i - 1));
      expect(seen[0]).to.equal(-1);
      expect(seen[seen.length - 1]).to.equal(3_001);
      // through the command: a threshold of exactly the events of that millisecond's minute fires, one more does not
      writeFileSync(join(tmp.path, 'ms-rules.yaml'), `rules:
  - id: exact
    type: threshold
    where: 'event.code: 4625'
    threshold: 3003
    window: 1m
  - id: one-more
    type: threshold
    where: 'event.code: 4625'
    threshold: 3004
    window: 1m
`);
      const r = backtest(tmp.path, '--es', testEsUrl(), '--index', index, '--from', new Date(at - 60_000).toISOString(), '--to', new Date(at + 60_000).toISOString(), '--rules', 'ms-rules.yaml', '--format', 'ndjson', '--page-size', '500');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim().split('\n').map((l) => [JSON.parse(l).rule, JSON.parse(l).count])).to.deep.equal([['exact', 3003]]);
    } finally {
      await es('DELETE', `/${index}`);
    }
  });

  it('an index pattern that matches nothing: a clear error, exit 2', () => {
    const r = backtest(tmp.path, '--es', testEsUrl(), '--index', 'vigil-no-such-index-*', '--from', '7d', '--rules', 'rules.yaml');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('no index, alias or data stream matches "vigil-no-such-index-*"');
    expect(r.stdout).to.equal('');
  });

  it('an unreachable URL: a clear error that never shows the password of the URL', () => {
    const r = backtest(tmp.path, '--es', 'http://elastic:Pa55-w0rd-Secret@127.0.0.1:1', '--index', target, '--from', '7d', '--rules', 'rules.yaml');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('cannot connect to Elasticsearch at http://127.0.0.1:1');
    expect(r.stderr + r.stdout).to.not.contain('Pa55-w0rd-Secret');
  });

  describe('credentials refused', () => {
    // the shared test cluster runs without security: a server that answers every request as a secured
    // Elasticsearch answers bad credentials (401, its error body and product header) stands in for it
    let server: Server;
    let url = '';
    before(async () => {
      server = createServer((req, res) => {
        res.writeHead(401, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', 'www-authenticate': 'Basic realm="security"' });
        res.end(JSON.stringify({ error: { type: 'security_exception', reason: `unable to authenticate user [elastic] for REST request [${req.url}]` }, status: 401 }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => { server.close(); });

    it('user-info in the URL: says the credentials were refused, without the password', async () => {
      const r = await backtestAsync(tmp.path, '--es', `http://elastic:Pa55-w0rd-Secret@${url}`, '--index', 'logs-*', '--from', '7d', '--rules', 'rules.yaml');
      expect(r.status).to.equal(1);
      expect(r.stderr).to.contain(`Elasticsearch at http://${url} refused the credentials (401`);
      expect(r.stderr + r.stdout).to.not.contain('Pa55-w0rd-Secret');
    });

    it('--api-key-file: the key is never shown either', async () => {
      writeFileSync(join(tmp.path, 'api-key'), 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==\n');
      const r = await backtestAsync(tmp.path, '--es', `http://${url}`, '--api-key-file', 'api-key', '--index', 'logs-*', '--from', '7d', '--rules', 'rules.yaml');
      expect(r.status).to.equal(1);
      expect(r.stderr).to.contain('refused the credentials');
      expect(r.stderr + r.stdout).to.not.contain('VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw');
    });
  });
});
