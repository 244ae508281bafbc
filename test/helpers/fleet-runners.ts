import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cliArgs } from './daemon-command';
import { es, testEsUrl } from './es';
import { uniqueLeaseIndex, dropIndex } from './fleet';
import { freePort } from './free-port';
import { waitFor, sleep } from './wait';

export interface FleetRunnerProcess { name: string; proc: ChildProcess; stateDir: string; port: number }

/**
 * Fleet runners as `vigil run` child processes on the test Elasticsearch, for one test: an index of
 * failed logons (one shard) they read, a lease index of their own, and the rules file given. Each
 * runner has its folder under `dir` (its vigil.log is printed by `dumpLogs`).
 */
export class FleetRunners {
  readonly index: string;
  readonly leaseIndex = uniqueLeaseIndex('runner');
  readonly fleet = 'runners';
  readonly runners: FleetRunnerProcess[] = [];
  private n = 0;

  constructor(readonly dir: string, readonly rule: string, readonly leaseMs: number, suffix: string) {
    this.index = `vigil-fleetrun-${suffix}`;
  }

  async setUp(rulesYaml: string): Promise<void> {
    await es('PUT', `/${this.index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { '@timestamp': { type: 'date' }, event: { properties: { code: { type: 'keyword' }, ingested: { type: 'date' } } }, user: { properties: { name: { type: 'keyword' } } }, host: { properties: { name: { type: 'keyword' } } } } },
    });
    writeFileSync(join(this.dir, 'rules.yaml'), rulesYaml);
  }

  async start(name: string): Promise<FleetRunnerProcess> {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const cfg = join(dir, 'vigil.yaml');
    writeFileSync(cfg, [
      `host_name: ${name}`,
      `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
      `rules: ${JSON.stringify(join(this.dir, 'rules.yaml'))}`,
      'inputs:',
      '  - type: elasticsearch',
      `    url: ${testEsUrl()}`,
      `    index: "${this.index}"`,
      '    poll_interval: 200ms',
      '    start_at: beginning',
      `event_store: { dir: ${JSON.stringify(join(dir, 'events'))} }`,
      `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
      `control: { listen: "127.0.0.1:${port}" }`,
      'logging: { level: info }',
      'fleet:',
      `  leases: { index: ${this.leaseIndex}, fleet: ${this.fleet}, lease_ms: ${this.leaseMs} }`,
      '',
    ].join('\n'));
    const log = openSync(join(dir, 'vigil.log'), 'a');
    const proc = spawn(process.execPath, cliArgs('run', '--config', cfg), { cwd: dir, stdio: ['ignore', log, log] });
    const r = { name, proc, stateDir: join(dir, 'state'), port };
    this.runners.push(r);
    return r;
  }

  /** Starts a runner and waits until it sees `members` runners and their rounds have settled who owns the rule. */
  async join(name: string, members: number): Promise<FleetRunnerProcess> {
    const r = await this.start(name);
    await waitFor(async () => (await this.status(r).catch(() => null))?.fleet?.leases?.members?.length === members, 30_000, `${name} sees ${members} runner(s)`);
    await sleep(2 * this.leaseMs / 3 + 500);
    return r;
  }

  /** The live runner the rule's lease document names as owner. */
  async owner(): Promise<FleetRunnerProcess | undefined> {
    const got = await es('GET', `/${this.leaseIndex}/_doc/${encodeURIComponent(`${this.fleet}/lease/${this.rule}`)}`);
    const o = got.status === 200 ? (got.body._source.owner as string | null) : null;
    return o ? this.runners.find((r) => r.proc.exitCode === null && r.proc.signalCode === null && o.startsWith(`${hostname()}-${r.proc.pid}-`)) : undefined;
  }

  /** Kills the owner with SIGKILL; resolves when another runner owns the rule, with the time since the kill. */
  async killOwner(): Promise<{ killed: FleetRunnerProcess; by: FleetRunnerProcess; ms: number }> {
    const killed = (await this.owner())!;
    killed.proc.kill('SIGKILL');
    const at = Date.now();
    let by: FleetRunnerProcess | undefined;
    await waitFor(async () => { by = await this.owner(); return by !== undefined && by !== killed; }, 30_000, 'the other runner takes the rule over');
    return { killed, by: by!, ms: Date.now() - at };
  }

  async status(r: FleetRunnerProcess): Promise<any> {
    const token = readFileSync(join(r.stateDir, 'control.token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${r.port}/status`, { headers: { authorization: `Bearer ${token}` } });
    return res.json();
  }

  /** `count` failed logons of `user` stamped now (1 ms apart), each beside a document no rule matches; their timestamps. */
  async ship(user: string, count: number): Promise<string[]> {
    const lines: string[] = [];
    const stamps: string[] = [];
    for (let i = 0; i < count; i++) {
      const ts = new Date(Date.now() + i).toISOString();
      stamps.push(ts);
      lines.push(JSON.stringify({ create: { _index: this.index, _id: `ev-${this.n++}` } }), JSON.stringify({ '@timestamp': ts, event: { code: '4625', ingested: new Date().toISOString() }, user: { name: user }, host: { name: `agent-${i % 3}` }, message: `failed logon for ${user}` }));
      lines.push(JSON.stringify({ create: { _index: this.index, _id: `noise-${this.n++}` } }), JSON.stringify({ '@timestamp': ts, event: { code: '4624' }, user: { name: user } }));
    }
    const res = await fetch(`${testEsUrl()}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
    const out = await res.json() as { errors: boolean };
    if (out.errors) throw new Error(JSON.stringify(out).slice(0, 1000));
    return stamps;
  }

  dumpLogs(): void {
    for (const r of this.runners) {
      const lines = readFileSync(join(this.dir, r.name, 'vigil.log'), 'utf8').trim().split('\n');
      process.stderr.write(`--- ${r.name} (pid ${r.proc.pid}) ---\n${lines.slice(-40).join('\n')}\n`);
    }
  }

  async tearDown(): Promise<void> {
    for (const r of this.runners) r.proc.kill('SIGKILL');
    await Promise.all(this.runners.map((r) => new Promise((res) => { if (r.proc.exitCode !== null || r.proc.signalCode !== null) res(null); else r.proc.on('exit', res); })));
    await dropIndex(this.index);
    await dropIndex(this.leaseIndex);
  }
}
