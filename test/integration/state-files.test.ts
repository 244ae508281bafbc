import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor } from '../helpers/wait';

const REPO = join(__dirname, '..', '..', '..');

interface Run { code: number | null; signal: NodeJS.Signals | null; output: string; started: boolean }

/**
 * Runs the real CLI in `cwd` until it exits by itself, or until it has started (then it is stopped
 * with SIGTERM: a daemon that should have refused its state has started, `started` says so).
 */
function runCli(cwd: string, args: string[], onStarted?: (output: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(...args), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let started = false;
    const onData = (d: Buffer) => {
      output += String(d);
      if (!started && /"msg":"vigil started"/.test(output)) {
        started = true;
        void (onStarted ? onStarted(output) : Promise.resolve()).finally(() => child.kill('SIGTERM'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => resolve({ code, signal, output, started }));
  });
}

/** The process refused to start, with an error that names `file`, and did not abort natively. */
function expectRefused(r: Run, file: string, fault: RegExp): void {
  expect(r.output, 'no native abort').not.to.match(/Assertion failed|IsInt32/);
  expect(r.signal, `killed by a signal; output: ${r.output.slice(-2000)}`).to.equal(null);
  expect(r.code, `exit code; output: ${r.output.slice(-2000)}`).not.to.equal(134);
  expect(r.started, `vigil started with a corrupt ${file}; output: ${r.output.slice(-2000)}`).to.equal(false);
  expect(r.code).to.equal(1);
  const fatal = r.output.split('\n').find((l) => l.includes('vigil could not start')) ?? '';
  const err = fatal ? (JSON.parse(fatal) as { err: string }).err : '';
  expect(err, `the error names ${file}; output: ${r.output.slice(-2000)}`).to.contain(file);
  expect(err).to.match(fault);
}

describe('state files: corrupt input gets a clear error naming the file, never a native abort', function () {
  this.timeout(120_000);
  const base = tempDir('state-files');
  let sourceKey = '';
  let registry: { version: number; sources: Record<string, { offset: unknown; meta: unknown; seen: unknown }>; sinks: Record<string, unknown>; state: Record<string, unknown> };

  /** A copy of the working folder of a clean run (logs, rules.yaml, vigil.yaml, data/state/...). */
  function workdir(name: string): string {
    const dir = join(base.path, name);
    cpSync(join(base.path, 'clean'), dir, { recursive: true });
    return dir;
  }
  const stateFile = (dir: string, name: string) => join(dir, 'data', 'state', name);
  function withRegistry(name: string, change: (r: typeof registry) => void): string {
    const dir = workdir(name);
    const r = JSON.parse(JSON.stringify(registry)) as typeof registry;
    change(r);
    writeFileSync(stateFile(dir, 'registry.json'), JSON.stringify(r));
    return dir;
  }

  before(async function () {
    // a clean run reads the log to its end: the registry then holds the file's real source key
    const dir = join(base.path, 'clean');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    copyFileSync(join(REPO, 'logs', 'sample-app.ndjson'), join(dir, 'logs', 'app.ndjson'));
    copyFileSync(join(REPO, 'rules.yaml'), join(dir, 'rules.yaml'));
    // the embedded default's paths (./logs, ./data/state, ...) with a control port of its own
    writeFileSync(join(dir, 'vigil.yaml'), 'inputs:\n  - type: file\n    paths: ["./logs/*.ndjson"]\ncontrol: { listen: "127.0.0.1:0" }\n');
    const size = readFileSync(join(dir, 'logs', 'app.ndjson')).length;
    const reg = stateFile(dir, 'registry.json');
    const r = await runCli(dir, ['run'], () => waitFor(() => {
      if (!existsSync(reg)) return false;
      const sources = (JSON.parse(readFileSync(reg, 'utf8')) as typeof registry).sources;
      return Object.values(sources).some((s) => s.offset === size);
    }, 60_000, 'the whole log acknowledged in registry.json'));
    expect(r.code, r.output.slice(-2000)).to.equal(0);
    registry = JSON.parse(readFileSync(reg, 'utf8')) as typeof registry;
    sourceKey = Object.keys(registry.sources).find((k) => registry.sources[k].offset === size)!;
    expect(registry.sinks).to.have.property('event_store');
    expect(registry.state).to.have.property('rules');
  });
  after(() => base.cleanup());

  for (const [what, offset, shown] of [
    ['a string', 'abc', '"abc"'],
    ['null', null, 'null'],
    ['negative', -5, '-5'],
    ['a fraction', 1.5, '1.5'],
  ] as const) {
    it(`registry.json: a source offset that is ${what} (${shown})`, async () => {
      const dir = withRegistry(`offset-${what}`, (r) => { r.sources[sourceKey].offset = offset; });
      const r = await runCli(dir, ['run']);
      expectRefused(r, stateFile(dir, 'registry.json'),
        new RegExp(`sources\\["${sourceKey}"\\]\\.offset must be a non-negative integer \\(got ${shown.replace(/[.]/g, '\\.')}\\)`));
    });
  }

  it('registry.json: a sources entry that is not an object', async () => {
    const dir = withRegistry('entry', (r) => { (r.sources as Record<string, unknown>)[sourceKey] = 5; });
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'registry.json'), new RegExp(`sources\\["${sourceKey}"\\] must be an object with offset, meta and seen \\(got 5\\)`));
  });

  it('registry.json: the whole file is null', async () => {
    const dir = workdir('registry-null');
    writeFileSync(stateFile(dir, 'registry.json'), 'null');
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'registry.json'), /the file must be a JSON object \(got null\)/);
  });

  it("registry.json: the event store's mark with a string size", async () => {
    const dir = withRegistry('store-mark', (r) => { (r.sinks.event_store as { size: unknown }).size = 'abc'; });
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'registry.json'), /sinks\.event_store\.size must be a non-negative integer \(got "abc"\)/);
  });

  it("registry.json: the rules' state with a position that is not a number", async () => {
    const dir = withRegistry('rules-state', (r) => { (r.state.rules as { processed: Record<string, unknown> }).processed[sourceKey] = 'abc'; });
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'registry.json'), new RegExp(`state\\.rules\\.processed\\["${sourceKey}"\\] must be a non-negative number \\(got "abc"\\)`));
  });

  it("registry.json: a rule's detector state that its detector cannot take back", async () => {
    const dir = withRegistry('detector-state', (r) => {
      const rules = (r.state.rules as { rules: Record<string, { detector: Record<string, unknown> }> }).rules;
      rules[Object.keys(rules)[0]].detector.groups = 'abc';
    });
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'registry.json'), /state\.rules: bad detector snapshot/);
  });

  it('silences.json that is not JSON: refuses to start (silences are the user\'s intent)', async () => {
    const dir = workdir('silences-garbled');
    writeFileSync(stateFile(dir, 'silences.json'), '[{"id":"a","rule":"errors","until":"2099-01-01T00:00:00.000Z"');
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'silences.json'), /not valid JSON/);
  });

  it('silences.json with a bad field', async () => {
    const dir = workdir('silences-field');
    writeFileSync(stateFile(dir, 'silences.json'), JSON.stringify([
      { id: 'a', rule: 'errors', until: '2099-01-01T00:00:00.000Z', created: '2026-01-01T00:00:00.000Z' },
      { id: 'b', rule: 'errors', until: 'tomorrow', created: '2026-01-01T00:00:00.000Z' },
    ]));
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'silences.json'), /\[1\]\.until must be an ISO 8601 time .*\(got "tomorrow"\)/);
  });

  it('a control token with whitespace inside: refused at start (the token is not shown)', async () => {
    const dir = workdir('token-space');
    writeFileSync(stateFile(dir, 'control.token'), 'abc def\n', { mode: 0o600 });
    const r = await runCli(dir, ['run']);
    expectRefused(r, stateFile(dir, 'control.token'), /contains whitespace inside the token/);
    expect(r.output).not.to.contain('abc def');
  });

  it('a control token with whitespace around it: trimmed, the daemon authenticates the trimmed token', async () => {
    const dir = workdir('token-trim');
    writeFileSync(stateFile(dir, 'control.token'), '  s3cret-token \n\n', { mode: 0o600 });
    let status = 0;
    const r = await runCli(dir, ['run'], async (output) => {
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)","tls":false/.exec(output)?.[1];
      const res = await fetch(`${url}/status`, { headers: { Authorization: 'Bearer s3cret-token' } });
      status = res.status;
    });
    expect(r.code, r.output.slice(-2000)).to.equal(0);
    expect(status).to.equal(200);
  });

  describe('vigil check --state', () => {
    it('prints file: message for every fault and exits 1, without starting anything', async () => {
      const dir = withRegistry('check-bad', (r) => {
        r.sources[sourceKey].offset = 'abc';
        (r.sources as Record<string, unknown>)['file:other'] = 5;
      });
      writeFileSync(stateFile(dir, 'silences.json'), '{not json');
      writeFileSync(stateFile(dir, 'control.token'), 'abc def\n', { mode: 0o600 });
      const r = await runCli(dir, ['check', '--state', '--config', 'vigil.yaml']);
      expect(r.started).to.equal(false);
      expect(r.code, r.output).to.equal(1);
      const lines = r.output.trim().split('\n');
      expect(lines).to.include(`data/state/registry.json: sources["${sourceKey}"].offset must be a non-negative integer (got "abc")`);
      expect(lines).to.include('data/state/registry.json: sources["file:other"] must be an object with offset, meta and seen (got 5)');
      expect(lines.some((l) => /^data\/state\/silences\.json: not valid JSON \(/.test(l)), r.output).to.equal(true);
      expect(lines.some((l) => l.startsWith('data/state/control.token: contains whitespace inside the token')), r.output).to.equal(true);
      expect(r.output).not.to.contain('abc def');
      // nothing was started: the registry is as it was written
      expect((JSON.parse(readFileSync(stateFile(dir, 'registry.json'), 'utf8')) as typeof registry).sources[sourceKey].offset).to.equal('abc');
    });

    it("checks the embedded default's ./data/state without --config; OK when the files are sound", async () => {
      const dir = workdir('check-ok');
      const r = await runCli(dir, ['check', '--state']);
      expect(r.code, r.output).to.equal(0);
      expect(r.output).to.match(/^data\/state: OK \(data\/state\/registry\.json, data\/state\/control\.token\)$/m);
      writeFileSync(stateFile(dir, 'registry.json'), '{"version":1,"sources":{"file:x":{"offset":-5,"meta":{},"seen":0}}}');
      const bad = await runCli(dir, ['check', '--state']);
      expect(bad.code, bad.output).to.equal(1);
      expect(bad.output).to.contain('data/state/registry.json: sources["file:x"].offset must be a non-negative integer (got -5)');
    });
  });
});
