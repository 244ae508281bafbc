import { expect } from 'chai';
import { KqlSyntaxError, compileMatcher, parseKql, toEsQuery } from '../../rules/kql';

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

  it('translates to queries on the pattern, which Elasticsearch expands over its mapping', function () {
    expect(toEsQuery(parseKql('file.hash.*: *'))).to.deep.equal({ exists: { field: 'file.hash.*' } });
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
