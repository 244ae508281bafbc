/**
 * Writes test/fixtures/evtx-chunk-digests.json from what the decoder gives now (run only when its output
 * is meant to change, and say why in the commit):  node dist/test/helpers/evtx-digests-write.js
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { readEvtx } from '../../collectors/evtx';
import { chunkDigests } from './evtx-digests';
import { EVTX_DATA } from './evtx-samples';

async function main(): Promise<void> {
  const files = (await fg('**/*.evtx', { cwd: EVTX_DATA, absolute: true })).sort();
  const out: Record<string, unknown> = {};
  for (const f of files) out[relative(EVTX_DATA, f)] = await chunkDigests(readEvtx(f));
  const target = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'evtx-chunk-digests.json');
  writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
  process.stdout.write(`${files.length} files → ${target}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
