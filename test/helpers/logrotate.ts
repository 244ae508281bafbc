import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function logrotateBinary(): string {
  for (const p of ['/usr/sbin/logrotate', '/usr/bin/logrotate', '/sbin/logrotate']) if (existsSync(p)) return p;
  return 'logrotate';
}

/** Writes a logrotate config for `file` in `dir` with the given directives; returns a function that forces one rotation. */
export function logrotateFor(dir: string, file: string, directives: string[]): () => void {
  const conf = join(dir, 'logrotate.conf');
  const state = join(dir, 'logrotate.state');
  writeFileSync(conf, `${file} {\n  rotate 1000\n  missingok\n  notifempty\n${directives.map((d) => `  ${d}\n`).join('')}}\n`);
  const bin = logrotateBinary();
  return () => {
    execFileSync(bin, ['-f', '-s', state, conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
}
