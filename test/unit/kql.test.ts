import { expect } from 'chai';
import { KqlSyntaxError, compileMatcher, parseKql, toEsQuery } from '../../rules/kql';
import { analyze } from '../../rules/kql/analyze';

const m = (q: string, doc: Record<string, unknown>): boolean => compileMatcher(parseKql(q))(doc);

describe('KQL parser', function () {
  it('parses field: value, phrases, wildcards, exists and free text', function () {
    expect(parseKql('log.level: error')).to.deep.equal({ type: 'match', field: 'log.level', value: { kind: 'literal', text: 'error' } });
    expect(parseKql('message: "a b"')).to.deep.equal({ type: 'match', field: 'message', value: { kind: 'phrase', text: 'a b' } });
    expect(parseKql('host.name: web-*')).to.deep.equal({ type: 'match', field: 'host.name', value: { kind: 'wildcard', segments: ['web-', ''] } });
    expect(parseKql('message: *OutOfMemory*')).to.deep.include({ value: { kind: 'wildcard', segments: ['', 'OutOfMemory', ''] } });
    expect(parseKql('user.name: *')).to.deep.equal({ type: 'exists', field: 'user.name' });
    expect(parseKql('timeout')).to.deep.equal({ type: 'text', value: { kind: 'literal', text: 'timeout' } });
    expect(parseKql('"logged on"')).to.deep.equal({ type: 'text', value: { kind: 'phrase', text: 'logged on' } });
    expect(parseKql('message: a b')).to.deep.include({ value: { kind: 'literal', text: 'a b' } });
  });

  it('parses ranges with every operator', function () {
    for (const [op, name] of [['>', 'gt'], ['>=', 'gte'], ['<', 'lt'], ['<=', 'lte']]) {
      expect(parseKql(`x ${op} 10`)).to.deep.equal({ type: 'range', field: 'x', op: name, value: '10' });
    }
    expect(parseKql('@timestamp < "2026-01-01T00:00:00Z"')).to.deep.include({ op: 'lt', value: '2026-01-01T00:00:00Z' });
  });

  it('gives not > and > or precedence, case-insensitive keywords, parentheses', function () {
    const ast = parseKql('NOT a: 1 And b: 2 oR c: 3');
    expect(ast).to.deep.equal({
      type: 'or', children: [
        { type: 'and', children: [{ type: 'not', child: { type: 'match', field: 'a', value: { kind: 'literal', text: '1' } } }, { type: 'match', field: 'b', value: { kind: 'literal', text: '2' } }] },
        { type: 'match', field: 'c', value: { kind: 'literal', text: '3' } },
      ],
    });
    expect(parseKql('a: 1 and (b: 2 or c: 3)')).to.have.property('type', 'and');
  });

  it('expands value lists on the field', function () {
    expect(parseKql('f: (a or b and not c)')).to.deep.equal({
      type: 'or', children: [
        { type: 'match', field: 'f', value: { kind: 'literal', text: 'a' } },
        { type: 'and', children: [{ type: 'match', field: 'f', value: { kind: 'literal', text: 'b' } }, { type: 'not', child: { type: 'match', field: 'f', value: { kind: 'literal', text: 'c' } } }] },
      ],
    });
  });

  it('handles escapes: special characters, escaped star is literal, keywords, quotes in phrases', function () {
    expect(parseKql('f: a\\:b\\(c\\)')).to.deep.include({ value: { kind: 'literal', text: 'a:b(c)' } });
    expect(parseKql('f: web\\*x*')).to.deep.include({ value: { kind: 'wildcard', segments: ['web*x', ''] } });
    expect(parseKql('f: \\or')).to.deep.include({ value: { kind: 'literal', text: 'or' } });
    expect(parseKql('f: "say \\"hi\\""')).to.deep.include({ value: { kind: 'phrase', text: 'say "hi"' } });
    expect(parseKql('f: "a*b"')).to.deep.include({ value: { kind: 'phrase', text: 'a*b' } });
  });

  it('reports syntax errors with 1-based column and offset', function () {
    const cases: Array<[string, number]> = [['a: (b', 6], ['f: ', 4], ['a: b or (', 10], ['(a: b', 6], ['a: b)', 5], ['a >= ', 6]];
    for (const [q, col] of cases) {
      let err: unknown;
      try { parseKql(q); } catch (e) { err = e; }
      expect(err, q).to.be.instanceOf(KqlSyntaxError);
      expect((err as KqlSyntaxError).column, q).to.equal(col);
      expect((err as KqlSyntaxError).offset, q).to.equal(col - 1);
      expect((err as KqlSyntaxError).message, q).to.match(/column \d+/);
    }
    expect(() => parseKql('  ')).to.throw(KqlSyntaxError);
  });
});

describe('KQL analyzer (standard)', function () {
  it('keeps dotted words, numbers and apostrophes together like Elasticsearch', function () {
    expect(analyze('java.lang.OutOfMemoryError: Java heap at 10.0.0.1 a-b can\'t a.1')).to.deep.equal(
      ['java.lang.outofmemoryerror', 'java', 'heap', 'at', '10.0.0.1', 'a', 'b', "can't", 'a', '1']);
  });
});

describe('KQL matcher', function () {
  const doc = {
    '@timestamp': '2026-03-10T10:00:00.500Z',
    message: 'java.lang.OutOfMemoryError: Java heap space',
    log: { level: 'error', offset: 42 },
    event: { code: '4625' },
    host: { name: 'web-01' },
    tags: ['prod', 'canary'],
    http: { response: { status_code: 503 } },
    'service.name': 'checkout',
    user: null,
  };

  it('compares keyword fields exactly and case-sensitively; numbers as strings', function () {
    expect(m('log.level: error', doc)).to.equal(true);
    expect(m('log.level: ERROR', doc)).to.equal(false);
    expect(m('event.code: 4625', doc)).to.equal(true);
    expect(m('event.code: "4625"', doc)).to.equal(true);
    expect(m('event.code: 462', doc)).to.equal(false);
    expect(m('event.code: 4625', { event: { code: 4625 } })).to.equal(true);
  });

  it('applies keyword wildcards to the whole value', function () {
    expect(m('host.name: web-*', doc)).to.equal(true);
    expect(m('host.name: *-01', doc)).to.equal(true);
    expect(m('host.name: web', doc)).to.equal(false);
    expect(m('host.name: WEB-*', doc)).to.equal(false);
    expect(m('host.name: web\\*', { host: { name: 'web*' } })).to.equal(true);
    expect(m('host.name: web\\*', doc)).to.equal(false);
  });

  it('matches text fields by analysed terms: any term unquoted, consecutive terms quoted', function () {
    expect(m('message: HEAP', doc)).to.equal(true);
    expect(m('message: heap nothing', doc)).to.equal(true);
    expect(m('message: "java heap space"', doc)).to.equal(true);
    expect(m('message: "space heap"', doc)).to.equal(false);
    expect(m('message: *OutOfMemory*', doc)).to.equal(true);
    expect(m('message: OutOfMemoryError', doc)).to.equal(false); // the token is java.lang.outofmemoryerror
    expect(m('message: hea*', doc)).to.equal(true);
    expect(m('heap', doc)).to.equal(true);
    expect(m('"heap space"', doc)).to.equal(true);
    expect(m('disk', doc)).to.equal(false);
  });

  it('matches any element of arrays; phrases do not span elements', function () {
    expect(m('tags: canary', doc)).to.equal(true);
    expect(m('tags: (prod and canary)', doc)).to.equal(true);
    expect(m('message: "a b"', { message: ['x a', 'b y'] })).to.equal(false);
    expect(m('message: b', { message: ['x a', 'b y'] })).to.equal(true);
  });

  it('reads nested objects and dotted keys', function () {
    expect(m('service.name: checkout', doc)).to.equal(true);
    expect(m('http.response.status_code: 503', doc)).to.equal(true);
    expect(m('a.b.c: x', { a: { 'b.c': 'x' } })).to.equal(true);
    expect(m('a.b: x', { a: [{ b: 'y' }, { b: 'x' }] })).to.equal(true);
  });

  it('treats missing and null fields as absent', function () {
    expect(m('user.name: *', doc)).to.equal(false);
    expect(m('not user.name: *', doc)).to.equal(true);
    expect(m('log.level: *', doc)).to.equal(true);
    expect(m('tags: *', { tags: [] })).to.equal(false);
    expect(m('tags: *', { tags: [null] })).to.equal(false);
    expect(m('missing.field: x', doc)).to.equal(false);
  });

  it('compares numbers numerically and keyword ranges lexicographically', function () {
    expect(m('http.response.status_code >= 500', doc)).to.equal(true);
    expect(m('http.response.status_code < 500', doc)).to.equal(false);
    expect(m('log.offset > 41 and log.offset <= 42', doc)).to.equal(true);
    expect(m('event.code > 500', doc)).to.equal(false); // "4625" < "500" as strings
  });

  it('compares dates as instants, rounding partial dates like Elasticsearch', function () {
    expect(m('@timestamp >= "2026-03-10"', doc)).to.equal(true);
    expect(m('@timestamp < "2026-03-10"', doc)).to.equal(false);
    expect(m('@timestamp <= "2026-03-10"', doc)).to.equal(true); // lte rounds up to the end of the day
    expect(m('@timestamp > "2026-03-10"', doc)).to.equal(false);
    expect(m('@timestamp: "2026-03-10T10:00:00Z"', doc)).to.equal(true); // the whole second
    expect(m('@timestamp < "2026-03-10T12:00:01+02:00"', doc)).to.equal(true);
    expect(m('@timestamp > "2026-03-10T12:00:00+02:00"', doc)).to.equal(false);
  });

  it('combines with and, or, not', function () {
    expect(m('log.level: error and not host.name: db-*', doc)).to.equal(true);
    expect(m('log.level: info or host.name: web-01', doc)).to.equal(true);
    expect(m('not (log.level: error or host.name: x)', doc)).to.equal(false);
  });
});

describe('KQL to Elasticsearch DSL', function () {
  it('chooses the query by field type', function () {
    expect(toEsQuery(parseKql('log.level: error'))).to.deep.equal({ term: { 'log.level': { value: 'error' } } });
    expect(toEsQuery(parseKql('host.name: web-*'))).to.deep.equal({ wildcard: { 'host.name': { value: 'web-*', case_insensitive: false } } });
    expect(toEsQuery(parseKql('message: a b'))).to.deep.equal({ match: { message: { query: 'a b', operator: 'or' } } });
    expect(toEsQuery(parseKql('"a b"'))).to.deep.equal({ match_phrase: { message: { query: 'a b' } } });
    expect(toEsQuery(parseKql('user.name: *'))).to.deep.equal({ exists: { field: 'user.name' } });
    expect(toEsQuery(parseKql('log.offset >= 10'))).to.deep.equal({ range: { 'log.offset': { gte: 10 } } });
    expect(toEsQuery(parseKql('a: 1 or b: 2'))).to.have.nested.property('bool.minimum_should_match', 1);
    expect(toEsQuery(parseKql('not a: 1'))).to.have.nested.property('bool.must_not');
  });
});
