import { expect } from 'chai';
import { KqlSyntaxError, compileMatcher, fieldMapOf, parseKql, toEsQuery } from '../../rules/kql';

const m = (q: string, doc: Record<string, unknown>): boolean => compileMatcher(parseKql(q))(doc);

describe('KQL field patterns (file.hash.*: *)', function () {
  it('parses a star in a field name as a pattern; an escaped star stays part of the name', function () {
    expect(parseKql('file.hash.*: *')).to.deep.equal({ type: 'exists', field: 'file.hash.*', fieldPattern: ['file.hash.', ''] });
    expect(parseKql('a.*.b: x')).to.deep.equal({ type: 'match', field: 'a.*.b', fieldPattern: ['a.', '.b'], value: { kind: 'literal', text: 'x' } });
    expect(parseKql('a\\*b: x')).to.deep.equal({ type: 'match', field: 'a*b', value: { kind: 'literal', text: 'x' } });
    expect(parseKql('f.*: (x or y)')).to.deep.include({ type: 'or' });
  });

  it('refuses a range on a field pattern', function () {
    expect(() => parseKql('a.* > 3')).to.throw(KqlSyntaxError, /range needs a field name without wildcards: a\.\*/);
  });

  it('tests every field of the event the pattern names, a star spanning dots', function () {
    expect(m('file.hash.*: *', { file: { hash: { sha256: 'ab' } } })).to.equal(true);
    expect(m('file.hash.*: *', { 'file.hash.md5': 'ab' })).to.equal(true);
    expect(m('file.hash.*: *', { file: { path: 'c:\\x', hash: {} } })).to.equal(false);
    expect(m('file.hash.*: *', { file: { hashes: 'ab' } })).to.equal(false);
    // the star spans dots, and arrays of objects hold their elements' fields under one path
    const azure = { azure: { auditlogs: { properties: { target_resources: { 0: { modified_properties: [{ display_name: 'UserType' }, { display_name: 'Other' }] } } } } } };
    expect(m('azure.auditlogs.properties.target_resources.*.modified_properties.*.display_name: UserType', azure)).to.equal(false);
    expect(m('azure.auditlogs.properties.target_resources.*.display_name: UserType', azure)).to.equal(true);
    expect(m('azure.auditlogs.properties.target_resources.*.display_name: usertype', azure)).to.equal(false);
    expect(m('azure.auditlogs.properties.target_resources.*.display_name: User*', azure)).to.equal(true);
  });

  it('compares each named field by its own type', function () {
    // log.level is a keyword (exact), message is text (analysed terms)
    const doc = { log: { level: 'Error' }, message: 'Disk ERROR on sda' };
    expect(m('*: error', doc)).to.equal(true); // via message's terms
    expect(m('log.*: error', doc)).to.equal(false);
    expect(m('log.*: Error', doc)).to.equal(true);
    expect(m('mess*: "error on"', doc)).to.equal(true);
    expect(m('mess*: "on error"', doc)).to.equal(false);
    // a text value without terms does not exist for Elasticsearch
    expect(m('mess*: *', { message: '...' })).to.equal(false);
    // process.pid is a long: numeric comparison
    expect(m('process.p*: 0042', { process: { pid: 42 } })).to.equal(true);
  });

  it('walks a hostile event nested far deeper than Elasticsearch accepts without exhausting the stack', function () {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(m('a*: x', { a: deep })).to.equal(false);
    expect(m('a*: x', { b: deep, a: { a: 'x' } })).to.equal(true);
  });

  it('reads each pattern of an or on its own (never as one field named by the pattern)', function () {
    const doc = { winlog: { event_data: { TargetUserName: 'bob', SubjectUserName: 'alice' } } };
    expect(m('winlog.event_data.*: carol or winlog.event_data.*: alice', doc)).to.equal(true);
    expect(m('winlog.event_data.*: carol or winlog.event_data.*: dave', doc)).to.equal(false);
  });

  it('translates to queries on the pattern, which Elasticsearch expands over its mapping', function () {
    expect(toEsQuery(parseKql('file.hash.*: *'))).to.deep.equal({ exists: { field: 'file.hash.*' } });
    // `*: *` is every event, as in Kibana, even one without fields
    expect(toEsQuery(parseKql('*: *'))).to.deep.equal({ match_all: {} });
    expect(m('*: *', {})).to.equal(true);
    expect(toEsQuery(parseKql('a.*.b: "x y"'))).to.deep.equal({ multi_match: { query: 'x y', fields: ['a.*.b'], type: 'phrase', operator: 'or', lenient: true } });
    expect(toEsQuery(parseKql('a.*.b: x'))).to.deep.equal({ multi_match: { query: 'x', fields: ['a.*.b'], type: 'best_fields', operator: 'or', lenient: true } });
    expect(toEsQuery(parseKql('a.*: *Guest*'))).to.deep.equal({
      query_string: { query: '*Guest*', fields: ['a.*'], lenient: true, analyze_wildcard: false, allow_leading_wildcard: true },
    });
  });
});

describe('KQL nested groups (field: { a: x and b: y })', function () {
  it('parses the group into conditions on the prefixed fields, at any depth and with patterns', function () {
    expect(parseKql('p: { a: "x" and not b: (y or z) }')).to.deep.equal({
      type: 'and', children: [
        { type: 'match', field: 'p.a', value: { kind: 'phrase', text: 'x' } },
        { type: 'not', child: { type: 'or', children: [
          { type: 'match', field: 'p.b', value: { kind: 'literal', text: 'y' } },
          { type: 'match', field: 'p.b', value: { kind: 'literal', text: 'z' } },
        ] } },
      ],
    });
    expect(parseKql('p: { q: { n >= 2 } }')).to.deep.equal({ type: 'range', field: 'p.q.n', op: 'gte', value: '2' });
    expect(parseKql('p.*: { a: * }')).to.deep.equal({ type: 'exists', field: 'p.*.a', fieldPattern: ['p.', '.a'] });
    expect(parseKql('p: { *.a: x }')).to.deep.include({ field: 'p.*.a', fieldPattern: ['p.', '.a'] });
    expect(() => parseKql('p.*: { n > 1 }')).to.throw(KqlSyntaxError, /range needs a field name without wildcards: p\.\*\.n/);
    expect(() => parseKql('p: { a: x')).to.throw(KqlSyntaxError);
  });

  it('matches as Vigil maps it, without nested fields: each condition on any element', function () {
    const q = 'gcp.audit.service_data.policy_delta.binding_deltas: { action: "ADD" and role: "roles/owner" }';
    const deltas = (xs: object[]) => ({ gcp: { audit: { service_data: { policy_delta: { binding_deltas: xs } } } } });
    expect(m(q, deltas([{ action: 'ADD', role: 'roles/owner' }]))).to.equal(true);
    expect(m(q, deltas([{ action: 'REMOVE', role: 'roles/owner' }]))).to.equal(false);
    // flattened as Elasticsearch indexes an object array: the two conditions on different elements
    expect(m(q, deltas([{ action: 'ADD', role: 'roles/viewer' }, { action: 'REMOVE', role: 'roles/owner' }]))).to.equal(true);
  });
});

describe('KQL on ip, boolean and multi-fields (a mapping of ECS types)', function () {
  const fields = fieldMapOf({
    properties: {
      source: { properties: { ip: { type: 'ip' } } },
      dll: { properties: { code_signature: { properties: { trusted: { type: 'boolean' } } } } },
      process: { properties: { command_line: { type: 'keyword', fields: { text: { type: 'text' } } } } },
    },
  });
  const mm = (q: string, doc: Record<string, unknown>): boolean => compileMatcher(parseKql(q), fields)(doc);

  it('compares addresses and CIDR blocks, IPv4 within IPv6', function () {
    expect(mm('source.ip: 10.0.0.0/8', { source: { ip: '10.200.3.4' } })).to.equal(true);
    expect(mm('source.ip: 10.0.0.0/8', { source: { ip: '11.0.0.1' } })).to.equal(false);
    expect(mm('source.ip: 10.0.0.0/8', { source: { ip: '::ffff:10.0.0.1' } })).to.equal(true);
    expect(mm('source.ip: "fe80::/10"', { source: { ip: 'FE80::1' } })).to.equal(true);
    expect(mm('source.ip: "::1"', { source: { ip: '0:0:0:0:0:0:0:1' } })).to.equal(true);
    expect(mm('source.ip >= 10.0.0.5', { source: { ip: '10.0.0.6' } })).to.equal(true);
    expect(mm('source.ip: 10.*', { source: { ip: '10.0.0.6' } })).to.equal(false); // no wildcards on ip
    expect(mm('source.ip: *', { source: { ip: 'not-an-ip' } })).to.equal(false); // dropped as malformed
    expect(toEsQuery(parseKql('source.ip: 10.0.0.0/8'), fields)).to.deep.equal({ term: { 'source.ip': { value: '10.0.0.0/8' } } });
    expect(toEsQuery(parseKql('source.ip: x'), fields)).to.deep.equal({ match_none: {} });
  });

  it('reads booleans as Elasticsearch does: true, false, "true", "false" and "" (false)', function () {
    expect(mm('dll.code_signature.trusted: false', { dll: { code_signature: { trusted: '' } } })).to.equal(true);
    expect(mm('dll.code_signature.trusted: true', { dll: { code_signature: { trusted: 'true' } } })).to.equal(true);
    expect(mm('dll.code_signature.trusted: *', { dll: { code_signature: { trusted: 'yes' } } })).to.equal(false);
    expect(toEsQuery(parseKql('dll.code_signature.trusted: false'), fields)).to.deep.equal({ term: { 'dll.code_signature.trusted': { value: false } } });
  });

  it("reads a multi-field's parent value by the multi-field's type, by name and through patterns", function () {
    const doc = { process: { command_line: 'C:\\Windows\\PowerShell.exe -enc abc' } };
    expect(mm('process.command_line.text: powershell.exe', doc)).to.equal(true);
    expect(mm('process.command_line: *powershell*', doc)).to.equal(false); // the keyword: case-sensitive
    expect(mm('process.*: "-enc abc"', doc)).to.equal(true); // via process.command_line.text
    expect(mm('process.command_line.text: *', doc)).to.equal(true);
  });
});
