import { seededRng } from './seeded-rng';

/**
 * A generated day of a small fleet, as the NDJSON lines each host's log file holds: three web hosts
 * (service `shop`, app events with a large request body no rule reads) and two domain controllers
 * (Windows Security events), with bursts that fire one rule of each kind of FLEET_DAY_RULES:
 * failed logons of `admin` (threshold, 03:00), a spray of `svc-backup` over both DCs (cardinality,
 * 09:00), errors of web-2 (spike, 12:00), a first logon of `mallory` (new_term, 15:00), web-3 silent
 * from 18:00 to 20:00 (flatline, fires and resolves), encoded PowerShell (pattern with regex, 21:00).
 * Every event has a time of its own, and no two events share a millisecond (so the order of ties
 * cannot differ between inputs).
 */
export const FLEET_DAY_START = Date.UTC(2026, 0, 5);
const H = 3_600_000;

export const FLEET_DAY_RULES = `rules:
  - id: failed-logons
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 8
    window: 2m
    top_count_keys: [source.ip]
    notify_resolved: true
  - id: spray
    type: cardinality
    where: 'event.code: 4625 and not user.name: admin'
    group_by: [user.name]
    field: host.name
    max: 2
    window: 5m
  - id: error-spike
    type: spike
    where: 'log.level: error'
    group_by: [service.name]
    window: 5m
    baseline: 1h
    ratio: 4
    min_count: 10
  - id: new-logon-user
    type: new_term
    where: 'event.code: 4624'
    fields: [user.name]
    history_warmup: 2h
  - id: host-silent
    type: flatline
    where: 'service.name: shop'
    group_by: [host.name]
    threshold: 1
    window: 10m
    notify_resolved: true
  - id: encoded-powershell
    type: pattern
    where: 'event.code: 4688'
    regex: { field: process.command_line, pattern: 'encodedcommand', flags: i }
    include: [process.command_line, user.name, host.name]
    realert: 0s
`;

export function fleetDay(seed = 15): Map<string, string[]> {
  const rng = seededRng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  const used = new Set<number>();
  const files = new Map<string, Array<{ t: number; e: Record<string, unknown> }>>();
  const add = (host: string, t: number, e: Record<string, unknown>) => {
    let at = Math.round(t);
    while (used.has(at)) at++;
    used.add(at);
    const list = files.get(host) ?? [];
    list.push({ t: at, e: { '@timestamp': new Date(at).toISOString(), host: { name: host }, ...e } });
    files.set(host, list);
  };
  const app = (level: string, msg: string) => ({
    service: { name: 'shop' }, log: { level }, message: msg,
    http: { request: { method: 'POST', body: { content: 'x'.repeat(200 + Math.floor(rng() * 300)) } } },
  });
  const win = (code: number, user: string, extra: Record<string, unknown> = {}) => ({
    event: { code: String(code), action: code === 4625 ? 'logon-failed' : code === 4624 ? 'logged-in' : 'created-process' },
    winlog: { channel: 'Security', event_id: code }, user: { name: user }, source: { ip: `10.0.${Math.floor(rng() * 4)}.${1 + Math.floor(rng() * 200)}` }, ...extra,
  });
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  for (const [i, host] of ['web-1', 'web-2', 'web-3'].entries()) {
    for (let t = FLEET_DAY_START + i * 7; t < FLEET_DAY_START + 24 * H; t += 20_000) {
      if (host === 'web-3' && t >= FLEET_DAY_START + 18 * H && t < FLEET_DAY_START + 20 * H) continue;
      const err = rng() < 0.02;
      add(host, t + Math.floor(rng() * 5_000), app(err ? 'error' : 'info', err ? 'upstream timed out' : `GET /item/${Math.floor(rng() * 1000)} 200`));
    }
  }
  for (let k = 0; k < 30; k++) add('web-2', FLEET_DAY_START + 12 * H + k * 6_000 + 3, app('error', 'database connection refused'));
  for (const [i, host] of ['dc-1', 'dc-2'].entries()) {
    for (let t = FLEET_DAY_START + i * 11; t < FLEET_DAY_START + 24 * H; t += 30_000) {
      add(host, t + Math.floor(rng() * 10_000), rng() < 0.01 ? win(4625, pick(users)) : win(4624, pick(users)));
    }
  }
  for (let k = 0; k < 10; k++) add('dc-1', FLEET_DAY_START + 3 * H + k * 6_000 + 1, win(4625, 'admin'));
  for (let k = 0; k < 6; k++) add(k % 2 === 0 ? 'dc-1' : 'dc-2', FLEET_DAY_START + 9 * H + k * 20_000 + 5, win(4625, 'svc-backup'));
  add('dc-2', FLEET_DAY_START + 15 * H + 123, win(4624, 'mallory'));
  for (let k = 0; k < 4; k++) {
    const cmd = k % 2 === 0 ? 'powershell.exe -NoProfile -EncodedCommand SQBFAFgA' : 'cmd.exe /c dir';
    add('dc-1', FLEET_DAY_START + 21 * H + k * 60_000 + 9, win(4688, 'erin', { process: { command_line: cmd, pid: 4000 + k } }));
  }
  const out = new Map<string, string[]>();
  for (const [host, list] of files) out.set(host, list.sort((a, b) => a.t - b.t).map((x) => JSON.stringify(x.e)));
  return out;
}
