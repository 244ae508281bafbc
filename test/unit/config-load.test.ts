import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkConfigFile,
  ConfigError,
  embeddedDefaultConfig,
  expandEnv,
  loadConfig,
  parseListen,
  redactConfig,
  redactSecrets,
} from '../../src/runtime/config/load';
import { matchEventId, parseEventIdFilter, EventIdFilterError } from '../../collectors/windows-event/event-id-filter';
import { formatProblem, type FileInputConfig, type WinevtInputConfig, type EvtxInputConfig } from '../../src/runtime/config/types';
import { parseByteSize, parseDuration, formatDuration } from '../../src/core/units';

const REPO = path.resolve(__dirname, '..', '..', '..');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-config-'));
}

/** Writes `text` as <dir>/vigil.yaml and returns the problems as `line:col: message` strings. */
function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'vigil.yaml'), text);
  return checkConfigFile('vigil.yaml', { cwd: dir, env }).map((p) => `${p.line}:${p.col}: ${p.message}`);
}

function load(text: string, env: NodeJS.ProcessEnv = {}): { cfg: ReturnType<typeof loadConfig>; dir: string } {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.writeFileSync(path.join(dir, 'conf', 'vigil.yaml'), text);
  return { cfg: loadConfig('conf/vigil.yaml', { cwd: dir, env }), dir };
}

describe('duration and size parsing', () => {
  it('parses durations to milliseconds', () => {
    expect(parseDuration('30s')).to.equal(30_000);
    expect(parseDuration('5m')).to.equal(300_000);
    expect(parseDuration('2h')).to.equal(7_200_000);
    expect(parseDuration('1d')).to.equal(86_400_000);
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('1m 30s')).to.equal(90_000);
    expect(parseDuration('1.5h')).to.equal(5_400_000);
    expect(parseDuration(10)).to.equal(10_000); // bare number = seconds
    expect(parseDuration('10')).to.equal(10_000);
    expect(parseDuration('0s')).to.equal(0);
  });

  it('rejects bad durations with a clear message', () => {
    expect(() => parseDuration('5x')).to.throw('invalid duration "5x": unknown unit "x" (use ms, s, m, h, d or w)');
    expect(() => parseDuration('5min')).to.throw('unknown unit "min"');
    expect(() => parseDuration('')).to.throw('invalid duration ""');
    expect(() => parseDuration('-5m')).to.throw('negative durations are not allowed');
    expect(() => parseDuration('1h30')).to.throw('every number needs a unit');
    expect(() => parseDuration('abc')).to.throw('expected a number followed by a unit');
    expect(() => parseDuration('5M')).to.throw('unknown unit "M"');
    expect(() => parseDuration(-1)).to.throw('non-negative');
  });

  it('parses sizes', () => {
    expect(parseByteSize('1MiB')).to.equal(1024 * 1024);
    expect(parseByteSize('512KB')).to.equal(512_000);
    expect(parseByteSize('512KiB')).to.equal(512 * 1024);
    expect(parseByteSize('1mb')).to.equal(1_000_000);
    expect(parseByteSize('4096')).to.equal(4096);
    expect(parseByteSize(4096)).to.equal(4096);
    expect(parseByteSize('2 GiB')).to.equal(2 * 1024 ** 3);
    expect(parseByteSize('100B')).to.equal(100);
    expect(() => parseByteSize('1XB')).to.throw('invalid size "1XB": unknown unit "XB"');
    expect(() => parseByteSize('lots')).to.throw('invalid size "lots"');
  });

  it('formats durations', () => {
    expect(formatDuration(90_000)).to.equal('1m30s');
    expect(formatDuration(0)).to.equal('0s');
    expect(formatDuration(86_400_000 + 500)).to.equal('1d500ms');
  });
});

describe('event id filters', () => {
  it('parses includes, ranges and excludes', () => {
    expect(parseEventIdFilter('4624, 4700-4800, -4735')).to.deep.equal({
      include: [
        [4624, 4624],
        [4700, 4800],
      ],
      exclude: [[4735, 4735]],
    });
    expect(parseEventIdFilter(4104)).to.deep.equal({ include: [[4104, 4104]], exclude: [] });
    expect(parseEventIdFilter('-1-10')).to.deep.equal({ include: [], exclude: [[1, 10]] });
  });

  it('matches ids', () => {
    const f = parseEventIdFilter('4624, 4700-4800, -4735');
    expect(matchEventId(f, 4624)).to.equal(true);
    expect(matchEventId(f, 4750)).to.equal(true);
    expect(matchEventId(f, 4735)).to.equal(false);
    expect(matchEventId(f, 1)).to.equal(false);
    expect(matchEventId(parseEventIdFilter('-4735'), 1)).to.equal(true);
  });

  it('rejects bad expressions with the offset of the faulty term', () => {
    const bad = (s: string): EventIdFilterError => {
      try {
        parseEventIdFilter(s);
      } catch (e) {
        return e as EventIdFilterError;
      }
      throw new Error('expected a throw');
    };
    expect(bad('4624, 4800-4700').message).to.equal('bad event_ids range "4800-4700": 4800 is greater than 4700');
    expect(bad('4624, 4800-4700').offset).to.equal(6);
    expect(bad('70000').message).to.equal('bad event_ids term "70000": event ids are 0-65535');
    expect(bad('4624,,1').message).to.contain('empty term');
    expect(bad('4624, abc').offset).to.equal(6);
    expect(bad('').message).to.equal('empty event_ids expression');
  });
});

describe('embedded default config', () => {
  it('matches SPEC section 5', () => {
    const cfg = embeddedDefaultConfig('/srv/app');
    expect(cfg.source).to.equal('<embedded default>');
    expect(cfg.rules).to.equal(path.resolve('/srv/app/rules.yaml'));
    expect(cfg.state_dir).to.equal(path.resolve('/srv/app/data/state'));
    expect(cfg.event_store.dir).to.equal(path.resolve('/srv/app/data/events'));
    expect(cfg.outbox_dir).to.equal(path.resolve('/srv/app/data/outbox'));
    expect(cfg.control).to.deep.equal({ listen: '127.0.0.1:9680', token_file: path.resolve('/srv/app/data/state/control.token') });
    expect(cfg.elasticsearch).to.equal(undefined);
    expect(cfg.smtp).to.equal(undefined);
    expect(cfg.inputs).to.have.length(1);
    const inp = cfg.inputs[0] as FileInputConfig;
    expect(inp.type).to.equal('file');
    expect(inp.id).to.equal('file-1');
    expect(inp.paths.map((p) => p.replace(/\\/g, '/'))).to.deep.equal([
      path.resolve('/srv/app').replace(/\\/g, '/') + '/logs/**/*.json',
      path.resolve('/srv/app').replace(/\\/g, '/') + '/logs/**/*.ndjson',
    ]);
    expect(inp.max_line_bytes).to.equal(1024 * 1024);
    expect(inp.scan_interval_ms).to.equal(1000);
    expect(inp.poll_interval_ms).to.equal(250);
    expect(inp.close_inactive_ms).to.equal(300_000);
    expect(inp.max_open_files).to.equal(256);
    expect(inp.fingerprint_bytes).to.equal(1024);
    expect(inp.dataset).to.equal('vigil.file');
    expect(cfg.logging.level).to.equal('info');
    expect(cfg.pipeline).to.deep.equal({ max_inflight_events: 2000, batch_size: 1000, flush_interval_ms: 200, checkpoint_interval_ms: 1000 });
  });

  it('is what loadConfig returns without a path', () => {
    expect(loadConfig(undefined, { cwd: '/srv/app' })).to.deep.equal(embeddedDefaultConfig('/srv/app'));
  });
});

describe('loadConfig', () => {
  it('resolves relative paths against the config file directory and fills defaults', () => {
    const { cfg, dir } = load(
      [
        'state_dir: state',
        'rules: ../rules/main.yaml',
        'inputs:',
        '  - type: file',
        '    paths: [app/*.log, /abs/*.json]',
        '    scan_interval: 5s',
        '    max_line_bytes: 64KiB',
        '  - type: file',
        '    id: second',
        '    paths: x.log',
        '  - type: winevt',
        '    channels: [Security, {name: System, event_ids: "1-10, -5", levels: [warn, info]}]',
        '  - type: evtx',
        '    paths: [evtx/*.evtx]',
        'outbox_dir: ~/outbox',
        'outbox_keep_days: 90',
        'control: { tls: { cert: c.pem, key: k.pem } }',
        'pipeline: { flush_interval: 1s, batch_size: 50 }',
        'logging: { level: debug }',
      ].join('\n'),
    );
    const conf = path.join(dir, 'conf');
    const glob = (p: string): string => p.replace(/\\/g, '/');
    expect(cfg.source).to.equal(path.join(conf, 'vigil.yaml'));
    expect(cfg.state_dir).to.equal(path.join(conf, 'state'));
    expect(cfg.rules).to.equal(path.join(dir, 'rules', 'main.yaml'));
    expect(cfg.event_store.dir).to.equal(path.join(conf, 'data', 'events'));
    expect(cfg.outbox_dir).to.equal(path.join(os.homedir(), 'outbox'));
    expect(cfg.outbox_keep_days).to.equal(90);
    expect(cfg.control.token_file).to.equal(path.join(conf, 'state', 'control.token'));
    expect(cfg.control.listen).to.equal('127.0.0.1:9680');
    expect(cfg.control.tls).to.deep.equal({ cert: path.join(conf, 'c.pem'), key: path.join(conf, 'k.pem') });
    expect(cfg.pipeline).to.deep.equal({ max_inflight_events: 2000, batch_size: 50, flush_interval_ms: 1000, checkpoint_interval_ms: 1000 });
    expect(cfg.logging.level).to.equal('debug');
    const [f1, f2, w, e] = cfg.inputs;
    expect(f1.id).to.equal('file-1');
    expect((f1 as FileInputConfig).paths.map(glob)).to.deep.equal([glob(path.join(conf, 'app/*.log')), '/abs/*.json']);
    expect((f1 as FileInputConfig).scan_interval_ms).to.equal(5000);
    expect((f1 as FileInputConfig).max_line_bytes).to.equal(65536);
    expect(f2.id).to.equal('second');
    expect((f2 as FileInputConfig).paths.map(glob)).to.deep.equal([glob(path.join(conf, 'x.log'))]); // a scalar becomes a list
    expect(w.id).to.equal('winevt-1');
    expect((w as WinevtInputConfig).channels).to.deep.equal([
      { name: 'Security' },
      { name: 'System', event_ids: '1-10, -5', levels: ['warning', 'information'] },
    ]);
    expect((w as WinevtInputConfig).wevtutil_path).to.equal('wevtutil');
    expect(e).to.deep.equal({ type: 'evtx', id: 'evtx-1', paths: [glob(path.join(conf, 'evtx/*.evtx'))], scan_interval_ms: 10_000 });
  });

  it('fills elasticsearch and smtp defaults', () => {
    const { cfg } = load(
      [
        'elasticsearch:',
        '  url: https://es.example:9200/',
        '  api_key: abc123',
        'smtp:',
        '  host: mail.example',
        '  from: vigil@example.com',
        '  secure: true',
        'kibana_url: http://kibana:5601/',
      ].join('\n'),
    );
    expect(cfg.elasticsearch).to.deep.equal({
      hosts: ['https://es.example:9200'],
      api_key: 'abc123',
      data_stream: 'logs-vigil-default',
      batch_size: 1000,
      batch_bytes: 5 * 1024 * 1024,
      flush_interval_ms: 1000,
      max_inflight_requests: 2,
      request_timeout_ms: 30_000,
      spool_max_bytes: 2 * 1024 * 1024 * 1024,
      spool_segment_bytes: 64 * 1024 * 1024,
    });
    expect(cfg.smtp).to.deep.equal({ host: 'mail.example', port: 465, secure: true, starttls: false, from: 'vigil@example.com' });
    expect(cfg.kibana_url).to.equal('http://kibana:5601');
  });

  it('an empty file is the defaults relative to the file', () => {
    const { cfg, dir } = load('# nothing here\n');
    expect(cfg.rules).to.equal(path.join(dir, 'conf', 'rules.yaml'));
    expect(cfg.inputs).to.have.length(1);
  });

  it('throws ConfigError whose message lists every problem', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'v.yaml'), 'foo: 1\nlogging: { level: loud }\n');
    try {
      loadConfig('v.yaml', { cwd: dir, env: {} });
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const ce = e as ConfigError;
      expect(ce.problems).to.have.length(2);
      expect(ce.message).to.equal(ce.problems.map(formatProblem).join('\n'));
      expect(ce.problems[0].file).to.equal('v.yaml');
    }
  });

  it('reports an unreadable file at 1:1', () => {
    const dir = tmpdir();
    const ps = checkConfigFile('missing.yaml', { cwd: dir });
    expect(ps).to.have.length(1);
    expect(ps[0]).to.include({ file: 'missing.yaml', line: 1, col: 1 });
    expect(ps[0].message).to.match(/^cannot read file: ENOENT/);
  });

  it('validates vigil.example.yaml', () => {
    const ps = checkConfigFile(path.join(REPO, 'vigil.example.yaml'), { env: {} });
    expect(ps).to.deep.equal([]);
    const cfg = loadConfig(path.join(REPO, 'vigil.example.yaml'), { env: { ES_PASSWORD: 's3cret-pw' } });
    expect(cfg.inputs.map((i) => i.type)).to.deep.equal(['file', 'winevt', 'evtx']);
    expect(cfg.elasticsearch?.password).to.equal('s3cret-pw');
    expect(cfg.host_name).to.equal(undefined); // ${VIGIL_HOST_NAME:-} → empty → not set
  });
});

describe('config problems with positions', () => {
  it('YAML syntax errors', () => {
    expect(problemsOf('inputs:\n  - type: file\n    paths: [a, b\n')).to.deep.equal([
      '4:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problemsOf('a: 1\na: 2\n')).to.deep.equal(['2:1: Map keys must be unique']);
  });

  it('unknown keys, at the key', () => {
    expect(problemsOf('inputs:\n  - type: file\n    pathz: [a]\n    paths: [b]\n')).to.deep.equal([
      '3:5: unknown key "pathz" in inputs[0] (expected one of: type, id, paths, exclude, dataset, timestamp_field, max_line_bytes, scan_interval, poll_interval, watch, close_inactive, max_open_files, fingerprint_bytes, ignore_older, follow_symlinks, workers)',
    ]);
    expect(problemsOf('statedir: x\n')[0]).to.match(/^1:1: unknown key "statedir" \(expected one of: host_name, state_dir, rules, inputs,/);
    expect(problemsOf('control:\n  listen: 127.0.0.1:1\n  tokenfile: x\n')[0]).to.equal(
      '3:3: unknown key "tokenfile" in control (expected one of: listen, token_file, allow_insecure, allowed_hosts, tls)',
    );
  });

  it('missing keys, at the mapping', () => {
    expect(problemsOf('smtp:\n  host: mail\n')).to.deep.equal(['2:3: missing required key "from" in smtp']);
    expect(problemsOf('inputs:\n  - paths: [a]\n')).to.deep.equal([
      '2:5: missing required key "type" in inputs[0] (one of: file, winevt, evtx, elasticsearch)',
    ]);
  });

  it('wrong types and values, at the value', () => {
    expect(problemsOf('inputs:\n  - type: syslog\n')).to.deep.equal(['2:11: inputs[0].type must be one of: file, winevt, evtx, elasticsearch (got "syslog")']);
    expect(problemsOf('pipeline:\n  batch_size: lots\n')).to.deep.equal(['2:15: pipeline.batch_size must be an integer, got a string']);
    expect(problemsOf('logging:\n  level: loud\n')).to.deep.equal([
      '2:10: logging.level must be one of: trace, debug, info, warn, error, fatal (got "loud")',
    ]);
    expect(problemsOf('inputs: {type: file}\n')).to.deep.equal(['1:9: inputs must be a list, got a mapping']);
    expect(problemsOf('- a\n')).to.deep.equal(['1:1: the file must be a mapping, got a list']);
  });

  it('bad durations and sizes', () => {
    expect(problemsOf('pipeline:\n  flush_interval: 5 minutes\n')).to.deep.equal([
      '2:19: pipeline.flush_interval: invalid duration "5 minutes": unknown unit "minutes" (use ms, s, m, h, d or w)',
    ]);
    expect(problemsOf('inputs:\n  - type: file\n    paths: [a]\n    max_line_bytes: 1XB\n')).to.deep.equal([
      '4:21: inputs[0].max_line_bytes: invalid size "1XB": unknown unit "XB" (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)',
    ]);
  });

  it('duplicate input ids, at the second one', () => {
    const text = ['inputs:', '  - type: file', '    id: app', '    paths: [a]', '  - type: evtx', '    id: app', '    paths: [b]'].join('\n');
    expect(problemsOf(text)).to.deep.equal(['6:9: duplicate input id "app" (already used by inputs[0])']);
    // a default id colliding with an explicit one
    const text2 = ['inputs:', '  - type: file', '    id: file-2', '    paths: [a]', '  - type: file', '    paths: [b]', '  - type: file', '    paths: [c]'].join('\n');
    expect(problemsOf(text2)).to.deep.equal(['5:5: duplicate input id "file-2" (already used by inputs[0])']);
  });

  it('an evtx input: scan_interval parsed like the file input\'s, and greater than 0', () => {
    const { cfg } = load('inputs:\n  - type: evtx\n    paths: [x/*.evtx]\n    scan_interval: 1m30s\n');
    expect((cfg.inputs[0] as EvtxInputConfig).scan_interval_ms).to.equal(90_000);
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    scan_interval: 0s\n')).to.deep.equal(['4:20: inputs[0].scan_interval must be greater than 0']);
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    scan_interval: soon\n')[0]).to.match(/^4:20: inputs\[0\]\.scan_interval: invalid duration "soon"/);
  });

  it('an evtx input: event_ids, levels and providers as for a channel, a bad term at its column', () => {
    const { cfg } = load('inputs:\n  - type: evtx\n    paths: [x/*.evtx]\n    event_ids: "4624, 4700-4800, -4735"\n    levels: [warn, err, information]\n    providers: [Microsoft-Windows-Security-Auditing]\n');
    expect(cfg.inputs[0]).to.deep.include({ event_ids: '4624, 4700-4800, -4735', levels: ['warning', 'error', 'information'], providers: ['Microsoft-Windows-Security-Auditing'] });
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    event_ids: "4624, 47x"\n')).to.deep.equal([
      '4:23: inputs[0].event_ids: bad event_ids term "47x": expected an id (4624), a range (4700-4800), or either with a leading "-" to exclude it',
    ]);
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    levels: [loud]\n')[0]).to.match(/^4:14: inputs\[0\]\.levels\[0\]/);
  });

  it('an evtx input: workers, a number of decode threads or auto (left unset: the default, auto)', () => {
    expect((load('inputs:\n  - type: evtx\n    paths: [a]\n    workers: 2\n').cfg.inputs[0] as EvtxInputConfig).workers).to.equal(2);
    expect((load('inputs:\n  - type: evtx\n    paths: [a]\n    workers: auto\n').cfg.inputs[0] as EvtxInputConfig).workers).to.equal('auto');
    expect((load('inputs:\n  - type: evtx\n    paths: [a]\n').cfg.inputs[0] as EvtxInputConfig).workers).to.equal(undefined);
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    workers: -1\n')).to.have.length(1);
    expect(problemsOf('inputs:\n  - type: evtx\n    paths: [a]\n    workers: many\n')[0]).to.match(/^4:14: /);
  });

  it('a file input with no paths', () => {
    expect(problemsOf('inputs:\n  - type: file\n    paths: []\n')).to.deep.equal(['3:12: file input inputs[0] has no paths']);
    expect(problemsOf('inputs:\n  - type: file\n')).to.deep.equal(['2:5: missing required key "paths" in inputs[0]']);
  });

  it('bad event_ids expressions, at the faulty term', () => {
    const text = ['inputs:', '  - type: winevt', '    channels:', '      - name: Security', '        event_ids: "4624, 4800-4700"'].join('\n');
    expect(problemsOf(text)).to.deep.equal([
      '5:27: inputs[0].channels[0].event_ids: bad event_ids range "4800-4700": 4800 is greater than 4700',
    ]);
    const plain = ['inputs:', '  - type: winevt', '    channels: [{name: System, event_ids: 4624-x}]'].join('\n');
    expect(problemsOf(plain)).to.deep.equal([
      '3:42: inputs[0].channels[0].event_ids: bad event_ids term "4624-x": expected an id (4624), a range (4700-4800), or either with a leading "-" to exclude it',
    ]);
  });

  it('elasticsearch, smtp and control checks', () => {
    expect(problemsOf('elasticsearch:\n  index: logs\n')).to.deep.equal(['1:1: elasticsearch needs "url" or "hosts"']);
    expect(problemsOf('elasticsearch:\n  url: http://a:9200\n  hosts: [http://b:9200]\n')).to.deep.equal([
      '3:3: elasticsearch: set either "url" or "hosts", not both',
    ]);
    expect(problemsOf('elasticsearch:\n  hosts: [http://a:9200, "ftp://b"]\n')).to.deep.equal([
      '2:26: elasticsearch.hosts[1] "ftp://b" is not an http(s) URL',
    ]);
    expect(problemsOf('elasticsearch:\n  url: http://a:9200\n  username: bob\n')).to.deep.equal([
      '3:3: elasticsearch.username is set but elasticsearch.password is not',
    ]);
    expect(problemsOf('elasticsearch:\n  url: http://a:9200\n  index: Logs\n')[0]).to.match(/^3:10: elasticsearch.index "Logs" is not a valid name/);
    expect(problemsOf('smtp: {host: h, from: a@b, secure: true, starttls: true}\n')).to.deep.equal([
      '1:42: smtp: secure (implicit TLS) and starttls cannot both be true',
    ]);
    expect(problemsOf('control:\n  listen: localhost\n')).to.deep.equal([
      '2:11: control.listen "localhost" must be host:port (e.g. 127.0.0.1:9680)',
    ]);
    expect(problemsOf('kibana_url: kibana:5601\n')).to.deep.equal(['1:13: kibana_url "kibana:5601" is not an http(s) URL']);
  });

  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:9680')).to.deep.equal({ host: '127.0.0.1', port: 9680 });
    expect(parseListen('[::1]:80')).to.deep.equal({ host: '::1', port: 80 });
    expect(parseListen(':80')).to.deep.equal({ host: '0.0.0.0', port: 80 });
    expect(parseListen('x:99999')).to.equal(undefined);
  });
});

describe('environment substitution', () => {
  it('expands ${VAR}, ${VAR:-default} and $${', () => {
    const env = { A: 'x', EMPTY: '' };
    expect(expandEnv('${A}-${B:-def}-${EMPTY:-e}-$${A}-$5', env).value).to.equal('x-def-e-${A}-$5');
    expect(expandEnv('${B}', env).errors).to.deep.equal([{ index: 0, message: 'environment variable B is not set', unset: true }]);
    expect(expandEnv('${1X}', env).errors[0].message).to.equal('bad environment reference "${1X}" (expected ${NAME} or ${NAME:-default})');
    expect(expandEnv('ab${A', env).errors[0]).to.deep.include({ index: 2 });
    expect(expandEnv('${MY_TOKEN}', { MY_TOKEN: 't' }).secret).to.equal(true);
  });

  it('substitutes in every string value, with types from the schema', () => {
    const { cfg } = load(
      [
        'host_name: ${HOST:-web-1}',
        'smtp:',
        '  host: ${SMTP_HOST}',
        '  port: ${SMTP_PORT}',
        '  secure: ${SMTP_SECURE:-false}',
        '  from: vigil@${DOMAIN:-example.com}',
        'elasticsearch:',
        '  url: ${ES_URL}',
        '  api_key: ${ES_API_KEY:-}',
        '  username: ${ES_USER:-elastic}',
        '  password: ${ES_PASSWORD}',
      ].join('\n'),
      { SMTP_HOST: 'mail.local', SMTP_PORT: '2525', ES_URL: 'http://es:9200', ES_PASSWORD: '12345678' },
    );
    expect(cfg.host_name).to.equal('web-1');
    expect(cfg.smtp).to.include({ host: 'mail.local', port: 2525, secure: false, from: 'vigil@example.com' });
    expect(cfg.elasticsearch).to.include({ username: 'elastic', password: '12345678' });
    expect(cfg.elasticsearch?.api_key).to.equal(undefined); // empty after substitution = not set
  });

  it('reports an unset variable at the ${ inside the value', () => {
    expect(problemsOf('smtp:\n  host: mail\n  from: "vigil@${MAIL_DOMAIN}"\n')).to.deep.equal([
      '3:16: environment variable MAIL_DOMAIN is not set',
    ]);
    expect(problemsOf('state_dir: ${BASE}/state\n')).to.deep.equal(['1:12: environment variable BASE is not set']);
  });

  it('never echoes secrets in problems', () => {
    const secret = 'hunter2-very-secret';
    const env = { KIBANA_TOKEN: secret, ES_PASSWORD: secret, PORT_KEY: secret };
    const ps = problemsOf(
      ['kibana_url: ${KIBANA_TOKEN}', 'smtp: {host: h, from: a@b, port: "${PORT_KEY}"}', 'elasticsearch:', '  url: http://x:9200', '  password: ${ES_PASSWORD}'].join('\n'),
      env,
    );
    expect(ps).to.deep.equal([
      '1:13: kibana_url is not an http(s) URL',
      '2:34: smtp.port must be an integer, got a string',
      '5:3: elasticsearch.password is set but elasticsearch.username is not',
    ]);
    for (const p of ps) expect(p).not.to.contain(secret);
    // a bad value under a secret key is not echoed either
    const ps2 = problemsOf('smtp: {host: h, from: a@b, password: [1, 2]}\n');
    expect(ps2).to.deep.equal(['1:38: smtp.password must be a string, got a list']);
  });
});

describe('redactConfig', () => {
  it('replaces passwords, api keys, URL passwords and env secrets', () => {
    const { cfg } = load(
      [
        'kibana_url: https://kibana.local/?t=${KIBANA_TOKEN}',
        'elasticsearch:',
        '  hosts: ["https://es1:9200"]',
        '  api_key: ${ES_API_KEY}',
        'smtp: {host: h, from: a@b, username: u, password: "${SMTP_PASS}"}',
      ].join('\n'),
      { KIBANA_TOKEN: 'tok-123456', ES_API_KEY: 'key-abcdef', SMTP_PASS: 'pass-xyz' },
    );
    const red = redactConfig(cfg) as typeof cfg;
    const json = JSON.stringify(red);
    for (const s of ['tok-123456', 'key-abcdef', 'pass-xyz']) expect(json).not.to.contain(s);
    expect(red.elasticsearch?.api_key).to.equal('[redacted]');
    expect(red.smtp?.password).to.equal('[redacted]');
    expect(red.smtp?.username).to.equal('u');
    expect(red.kibana_url).to.equal('https://kibana.local/?t=[redacted]');
    // the original is untouched
    expect(cfg.elasticsearch?.api_key).to.equal('key-abcdef');
    // a URL password, even one that is not a known secret, is cut by the pattern
    expect(redactSecrets({ url: 'https://bob:p@ss@es1:9200' })).to.deep.equal({ url: 'https://bob:[redacted]@es1:9200' });
  });
});
