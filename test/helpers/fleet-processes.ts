import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { cliArgs } from './daemon-command';
import { testEsUrl } from './es';
import type { WebhookTestServer } from './webhook-test-server';

/**
 * `vigil run` child processes for the fleet tests: agents (log files → Elasticsearch, with their own
 * host.name) and a fleet runner (the Elasticsearch input → rules → a webhook), each in a folder of its
 * own, with its output kept in `<dir>/out.log` for a failure's post-mortem.
 */
export class VigilProcess {
  private proc: ChildProcess | null = null;
  readonly config: string;

  constructor(readonly name: string, readonly dir: string, yaml: string) {
    mkdirSync(dir, { recursive: true });
    this.config = join(dir, 'vigil.yaml');
    writeFileSync(this.config, yaml);
  }

  start(): void {
    const out = openSync(join(this.dir, 'out.log'), 'a');
    this.proc = spawn(process.execPath, cliArgs('run', '--config', this.config), { cwd: this.dir, stdio: ['ignore', out, out] });
    closeSync(out);
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Stops it (SIGTERM: a clean stop, what a host going down does) and waits for its exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  }

  /** The end of its output (for a failure message). */
  output(chars = 3000): string {
    try { return readFileSync(join(this.dir, 'out.log'), 'utf8').slice(-chars); } catch { return ''; }
  }
}

/** An agent: tails `<dir>/logs/*.ndjson`, stamps `host.name`, ships to `esUrl` (default the test cluster) into the data stream `target`; no rules. */
export function agentYaml(dir: string, hostName: string, target: string, esUrl = testEsUrl()): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), 'rules: []\n');
  return [
    `host_name: ${hostName}`,
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: file',
    '    id: logs',
    `    paths: [${JSON.stringify(join(dir, 'logs', '*.ndjson'))}]`,
    '    scan_interval: 100ms',
    '    poll_interval: 50ms',
    'elasticsearch:',
    `  url: ${esUrl}`,
    `  data_stream: ${target}`,
    '  request_timeout: 5s',
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    'logging: { level: info }',
    'pipeline: { flush_interval: 50ms, checkpoint_interval: 500ms }',
    '',
  ].join('\n');
}

/** A fleet runner: the Elasticsearch input on `index` (from its first document, polled every second), `rules` as rules.yaml, events kept in `<dir>/events`. */
export function runnerYaml(dir: string, index: string, rules: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), rules);
  return [
    'host_name: fleet-runner',
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: elasticsearch',
    `    url: ${testEsUrl()}`,
    `    index: "${index}"`,
    '    poll_interval: 1s',
    '    start_at: beginning',
    `event_store: { dir: ${JSON.stringify(join(dir, 'events'))} }`,
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    'logging: { level: info }',
    'pipeline: { flush_interval: 50ms, checkpoint_interval: 500ms }',
    '',
  ].join('\n');
}

/** Appends events as NDJSON lines to an agent's log file. */
export function writeLines(agentDir: string, docs: Array<Record<string, unknown>>): void {
  appendFileSync(join(agentDir, 'logs', 'app.ndjson'), docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
}

/** What the fleet tests read of a webhook notification (format json). */
export interface ReceivedAlert {
  key: string;
  rule: string;
  state: string;
  group: Record<string, unknown>;
  count: number;
  fired_at: string;
  resolved_at?: string;
  last_event?: string;
  /** when the receiver took it (its wall clock) */
  at: number;
}

export function receivedAlerts(receiver: WebhookTestServer): ReceivedAlert[] {
  return receiver.requests.map((r) => {
    const body = JSON.parse(r.body.toString('utf8')) as { key: string; alert: Omit<ReceivedAlert, 'key' | 'at'> };
    return { ...body.alert, key: body.key, at: r.at };
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of the test Elasticsearch that can be blocked: `block` cuts the
 * connections open now and refuses new ones (each is closed as it comes) until `unblock`.
 */
export class BlockingProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private blocked = false;
  port = 0;

  async start(): Promise<number> {
    const target = new URL(testEsUrl());
    this.server = createServer((c) => {
      if (this.blocked) { c.destroy(); return; }
      const s = createConnection({ host: target.hostname, port: Number(target.port) });
      this.sockets.add(c).add(s);
      c.pipe(s).pipe(c);
      const close = (): void => { c.destroy(); s.destroy(); this.sockets.delete(c); this.sockets.delete(s); };
      c.on('error', close).on('close', close);
      s.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  block(): void {
    this.blocked = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  unblock(): void {
    this.blocked = false;
  }

  async stop(): Promise<void> {
    this.block();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
