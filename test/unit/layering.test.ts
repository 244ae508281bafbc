import { expect } from 'chai';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDir } from '../helpers/temp-dir';
import { importEdges, layerViolations, folderCycles, layerOf, entryViolations } from '../helpers/import-graph';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The layer rule (src/core ← collectors ← rules ← sinks ← src/runtime ← src/cli; type imports too) and
 * no cycles between component folders, read from every production import (docs/ARCHITECTURE.md).
 */
describe('layers: one way, no folder cycles', () => {
  const edges = importEdges(ROOT);

  it('reads the imports of every production folder, and every file has a layer', () => {
    expect(edges.length).to.be.greaterThan(300);
    const files = new Set(edges.flatMap((e) => [e.from, e.to]).filter((f) => f.endsWith('.ts')));
    const layers = new Set([...files].map((f) => layerOf(f)));
    expect([...layers]).to.include.members(['core', 'collectors', 'rules', 'sinks', 'runtime', 'cli']);
  });

  it('no import against the layer rule', () => {
    expect(layerViolations(edges), 'imports against the layer rule (a lower layer importing a higher one)').to.deep.equal([]);
  });

  it('sinks, the runtime and the command line reach rules/ only through rules/index.ts or rules/offline.ts', () => {
    expect(entryViolations(edges), 'imports into rules/ that go around rules/index.ts').to.deep.equal([]);
  });

  describe('what a running daemon loads', function () {
    this.timeout(30_000);
    const dist = join(__dirname, '..', '..');
    const OFFLINE = /^rules\/(offline|backtest\/(?!es-events)|import-elastic\/)|^collectors\/evtx\/(format|decode)\//;
    const WINDOWS = /^collectors\/windows-event\/enrich\//;
    const modules = (line?: string): string[] => {
      const tmp = tempDir('daemon-modules');
      try {
        return execFileSync(process.execPath, [join(dist, '..', 'test', 'fixtures', 'daemon-modules.js'), dist, tmp.path, ...(line ? [line] : [])], { encoding: 'utf8' }).split('\n');
      } finally {
        tmp.cleanup();
      }
    };

    it('a daemon reading application logs loads neither the offline tools (backtest, rule import, with the evtx decoder) nor the Windows enrichment', () => {
      const loaded = modules('{"level":30,"msg":"hello"}');
      expect(loaded).to.include.members(['src/runtime/daemon.js', 'collectors/file/file-collector.js', 'collectors/ndjson/ndjson.js']);
      expect(loaded.filter((f) => OFFLINE.test(f) || WINDOWS.test(f))).to.deep.equal([]);
    });

    it('the Windows enrichment is loaded with the first Windows event a file brings', () => {
      const loaded = modules('{"@timestamp":"2026-01-01T00:00:00Z","winlog":{"channel":"Security","event_id":4625},"event":{"code":"4625"}}');
      expect(loaded.filter((f) => WINDOWS.test(f)).length).to.be.greaterThan(5);
      expect(loaded.filter((f) => OFFLINE.test(f))).to.deep.equal([]);
    });
  });

  it('no cycle between folders', () => {
    expect(folderCycles(edges), 'folders that import each other, directly or through others').to.deep.equal([]);
  });

  it('the checker itself sees a violation, a cycle, and a file outside the layers', () => {
    const fake = [
      { from: 'src/core/a.ts', to: 'sinks/x/b.ts', typeOnly: true },
      { from: 'sinks/x/b.ts', to: 'src/core/a.ts', typeOnly: false },
      { from: 'collectors/evtx/c.ts', to: 'collectors/winevt/d.ts', typeOnly: true },
      { from: 'collectors/winevt/d.ts', to: 'collectors/evtx/e.ts', typeOnly: false },
    ];
    expect(layerViolations(fake)).to.deep.equal(['src/core/a.ts -> sinks/x/b.ts (core may not import sinks)']);
    expect(folderCycles(fake)).to.deep.equal(['collectors/evtx <-> collectors/winevt', 'sinks/x <-> src/core']);
    expect(() => layerOf('src/daemon.ts')).to.throw(/src\/daemon.ts is in no layer/);
    const entries = [
      { from: 'sinks/notify/x.ts', to: 'rules/alerts/alert.ts', typeOnly: true },
      { from: 'src/cli/commands/y.ts', to: 'rules/index.ts', typeOnly: false },
      { from: 'rules/engine.ts', to: 'rules/alerts/alert.ts', typeOnly: false },
      { from: 'collectors/file/z.ts', to: 'src/core/event.ts', typeOnly: true },
    ];
    expect(entryViolations(entries)).to.deep.equal(['sinks/notify/x.ts -> rules/alerts/alert.ts (import rules/ through rules/index.ts or rules/offline.ts)']);
  });
});
