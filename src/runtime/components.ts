/**
 * The registry of components: vigil.yaml `inputs[].type` → its input type, and the sink sections
 * (`event_store`, `elasticsearch`) → their sink type. Each entry joins the component's options (its
 * config.ts: schema, defaults, validation) to how the component is made. The root schema
 * (./config/schema.ts), the loader (./config/load.ts) and the daemon read the components from here
 * only, so a new input type is one entry (its collectors/<type>/config.ts and its collector).
 *
 * A component's code is loaded by `create`, not with the registry: reading or checking a config
 * (`vigil check`, the service installers) does not load the collectors, the sinks and their packages.
 *
 * A benchmark's null sink (sinks/null-sink.ts) is no sink type: vigil.yaml cannot name it. The
 * benchmark gives its sinks to the Daemon (`DaemonOptions.sinks`), which then makes none from here.
 */
import type { CheckpointRegistry } from '../core/checkpoints/registry';
import { asObj, type ConfigContext, type Obj } from '../core/config-kit';
import type { Collector } from '../core/contracts/collector';
import type { CollectorDeps } from '../core/contracts/collector-deps';
import type { EventSink } from '../core/contracts/event-sink';
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';
import { VIGIL_VERSION } from '../core/version';
import { buildEvtxInput, evtxInputSchema, type EvtxInputConfig } from '../../collectors/evtx/config';
import { buildFileInput, defaultFileInput, fileInputSchema, type FileInputConfig } from '../../collectors/file/config';
import { buildEsInput, esInputSchema, type EsInputConfig } from '../../collectors/elasticsearch/config';
import { buildWinevtInput, channelSchema, winevtInputSchema, type WinevtInputConfig } from '../../collectors/winevt/config';
import { buildElasticsearch, elasticsearchSchema, type ElasticsearchConfig } from '../../sinks/elasticsearch/config';
import { buildEventStore, defaultEventStore, EVENT_STORE_KEEP_DAYS, eventStoreSchema, type EventStoreConfig } from '../../sinks/event-store/config';

/** One input type: the options of an `inputs` entry and its collector. */
export interface InputType<C extends { type: string; id: string }> {
  /** the entry's JSON Schema: a branch of the root schema's `inputs` oneOf (`#/definitions/<type>Input`) */
  configSchema: object;
  /** definitions the schema refers to (`#/definitions/<name>`), added to the root schema */
  definitions?: Record<string, object>;
  /** the entry with every default and no `paths` given, under a folder (the embedded default's input) */
  defaults?(base: string): C;
  /** validates `inputs[i]` (already checked against the schema) and fills in the defaults */
  build(ctx: ConfigContext, o: Obj, i: number, id: string): C;
  create(cfg: C, deps: CollectorDeps): Collector;
}

/** What every sink is made with besides its own section. */
export interface SinkDeps {
  stateDir: string;
  registry: CheckpointRegistry;
  log: Logger;
  metrics: Metrics;
}

/** One sink type: a root section of vigil.yaml (named by its key in {@link SINK_TYPES}) and its sink. */
export interface SinkType<C> {
  /** the section's JSON Schema (a property of the root schema) */
  configSchema: object;
  /** the section when vigil.yaml has none; a sink type without defaults is there only when configured */
  defaults?(base: string): C;
  /** used only when no other sink is configured (the embedded default's event store) */
  fallback?: boolean;
  /** validates the section (already checked against the schema; undefined when absent) and fills in the defaults */
  build(ctx: ConfigContext, raw: unknown, defaultBatchSize: number): C;
  create(cfg: C, deps: SinkDeps): EventSink;
}

export const INPUT_TYPES = {
  file: {
    configSchema: fileInputSchema,
    defaults: (base) => defaultFileInput(base),
    build: buildFileInput,
    create: (cfg, deps) => {
      const { FileCollector } = require('../../collectors/file/file-collector') as typeof import('../../collectors/file/file-collector');
      return new FileCollector(cfg, deps);
    },
  } satisfies InputType<FileInputConfig>,
  // the live Windows Event Log, read through wevtutil
  winevt: {
    configSchema: winevtInputSchema,
    definitions: { channel: channelSchema },
    build: buildWinevtInput,
    create: (cfg, deps) => {
      const { WinevtCollector } = require('../../collectors/winevt/winevt-collector') as typeof import('../../collectors/winevt/winevt-collector');
      return new WinevtCollector(cfg, deps);
    },
  } satisfies InputType<WinevtInputConfig>,
  // exported or copied .evtx files, on any OS
  evtx: {
    configSchema: evtxInputSchema,
    build: buildEvtxInput,
    create: (cfg, deps) => {
      const { EvtxCollector } = require('../../collectors/evtx/evtx-collector') as typeof import('../../collectors/evtx/evtx-collector');
      return new EvtxCollector(cfg, deps);
    },
  } satisfies InputType<EvtxInputConfig>,
  // documents read back from Elasticsearch (a fleet runner)
  elasticsearch: {
    configSchema: esInputSchema,
    build: buildEsInput,
    create: (cfg, deps) => {
      const { EsCollector } = require('../../collectors/elasticsearch/es-collector') as typeof import('../../collectors/elasticsearch/es-collector');
      return new EsCollector(cfg, deps);
    },
  } satisfies InputType<EsInputConfig>,
};

export type InputTypeName = keyof typeof INPUT_TYPES;

type InputConfigOf<E> = E extends InputType<infer C> ? C : never;

/** The resolved options of any input: the union of the input types' own. */
export type InputConfig = InputConfigOf<(typeof INPUT_TYPES)[InputTypeName]>;

/** The input types, each seen through its interface alone (for the code that walks them all). */
export const INPUT_TYPE_LIST = Object.entries(INPUT_TYPES) as Array<[InputTypeName, InputType<InputConfig>]>;

/** The input type named by an `inputs` entry's `type`, if there is one. */
export function inputType(name: unknown): InputType<InputConfig> | undefined {
  return typeof name === 'string' && Object.hasOwn(INPUT_TYPES, name) ? (INPUT_TYPES[name as InputTypeName] as InputType<InputConfig>) : undefined;
}

export const SINK_TYPES = {
  // the local NDJSON store: the embedded default's sink, and the one used when no other is configured
  event_store: {
    configSchema: eventStoreSchema,
    defaults: (base) => defaultEventStore(base),
    fallback: true,
    build: (ctx, raw) => buildEventStore(ctx, raw),
    create: (cfg, deps) => {
      const { EventStoreSink } = require('../../sinks/event-store/event-store-sink') as typeof import('../../sinks/event-store/event-store-sink');
      return new EventStoreSink({ dir: cfg.dir, keepDays: cfg.keep_days ?? EVENT_STORE_KEEP_DAYS, registry: deps.registry, log: deps.log, metrics: deps.metrics });
    },
  } satisfies SinkType<EventStoreConfig>,
  elasticsearch: {
    configSchema: elasticsearchSchema,
    build: (ctx, raw, defaultBatchSize) => buildElasticsearch(ctx, asObj(raw), defaultBatchSize),
    create: (cfg, deps) => {
      // the client is a large module: loaded only when configured
      const { ElasticsearchSink } = require('../../sinks/elasticsearch/elasticsearch-sink') as typeof import('../../sinks/elasticsearch/elasticsearch-sink');
      return new ElasticsearchSink({ cfg, stateDir: deps.stateDir, log: deps.log, metrics: deps.metrics, vigilVersion: VIGIL_VERSION });
    },
  } satisfies SinkType<ElasticsearchConfig>,
};

export type SinkTypeName = keyof typeof SINK_TYPES;

/** The sink sections of a resolved config, each present when configured (or defaulted). */
export type SinkConfigs = { [K in SinkTypeName]?: (typeof SINK_TYPES)[K] extends SinkType<infer C> ? C : never };

/** The sink types, each seen through its interface alone (for the code that walks them all). */
export const SINK_TYPE_LIST = Object.entries(SINK_TYPES) as Array<[SinkTypeName, SinkType<unknown>]>;

/** The collector of one configured input. */
export function createCollector(input: InputConfig, deps: CollectorDeps): Collector {
  const type = inputType(input.type);
  if (!type) throw new Error(`input "${input.id}": unknown input type "${input.type}"`);
  return type.create(input, deps);
}

/** The sinks of a resolved config: the configured ones, else the fallback (the event store). */
export function createSinks(cfg: SinkConfigs, deps: SinkDeps): EventSink[] {
  const present = SINK_TYPE_LIST.filter(([name]) => cfg[name] !== undefined);
  const configured = present.filter(([, type]) => !type.fallback);
  const chosen = configured.length > 0 ? configured : present.filter(([, type]) => type.fallback);
  return chosen.map(([name, type]) => type.create(cfg[name], deps));
}
