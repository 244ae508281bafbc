/**
 * One run of rsyslog over an NDJSON file, as the benchmark's peer: a foreground rsyslogd of its own
 * (its own config and work folder, nothing of the system's) reading the file with imfile, parsing each
 * line with mmjsonparse and writing the parsed JSON with omfile, one line per line (batches of 1024 off
 * its main queue, each batch one write of a 256 KB buffer: as a production config would). The run ends when
 * the output holds as many lines as the input; its CPU time and peak RSS are read from /proc before
 * rsyslogd is stopped.
 */
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSecondsOf, peakRssMbOf } from './proc-usage';

export interface PeerRun { seconds: number; cpu_seconds: number; peak_rss_mb: number }

/** The rsyslogd to run: found, or installed from Debian's packages when missing (root only); null with the reason otherwise. */
export function rsyslogd(): { path: string } | { missing: string } {
  for (const p of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd']) if (existsSync(p)) return { path: p };
  if (process.getuid?.() !== 0) return { missing: 'rsyslogd not found (install Debian\'s rsyslog, or run the bench as root to have it installed)' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'rsyslog'], { stdio: 'ignore', timeout: 300_000 });
  } catch (err) {
    return { missing: `rsyslogd not found and apt-get install rsyslog failed: ${(err as Error).message.split('\n')[0]}` };
  }
  return existsSync('/usr/sbin/rsyslogd') ? { path: '/usr/sbin/rsyslogd' } : { missing: 'rsyslog installed but /usr/sbin/rsyslogd is missing' };
}

function config(file: string, out: string, work: string): string {
  return [
    `global(workDirectory="${work}" maxMessageSize="1m")`,
    'module(load="imfile" mode="inotify")',
    'module(load="mmjsonparse")',
    // tuned as a production config would be: large batches off the main queue, buffered writes
    'main_queue(queue.type="FixedArray" queue.size="50000" queue.dequeueBatchSize="1024")',
    'template(name="json" type="list") { property(name="$!all-json") constant(value="\\n") }',
    'ruleset(name="bench") {',
    '  action(type="mmjsonparse" cookie="" useRawMsg="on")',
    `  action(type="omfile" file="${out}" template="json" ioBufferSize="256k")`,
    '}',
    `input(type="imfile" file="${file}" tag="bench" freshStartTail="off" ruleset="bench")`,
    '',
  ].join('\n');
}

/** Runs rsyslogd over `file` (which has `lines` lines) in the folder `work` (emptied first). */
export async function rsyslogRun(bin: string, file: string, lines: number, work: string): Promise<PeerRun> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const out = join(work, 'out.json');
  const conf = join(work, 'rsyslog.conf');
  writeFileSync(conf, config(file, out, work));
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  // count the output's lines as they come (only the new bytes are read at each look)
  const buf = Buffer.allocUnsafe(1 << 20);
  let seen = 0;
  let offset = 0;
  let seconds = 0;
  const deadline = Date.now() + 600_000;
  while (seen < lines) {
    if (exited) throw new Error(`rsyslogd exited before writing every line: ${stderr.trim().slice(0, 500)}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`rsyslogd wrote ${seen} of ${lines} lines in 10 minutes`); }
    if (existsSync(out) && statSync(out).size > offset) {
      const fd = openSync(out, 'r');
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n === 0) break;
        offset += n;
        for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) seen++;
      }
      closeSync(fd);
    }
    if (seen >= lines) { seconds = Number(process.hrtime.bigint() - t0) / 1e9; break; }
    await new Promise((r) => setTimeout(r, 10));
  }
  const run = { seconds, cpu_seconds: cpuSecondsOf(child.pid!), peak_rss_mb: peakRssMbOf(child.pid!) };
  child.kill('SIGTERM');
  await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
  rmSync(work, { recursive: true, force: true });
  return run;
}
