/**
 * rsyslog as the benchmarks' peer: a foreground rsyslogd of its own (its own config and work folder,
 * nothing of the system's), found or installed from Debian's packages, run until its work is done; its
 * CPU time and peak RSS are read from /proc before it is stopped. The configs are the callers'
 * (rsyslog-file-run.ts: imfile → mmjsonparse → omfile; rsyslog-es-run.ts: → omelasticsearch).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSecondsOf, peakRssMbOf } from './proc-usage';

export interface PeerRun { seconds: number; cpu_seconds: number; peak_rss_mb: number }

/** Where Debian puts rsyslog's modules (the folder has the machine's multiarch name). */
function rsyslogModule(name: string): string | null {
  for (const lib of ['/usr/lib', '/lib']) {
    let arches: string[] = [];
    try { arches = readdirSync(lib).filter((d) => d.endsWith('-linux-gnu')); } catch { continue; }
    for (const a of arches) if (existsSync(join(lib, a, 'rsyslog', `${name}.so`))) return join(lib, a, 'rsyslog', `${name}.so`);
  }
  return null;
}

function aptInstall(pkg: string): string | null {
  if (process.getuid?.() !== 0) return `run the bench as root to have Debian's ${pkg} installed`;
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', timeout: 300_000 });
    return null;
  } catch (err) {
    return `apt-get install ${pkg} failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

/**
 * The rsyslogd to run: found, or installed from Debian's packages when missing (root only); with
 * `modules` (e.g. 'omelasticsearch', Debian's rsyslog-elasticsearch) those too. Null with the reason otherwise.
 */
export function rsyslogd(modules: Array<{ name: string; pkg: string }> = []): { path: string } | { missing: string } {
  let bin = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
  if (!bin) {
    const why = aptInstall('rsyslog');
    if (why) return { missing: `rsyslogd not found (${why})` };
    if (!existsSync('/usr/sbin/rsyslogd')) return { missing: 'rsyslog installed but /usr/sbin/rsyslogd is missing' };
    bin = '/usr/sbin/rsyslogd';
  }
  for (const m of modules) {
    if (rsyslogModule(m.name)) continue;
    const why = aptInstall(m.pkg);
    if (why) return { missing: `rsyslog's ${m.name} not found (${why})` };
    if (!rsyslogModule(m.name)) return { missing: `${m.pkg} installed but ${m.name}.so is missing` };
  }
  return { path: bin };
}

/**
 * Runs rsyslogd with the config `config(work)` in the folder `work` (emptied first, removed after) until
 * `done()` answers true (asked every `pollMs`), at most 10 minutes. The seconds are from the start of
 * rsyslogd to the `done()` that answered true.
 */
export async function rsyslogRun(bin: string, work: string, config: (work: string) => string, done: () => Promise<boolean> | boolean, pollMs = 10): Promise<PeerRun> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const conf = join(work, 'rsyslog.conf');
  writeFileSync(conf, config(work));
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const deadline = Date.now() + 600_000;
  let seconds = 0;
  try {
    for (;;) {
      if (exited) throw new Error(`rsyslogd exited before it was done: ${stderr.trim().slice(0, 500)}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd was not done in 10 minutes: ${stderr.trim().slice(0, 500)}`);
      if (await done()) { seconds = Number(process.hrtime.bigint() - t0) / 1e9; break; }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return { seconds, cpu_seconds: cpuSecondsOf(child.pid!), peak_rss_mb: peakRssMbOf(child.pid!) };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
      clearTimeout(killer);
    }
    rmSync(work, { recursive: true, force: true });
  }
}
