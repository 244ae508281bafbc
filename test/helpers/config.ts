import { join } from 'node:path';
import type { VigilConfig, FileInputConfig } from '../../src/runtime/config/types';

/**
 * The file inputs' `workers` in the tests' configs: `auto` (the default: on with more than one core), or
 * what VIGIL_TEST_FILE_WORKERS says (a count, 0 for none), to run the same tests with the workers forced on or off.
 */
export function testWorkers(): number | 'auto' {
  const v = process.env.VIGIL_TEST_FILE_WORKERS;
  return v === undefined || v === '' || v === 'auto' ? 'auto' : Number(v);
}

/** A complete config for a daemon whose inputs and state live under `dir` (fast scan/poll for tests). */
export function testConfig(dir: string, paths: string[], file: Partial<FileInputConfig> = {}, over: Partial<VigilConfig> = {}): VigilConfig {
  return {
    source: '<test>',
    host_name: 'test-host',
    state_dir: join(dir, 'state'),
    rules: join(dir, 'rules.yaml'),
    inputs: [{
      type: 'file', id: 'test', paths, exclude: [], dataset: 'test.log', max_line_bytes: 1024 * 1024,
      scan_interval_ms: 100, poll_interval_ms: 20, watch: true, close_inactive_ms: 2000, max_open_files: 64, fingerprint_bytes: 1024,
      workers: testWorkers(), ...file,
    }],
    event_store: { dir: join(dir, 'events') },
    outbox_dir: join(dir, 'outbox'),
    control: { listen: '127.0.0.1:0', token_file: join(dir, 'state', 'control.token') },
    logging: { level: 'warn' },
    pipeline: { max_inflight_events: 20000, batch_size: 1000, flush_interval_ms: 50, checkpoint_interval_ms: 200 },
    ...over,
  };
}

/** The YAML text of the same, for a child `vigil run --config`. */
export function testConfigYaml(dir: string, paths: string[]): string {
  return [
    `host_name: test-host`,
    `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    `inputs:`,
    `  - type: file`,
    `    id: test`,
    `    paths: [${paths.map((p) => JSON.stringify(p)).join(', ')}]`,
    `    scan_interval: 100ms`,
    `    poll_interval: 20ms`,
    `    close_inactive: 2s`,
    `    workers: ${testWorkers()}`,
    `event_store: { dir: ${JSON.stringify(join(dir, 'events'))} }`,
    `outbox_dir: ${JSON.stringify(join(dir, 'outbox'))}`,
    `control: { listen: "127.0.0.1:0" }`,
    `logging: { level: info }`,
    `pipeline: { flush_interval: 50ms, checkpoint_interval: 200ms }`,
    '',
  ].join('\n');
}
