/**
 * The single-thread limit of NDJSON into a store, for the benchmark: read the file in chunks, split the
 * lines, JSON.parse each, JSON.stringify it again and write it to a file (no normalising, no rules, no
 * fsync). One run in its own process; prints {seconds, cpu_seconds, peak_rss_mb, lines} as one JSON line.
 *   node node-loop.js FILE OUT
 */
import { openSync, readSync, writeSync, closeSync } from 'node:fs';

function main(): void {
  const [file, out] = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const fd = openSync(file, 'r');
  const wfd = openSync(out, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  let carry = '';
  let pos = 0;
  let lines = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    const text = carry + buf.toString('utf8', 0, n);
    const parts: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
      parts.push(JSON.stringify(JSON.parse(text.slice(start, nl))));
      lines++;
    }
    carry = text.slice(start);
    if (parts.length > 0) writeSync(wfd, `${parts.join('\n')}\n`);
  }
  closeSync(fd);
  closeSync(wfd);
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ lines, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main();
