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

// Sysmon and PowerShell enrichment (collectors/windows-event/enrich/sysmon, powershell): the types ECS and
// Winlogbeat's modules give these fields. Addresses are `ip` (a value that is not one is left unindexed:
// the template sets ignore_malformed). ECS makes command lines and paths `wildcard`; Vigil's template must
// also install on clusters without that type (the minimal distribution), so they are keywords (the same
// exact, case-sensitive matching and patterns; values over ignore_above are not indexed). Script block
// text and PowerShell command values are full text, as Winlogbeat maps them. Command lines as the Security
// module's: keyword (up to 8191 characters) with a `.text` subfield.
const bool = { type: 'boolean' };
const double = { type: 'double' };
const hashes = { properties: { md5: kw, sha1: kw, sha256: kw, sha384: kw, sha512: kw, ssdeep: kw, tlsh: kw } };
const pe = { properties: { original_file_name: kw, company: kw, description: kw, file_version: kw, product: kw, imphash: kw } };
const processFields = {
  entity_id: kw, pid: long, name: kw, executable: kw, command_line: longKeywordText, args: kw, args_count: long,
  working_directory: kw, title: kw, hash: hashes, pe, thread: { properties: { id: long } },
};
const endpoint = { ip, port: long, domain: kw, address: kw, user: { properties: { name: kw, domain: kw, id: kw } } };
const sysmonPowershellFields = {
  process: { properties: { ...processFields, parent: { properties: processFields } } },
  file: {
    properties: {
      path: kw, name: kw, directory: kw, extension: kw, hash: hashes, pe,
      code_signature: { properties: { subject_name: kw, status: kw, signed: bool, valid: bool } },
    },
  },
  registry: { properties: { path: kw, hive: kw, key: kw, value: kw, data: { properties: { strings: kw, type: kw, bytes: kw } } } },
  dns: {
    properties: {
      question: { properties: { name: kw, type: kw, registered_domain: kw, top_level_domain: kw, subdomain: kw } },
      answers: { properties: { name: kw, type: kw, class: kw, data: kw, ttl: long } },
      resolved_ip: ip,
    },
  },
  source: { properties: endpoint },
  destination: { properties: endpoint },
  network: { properties: { transport: kw, protocol: kw, direction: kw, type: kw, community_id: kw } },
  related: { properties: { user: kw, ip, hash: kw, hosts: kw } },
  rule: { properties: { name: kw } },
  sysmon: { properties: { dns: { properties: { status: kw } }, file: { properties: { archived: bool, is_executable: bool } } } },
  powershell: {
    properties: {
      id: kw, pipeline_id: kw, runspace_id: kw, sequence: long, total: long,
      command: {
        properties: {
          path: kw, name: kw, type: kw, value: text,
          invocation_details: { properties: { type: kw, related_command: kw, name: kw, value: text } },
        },
      },
      connected_user: { properties: { domain: kw, name: kw } },
      engine: { properties: { version: kw, previous_state: kw, new_state: kw } },
      file: {
        properties: {
          script_block_id: kw, script_block_text: text, script_block_length: long, script_block_unique_symbols: long,
          script_block_entropy_bits: double, script_block_entropy_normalized: double, script_block_surprisal_stdev: double,
        },
      },
      process: { properties: { executable_version: kw } },
      provider: { properties: { new_state: kw, name: kw } },
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
        id: kw, sequence: long, ingested: date, created: date, original: { type: 'keyword', index: false, doc_values: false },
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
    ...sysmonPowershellFields,
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
