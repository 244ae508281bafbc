import { expect } from 'chai';
import Ajv from 'ajv';
import rulesSchema from '../../rules/rules.schema.json';

/**
 * rules/rules.schema.json defines the keys a rule shares with `defaults` once (definitions.ruleFields);
 * `defaults` and `rule` name them again only so that their `additionalProperties: false` (draft-07,
 * which the YAML language server reads) knows them. These lists must not drift apart.
 */
describe('rules.schema.json', () => {
  const defs = rulesSchema.definitions as unknown as Record<string, { properties: Record<string, unknown>; allOf?: unknown[] }>;
  const shared = Object.keys(defs.ruleFields.properties);

  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(rulesSchema), JSON.stringify(ajv.errors)).to.equal(true);
    expect(rulesSchema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
  });

  it('defaults: exactly the shared rule fields, each defined only in ruleFields', () => {
    expect(defs.defaults.allOf).to.deep.equal([{ $ref: '#/definitions/ruleFields' }]);
    expect(Object.keys(defs.defaults.properties)).to.deep.equal(shared);
    for (const k of shared) expect(defs.defaults.properties[k], k).to.equal(true);
  });

  it('rule: id and description, the shared rule fields, examples; each shared one defined only in ruleFields', () => {
    expect(defs.rule.allOf).to.deep.equal([{ $ref: '#/definitions/ruleFields' }]);
    expect(Object.keys(defs.rule.properties)).to.deep.equal(['id', 'description', 'references', ...shared, 'examples']);
    for (const k of shared) expect(defs.rule.properties[k], k).to.equal(true);
  });
});
