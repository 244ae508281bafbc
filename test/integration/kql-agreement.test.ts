import { expect } from 'chai';
import { seededRng } from '../helpers/seeded-rng';
import { eventMappings } from '../../src/core/ecs-fields';
import { compileMatcher, parseKql, toEsQuery } from '../../rules/kql';
import { createTestIndex, es, selectedBothWays, testEsUrl } from '../helpers/es';

/**
 * The KQL matcher and the Elasticsearch translation must select the same events. A generated corpus
 * is indexed with Vigil's real mapping and every query is run both ways; each query must also select
 * some but not all events, so that agreement is not trivial.
 */

type Doc = Record<string, unknown>;


const WIN_CODES = ['4624', '4625', '4672', '4688', '4720', '1102', '7045'];
const CHANNELS = ['Security', 'System', 'Application'];
const USERS = ['alice', 'bob', 'Administrator', 'svc_backup', 'ALICE', 'carol smith'];
const HOSTS = ['web-01', 'web-02', 'db-01', 'DC01', 'web*literal'];
const LEVELS = ['info', 'warn', 'error', 'debug', 'ERROR'];
const SERVICES = ['checkout', 'payments', 'auth-api'];
const STATUS = [200, 201, 404, 500, 503];
const APP_MESSAGES = [
  'java.lang.OutOfMemoryError: Java heap space',
  'Connection refused to db-01:5432',
  'User alice logged in from 10.0.0.1',
  'Timeout after 30s while calling payments',
  'Cannot connect to upstream payments-v2',
  'Request completed in 12ms',
  'Disk quota exceeded for user bob',
  "Can't parse config value e.g. retries",
];
const WIN_MESSAGES = ['An account failed to log on.', 'An account was successfully logged on.', 'Special privileges assigned to new logon.', 'A new process has been created.'];

function makeCorpus(n: number): Doc[] {
  const r = seededRng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const start = Date.parse('2026-03-10T00:00:00Z');
  const docs: Doc[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(start + Math.floor((i / n) * 86_400_000)).toISOString();
    const d: Doc = { '@timestamp': ts, host: { name: pick(HOSTS) } };
    if (i % 2 === 0) {
      const code = pick(WIN_CODES);
      d.event = { code, outcome: code === '4625' ? 'failure' : 'success', kind: 'event' };
      d.winlog = { channel: pick(CHANNELS), record_id: String(1000 + i), event_data: {} as Doc };
      if (r() < 0.8) (d.winlog as Doc).event_data = { TargetUserName: pick(USERS), LogonType: r() < 0.5 ? 3 : '10' };
      if (r() < 0.1) (d.winlog as Doc).event_data = { TargetUserName: [pick(USERS), pick(USERS)] };
      d.message = pick(WIN_MESSAGES);
      if (i % 20 === 0) d.message = [pick(WIN_MESSAGES), 'second line about heap'];
    } else {
      // some events use dotted keys, which Elasticsearch reads as objects
      if (i % 7 === 1) d['log.level'] = pick(LEVELS);
      else d.log = { level: pick(LEVELS), offset: Math.floor(r() * 100000) };
      d.service = { name: pick(SERVICES) };
      if (r() < 0.85) d.message = pick(APP_MESSAGES);
      if (r() < 0.7) d.http = { response: { status_code: pick(STATUS) } };
      if (r() < 0.3) d.error = { message: pick(['NullPointerException in handler', 'Out of memory: heap', 'socket hang up']), type: 'Error' };
      if (r() < 0.5) d.user = { name: pick(USERS) };
      if (r() < 0.4) d.tags = r() < 0.5 ? ['prod', 'canary'] : ['prod'];
      if (r() < 0.3) d.tags = [];
      if (r() < 0.5) d.labels = { region: pick(['eu-west-1', 'us-east-1', 'EU-WEST-1']) };
      if (r() < 0.5) d.process = { pid: Math.floor(r() * 5000), name: pick(['java', 'node', 'nginx']) };
      if (r() < 0.3) d.user = null;
    }
    docs.push(d);
  }
  return docs;
}

const QUERIES = [
  // field: value on keyword (exact, case-sensitive; numbers as strings)
  'event.code: 4625', 'event.code: "4624"', 'log.level: error', 'log.level: ERROR', 'host.name: DC01',
  'winlog.channel: Security', 'service.name: auth-api', 'winlog.event_data.TargetUserName: alice',
  'winlog.event_data.TargetUserName: "carol smith"', 'winlog.event_data.TargetUserName: carol smith',
  'winlog.event_data.LogonType: 3', 'winlog.event_data.LogonType: 10',
  // wildcards on keyword
  'host.name: web-*', 'host.name: *01', 'host.name: *b-0*', 'host.name: web\\*literal', 'host.name: "web*literal"',
  'winlog.event_data.TargetUserName: *LICE', 'winlog.event_data.TargetUserName: a*', 'winlog.event_data.TargetUserName: carol*',
  // text fields
  'message: heap', 'message: HEAP', 'message: "java heap space"', 'message: heap and not message: "heap java"', 'message: java heap',
  'message: refused timeout', 'message: *OutOfMemory*', 'message: java.lang.*', 'message: 10.0.0.1', "message: can't",
  'message: "db-01"', 'message: pay*', 'message: pay* quota', 'message: "account failed"', 'message: "about heap"',
  'message: heap and not message: "on second"', 'error.message: memory', 'error.message: "out of memory"', 'error.message: null*',
  // free text
  'heap', '"logged on"', 'upstream or quota', 'Timeout*',
  // numbers (dynamic long, mapped long)
  'http.response.status_code: 500', 'http.response.status_code >= 500', 'http.response.status_code < 300',
  'http.response.status_code > 404 and http.response.status_code <= 500', 'process.pid < 1000', 'log.offset >= 50000',
  // keyword ranges are lexicographic
  'event.code >= 4700', 'event.code < 4625',
  // dates
  '@timestamp >= "2026-03-10T12:00:00Z"', '@timestamp < "2026-03-10T06:00:00Z"', '@timestamp <= "2026-03-10T06:00:00.000Z"',
  '@timestamp > "2026-03-10T18"', '@timestamp: "2026-03-10T01"', '@timestamp >= "2026-03-10T10:00:00+02:00" and @timestamp < "2026-03-10T09:00:00Z"',
  // exists
  'user.name: *', 'tags: *', 'not tags: *', 'error.message: *', 'http.response.status_code: *', 'labels: *', 'winlog.event_data: *',
  // arrays
  'tags: canary', 'tags: prod and not tags: canary',
  // dynamic strings
  'labels.region: eu-west-1', 'labels.region: eu-*', 'labels.region: *-1',
  // lists, boolean logic, precedence
  'event.code: (4624 or 4625)', 'log.level: (error or ERROR or warn)', 'tags: (prod and canary)', 'log.level: (not info)',
  'event.code: 4625 and winlog.event_data.TargetUserName: (alice or bob)',
  'not log.level: info and service.name: checkout', 'log.level: debug or log.level: warn and service.name: payments',
  '(log.level: debug or log.level: warn) and service.name: payments', 'NOT (host.name: web-* OR host.name: db-*)',
  'event.outcome: failure AND NOT winlog.event_data.TargetUserName: *ice', 'not not service.name: checkout',
  'service.name: checkout and (message: heap or error.message: *) and not http.response.status_code >= 500',
];

describe('KQL agreement with Elasticsearch', function () {
  let index = '';
  const docs = makeCorpus(240);

  before(async function () {
    testEsUrl();
    index = await createTestIndex('vigil-kql', docs, eventMappings);
  });

  after(async function () {
    await es('DELETE', `/${index}`);
  });

  it(`uses at least 200 events and 60 queries`, function () {
    expect(docs.length).to.be.at.least(200);
    expect(QUERIES.length).to.be.at.least(60);
  });

  for (const q of QUERIES) {
    it(`agrees on: ${q}`, async function () {
      const ast = parseKql(q);
      const match = compileMatcher(ast);
      const dsl = toEsQuery(ast);
      const { local, onlyLocal, onlyRemote } = await selectedBothWays(index, docs, match, dsl);
      expect({ onlyLocal, onlyRemote }, `${JSON.stringify(dsl)}\nonly local: ${onlyLocal.slice(0, 5).map((id) => JSON.stringify(docs[Number(id)])).join('\n')}\nonly ES: ${onlyRemote.slice(0, 5).map((id) => JSON.stringify(docs[Number(id)])).join('\n')}`)
        .to.deep.equal({ onlyLocal: [], onlyRemote: [] });
      expect(local.length, 'query selects nothing').to.be.greaterThan(0);
      expect(local.length, 'query selects everything').to.be.lessThan(docs.length);
    });
  }
});
