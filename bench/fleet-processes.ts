/**
 * The `vigil run` processes of the fleet benchmarks: an agent (a log folder → the Elasticsearch output)
 * and a fleet runner (the Elasticsearch input, a `fleet:` section, the given rules.yaml), each in a folder
 * of its own with its output in `<dir>/out.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shebangNodeFlags } from '../src/cli/node-flags';
import { cpuSecondsOf } from './proc-usage';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

export class BenchDaemon {
  private proc: ChildProcess | null = null;
  constructor(readonly name: string, readonly dir: string, yaml: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vigil.yaml'), yaml);
  }

  start(): void {
    const out = openSync(join(this.dir, 'out.log'), 'a');
    this.proc = spawn(process.execPath, [...shebangNodeFlags(CLI), CLI, 'run', '--config', join(this.dir, 'vigil.yaml')], { cwd: this.dir, stdio: ['ignore', out, out] });
    closeSync(out);
  }

  get pid(): number | undefined { return this.proc?.pid; }

  /** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
  cpuSeconds(): number {
    return cpuSecondsOf(this.proc!.pid!);
  }

  /** SIGTERM, and waits for its exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  output(chars = 3000): string {
    try { return readFileSync(join(this.dir, 'out.log'), 'utf8').slice(-chars); } catch { return ''; }
  }
}

/** An agent: tails `<dir>/logs/*.ndjson`, ships to `esUrl` into the data stream `target`; no rules of its own. */
export function agentYaml(dir: string, host: string, esUrl: string, target: string): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), 'rules: []\n');
  return [
    `host_name: ${host}`,
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: file',
    `    paths: [${JSON.stringify(join(dir, 'logs', '*.ndjson'))}]`,
    'elasticsearch:',
    `  url: ${esUrl}`,
    `  data_stream: ${target}`,
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    `logging: { level: ${process.env.VIGIL_BENCH_LOG_LEVEL ?? 'warn'} }`,
    '',
  ].join('\n');
}

/**
 * A fleet runner on `index` with `rules` (a rules.yaml text) and the input's further options `input`;
 * `fleet` names the fleet of its `fleet:` section (lease_ms 6 s), null for a runner without one.
 */
export function runnerYaml(dir: string, esUrl: string, index: string, fleet: string | null, rules: string, input: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), rules);
  return [
    'host_name: fleet-runner',
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: elasticsearch',
    '    id: fleet-events',
    `    url: ${esUrl}`,
    `    index: "${index}"`,
    ...input.map((l) => `    ${l}`),
    ...(fleet === null ? [] : ['fleet:', `  leases: { fleet: ${fleet}, lease_ms: 6000 }`]),
    `event_store: { dir: ${JSON.stringify(join(dir, 'events'))} }`,
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    `logging: { level: ${process.env.VIGIL_BENCH_LOG_LEVEL ?? 'warn'} }`,
    '',
  ].join('\n');
}
