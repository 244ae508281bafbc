import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vigilConfigSchema } from '../../src/runtime/config/schema';
import { listOptions, type SchemaNode } from '../../scripts/options-docs/option-paths';
import { readmeDriftProblems, readmeRowProblems, schemaDocProblems } from '../../scripts/options-docs/readme-check';
import { renderOptionTables } from '../../scripts/options-docs/option-tables';
import { replaceBlocks } from '../../scripts/options-docs/readme-blocks';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The README's option tables against the vigil.yaml JSON Schema composed from the components'
 * config.ts files: every option documented in its home, named in its table, nothing else named,
 * and each table exactly what `npm run docs:options` prints (so the docs cannot drift).
 */
describe('README option tables: one home per option, checked against the schema', () => {
  const schema = vigilConfigSchema as unknown as SchemaNode;
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('walks every option: root keys, nested mappings, list items, each input type, definitions', () => {
    const paths = listOptions(schema).options.map((o) => o.path);
    expect(paths).to.include.members([
      'host_name',
      'logging.level',
      'pipeline.batch_size',
      'control.tls.cert',
      'elasticsearch.spool_max_bytes',
      'inputs[type=file].paths',
      'inputs[type=evtx].event_ids',
      'inputs[type=winevt].channels',
      'inputs[type=winevt].channels[].ignore_older',
    ]);
    expect(new Set(paths).size, 'each option once').to.equal(paths.length);
  });

  it('every option has a description, and every definition is used', () => {
    expect(schemaDocProblems(schema)).to.deep.equal([]);
  });

  it('the README tables name every option, and none that does not exist', () => {
    expect(readmeRowProblems(readme, schema)).to.deep.equal([]);
  });

  it('the README tables are what the generator prints from the schema', () => {
    expect(readmeDriftProblems(readme, schema)).to.deep.equal([]);
  });

  it('an option added to a component without a README row is caught', () => {
    const grown = structuredClone(vigilConfigSchema) as unknown as { definitions: { fileInput: { properties: Record<string, unknown> } }; properties: { pipeline: { properties: Record<string, unknown> } } };
    grown.definitions.fileInput.properties.read_backwards = { type: 'boolean', description: 'a new option' };
    grown.properties.pipeline.properties.workers = { type: 'integer' };
    const g = grown as unknown as SchemaNode;
    expect(readmeRowProblems(readme, g)).to.include.members([
      'inputs[type=file].read_backwards has no row in the README\'s "file" table (as `read_backwards`)',
      'pipeline.workers has no row in the README\'s "pipeline" table (as `pipeline.workers`)',
    ]);
    expect(schemaDocProblems(g)).to.include('pipeline.workers has no description in the schema');
    expect(readmeDriftProblems(readme, g)).to.include.members([
      'the README\'s "file" table is not what the schema prints (npm run docs:options rewrites it)',
      'the README\'s "pipeline" table is not what the schema prints (npm run docs:options rewrites it)',
    ]);
    // regenerated, the rows are there (the description still missing is the schema's problem)
    expect(readmeRowProblems(replaceBlocks(readme, renderOptionTables(g)), g)).to.deep.equal([]);
  });

  it('a README row for an option the schema does not have is caught', () => {
    const extra = readme.replace('<!-- /options:control -->', '| `control.port` | integer | gone |\n<!-- /options:control -->');
    expect(readmeRowProblems(extra, schema)).to.include('the README\'s "control" table names control.port, which is no option of the schema');
  });

  it('a new root key that no table owns is caught', () => {
    const grown = structuredClone(vigilConfigSchema) as unknown as { properties: Record<string, unknown> };
    grown.properties.tracing = { type: 'boolean', description: 'a new section' };
    expect(readmeRowProblems(readme, grown as unknown as SchemaNode)).to.include('tracing belongs to no option table (scripts/options-docs/option-tables.ts)');
  });
});
