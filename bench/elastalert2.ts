/**
 * ElastAlert2 2.31.0 (PyPI) for the fleet latency benchmark: installed once into a venv in the bench's
 * cache folder, configured against the bench's Elasticsearch, run as `python -m elastalert.elastalert`.
 *
 * Python: elastalert2 >= 2.20 declares Python >= 3.12. A pyenv 3.12 or 3.13 already on the machine
 * (VIGIL_BENCH_PYTHON, else `python3.13`/`python3.12` on PATH, else /root/.pyenv/versions/3.1[23].*) is
 * used as it is, with no download outside PyPI; without one the set-up says why and ElastAlert2 is skipped.
 * `ES_VERSION` is set from `_nodes` since the test distribution answers GET / with 405.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = '2.31.0';

/** A Python >= 3.12 found on the machine, or the reason there is none. */
function findPython(): { python?: string; why?: string } {
  const candidates: string[] = [];
  if (process.env.VIGIL_BENCH_PYTHON) candidates.push(process.env.VIGIL_BENCH_PYTHON);
  candidates.push('python3.13', 'python3.12');
  const pyenv = '/root/.pyenv/versions';
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).filter((d) => /^3\.(1[2-9])\./.test(d)).sort().reverse()) candidates.push(join(pyenv, v, 'bin', 'python3'));
  }
  for (const c of candidates) {
    try {
      const v = execFileSync(c, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const [maj, min] = v.split('.').map(Number);
      if (maj === 3 && min >= 12) return { python: c };
    } catch { /* not there */ }
  }
  return { why: `no Python >= 3.12 found (tried ${candidates.join(', ')}); elastalert2 ${VERSION} declares Python >= 3.12` };
}

/** The venv's python with elastalert2 installed (made once under `cacheDir`), or why it could not be. */
export function installElastAlert2(cacheDir: string, print: (t: string) => void): { python?: string; why?: string } {
  const venv = join(cacheDir, `elastalert2-${VERSION}`);
  const py = join(venv, 'bin', 'python');
  const ok = (): boolean => {
    try { return execFileSync(py, ['-m', 'pip', 'show', 'elastalert2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(`Version: ${VERSION}`); } catch { return false; }
  };
  if (existsSync(py) && ok()) return { python: py };
  const found = findPython();
  if (!found.python) return found;
  print(`installing elastalert2 ${VERSION} from PyPI into ${venv} (${found.python}; once)...\n`);
  try {
    execFileSync(found.python, ['-m', 'venv', venv], { stdio: 'ignore' });
    execFileSync(py, ['-m', 'pip', 'install', '-q', `elastalert2==${VERSION}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  } catch (err) {
    return { why: `pip install elastalert2==${VERSION} failed: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(-400)}` };
  }
  return ok() ? { python: py } : { why: `elastalert2 ${VERSION} not found in ${venv} after pip install` };
}

/** One ElastAlert2 rule file's settings (besides name, index, alert). */
export type ElastRule = Record<string, unknown>;

export class ElastAlert2 {
  private proc: ChildProcess | null = null;

  constructor(private python: string, private dir: string, private esUrl: string, private esVersion: string) {}

  /** Writes config.yaml (run_every 10 s, a writeback index of its own) and one file per rule; creates the writeback indices. */
  setUp(index: string, writeback: string, rules: Record<string, ElastRule>, hook: string): void {
    const u = new URL(this.esUrl);
    mkdirSync(join(this.dir, 'rules'), { recursive: true });
    writeFileSync(join(this.dir, 'config.yaml'), [
      `rules_folder: ${JSON.stringify(join(this.dir, 'rules'))}`,
      'run_every: { seconds: 10 }',
      'buffer_time: { minutes: 1 }',
      `es_host: ${u.hostname}`,
      `es_port: ${u.port || (u.protocol === 'https:' ? 443 : 80)}`,
      `use_ssl: ${u.protocol === 'https:'}`,
      `writeback_index: ${writeback}`,
      'alert_time_limit: { minutes: 10 }',
      '',
    ].join('\n'));
    for (const [name, r] of Object.entries(rules)) {
      const doc = {
        name, index, ...r, realert: { minutes: 0 },
        alert: ['post'], http_post_url: hook, http_post_all_values: true, http_post_static_payload: { bench_rule: name },
      };
      writeFileSync(join(this.dir, 'rules', `${name}.yaml`), `${JSON.stringify(doc, null, 1)}\n`);
    }
    execFileSync(join(this.python, '..', 'elastalert-create-index'), ['--config', join(this.dir, 'config.yaml'), '--index', writeback], {
      env: this.env(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000,
    });
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, ES_VERSION: this.esVersion };
  }

  start(): void {
    const out = openSync(join(this.dir, 'out.log'), 'a');
    this.proc = spawn(this.python, ['-m', 'elastalert.elastalert', '--config', join(this.dir, 'config.yaml'), '--verbose'], { cwd: this.dir, env: this.env(), stdio: ['ignore', out, out] });
    closeSync(out);
  }

  get pid(): number | undefined { return this.proc?.pid; }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }

  output(chars = 3000): string {
    try { return readFileSync(join(this.dir, 'out.log'), 'utf8').slice(-chars); } catch { return ''; }
  }
}
