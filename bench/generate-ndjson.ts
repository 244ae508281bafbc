import { createWriteStream, existsSync, statSync, renameSync } from 'node:fs';

/** Writes an NDJSON file of about `bytes` bytes of realistic application log lines (pino, ECS, logrus shapes). Returns the line count. */
export async function generateNdjson(path: string, bytes: number): Promise<number> {
  const countFile = `${path}.count`;
  if (existsSync(path) && existsSync(countFile) && statSync(path).size >= bytes) {
    return Number(require('node:fs').readFileSync(countFile, 'utf8'));
  }
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const levels = [30, 30, 30, 30, 40, 50, 20];
  const services = ['payments', 'auth', 'search', 'checkout'];
  let written = 0;
  let n = 0;
  const t0 = Date.UTC(2026, 0, 1);
  let buf = '';
  while (written < bytes) {
    let line: string;
    const i = n;
    switch (i % 3) {
      case 0:
        line = JSON.stringify({ level: levels[i % levels.length], time: t0 + i * 13, pid: 4242, hostname: 'web-01', service: services[i % 4], reqId: `req-${i}`, msg: `request completed in ${i % 997} ms`, responseTime: i % 997, statusCode: i % 17 === 0 ? 500 : 200 });
        break;
      case 1:
        line = JSON.stringify({ '@timestamp': new Date(t0 + i * 13).toISOString(), 'log.level': i % 11 === 0 ? 'error' : 'info', message: `user ${i % 5000} logged in from 10.0.${i % 255}.${i % 199}`, 'ecs.version': '8.11.0', 'service.name': services[i % 4], 'user.name': `user${i % 5000}`, 'event.dataset': 'app.auth' });
        break;
      default:
        line = JSON.stringify({ time: new Date(t0 + i * 13).toISOString(), level: i % 13 === 0 ? 'warning' : 'info', msg: 'cache refreshed', entries: i % 10000, component: 'cache', duration_ms: (i % 300) / 3 });
    }
    buf += line + '\n';
    written += line.length + 1;
    n++;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  renameSync(tmp, path);
  require('node:fs').writeFileSync(countFile, String(n));
  return n;
}

/** A file of the first `n` lines of the generated application log (made from a larger one, kept in the same folder). */
export async function generateNdjsonLines(file: string, n: number): Promise<number> {
  const big = `${file}.source`;
  await generateNdjson(big, n * 200);
  const fs = require('node:fs') as typeof import('node:fs');
  const text = fs.readFileSync(big, 'utf8');
  let end = 0;
  for (let i = 0; i < n; i++) end = text.indexOf('\n', end) + 1;
  fs.writeFileSync(file, text.slice(0, end));
  return n;
}
