import { expect } from 'chai';
import { enrichWindowsEvent, ENRICH_FAILURE_TAG } from '../../collectors/windows-event/enrich';
import { normaliseNdjsonLine } from '../../collectors/ndjson/ndjson';

// The enrichment stage meets whatever an NDJSON line holds under winlog.* and beside it: it never
// throws, never loses a value of the line (what is in the way goes to vigil.original, tagged
// vigil_ecs_conflict), and a line that is not a Windows event is left as it was.

/** Small deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = ['4624', '4625', '4688', '4689', '4720', '4728', '4732', '4738', '4740', '4741', '4778', '4781', '1102', '4697', '9999'];
const FIELDS = ['TargetUserName', 'TargetDomainName', 'TargetUserSid', 'TargetSid', 'SubjectUserName', 'SubjectUserSid', 'SubjectDomainName', 'SubjectLogonId',
  'TargetLogonId', 'LogonType', 'IpAddress', 'IpPort', 'WorkstationName', 'ProcessId', 'ProcessName', 'NewProcessId', 'NewProcessName', 'ParentProcessName',
  'CommandLine', 'Status', 'SubStatus', 'FailureReason', 'NewUacValue', 'MemberName', 'ClientAddress', 'ClientName', 'AccountName', 'LogonID',
  'NewTargetUserName', 'OldTargetUserName', 'ServiceName', 'ServiceType'];

function junk(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 12);
  switch (k) {
    case 0: return null;
    case 1: return Math.floor(r() * 1e6) - 5e5;
    case 2: return r() < 0.5;
    case 3: return '-';
    case 4: return '';
    case 5: return '0x' + Math.floor(r() * 0xffffffff).toString(16);
    case 6: return 'CN=a,b,DC=x,DC=y';
    case 7: return '"C:\\a b\\c.exe"  -x "y z" ';
    case 8: return depth < 2 ? [junk(r, depth + 1), junk(r, depth + 1)] : 'x';
    case 9: return depth < 2 ? { a: junk(r, depth + 1) } : 'y';
    case 10: return '%%' + (2300 + Math.floor(r() * 20));
    default: return 'name@domain';
  }
}

describe('Windows enrichment: any input', () => {
  it('never throws, on 5000 events of random values (winlog, event_data, and the ECS objects it writes)', () => {
    const r = rng(14);
    for (let i = 0; i < 5000; i++) {
      const ed: Record<string, unknown> = {};
      for (const f of FIELDS) if (r() < 0.4) ed[f] = junk(r);
      const doc: Record<string, unknown> = {
        '@timestamp': '2026-01-01T00:00:00.000Z',
        event: r() < 0.9 ? { code: CODES[Math.floor(r() * CODES.length)] } : junk(r),
        winlog: {
          channel: r() < 0.8 ? 'Security' : junk(r), provider_name: r() < 0.7 ? 'Microsoft-Windows-Security-Auditing' : junk(r),
          event_id: junk(r), record_id: junk(r), keywords: r() < 0.5 ? [junk(r)] : junk(r), opcode: junk(r), task: junk(r),
          time_created: junk(r), event_data: r() < 0.9 ? ed : junk(r), user_data: r() < 0.2 ? { SubjectUserName: junk(r), SubjectLogonId: junk(r) } : undefined,
          logon: r() < 0.1 ? junk(r) : undefined,
        },
      };
      for (const k of ['host', 'user', 'group', 'source', 'related', 'process', 'service', 'log', 'tags', 'vigil']) if (r() < 0.15) doc[k] = junk(r);
      if (r() < 0.2) Object.freeze(doc.event);
      const before = JSON.stringify(doc);
      try {
        enrichWindowsEvent(doc);
      } catch (e) {
        expect.fail(`event ${i} threw ${String(e)}: ${before}`);
      }
      expect(Array.isArray(doc.tags) ? doc.tags : [], `event ${i}: ${before}`).to.not.include(ENRICH_FAILURE_TAG);
      expect(() => JSON.stringify(doc)).to.not.throw();
    }
  });

  it('keeps a line\'s own scalar where the enrichment needs an object, under vigil.original, tagged', () => {
    const ctx = { hostName: 'h', path: '/p', offset: 0, dataset: 'd', truncated: false, ingested: '2026-01-01T00:00:00.000Z' };
    const line = JSON.stringify({
      '@timestamp': '2026-02-01T12:00:00.000Z', related: 'ticket-42', group: 'ops',
      winlog: { channel: 'Security', event_id: '4732', logon: 'x', event_data: { TargetUserName: 'Administrators', TargetSid: 'S-1-5-32-544', SubjectUserName: 'alice', SubjectLogonId: '0x1' } },
    });
    const doc = normaliseNdjsonLine(Buffer.from(line), ctx) as Record<string, any>;
    expect(doc.group).to.deep.equal({ id: 'S-1-5-32-544', name: 'Administrators' });
    expect(doc.related).to.deep.equal({ user: ['alice'] });
    expect(doc.winlog.logon).to.deep.equal({ id: '0x1' });
    expect(doc.vigil.original).to.deep.equal({ related: 'ticket-42', group: 'ops', winlog: { logon: 'x' } });
    expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
  });

  it('leaves an NDJSON line without winlog as it was', () => {
    const ctx = { hostName: 'h', path: '/p', offset: 0, dataset: 'd', truncated: false, ingested: '2026-01-01T00:00:00.000Z' };
    const doc = normaliseNdjsonLine(Buffer.from('{"@timestamp":"2026-02-01T12:00:00.000Z","event":{"code":"4624"},"user":"bob","msg":"hi"}'), ctx);
    expect(doc).to.deep.equal({
      '@timestamp': '2026-02-01T12:00:00.000Z', message: 'hi', event: { code: '4624', ingested: ctx.ingested, dataset: 'd' },
      user: { name: 'bob' }, host: { name: 'h' }, agent: { type: 'vigil' }, log: { file: { path: '/p' }, offset: 0 },
    });
  });
});
