import { expect } from 'chai';
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { listRotatedSiblings, isNewerInChain, oldestFirst } from '../../collectors/file/rotated-siblings';
import type { FoundFile } from '../../collectors/file/discovery';

const f = (path: string, mtimeMs = 0): FoundFile => ({ path, dev: 1, ino: 1, size: 1, mtimeMs, gzip: path.endsWith('.gz') });

describe('rotated siblings of a followed file', () => {
  it('lists the names rotation tools give (., -, _ and a suffix), never the live name, other files or links', async () => {
    const tmp = tempDir('siblings');
    try {
      const dir = join(tmp.path, 'logs');
      mkdirSync(dir);
      for (const n of ['app.json', 'app.json.1', 'app.json.2.gz', 'app.json-20261202', 'app.json_3', 'app.json.2026-12-02', 'app.jsonl', 'app.json.', 'other.json.1', 'xapp.json.1']) writeFileSync(join(dir, n), 'x\n');
      mkdirSync(join(dir, 'app.json.d'));
      symlinkSync(join(tmp.path, 'nowhere'), join(dir, 'app.json.9'));
      const names = (await listRotatedSiblings(join(dir, 'app.json'))).map((s) => s.path.slice(dir.length + 1)).sort();
      expect(names).to.deep.equal(['app.json-20261202', 'app.json.1', 'app.json.2.gz', 'app.json.2026-12-02', 'app.json_3']);
      expect(await listRotatedSiblings(join(tmp.path, 'gone', 'app.json'))).to.deep.equal([]);
    } finally {
      tmp.cleanup();
    }
  });

  it('orders a chain by its suffixes: .1 is newer than .2 and .10, a later date is newer; else by modification time', () => {
    const live = '/l/app.json';
    expect(isNewerInChain(f('/l/app.json.1'), f('/l/app.json.2.gz'), live)).to.equal(true);
    expect(isNewerInChain(f('/l/app.json.9'), f('/l/app.json.10'), live)).to.equal(true);
    expect(isNewerInChain(f('/l/app.json.10'), f('/l/app.json.9'), live)).to.equal(false);
    expect(isNewerInChain(f('/l/app.json-20261203'), f('/l/app.json-20261202.gz'), live)).to.equal(true);
    expect(isNewerInChain(f('/l/app.json.2026-12-01'), f('/l/app.json.2026-12-02'), live)).to.equal(false);
    expect(isNewerInChain(f('/l/app.json.old', 2), f('/l/app.json.1', 1), live)).to.equal(true);
    const order = oldestFirst([f('/l/app.json.1'), f('/l/app.json.3.gz'), f('/l/app.json.2.gz')], live).map((x) => x.path);
    expect(order).to.deep.equal(['/l/app.json.3.gz', '/l/app.json.2.gz', '/l/app.json.1']);
  });
});
