/**
 * ECS mappings for every field of Vigil's event (SPEC section 2). Strings that no mapping names
 * become keywords (as in ECS), so `field: value` in Kibana compares exactly, and `message` is
 * full text. Values Vigil keeps aside after a conflict (`vigil.original`) are stored, not indexed,
 * so they can never cause a mapping conflict themselves.
 */
const kw = { type: 'keyword', ignore_above: 1024 };
const long = { type: 'long' };
const text = { type: 'text' };
const date = { type: 'date' };
const ip = { type: 'ip' };
/** Command lines and the like: exact (and wildcard) matches on the keyword, words on `.text` (ECS: keyword + text; the wildcard type is not in every distribution). */
const longKeywordText = { type: 'keyword', ignore_above: 8191, fields: { text: { type: 'text' } } };
/** user.* and its target/effective/changes forms */
const userFields = { name: kw, id: kw, domain: kw };

type Mapping = { properties?: Record<string, Mapping> } & Record<string, unknown>;

/** `a` with `b`'s properties added, objects merged at every depth (a leaf of `b` wins). */
function mergeProperties(a: Record<string, Mapping>, b: Record<string, Mapping>): Record<string, Mapping> {
  const out: Record<string, Mapping> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = cur?.properties && v.properties ? { ...cur, ...v, properties: mergeProperties(cur.properties, v.properties) } : v;
  }
  return out;
}

// --- Windows events: the fields the enrichment stage adds (collectors/windows-event/enrich), ECS types ---
// all channels and the Security module (as Winlogbeat's security module)
const windowsSecurityFields: Record<string, Mapping> = {
  host: { properties: { os: { properties: { type: kw, family: kw } } } },
  event: { properties: { module: kw } },
  user: {
    properties: {
      ...userFields,
      target: { properties: { ...userFields, group: { properties: { name: kw, id: kw, domain: kw } } } },
      effective: { properties: userFields },
      changes: { properties: { name: kw } },
    },
  },
  group: { properties: { name: kw, id: kw, domain: kw } },
  source: { properties: { ip, port: long, domain: kw } },
  related: { properties: { user: kw, ip } },
  process: {
    properties: {
      pid: long, name: kw, executable: kw, command_line: longKeywordText, args: kw,
      parent: { properties: { pid: long, name: kw, executable: kw } },
    },
  },
  service: { properties: { name: kw, type: kw } },
  winlog: {
    properties: {
      time_created: date,
      logon: { properties: { id: kw, type: kw, failure: { properties: { reason: kw, status: kw, sub_status: kw } } } },
      computerObject: { properties: { name: kw, id: kw, domain: kw } },
    },
  },
};

export const eventMappings = {
  dynamic: true,
  date_detection: false,
  dynamic_templates: [
    { winlog_event_data: { path_match: 'winlog.event_data.*', mapping: kw } },
    { winlog_user_data: { path_match: 'winlog.user_data.*', mapping: kw } },
    { strings_as_keyword: { match_mapping_type: 'string', mapping: kw } },
  ],
  properties: mergeProperties({
    '@timestamp': date,
    message: text,
    tags: kw,
    labels: { type: 'object' },
    ecs: { properties: { version: kw } },
    agent: { properties: { type: kw, name: kw, version: kw, id: kw } },
    host: { properties: { name: kw, hostname: kw } },
    event: {
      properties: {
        code: kw, kind: kw, dataset: kw, module: kw, provider: kw, action: kw, category: kw, type: kw, outcome: kw,
        id: kw, ingested: date, created: date, original: { type: 'keyword', index: false, doc_values: false },
      },
    },
    log: {
      properties: {
        level: kw, logger: kw, offset: long,
        file: { properties: { path: kw } },
        origin: { properties: { file: { properties: { name: kw, line: long } }, function: kw } },
      },
    },
    error: { properties: { message: text, stack_trace: { type: 'text', index: false }, type: kw, code: kw } },
    service: { properties: { name: kw, version: kw, environment: kw } },
    user: { properties: { name: kw, id: kw, domain: kw } },
    process: { properties: { pid: long, name: kw, thread: { properties: { id: long } } } },
    winlog: {
      properties: {
        channel: kw, provider_name: kw, provider_guid: kw, event_id: kw, record_id: kw, computer_name: kw,
        keywords: kw, opcode: kw, task: kw, version: long, api: kw, activity_id: kw, related_activity_id: kw,
        process: { properties: { pid: long, thread: { properties: { id: long } } } },
        user: { properties: { identifier: kw, name: kw, domain: kw, type: kw } },
        event_data: { type: 'object' },
        user_data: { type: 'object' },
      },
    },
    vigil: { properties: { original: { type: 'object', enabled: false } } },
  }, windowsSecurityFields),
};
