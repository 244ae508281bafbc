import { expect } from 'chai';
import {
  normaliseNdjsonLine,
  newNdjsonStats,
  type NdjsonLineContext,
  type NdjsonStats,
} from '../../collectors/ndjson/ndjson';
import { epochToMs, formatEpochMs, parseIsoMs, parseTimestamp } from '../../src/core/timestamp';
import { logLevelName } from '../../collectors/ndjson/level-names';
import { parseCaller } from '../../collectors/ndjson/shape-origin';
import { renderMessageTemplate } from '../../collectors/ndjson/serilog-template';
import type { EventDoc } from '../../src/core/event';

const INGESTED = '2026-03-04T05:06:07.890Z';

function ctxWith(over: Partial<NdjsonLineContext> = {}): NdjsonLineContext {
  return {
    hostName: 'collector-host',
    path: '/var/log/app/app.json',
    offset: 4096,
    dataset: 'vigil.file',
    truncated: false,
    ingested: INGESTED,
    ...over,
  };
}

/**
 * Normalises a line the way the collector would see it in a file of such lines: the first time (the
 * general shaping), then often enough for its key layout to get a compiled plan (src/normalise/
 * shape-plans.ts) and for that plan to run unverified. Every result must be the same bytes.
 */
function norm(line: string | Buffer, over: Partial<NdjsonLineContext> = {}, stats?: NdjsonStats): EventDoc {
  const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  const first = jsonOf(normaliseNdjsonLine(bytes, ctxWith(over), newNdjsonStats()));
  for (let i = 0; i < PLAN_RUNS && first !== null; i++) {
    const again = jsonOf(normaliseNdjsonLine(bytes, ctxWith(over), newNdjsonStats()));
    if (again !== first) expect.fail(`run ${i + 2} of the line differs from the first:\n${again}\n${first}`);
  }
  return normaliseNdjsonLine(bytes, ctxWith(over), stats);
}

/** The document's JSON; null when it is too deep for JSON.stringify (the pathological nesting case). */
function jsonOf(doc: EventDoc): string | null {
  try {
    return JSON.stringify(doc);
  } catch {
    return null;
  }
}

/** Enough runs to compile a layout's plan and pass its verified first uses. */
const PLAN_RUNS = 20;

/** The fields Vigil always sets, for a line without its own host/dataset. */
function base(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@timestamp': INGESTED,
    host: { name: 'collector-host' },
    event: { ingested: INGESTED, dataset: 'vigil.file' },
    log: { file: { path: '/var/log/app/app.json' }, offset: 4096 },
    agent: { type: 'vigil' },
    ...over,
  };
}

function get(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** No key anywhere in the document contains a dot (SPEC: nested objects, never dotted keys). */
function assertNoDottedKeys(v: unknown, where = ''): void {
  if (Array.isArray(v)) v.forEach((e, i) => assertNoDottedKeys(e, `${where}[${i}]`));
  else if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) {
      expect(k.includes('.'), `dotted key "${k}" at ${where}`).to.equal(false);
      expect(k, `empty key at ${where}`).to.not.equal('');
      assertNoDottedKeys((v as Record<string, unknown>)[k], `${where}.${k}`);
    }
  }
}

describe('normaliseNdjsonLine', () => {
  describe('fields Vigil always sets', () => {
    it('sets @timestamp, event.ingested, event.dataset, host.name, agent.type, log.file.path, log.offset', () => {
      const doc = norm('{}');
      expect(doc).to.deep.equal(base());
      expect(doc).to.not.have.property('tags');
      expect(doc).to.not.have.property('message');
    });

    it('keeps the other fields of the line at the root', () => {
      const doc = norm('{"foo":"bar","n":1.5,"b":true,"z":null,"arr":[1,"two",{"three":3}],"obj":{"x":{"y":"z"}}}');
      expect(doc).to.deep.equal(
        base({ foo: 'bar', n: 1.5, b: true, z: null, arr: [1, 'two', { three: 3 }], obj: { x: { y: 'z' } } }),
      );
    });

    it('uses the line\'s own host.name and event.dataset when they are strings', () => {
      const doc = norm('{"host":{"name":"web-7","ip":"10.1.2.3"},"event":{"dataset":"nginx.access","kind":"event"}}');
      expect(doc.host).to.deep.equal({ name: 'web-7', ip: '10.1.2.3' });
      expect(doc.event).to.deep.equal({ dataset: 'nginx.access', kind: 'event', ingested: INGESTED });
      expect(doc).to.not.have.property('tags');
    });

    it('uses ctx.dataset and ctx.hostName when the line\'s values are empty strings', () => {
      const doc = norm('{"host":{"name":""},"event":{"dataset":""}}');
      expect(get(doc, 'host.name')).to.equal('collector-host');
      expect(get(doc, 'event.dataset')).to.equal('vigil.file');
      expect(doc).to.not.have.property('tags');
    });

    it('takes log.offset and log.file.path from the context', () => {
      const doc = norm('{"msg":"x"}', { offset: 0, path: 'C:\\logs\\a.ndjson' });
      expect(doc.log).to.deep.equal({ file: { path: 'C:\\logs\\a.ndjson' }, offset: 0 });
    });

    it('does not leak state from one line to the next', () => {
      const d1 = norm('{"a":1,"a.b":2,"time":"nope"}', { truncated: true });
      expect(d1.tags).to.deep.equal(['vigil_truncated', 'vigil_timestamp_missing', 'vigil_ecs_conflict']);
      const d2 = norm('{"a":{"b":2}}');
      expect(d2).to.deep.equal(base({ a: { b: 2 } }));
    });
  });

  describe('pino and bunyan', () => {
    it('maps a typical pino line', () => {
      const line =
        '{"level":30,"time":1700000000123,"pid":4242,"hostname":"api-1","reqId":"req-1",' +
        '"req":{"method":"GET","url":"/health","headers":{"user-agent":"curl/8.0"}},"res":{"statusCode":200},' +
        '"responseTime":3,"msg":"request completed"}';
      expect(norm(line)).to.deep.equal({
        '@timestamp': '2023-11-14T22:13:20.123Z',
        reqId: 'req-1',
        req: { method: 'GET', url: '/health', headers: { 'user-agent': 'curl/8.0' } },
        res: { statusCode: 200 },
        responseTime: 3,
        message: 'request completed',
        process: { pid: 4242 },
        host: { name: 'api-1' },
        event: { ingested: INGESTED, dataset: 'vigil.file' },
        log: { level: 'info', file: { path: '/var/log/app/app.json' }, offset: 4096 },
        agent: { type: 'vigil' },
      });
    });

    it('maps the numeric pino levels', () => {
      const want: Array<[number, string]> = [
        [10, 'trace'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal'],
      ];
      for (const [n, name] of want) {
        const doc = norm(`{"level":${n},"time":1700000000000,"msg":"m"}`);
        expect(get(doc, 'log.level'), String(n)).to.equal(name);
        expect(doc).to.not.have.property('level');
      }
    });

    it('maps a pino error with its err object', () => {
      const line =
        '{"level":50,"time":1700000000000,"pid":1,"hostname":"h","err":{"type":"TypeError",' +
        '"message":"Cannot read properties of undefined","stack":"TypeError: Cannot read properties of undefined\\n    at f (/app/x.js:1:1)","code":"E_X"},' +
        '"msg":"Cannot read properties of undefined"}';
      const doc = norm(line);
      expect(doc.error).to.deep.equal({
        type: 'TypeError',
        message: 'Cannot read properties of undefined',
        stack_trace: 'TypeError: Cannot read properties of undefined\n    at f (/app/x.js:1:1)',
        code: 'E_X',
      });
      expect(doc).to.not.have.property('err');
      expect(get(doc, 'log.level')).to.equal('error');
      expect(doc.message).to.equal('Cannot read properties of undefined');
    });

    it('maps a bunyan line (ISO time, name/v kept, err with name, src -> log.origin)', () => {
      const line =
        '{"name":"myapp","hostname":"bunyan-host","pid":77,"level":40,"msg":"disk almost full",' +
        '"time":"2024-02-29T12:00:00.500Z","v":0,"src":{"file":"/app/disk.js","line":12,"func":"check"},' +
        '"err":{"message":"ENOSPC","name":"Error","stack":"Error: ENOSPC\\n    at check"}}';
      expect(norm(line)).to.deep.equal({
        '@timestamp': '2024-02-29T12:00:00.500Z',
        name: 'myapp',
        v: 0,
        message: 'disk almost full',
        error: { message: 'ENOSPC', type: 'Error', stack_trace: 'Error: ENOSPC\n    at check' },
        log: {
          origin: { file: { name: '/app/disk.js', line: 12 }, function: 'check' },
          level: 'warn',
          file: { path: '/var/log/app/app.json' },
          offset: 4096,
        },
        host: { name: 'bunyan-host' },
        process: { pid: 77 },
        event: { ingested: INGESTED, dataset: 'vigil.file' },
        agent: { type: 'vigil' },
      });
    });

    it('keeps hostname and pid where the line already has host.name and process.pid', () => {
      const doc = norm('{"hostname":"a","host":{"name":"b"},"pid":1,"process":{"pid":2},"msg":"m"}');
      expect(get(doc, 'host.name')).to.equal('b');
      expect(doc.hostname).to.equal('a');
      expect(get(doc, 'process.pid')).to.equal(2);
      expect(doc.pid).to.equal(1);
      expect(doc).to.not.have.property('tags');
    });

    it('a src that is not bunyan\'s {file, line, func} stays an ordinary field', () => {
      const doc = norm('{"src":{"file":"a.js","ip":"1.2.3.4"},"msg":"x"}');
      expect(doc.src).to.deep.equal({ file: 'a.js', ip: '1.2.3.4' });
      expect(get(doc, 'log.origin')).to.equal(undefined);
    });

    it('keeps a non-numeric pid at the root', () => {
      const doc = norm('{"pid":"abc"}');
      expect(doc.pid).to.equal('abc');
      expect(doc).to.not.have.property('process');
    });
  });

  describe('zap', () => {
    it('maps a zap production line (ts seconds float, caller, stacktrace, error string)', () => {
      const line =
        '{"level":"error","ts":1700000000.1234567,"logger":"db","caller":"store/pg.go:118","msg":"query failed",' +
        '"error":"context deadline exceeded","stacktrace":"main.run\\n\\t/src/main.go:42","query":"SELECT 1"}';
      expect(norm(line)).to.deep.equal({
        '@timestamp': '2023-11-14T22:13:20.123Z',
        logger: 'db',
        query: 'SELECT 1',
        message: 'query failed',
        error: { message: 'context deadline exceeded', stack_trace: 'main.run\n\t/src/main.go:42' },
        log: {
          origin: { file: { name: 'store/pg.go', line: 118 } },
          level: 'error',
          file: { path: '/var/log/app/app.json' },
          offset: 4096,
        },
        host: { name: 'collector-host' },
        event: { ingested: INGESTED, dataset: 'vigil.file' },
        agent: { type: 'vigil' },
      });
    });

    it('reads zap\'s ISO8601 time encoder and upper-case levels', () => {
      const doc = norm('{"level":"WARN","ts":"2024-01-02T03:04:05.678+0100","caller":"x/y.go:7","msg":"slow"}');
      expect(doc['@timestamp']).to.equal('2024-01-02T02:04:05.678Z');
      expect(get(doc, 'log.level')).to.equal('warn');
      expect(get(doc, 'log.origin.file')).to.deep.equal({ name: 'x/y.go', line: 7 });
    });

    it('keeps dpanic/panic as levels; a caller not in "file:line" form stays an ordinary field', () => {
      const doc = norm('{"level":"dpanic","ts":1700000000,"caller":"main.go","msg":"x"}');
      expect(get(doc, 'log.level')).to.equal('dpanic');
      expect(doc.caller).to.equal('main.go');
      expect(get(doc, 'log.origin')).to.equal(undefined);
      expect(get(norm('{"level":"panic","msg":"x"}'), 'log.level')).to.equal('panic');
    });
  });

  describe('logrus and winston', () => {
    it('maps a logrus line (RFC 3339 with offset, warning -> warn)', () => {
      const doc = norm('{"level":"warning","msg":"cache miss","time":"2024-05-06T07:08:09+02:00","key":"user:1"}');
      expect(doc).to.deep.equal(
        base({
          '@timestamp': '2024-05-06T05:08:09.000Z',
          key: 'user:1',
          message: 'cache miss',
          log: { level: 'warn', file: { path: '/var/log/app/app.json' }, offset: 4096 },
        }),
      );
    });

    it('maps a logrus line with nanosecond time', () => {
      const doc = norm('{"level":"info","msg":"x","time":"2024-05-06T07:08:09.123456789-07:00"}');
      expect(doc['@timestamp']).to.equal('2024-05-06T14:08:09.123Z');
    });

    it('maps a winston line (message, timestamp, service string -> service.name)', () => {
      const doc = norm('{"level":"info","message":"user created","service":"user-service","timestamp":"2024-01-01T10:00:00.000Z","userId":5}');
      expect(doc).to.deep.equal(
        base({
          '@timestamp': '2024-01-01T10:00:00.000Z',
          userId: 5,
          message: 'user created',
          service: { name: 'user-service' },
          log: { level: 'info', file: { path: '/var/log/app/app.json' }, offset: 4096 },
        }),
      );
    });

    it('strips winston\'s colours from the level', () => {
      const doc = norm('{"level":"\\u001b[31merror\\u001b[39m","message":"boom"}');
      expect(get(doc, 'log.level')).to.equal('error');
    });

    it('reads winston\'s "YYYY-MM-DD HH:mm:ss" timestamps as UTC', () => {
      expect(norm('{"timestamp":"2024-01-01 10:00:00","message":"x"}')['@timestamp']).to.equal('2024-01-01T10:00:00.000Z');
    });
  });

  describe('Serilog compact JSON', () => {
    it('renders @mt from the properties, @l absent means info', () => {
      const doc = norm(
        '{"@t":"2024-03-01T10:11:12.1234567+01:00","@mt":"User {UserId} logged in from {Ip}","UserId":42,"Ip":"10.0.0.9","SourceContext":"Auth"}',
      );
      expect(doc).to.deep.equal(
        base({
          '@timestamp': '2024-03-01T09:11:12.123Z',
          UserId: 42,
          Ip: '10.0.0.9',
          SourceContext: 'Auth',
          message: 'User 42 logged in from 10.0.0.9',
          log: { level: 'info', file: { path: '/var/log/app/app.json' }, offset: 4096 },
        }),
      );
    });

    it('maps @l, @m (preferred over @mt) and @x', () => {
      const doc = norm(
        '{"@t":"2024-03-01T10:11:12Z","@m":"Failed \\"payments\\"","@mt":"Failed {Name}","@l":"Error","@x":"System.InvalidOperationException: nope\\n   at Foo()","Name":"payments"}',
      );
      expect(doc.message).to.equal('Failed "payments"');
      expect(doc['@mt']).to.equal('Failed {Name}');
      expect(get(doc, 'log.level')).to.equal('error');
      expect(doc.error).to.deep.equal({ stack_trace: 'System.InvalidOperationException: nope\n   at Foo()' });
      for (const k of ['@t', '@m', '@l', '@x']) expect(doc, k).to.not.have.property(k);
    });

    it('maps Warning/Information/Verbose/Fatal/Debug levels', () => {
      const want: Record<string, string> = {
        Warning: 'warn', Information: 'info', Verbose: 'verbose', Fatal: 'fatal', Debug: 'debug',
      };
      for (const [l, name] of Object.entries(want)) {
        expect(get(norm(`{"@t":"2024-01-01T00:00:00Z","@mt":"x","@l":"${l}"}`), 'log.level'), l).to.equal(name);
      }
    });

    it('uses @r for tokens with a format, {{ }} escapes, objects as JSON, unknown tokens kept', () => {
      const doc = norm(
        '{"@t":"2024-01-01T00:00:00Z","@mt":"{{literal}} took {Elapsed:0.00} ms for {@Order} by {Missing} ({$Who})","@r":["12.35"],"Elapsed":12.3456,"Order":{"Id":7},"Who":"ann"}',
      );
      expect(doc.message).to.equal('{literal} took 12.35 ms for {"Id":7} by {Missing} (ann)');
      expect(doc).to.not.have.property('@r');
      expect(doc.Order).to.deep.equal({ Id: 7 });
    });
  });

  describe('ECS logging', () => {
    it('keeps an ECS logging line as it is (dotted log.level / ecs.version expanded)', () => {
      const line =
        '{"@timestamp":"2024-04-05T06:07:08.901Z","log.level":"info","message":"checkout done","ecs.version":"8.10.0",' +
        '"service.name":"shop","event.dataset":"shop.log","process.pid":321,"host.hostname":"shop-1",' +
        '"log":{"logger":"app","origin":{"file":{"name":"a.js","line":3}}},"trace.id":"abc","error.type":"X"}';
      expect(norm(line)).to.deep.equal({
        '@timestamp': '2024-04-05T06:07:08.901Z',
        log: {
          level: 'info',
          logger: 'app',
          origin: { file: { name: 'a.js', line: 3 } },
          file: { path: '/var/log/app/app.json' },
          offset: 4096,
        },
        ecs: { version: '8.10.0' },
        service: { name: 'shop' },
        event: { dataset: 'shop.log', ingested: INGESTED },
        process: { pid: 321 },
        host: { hostname: 'shop-1', name: 'shop-1' }, // host.name falls back on the line's host.hostname
        trace: { id: 'abc' },
        error: { type: 'X' },
        message: 'checkout done',
        agent: { type: 'vigil' },
      });
    });

    it('lower-cases an ECS log.level and keeps a level field that is not needed', () => {
      const doc = norm('{"log":{"level":"WARNING"},"level":"debug","message":"m"}');
      expect(get(doc, 'log.level')).to.equal('warn');
      expect(doc.level).to.equal('debug');
    });
  });

  describe('other shapes (judgement calls)', () => {
    it('Docker json-file: log -> message without the trailing newline, time used', () => {
      const doc = norm('{"log":"GET / 200\\n","stream":"stdout","time":"2024-01-01T00:00:01.123456789Z"}');
      expect(doc).to.deep.equal(
        base({ '@timestamp': '2024-01-01T00:00:01.123Z', stream: 'stdout', message: 'GET / 200' }),
      );
    });

    it('a log string is kept as vigil.original.log when there is a message (no conflict tag)', () => {
      const doc = norm('{"log":"raw","message":"m"}');
      expect(doc.message).to.equal('m');
      expect(get(doc, 'vigil.original.log')).to.equal('raw');
      expect(doc.log).to.deep.equal({ file: { path: '/var/log/app/app.json' }, offset: 4096 });
      expect(doc).to.not.have.property('tags');
    });

    it('structlog: event string -> message (no other message) and event.action', () => {
      const doc = norm('{"event":"user logged in","level":"info","timestamp":"2024-01-01T00:00:00Z","user":"bob"}');
      expect(doc.message).to.equal('user logged in');
      expect(doc.event).to.deep.equal({ action: 'user logged in', ingested: INGESTED, dataset: 'vigil.file' });
      expect(doc.user).to.deep.equal({ name: 'bob' });
    });

    it('event string with a message -> event.action only', () => {
      const doc = norm('{"event":"login","msg":"User bob logged in"}');
      expect(doc.message).to.equal('User bob logged in');
      expect(doc.event).to.deep.equal({ action: 'login', ingested: INGESTED, dataset: 'vigil.file' });
    });
  });

  describe('@timestamp', () => {
    it('tries @timestamp, timestamp, time, ts, @t in this order; the others stay as fields', () => {
      const doc = norm('{"@t":"2024-01-05T00:00:00Z","ts":1704326400,"time":"2024-01-03T00:00:00Z","timestamp":"2024-01-02T00:00:00Z"}');
      expect(doc['@timestamp']).to.equal('2024-01-02T00:00:00.000Z');
      expect(doc.time).to.equal('2024-01-03T00:00:00Z');
      expect(doc.ts).to.equal(1704326400);
      expect(doc['@t']).to.equal('2024-01-05T00:00:00Z');
      expect(doc).to.not.have.property('timestamp');
      const doc2 = norm('{"ts":1704326400,"time":"2024-01-03T00:00:00Z"}');
      expect(doc2['@timestamp']).to.equal('2024-01-03T00:00:00.000Z');
      expect(doc2.ts).to.equal(1704326400);
      const doc3 = norm('{"@timestamp":"2024-01-01T00:00:00Z","time":1}');
      expect(doc3['@timestamp']).to.equal('2024-01-01T00:00:00.000Z');
      expect(doc3.time).to.equal(1);
    });

    it('tells epoch numbers apart by magnitude (s, ms, µs, ns), also as strings', () => {
      const cases: Array<[string, string]> = [
        ['1700000000', '2023-11-14T22:13:20.000Z'],
        ['1700000000.5', '2023-11-14T22:13:20.500Z'],
        ['1700000000.123', '2023-11-14T22:13:20.123Z'],
        ['1700000000123', '2023-11-14T22:13:20.123Z'],
        ['1700000000123.9', '2023-11-14T22:13:20.123Z'],
        ['1700000000123456', '2023-11-14T22:13:20.123Z'],
        ['1700000000123456789', '2023-11-14T22:13:20.123Z'],
        ['99999999999', '5138-11-16T09:46:39.000Z'], // < 1e11: still seconds
        ['100000000000', '1973-03-03T09:46:40.000Z'], // >= 1e11: milliseconds
        ['0', '1970-01-01T00:00:00.000Z'],
      ];
      for (const [raw, want] of cases) {
        expect(norm(`{"time":${raw}}`)['@timestamp'], raw).to.equal(want);
        expect(norm(`{"time":"${raw}"}`)['@timestamp'], `"${raw}"`).to.equal(want);
      }
      expect(norm('{"ts":99999999999.9}')['@timestamp']).to.equal('5138-11-16T09:46:39.900Z');
      expect(norm('{"ts":1e11}')['@timestamp']).to.equal('1973-03-03T09:46:40.000Z');
      expect(norm('{"ts":1e14}')['@timestamp']).to.equal('1973-03-03T09:46:40.000Z');
      expect(norm('{"ts":1e17}')['@timestamp']).to.equal('1973-03-03T09:46:40.000Z');
    });

    it('reads ISO 8601 / RFC 3339 with offsets and outputs UTC with milliseconds', () => {
      const cases: Array<[string, string]> = [
        ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
        ['2024-01-02T03:04:05.1Z', '2024-01-02T03:04:05.100Z'],
        ['2024-01-02T03:04:05.12Z', '2024-01-02T03:04:05.120Z'],
        ['2024-01-02T03:04:05.999999999Z', '2024-01-02T03:04:05.999Z'],
        ['2024-01-02T03:04:05,25Z', '2024-01-02T03:04:05.250Z'],
        ['2024-01-02T03:04:05+05:30', '2024-01-01T21:34:05.000Z'],
        ['2024-01-02T03:04:05.5-08:00', '2024-01-02T11:04:05.500Z'],
        ['2024-01-02T03:04:05+0200', '2024-01-02T01:04:05.000Z'],
        ['2024-01-02T03:04:05+02', '2024-01-02T01:04:05.000Z'],
        ['2024-01-02T03:04:05-00:00', '2024-01-02T03:04:05.000Z'],
        ['2024-01-02t03:04:05z', '2024-01-02T03:04:05.000Z'],
        ['2024-01-02 03:04:05Z', '2024-01-02T03:04:05.000Z'],
        ['2024-01-02T03:04:05', '2024-01-02T03:04:05.000Z'],
        ['2024-01-02T03:04Z', '2024-01-02T03:04:00.000Z'],
        ['2024-01-02', '2024-01-02T00:00:00.000Z'],
        ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00.000Z'],
        ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
        ['2024-01-02 03:04:05.123456 +0000 UTC', '2024-01-02T03:04:05.123Z'],
        ['2024-01-02 03:04:05 UTC', '2024-01-02T03:04:05.000Z'],
        ['Tue, 02 Jan 2024 03:04:05 GMT', '2024-01-02T03:04:05.000Z'],
        ['2 Jan 2024 03:04:05 -0500', '2024-01-02T08:04:05.000Z'],
        ['02/Jan/2024:03:04:05 +0100', '2024-01-02T02:04:05.000Z'],
      ];
      for (const [raw, want] of cases) expect(norm(JSON.stringify({ timestamp: raw }))['@timestamp'], raw).to.equal(want);
    });

    it('refuses impossible dates and non-times', () => {
      for (const raw of [
        '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-32', '2024-01-02T24:00:00Z', '2024-01-02T03:60:00Z',
        '2024-01-02T03:04:05+25:00', '2024-01-02T03:04:05Zjunk', 'yesterday', '1.', '1e9', 'hello 5', '', '12:00', '-5',
        '2024-01-02T03:04:05.Z',
      ]) {
        expect(parseTimestamp(raw), raw).to.equal(undefined);
      }
      for (const v of [true, null, {}, [], -1, Number.NaN]) expect(parseTimestamp(v), String(v)).to.equal(undefined);
    });

    it('an unparseable candidate: ingest time, vigil_timestamp_missing, raw value in vigil.original', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"time":"last tuesday","msg":"x"}', {}, stats);
      expect(doc).to.deep.equal(
        base({ message: 'x', vigil: { original: { time: 'last tuesday' } }, tags: ['vigil_timestamp_missing'] }),
      );
      expect(stats).to.deep.equal({ parseFailures: 0, tooDeep: 0, conflicts: 0, truncated: 0, invalidUtf8: 0 });
    });

    it('no candidate: ingest time without a tag', () => {
      const doc = norm('{"msg":"x","when":"2024-01-01T00:00:00Z"}');
      expect(doc['@timestamp']).to.equal(INGESTED);
      expect(doc).to.not.have.property('tags');
      expect(doc.when).to.equal('2024-01-01T00:00:00Z');
    });

    it('a null candidate counts as absent', () => {
      const doc = norm('{"time":null,"ts":1700000000}');
      expect(doc['@timestamp']).to.equal('2023-11-14T22:13:20.000Z');
      expect(doc.time).to.equal(null);
      expect(doc).to.not.have.property('tags');
    });

    it('an @timestamp that is not a time, with a usable time field: kept in vigil.original as a conflict', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"@timestamp":"garbage","time":1700000000000}', {}, stats);
      expect(doc['@timestamp']).to.equal('2023-11-14T22:13:20.000Z');
      expect(get(doc, 'vigil.original.@timestamp')).to.equal('garbage');
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(stats.conflicts).to.equal(1);
    });

    it('an unparseable @timestamp alone: vigil_timestamp_missing', () => {
      const doc = norm('{"@timestamp":{"seconds":1}}');
      expect(doc['@timestamp']).to.equal(INGESTED);
      expect(get(doc, 'vigil.original.@timestamp')).to.deep.equal({ seconds: 1 });
      expect(doc.tags).to.deep.equal(['vigil_timestamp_missing']);
    });

    describe('configured timestamp field', () => {
      it('reads a dotted path, nested or as a dotted key, and removes it', () => {
        for (const line of [
          '{"meta":{"created":"2024-06-01T12:00:00+02:00","id":1},"time":1700000000000}',
          '{"meta.created":"2024-06-01T12:00:00+02:00","meta":{"id":1},"time":1700000000000}',
        ]) {
          const doc = norm(line, { timestampField: 'meta.created' });
          expect(doc['@timestamp'], line).to.equal('2024-06-01T10:00:00.000Z');
          expect(doc.meta, line).to.deep.equal({ id: 1 });
          expect(doc.time, line).to.equal(1700000000000); // not a candidate when a field is configured
          expect(doc, line).to.not.have.property('tags');
        }
      });

      it('missing configured field: ingest time, no tag, no auto-detection', () => {
        const doc = norm('{"time":1700000000000}', { timestampField: 'meta.created' });
        expect(doc['@timestamp']).to.equal(INGESTED);
        expect(doc.time).to.equal(1700000000000);
        expect(doc).to.not.have.property('tags');
      });

      it('unparseable configured field: vigil_timestamp_missing, vigil.original.<path>', () => {
        const doc = norm('{"meta":{"created":"soon"}}', { timestampField: 'meta.created' });
        expect(doc['@timestamp']).to.equal(INGESTED);
        expect(get(doc, 'vigil.original.meta.created')).to.equal('soon');
        expect(doc.meta).to.deep.equal({});
        expect(doc.tags).to.deep.equal(['vigil_timestamp_missing']);
      });

      it('a configured root candidate (ts) wins over @timestamp, which is kept in vigil.original', () => {
        const doc = norm('{"@timestamp":"2020-01-01T00:00:00Z","ts":1700000000,"time":5}', { timestampField: 'ts' });
        expect(doc['@timestamp']).to.equal('2023-11-14T22:13:20.000Z');
        expect(doc.time).to.equal(5);
        expect(doc).to.not.have.property('ts');
        expect(get(doc, 'vigil.original.@timestamp')).to.equal('2020-01-01T00:00:00Z');
        expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      });

      it('configured @timestamp', () => {
        const doc = norm('{"@timestamp":"2024-01-01T00:00:00.000Z","time":1700000000000}', { timestampField: '@timestamp' });
        expect(doc['@timestamp']).to.equal('2024-01-01T00:00:00.000Z');
        expect(doc.time).to.equal(1700000000000);
      });
    });
  });

  describe('dotted keys', () => {
    it('expands dotted keys and merges them with objects', () => {
      expect(norm('{"a.b":1,"a":{"c":2}}')).to.deep.equal(base({ a: { b: 1, c: 2 } }));
      expect(norm('{"a":{"c":2},"a.b":1}')).to.deep.equal(base({ a: { c: 2, b: 1 } }));
      expect(norm('{"a.b.c":1,"a.b.d":2,"a.e":3}')).to.deep.equal(base({ a: { b: { c: 1, d: 2 }, e: 3 } }));
    });

    it('expands dotted keys inside nested objects and arrays of objects', () => {
      const doc = norm('{"http":{"request.method":"GET","response":{"status.code":200}},"items":[{"x.y":1},{"z":{"q.r":2}}]}');
      expect(doc.http).to.deep.equal({ request: { method: 'GET' }, response: { status: { code: 200 } } });
      expect(doc.items).to.deep.equal([{ x: { y: 1 } }, { z: { q: { r: 2 } } }]);
      assertNoDottedKeys(doc);
    });

    it('expands dotted keys inside the value of a dotted key', () => {
      expect(norm('{"a.b":{"c.d":1}}')).to.deep.equal(base({ a: { b: { c: { d: 1 } } } }));
    });

    it('object wins over a scalar, whatever the key order, and the scalar goes to vigil.original', () => {
      const want = base({ a: { b: 2 }, vigil: { original: { a: 1 } }, tags: ['vigil_ecs_conflict'] });
      expect(norm('{"a":1,"a.b":2}')).to.deep.equal(want);
      expect(norm('{"a.b":2,"a":1}')).to.deep.equal(want);
    });

    it('two values for one path: the first stays, the second goes to vigil.original', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"a.b":1,"a":{"b":2}}', {}, stats);
      expect(doc.a).to.deep.equal({ b: 1 });
      expect(get(doc, 'vigil.original.a.b')).to.equal(2);
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(stats.conflicts).to.equal(1);
    });

    it('the same value twice is not a conflict', () => {
      const doc = norm('{"a.b":1,"a":{"b":1}}');
      expect(doc).to.deep.equal(base({ a: { b: 1 } }));
    });

    it('conflicts in nested objects are kept under their full path', () => {
      const doc = norm('{"x":{"y":"s","y.z":1}}');
      expect(doc.x).to.deep.equal({ y: { z: 1 } });
      expect(get(doc, 'vigil.original.x.y')).to.equal('s');
    });

    it('skips empty segments, drops keys that are empty or only dots', () => {
      const doc = norm('{"a..b":1,".c":2,"d.":3}');
      expect(doc).to.deep.equal(base({ a: { b: 1 }, c: 2, d: 3 }));
      const doc2 = norm('{"":1,"...":2,"k":{"":3}}');
      expect(doc2).to.deep.equal(base({ k: {}, tags: ['vigil_ecs_conflict'] }));
    });

    it('never produces dotted keys', () => {
      const doc = norm(
        '{"a.b":1,"log.level":"INFO","x":{"y.z":[{"p.q":1}]},"user.name":"u","host.ip":"1.2.3.4","host":"h","error.code":"E","error":"boom"}',
      );
      assertNoDottedKeys(doc);
      expect(doc.host).to.deep.equal({ ip: '1.2.3.4', name: 'h' });
      expect(doc.error).to.deep.equal({ code: 'E', message: 'boom' });
      expect(get(doc, 'log.level')).to.equal('info');
    });

    it('does not pollute Object.prototype through __proto__ keys', () => {
      const doc = norm('{"__proto__":{"polluted":1},"a.__proto__.polluted":2,"constructor":{"prototype":{"polluted":3}},"b":{"__proto__.polluted":4}}');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getPrototypeOf(doc)).to.equal(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(doc, '__proto__')).to.equal(true);
      expect(JSON.parse(JSON.stringify(doc)).a).to.deep.equal({ ['__proto__']: { polluted: 2 } });
      expect(Object.getPrototypeOf(doc.a)).to.equal(Object.prototype);
      expect(doc.constructor).to.deep.equal({ prototype: { polluted: 3 } });
    });
  });

  describe('scalars where ECS has an object', () => {
    it('moves each to its natural leaf without a conflict', () => {
      const doc = norm(
        '{"host":"web-1","user":"alice","service":"billing","error":"timeout","level":"ERR","msg":"charge failed","process":"node","source":"192.168.1.5","destination":"db.internal"}',
      );
      expect(doc).to.deep.equal({
        '@timestamp': INGESTED,
        message: 'charge failed',
        error: { message: 'timeout' },
        host: { name: 'web-1' },
        user: { name: 'alice' },
        service: { name: 'billing' },
        process: { name: 'node' },
        source: { ip: '192.168.1.5' },
        destination: { address: 'db.internal' },
        event: { ingested: INGESTED, dataset: 'vigil.file' },
        log: { level: 'error', file: { path: '/var/log/app/app.json' }, offset: 4096 },
        agent: { type: 'vigil' },
      });
    });

    it('source/destination: IPv6 -> .ip, host:port -> .address', () => {
      const doc = norm('{"source":"2001:db8::1","destination":"10.0.0.1:5432"}');
      expect(doc.source).to.deep.equal({ ip: '2001:db8::1' });
      expect(doc.destination).to.deep.equal({ address: '10.0.0.1:5432' });
    });

    it('agent scalar (a user agent) -> vigil.original.agent, no conflict tag', () => {
      const doc = norm('{"agent":"Mozilla/5.0","message":"GET /"}');
      expect(doc.agent).to.deep.equal({ type: 'vigil' });
      expect(get(doc, 'vigil.original.agent')).to.equal('Mozilla/5.0');
      expect(doc).to.not.have.property('tags');
    });

    it('a number host becomes a string host.name', () => {
      expect(get(norm('{"host":12345}'), 'host.name')).to.equal('12345');
    });

    it('the leaf already set: the scalar goes to vigil.original.<field> as a conflict', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"user":"bob","user.name":"alice","service.name":"a","service":"b"}', {}, stats);
      expect(doc.user).to.deep.equal({ name: 'alice' });
      expect(doc.service).to.deep.equal({ name: 'a' });
      expect(get(doc, 'vigil.original')).to.deep.equal({ user: 'bob', service: 'b' });
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(stats.conflicts).to.equal(1); // counted per line
    });

    it('msg is kept as a field when the line has a message', () => {
      const doc = norm('{"message":"a","msg":"b"}');
      expect(doc.message).to.equal('a');
      expect(doc.msg).to.equal('b');
    });

    it('an object message is moved to vigil.original.message, msg used instead', () => {
      const doc = norm('{"message":{"text":"a"},"msg":"b"}');
      expect(doc.message).to.equal('b');
      expect(get(doc, 'vigil.original.message')).to.deep.equal({ text: 'a' });
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
    });

    it('null values of object fields do not collide', () => {
      const doc = norm('{"error":null,"user":null,"host":null,"msg":"x"}');
      expect(doc.error).to.equal(null);
      expect(doc.user).to.equal(null);
      expect(doc.host).to.deep.equal({ name: 'collector-host' });
      expect(doc).to.not.have.property('tags');
    });
  });

  describe('collisions with the fields Vigil sets', () => {
    it('agent object, event.ingested, non-string event.dataset, log.file, log.offset, non-string host.name', () => {
      const stats = newNdjsonStats();
      const doc = norm(
        '{"agent":{"type":"filebeat","version":"8.1"},"event":{"ingested":"2020-01-01T00:00:00Z","dataset":7,"kind":"event"},' +
          '"log":{"file":{"path":"/x"},"offset":99,"logger":"l"},"host":{"name":{"first":"a"}},"message":"m"}',
        {},
        stats,
      );
      // the line's agent stays (a re-shipped Beats event's agent.version, .name, .id are where Kibana looks); its type is Vigil's
      expect(doc.agent).to.deep.equal({ type: 'vigil', version: '8.1' });
      expect(doc.event).to.deep.equal({ kind: 'event', ingested: INGESTED, dataset: 'vigil.file' });
      expect(doc.log).to.deep.equal({ logger: 'l', file: { path: '/var/log/app/app.json' }, offset: 4096 });
      expect(doc.host).to.deep.equal({ name: 'collector-host' });
      expect(get(doc, 'vigil.original')).to.deep.equal({
        agent: { type: 'filebeat' },
        event: { ingested: '2020-01-01T00:00:00Z', dataset: 7 },
        log: { file: { path: '/x' }, offset: 99 },
        host: { name: { first: 'a' } },
      });
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(stats.conflicts).to.equal(1);
    });

    it('a Winlogbeat export\'s agent keeps its name, version and id; agent.type is Vigil\'s, the Beat\'s kept as the conflict', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"@timestamp":"2026-12-01T10:00:00.000Z","agent":{"type":"winlogbeat","version":"8.11.0","name":"DC01","id":"abc"},"message":"m"}', {}, stats);
      expect(doc.agent).to.deep.equal({ type: 'vigil', version: '8.11.0', name: 'DC01', id: 'abc' });
      expect(get(doc, 'vigil.original')).to.deep.equal({ agent: { type: 'winlogbeat' } });
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(stats.conflicts).to.equal(1);
      // no type of its own (or Vigil's): nothing to keep aside, no conflict; dotted keys the same
      for (const line of ['{"agent":{"name":"DC01"},"message":"m"}', '{"agent.name":"DC01","agent.type":"vigil","message":"m"}']) {
        const d = norm(line);
        expect(d.agent).to.deep.include({ type: 'vigil', name: 'DC01' });
        expect(d.tags, line).to.equal(undefined);
        expect(d.vigil, line).to.equal(undefined);
      }
      // an array is no agent object: kept aside whole
      const arr = norm('{"agent":[1,2],"message":"m"}');
      expect(arr.agent).to.deep.equal({ type: 'vigil' });
      expect(get(arr, 'vigil.original.agent')).to.deep.equal([1, 2]);
    });

    it('dotted @timestamp.* key is a conflict', () => {
      const doc = norm('{"@timestamp.x":1,"ts":1700000000}');
      expect(doc['@timestamp']).to.equal('2023-11-14T22:13:20.000Z');
      expect(get(doc, 'vigil.original.@timestamp')).to.deep.equal({ x: 1 });
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
    });

    it('merges into an existing vigil object of the line', () => {
      const doc = norm('{"vigil":{"note":"n"},"agent":"curl"}');
      expect(doc.vigil).to.deep.equal({ note: 'n', original: { agent: 'curl' } });
    });
  });

  describe('tags', () => {
    it('appends Vigil\'s tags to the line\'s tags array', () => {
      const doc = norm('{"tags":["prod","eu"],"time":"never"}');
      expect(doc.tags).to.deep.equal(['prod', 'eu', 'vigil_timestamp_missing']);
    });

    it('keeps the line\'s tags as they are when Vigil adds none', () => {
      expect(norm('{"tags":["a"]}').tags).to.deep.equal(['a']);
      expect(norm('{"tags":[]}').tags).to.deep.equal([]);
    });

    it('turns a scalar tags into an array', () => {
      expect(norm('{"tags":"solo"}').tags).to.deep.equal(['solo']);
      expect(norm('{"tags":"solo","a":1,"a.b":2}').tags).to.deep.equal(['solo', 'vigil_ecs_conflict']);
    });

    it('does not add a tag twice', () => {
      expect(norm('{"tags":["vigil_ecs_conflict"],"a":1,"a.b":2}').tags).to.deep.equal(['vigil_ecs_conflict']);
    });

    it('an object tags is a conflict', () => {
      const doc = norm('{"tags":{"env":"prod"}}');
      expect(doc.tags).to.deep.equal(['vigil_ecs_conflict']);
      expect(get(doc, 'vigil.original.tags')).to.deep.equal({ env: 'prod' });
    });
  });

  describe('lines that are not JSON objects', () => {
    for (const raw of ['42', '"just a string"', '[1,2,3]', 'null', 'true', '[{"a":1}]', ' 7 ']) {
      it(`valid JSON that is not an object: ${raw}`, () => {
        const stats = newNdjsonStats();
        const doc = norm(raw, {}, stats);
        expect(doc).to.deep.equal(base({ message: raw, tags: ['vigil_json_not_object'] }));
        expect(stats.parseFailures).to.equal(0);
      });
    }

    it('invalid JSON: message = raw line, error.message = parse error, tag', () => {
      const stats = newNdjsonStats();
      const doc = norm('2024-01-01 12:00:00 ERROR something broke', {}, stats);
      expect(doc.message).to.equal('2024-01-01 12:00:00 ERROR something broke');
      expect(doc.tags).to.deep.equal(['vigil_json_parse_failure']);
      expect(doc['@timestamp']).to.equal(INGESTED);
      expect(get(doc, 'error.message')).to.be.a('string').and.match(/JSON/);
      expect(stats).to.deep.equal({ parseFailures: 1, tooDeep: 0, conflicts: 0, truncated: 0, invalidUtf8: 0 });
      expect(doc).to.deep.equal(
        base({ message: doc.message, error: { message: get(doc, 'error.message') }, tags: ['vigil_json_parse_failure'] }),
      );
    });

    it('cut-off JSON', () => {
      const doc = norm('{"level":30,"msg":"hel');
      expect(doc.message).to.equal('{"level":30,"msg":"hel');
      expect(get(doc, 'error.message')).to.equal('Unterminated string in JSON at position 22');
      expect(doc.tags).to.deep.equal(['vigil_json_parse_failure']);
    });

    it('empty and whitespace-only lines are kept as parse failures', () => {
      const stats = newNdjsonStats();
      const d1 = norm('', {}, stats);
      expect(d1).to.deep.equal(
        base({ message: '', error: { message: 'Unexpected end of JSON input' }, tags: ['vigil_json_parse_failure'] }),
      );
      const d2 = norm('  \t ', {}, stats);
      expect(d2.message).to.equal('  \t ');
      expect(d2.tags).to.deep.equal(['vigil_json_parse_failure']);
      expect(stats.parseFailures).to.equal(2);
    });

    it('keeps the parse error text short', () => {
      const doc = norm('{"a":"' + 'x'.repeat(5000) + '" oops}');
      const m = get(doc, 'error.message') as string;
      expect(m.length).to.be.at.most(200);
      expect(m.length).to.be.greaterThan(10);
    });
  });

  describe('line endings, truncation, NUL, bad bytes', () => {
    it('strips a trailing \\r', () => {
      const doc = norm('{"msg":"windows"}\r');
      expect(doc.message).to.equal('windows');
      expect(doc).to.not.have.property('tags');
      expect(norm('not json\r').message).to.equal('not json');
      expect(norm('\r').message).to.equal('');
    });

    it('a truncated line: vigil_truncated and the parse-failure treatment', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"msg":"a very long li', { truncated: true }, stats);
      expect(doc.message).to.equal('{"msg":"a very long li');
      expect(doc.tags).to.deep.equal(['vigil_json_parse_failure', 'vigil_truncated']);
      expect(get(doc, 'error.message')).to.equal('Unterminated string in JSON at position 22');
      expect(stats).to.deep.equal({ parseFailures: 1, tooDeep: 0, conflicts: 0, truncated: 1, invalidUtf8: 0 });
    });

    it('a truncated line that happens to be valid JSON is parsed and tagged', () => {
      const stats = newNdjsonStats();
      const doc = norm('{"msg":"ok"}', { truncated: true }, stats);
      expect(doc.message).to.equal('ok');
      expect(doc.tags).to.deep.equal(['vigil_truncated']);
      expect(stats.truncated).to.equal(1);
    });

    it('an escaped NUL inside a string is kept', () => {
      const doc = norm('{"msg":"a\\u0000b"}');
      expect(doc.message).to.equal('a\u0000b');
      expect(doc).to.not.have.property('tags');
    });

    it('a raw NUL byte makes the line invalid JSON; the message keeps it', () => {
      const buf = Buffer.concat([Buffer.from('{"msg":"a'), Buffer.from([0]), Buffer.from('b"}')]);
      const doc = norm(buf);
      expect(doc.message).to.equal('{"msg":"a\u0000b"}');
      expect(doc.tags).to.deep.equal(['vigil_json_parse_failure']);
      expect(get(doc, 'error.message')).to.equal('Bad control character in string literal in JSON at position 9');
    });

    it('invalid UTF-8 in a JSON string: replacement characters, tag, count', () => {
      const stats = newNdjsonStats();
      const buf = Buffer.concat([Buffer.from('{"msg":"caf'), Buffer.from([0xe9]), Buffer.from(' ok"}')]);
      const doc = norm(buf, {}, stats);
      expect(doc.message).to.equal('caf\uFFFD ok');
      expect(doc.tags).to.deep.equal(['vigil_invalid_utf8']);
      expect(stats).to.deep.equal({ parseFailures: 0, tooDeep: 0, conflicts: 0, truncated: 0, invalidUtf8: 1 });
    });

    it('a real U+FFFD in valid UTF-8 is not flagged', () => {
      const doc = norm('{"msg":"\uFFFD is fine","name":"caf\u00e9 \u65e5\u672c"}');
      expect(doc.message).to.equal('\uFFFD is fine');
      expect(doc.name).to.equal('caf\u00e9 \u65e5\u672c');
      expect(doc).to.not.have.property('tags');
    });

    it('binary garbage: parse failure and invalid UTF-8', () => {
      const stats = newNdjsonStats();
      const buf = Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x80, 0x7b, 0xc3]);
      const doc = norm(buf, {}, stats);
      expect(doc.message).to.equal('\u0000\uFFFD\uFFFD\u0001\uFFFD{\uFFFD');
      expect(doc.tags).to.deep.equal(['vigil_json_parse_failure', 'vigil_invalid_utf8']);
      expect(stats).to.deep.equal({ parseFailures: 1, tooDeep: 0, conflicts: 0, truncated: 0, invalidUtf8: 1 });
    });

    it('a UTF-8 BOM before the first line is ignored', () => {
      const doc = norm(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"msg":"first"}')]));
      expect(doc.message).to.equal('first');
      expect(doc).to.not.have.property('tags');
    });

    it('works on a slice of a larger buffer (the collector\'s read buffer)', () => {
      const big = Buffer.from('xxxx{"msg":"mid"}\r\nyyyy');
      const doc = norm(big.subarray(4, 18));
      expect(doc.message).to.equal('mid');
    });

    it('never throws, whatever the bytes', () => {
      let seed = 12345;
      const rnd = (): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed;
      };
      const alphabet = Buffer.from('{}[]":,.\\0123456789eE+-truefalsnl @ \t\r\u00ff');
      const stats = newNdjsonStats();
      for (let i = 0; i < 3000; i++) {
        const len = rnd() % 80;
        const b = Buffer.alloc(len);
        for (let j = 0; j < len; j++) b[j] = i % 2 ? rnd() & 0xff : alphabet[rnd() % alphabet.length];
        const doc = norm(b, { truncated: i % 7 === 0 }, stats);
        expect(doc['@timestamp']).to.be.a('string');
        expect(doc.agent).to.deep.equal({ type: 'vigil' });
        expect(get(doc, 'log.offset')).to.equal(4096);
      }
    });

    it('survives pathological nesting: deeper than 1000 levels the line is kept as text (it could not be serialised again)', () => {
      const depth = 20000;
      const line = '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + ',"b.c":{"d.e":' + '{"x":'.repeat(500) + '1' + '}'.repeat(500) + '}}';
      const stats = newNdjsonStats();
      const doc = norm(line, {}, stats);
      expect(doc.message).to.equal(line);
      expect(doc.tags).to.deep.equal(['vigil_json_too_deep']);
      expect((doc.error as { message: string }).message).to.equal('JSON nested deeper than 1000 levels: kept as text');
      expect(stats.tooDeep).to.equal(1);
      expect(stats.parseFailures).to.equal(0);
      expect(JSON.stringify(doc).length).to.be.greaterThan(line.length);
      // 1000 levels (brackets in strings do not count) are shaped as usual, and serialise
      const ok = '{"s":"' + '['.repeat(3000) + '","a":' + '['.repeat(999) + ']'.repeat(999) + ',"b.c":{"d.e":' + '{"x":'.repeat(500) + '1' + '}'.repeat(500) + '}}';
      const shaped = norm(ok);
      expect(shaped.tags).to.equal(undefined);
      expect(get(shaped, 'b.c.d.e.x')).to.be.an('object');
      expect(JSON.stringify(shaped).length).to.be.greaterThan(4000);
    });
  });
});

describe('timestamp helpers', () => {
  it('parseIsoMs gives Date.parse\'s answer for canonical times, their neighbours and mutants', () => {
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const inputs: string[] = ['2026-02-30T00:00:00.000Z', '2026-02-28T24:00:00.000Z', '2026-02-28T24:00:01.000Z', '2026-12-31T23:59:60.000Z',
      '2026-13-01T00:00:00.000Z', '2026-01-01 00:00:00.000Z', '2026-01-01T00:00:00.000z', '+02026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ''];
    let t = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 50_000; i++) {
      t += Math.floor(rnd() * (rnd() < 0.01 ? 4e9 : 20_000)) * (rnd() < 0.05 ? -1 : 1); // mostly forward, same minute often
      const iso = new Date(Math.max(0, Math.min(253402300799999, t))).toISOString();
      inputs.push(iso);
      if (rnd() < 0.2) {
        const k = Math.floor(rnd() * iso.length);
        inputs.push(iso.slice(0, k) + '0123456789:-.TZ +x'[Math.floor(rnd() * 18)] + iso.slice(k + 1)); // a mutant of the last one
      }
    }
    for (const s of inputs) {
      const got = parseIsoMs(s);
      if (!Object.is(got, Date.parse(s))) expect.fail(`${JSON.stringify(s)}: ${got}, Date.parse ${Date.parse(s)}`);
    }
  });

  it('epochToMs tells the magnitudes apart', () => {
    expect(epochToMs(1700000000)).to.equal(1700000000000);
    expect(epochToMs(1700000000.9999)).to.equal(1700000000999);
    expect(epochToMs(1700000000123)).to.equal(1700000000123);
    expect(epochToMs(1700000000123456)).to.equal(1700000000123);
    expect(epochToMs(1700000000123456789)).to.equal(1700000000123);
    expect(epochToMs(-1)).to.equal(undefined);
    expect(epochToMs(Number.POSITIVE_INFINITY)).to.equal(undefined);
  });

  it('epoch seconds with a fraction are truncated to the millisecond, never rounded into the next one (or the next day)', () => {
    // zap writes seconds with 7 decimals: .9999996 is still in the last millisecond of its second
    expect(parseTimestamp(1767311999.9999996)).to.equal('2026-01-01T23:59:59.999Z');
    expect(parseTimestamp('1767311999.9999996')).to.equal('2026-01-01T23:59:59.999Z');
    expect(parseTimestamp(1767311999.9675)).to.equal('2026-01-01T23:59:59.967Z');
    expect(parseTimestamp(1572542232.4471812)).to.equal('2019-10-31T17:17:12.447Z');
    // decimals a double cannot hold exactly still give their own millisecond
    for (const s of ['1700000000.123', '1700000000.001', '1700000000.999', '1700000000.1239999', '1767311999.0005']) {
      expect(parseTimestamp(Number(s)), s).to.equal(new Date(Number(s.slice(0, 10)) * 1000 + Number(s.slice(11, 14))).toISOString());
    }
  });

  it('formatEpochMs formats across second, day and year boundaries', () => {
    const samples = [0, 999, 1000, 1700000000000, 1700000000999, 1700000001000, 1704067199999, 1704067200000, 951782400000, 253402300799999];
    for (const ms of samples) expect(formatEpochMs(ms), String(ms)).to.equal(new Date(ms).toISOString());
    for (const ms of samples.slice().reverse()) expect(formatEpochMs(ms), String(ms)).to.equal(new Date(ms).toISOString());
  });

  it('returns a canonical input string as it is and checks it', () => {
    expect(parseTimestamp('2024-01-02T03:04:05.678Z')).to.equal('2024-01-02T03:04:05.678Z');
    expect(parseTimestamp('2024-02-30T03:04:05.678Z')).to.equal(undefined);
    expect(parseTimestamp('0000-01-01T00:00:00.000Z')).to.equal('0000-01-01T00:00:00.000Z');
    expect(parseTimestamp('0000-01-01T00:00:00.000+01:00')).to.equal(undefined);
  });

  it('matches Date for many ISO strings with offsets', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const p2 = (n: number): string => String(n).padStart(2, '0');
    for (let i = 0; i < 2000; i++) {
      const y = 1970 + rnd(100);
      const mo = 1 + rnd(12);
      const d = 1 + rnd(28);
      const off = rnd(2) ? `${rnd(2) ? '+' : '-'}${p2(rnd(15))}:${p2(rnd(4) * 15)}` : 'Z';
      const s = `${y}-${p2(mo)}-${p2(d)}T${p2(rnd(24))}:${p2(rnd(60))}:${p2(rnd(60))}.${String(rnd(1000)).padStart(3, '0')}${off}`;
      expect(parseTimestamp(s), s).to.equal(new Date(s).toISOString());
    }
  });
});

describe('ecs-shape helpers', () => {
  it('logLevelName', () => {
    const cases: Array<[unknown, string | undefined]> = [
      ['INFO', 'info'], ['Information', 'info'], ['informational', 'info'], ['inf', 'info'],
      ['WARNING', 'warn'], ['Warn', 'warn'], ['wrn', 'warn'],
      ['err', 'error'], ['ERROR', 'error'], ['eror', 'error'],
      ['crit', 'critical'], ['CRITICAL', 'critical'], ['emerg', 'emergency'], ['notice', 'notice'],
      ['fatal', 'fatal'], ['FTL', 'fatal'], ['Verbose', 'verbose'], ['TRACE', 'trace'], ['dbg', 'debug'],
      [' Debug ', 'debug'], ['SEVERE', 'severe'], ['', undefined],
      [10, 'trace'], [25, 'debug'], [35, 'info'], [40, 'warn'], [55, 'error'], [60, 'fatal'], [100, 'fatal'],
      [0, 'emergency'], [3, 'error'], [4, 'warn'], [6, 'info'], [7, 'debug'], [8.5, '8.5'],
      [true, undefined], [null, undefined], [{}, undefined],
    ];
    for (const [v, want] of cases) expect(logLevelName(v), JSON.stringify(v)).to.equal(want);
  });

  it('renderMessageTemplate', () => {
    expect(renderMessageTemplate('Hello, {Name}!', { Name: 'World' })).to.equal('Hello, World!');
    expect(renderMessageTemplate('{A} {B} {C} {D}', { A: 1, B: true, C: null, D: [1, 'x'] })).to.equal('1 true null [1,"x"]');
    expect(renderMessageTemplate('{Count,5} items', { Count: 3 })).to.equal('3 items');
    expect(renderMessageTemplate('{0} and {1}', { '0': 'first', '1': 'second' })).to.equal('first and second');
    expect(renderMessageTemplate('not {a token} {', { a: 1 })).to.equal('not {a token} {');
    expect(renderMessageTemplate('{{Name}} }}', { Name: 'x' })).to.equal('{Name} }');
    expect(renderMessageTemplate('{toString}', {})).to.equal('{toString}');
  });

  it('parseCaller', () => {
    expect(parseCaller('pkg/file.go:12')).to.deep.equal({ name: 'pkg/file.go', line: 12 });
    expect(parseCaller('C:\\src\\main.go:7')).to.deep.equal({ name: 'C:\\src\\main.go', line: 7 });
    expect(parseCaller('main.go')).to.deep.equal({ name: 'main.go' });
    expect(parseCaller('main.go:')).to.deep.equal({ name: 'main.go:' });
  });
});
