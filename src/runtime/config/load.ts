/**
 * Loading and validating vigil.yaml (SPEC section 5), with positions for every problem: the file is
 * read with the config toolkit (src/core/config-kit), checked against the schema composed from the
 * components' pieces (./schema.ts), and each section is handed to its component's validation
 * (collectors/<type>/config.ts, sinks/<sink>/config.ts, src/control/config.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import {
  asObj,
  configContext,
  ConfigError,
  durationSizeMessages,
  getAjv,
  isHttpUrl,
  pruneEmptied,
  pruneNulls,
  redactSecrets,
  registerSecrets,
  resolvePath,
  schemaProblems,
  secretValuesOf,
  splitUserinfo,
  substituteEnv,
  withoutUserinfo,
  YamlSource,
  type ConfigContext,
  type FileProblem,
  type Obj,
} from '../../core/config-kit';
import { DURATION_PATTERN, SIZE_PATTERN } from '../../core/units';
import { buildControl } from '../../control/config';
import { buildSmtp } from '../../../sinks/notify/email/config';
import { SINK_TYPE_LIST, type SinkConfigs } from '../components';
import { validateWhere } from '../../../rules';
import { embeddedDefaultConfig } from './embedded-default';
import { buildInputs } from './inputs';
import { vigilConfigSchema } from './schema';
import { DEFAULT_PIPELINE, LOG_LEVELS } from './root-options';
import type { VigilConfig } from './types';
import { buildFleet } from '../fleet/config';

// The toolkit and the defaults, re-exported for the code that has always imported them from here.
export {
  ConfigError,
  YamlSource,
  scalarSourceOffset,
  isSecretKey,
  substituteEnv,
  pruneNulls,
  pruneEmptied,
  expandEnv,
  getAjv,
  displayPath,
  schemaProblems,
  durationSizeMessages,
  registerSecrets,
  secretValuesOf,
  redactSecrets,
  resolvePath,
  resolveGlob,
  type YamlPath,
  type EnvSubstitutionOptions,
  type SchemaMessageOptions,
} from '../../core/config-kit';
export { DEFAULT_CONTROL_LISTEN, parseListen } from '../../control/config';
export { EMBEDDED_SOURCE, embeddedDefaultConfig } from './embedded-default';

/** A copy of the resolved config that is safe to show (status API, logs). */
export function redactConfig(cfg: VigilConfig): unknown {
  return redactSecrets(cfg, secretValuesOf(cfg));
}

export interface LoadConfigOptions {
  /** relative config paths are resolved against this (default process.cwd()) */
  cwd?: string;
  /** environment for `${VAR}` (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** an unset variable without default: a problem (default) or '' (`vigil ctl`, which reads only the control section) */
  unsetEnv?: 'error' | 'empty';
}

export interface ConfigCheckResult {
  /** the resolved config when there were no problems */
  config?: VigilConfig;
  problems: FileProblem[];
  /** absolute path of the rules file the config points at (also when the config has other problems, if it can tell) */
  rulesPath?: string;
}

let configValidator: ValidateFunction | undefined;
function getConfigValidator(): ValidateFunction {
  if (!configValidator) configValidator = getAjv().compile(vigilConfigSchema);
  return configValidator;
}

/**
 * Loads and validates a config file. Without `file`: the embedded default (relative to `opts.cwd`).
 * Throws {@link ConfigError} with every problem found.
 */
export function loadConfig(file?: string, opts: LoadConfigOptions = {}): VigilConfig {
  const cwd = opts.cwd ?? process.cwd();
  if (file === undefined || file === '') return embeddedDefaultConfig(cwd);
  const r = checkConfigFileDetailed(file, opts);
  if (r.problems.length > 0 || !r.config) throw new ConfigError(r.problems);
  return r.config;
}

/** The problems of a config file (empty when it is valid). */
export function checkConfigFile(file: string, opts: LoadConfigOptions = {}): FileProblem[] {
  return checkConfigFileDetailed(file, opts).problems;
}

/** Reads and validates a config file; problems are labelled with `file` as given. */
export function checkConfigFileDetailed(file: string, opts: LoadConfigOptions = {}): ConfigCheckResult {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return { problems: [{ file, line: 1, col: 1, message: `cannot read file: ${(e as Error).message}` }] };
  }
  return parseConfigText(text, file, { ...opts, sourcePath: abs });
}

/**
 * Validates config text. `sourcePath` (absolute path of the file) decides the base directory of
 * relative paths (default: `opts.cwd`).
 */
export function parseConfigText(
  text: string,
  fileLabel: string,
  opts: LoadConfigOptions & { sourcePath?: string } = {},
): ConfigCheckResult {
  const cwd = opts.cwd ?? process.cwd();
  const sourcePath = opts.sourcePath ?? path.resolve(cwd, fileLabel);
  const baseDir = path.dirname(sourcePath);
  const src = new YamlSource(text.replace(/^\uFEFF/, ''), fileLabel);
  if (!src.syntaxOk) return { problems: src.finish() };
  const emptied = substituteEnv(src, { env: opts.env ?? process.env, unset: opts.unsetEnv ?? 'error' });
  let data = src.toJS();
  if (data === undefined) data = {};
  pruneNulls(data);
  pruneEmptied(data, emptied);
  const validate = getConfigValidator();
  if (!validate(data)) {
    schemaProblems(src, validate, data, {
      patternMessages: durationSizeMessages(DURATION_PATTERN, SIZE_PATTERN),
      rootSchema: vigilConfigSchema,
    });
  }
  const raw = asObj(data);
  const rulesPath = typeof raw.rules === 'string' && raw.rules ? resolvePath(baseDir, raw.rules) : path.join(baseDir, 'rules.yaml');
  const config = buildConfig(configContext(src, baseDir, validateWhere), raw, sourcePath);
  const problems = src.finish();
  if (problems.length > 0) return { problems, rulesPath };
  registerSecrets(config, src.secretValues);
  return { config, problems, rulesPath };
}

/**
 * Builds the resolved config, reporting semantic problems; returns a config even when there are
 * problems. The sections are visited in a fixed order (the first problem about a value wins).
 */
function buildConfig(ctx: ConfigContext, raw: Obj, sourcePath: string): VigilConfig {
  const { read } = ctx;
  const cfg = embeddedDefaultConfig(ctx.baseDir);
  cfg.source = sourcePath;
  if (read.str(raw.host_name)) cfg.host_name = raw.host_name as string;
  cfg.state_dir = read.file(raw.state_dir, cfg.state_dir);
  cfg.rules = read.file(raw.rules, cfg.rules);
  cfg.outbox_dir = read.file(raw.outbox_dir, cfg.outbox_dir);
  if (typeof raw.outbox_keep_days === 'number') cfg.outbox_keep_days = raw.outbox_keep_days;
  cfg.pipeline = buildPipeline(ctx, asObj(raw.pipeline));
  const lg = asObj(raw.logging);
  if (typeof lg.level === 'string' && (LOG_LEVELS as readonly string[]).includes(lg.level)) {
    cfg.logging = { level: lg.level as VigilConfig['logging']['level'] };
  }
  if (Array.isArray(raw.inputs)) cfg.inputs = buildInputs(ctx, raw.inputs);
  Object.assign(cfg, buildSinks(ctx, raw, cfg.pipeline.batch_size));
  if (raw.smtp !== undefined && raw.smtp !== null) cfg.smtp = buildSmtp(ctx, asObj(raw.smtp));
  if (read.str(raw.kibana_url)) cfg.kibana_url = checkKibanaUrl(ctx, raw.kibana_url as string);
  cfg.control = buildControl(ctx, raw.control, cfg.state_dir);
  if (raw.fleet !== undefined && raw.fleet !== null) cfg.fleet = buildFleet(ctx, asObj(raw.fleet), cfg.inputs);
  return cfg;
}

/** The sink sections vigil.yaml has, each validated by its sink type (the embedded default's event store stays when absent). */
function buildSinks(ctx: ConfigContext, raw: Obj, defaultBatchSize: number): SinkConfigs {
  const out: Record<string, unknown> = {};
  for (const [name, type] of SINK_TYPE_LIST) {
    if (raw[name] !== undefined && raw[name] !== null) out[name] = type.build(ctx, raw[name], defaultBatchSize);
  }
  return out as SinkConfigs;
}

function buildPipeline(ctx: ConfigContext, pl: Obj): VigilConfig['pipeline'] {
  const { read } = ctx;
  return {
    max_inflight_events: read.int(pl.max_inflight_events, DEFAULT_PIPELINE.max_inflight_events),
    batch_size: read.int(pl.batch_size, DEFAULT_PIPELINE.batch_size),
    flush_interval_ms: read.dur(['pipeline', 'flush_interval'], pl.flush_interval, DEFAULT_PIPELINE.flush_interval_ms),
    checkpoint_interval_ms: read.dur(['pipeline', 'checkpoint_interval'], pl.checkpoint_interval, DEFAULT_PIPELINE.checkpoint_interval_ms),
  };
}

/** `kibana_url`: an http(s) URL without user-info (it is put in every alert message); returned without a trailing slash. */
function checkKibanaUrl(ctx: ConfigContext, u: string): string {
  const { src } = ctx;
  if (!isHttpUrl(u)) {
    src.problemAtPath(['kibana_url'], `kibana_url ${src.isSecret(src.nodeAt(['kibana_url'])) ? '' : JSON.stringify(withoutUserinfo(u)) + ' '}is not an http(s) URL`, { value: true });
  } else if (splitUserinfo(u).username !== undefined) {
    src.secretValues.add(u);
    src.problemAtPath(['kibana_url'], 'kibana_url must not carry a user name or password ("user:password@"): it is put in every alert message', { value: true });
  }
  return withoutUserinfo(u).replace(/\/+$/, '');
}
