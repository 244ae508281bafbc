/**
 * A fleet member in a child process for the lease tests: a FleetLeaseManager on the test Elasticsearch,
 * printing JSON lines on stdout ({ev: 'acquired'|'lost'|'write'|'ready', t: epoch ms, ...}).
 * Its configuration is argv[2] (JSON): esUrl, index, fleet, rules, leaseMs, member, fenceIndex.
 * With fenceIndex it writes, every 150 ms, one fenced document per rule it owns with the token it took
 * before a 100 ms pause (a write in flight when a pause hits), and prints whether it was accepted (with
 * the document's sequence number after an accepted write, which orders it against other members' writes).
 * Stdin lines: {"rules": [...]} for a reload, "stop" for a graceful stop.
 */
import { createInterface } from 'node:readline';
import { Client } from '@elastic/elasticsearch';
import { FleetLeaseManager, fencedIndex, FencedOut } from '../../src/runtime/fleet';

interface Args { esUrl: string; index: string; fleet: string; rules: string[]; leaseMs: number; member: string; fenceIndex?: string }

const args = JSON.parse(process.argv[2]!) as Args;
const client = new Client({ node: args.esUrl, maxRetries: 0, requestTimeout: 5000 });
const mgr = new FleetLeaseManager({ client, rules: args.rules, memberId: args.member, options: { index: args.index, fleet: args.fleet, lease_ms: args.leaseMs } });
const out = (o: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify({ t: Date.now(), member: args.member, ...o })}\n`); };
const tokens = new Map<string, number>();
mgr.on('acquired', (rule: string, token: number) => { tokens.set(rule, token); out({ ev: 'acquired', rule, token }); });
mgr.on('lost', (rule: string, reason: string) => { tokens.delete(rule); out({ ev: 'lost', rule, reason }); });

async function writer(index: string): Promise<void> {
  for (;;) {
    const snapshot = [...tokens];
    await new Promise((r) => setTimeout(r, 100));
    for (const [rule, token] of snapshot) {
      // (asked: when the manager was asked; a pause may fall between that and the write)
      const asked = Date.now();
      const managerSays = mgr.fencingToken(rule) ?? null;
      try {
        const { seqNo } = await fencedIndex(client, { index, id: rule, token, document: { rule, by: args.member } });
        out({ ev: 'write', rule, token, managerSays, asked, outcome: 'accepted', seqNo });
      } catch (err) {
        out({ ev: 'write', rule, token, managerSays, asked, outcome: err instanceof FencedOut ? 'refused' : `error ${String(err)}` });
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') {
    void mgr.stop().then(() => { out({ ev: 'stopped' }); process.exit(0); });
    return;
  }
  const msg = JSON.parse(line) as { rules?: string[] };
  if (msg.rules) mgr.setRules(msg.rules);
});

void mgr.start().then(() => {
  out({ ev: 'ready' });
  if (args.fenceIndex) void writer(args.fenceIndex);
}, (err) => { process.stderr.write(`${String(err)}\n`); process.exit(2); });
