import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';

/** The checkout: dist/test/helpers/ is three levels below it. */
const ROOT = join(__dirname, '..', '..', '..');
/** The compiled production folders the CLI loads (dist/test and dist/bench are left out). */
const PRODUCTION_DIST = ['src', 'collectors', 'rules', 'sinks'];

let built: string | undefined;

/**
 * The built CLI in a world-readable temp folder, for a test that runs it as an unprivileged user (uid 65534).
 * Such a user cannot reach the checkout when it lives in a private folder (mode 0700: a home folder, or a clone
 * inside `mktemp -d`), so the child is given what it loads: package.json (the version), the compiled production
 * code, and node_modules — a link to the checkout's when that user can reach it, else a copy of the production
 * packages named in package-lock.json. Made once per test process and removed when it exits.
 */
export function worldReadableCli(): string {
  if (built === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-world-readable-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    for (const d of PRODUCTION_DIST) cpSync(join(ROOT, 'dist', d), join(dir, 'dist', d), { recursive: true });
    const modules = realpathSync(join(ROOT, 'node_modules'));
    if (reachableByAnyone(modules)) symlinkSync(modules, join(dir, 'node_modules'));
    else copyProductionPackages(modules, join(dir, 'node_modules'));
    chmodSync(dir, 0o755); // mkdtemp makes it 0700
    built = join(dir, 'dist', 'src', 'cli', 'main.js');
  }
  return built;
}

/** True when `path` and every folder above it may be searched by others (o+x), and `path` may be listed (o+r). */
function reachableByAnyone(path: string): boolean {
  if ((statSync(path).mode & 0o005) !== 0o005) return false;
  for (let p = dirname(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === parse(p).root) return true;
  }
}

/** Copies the packages package-lock.json does not mark dev-only (the ones the CLI may load). */
function copyProductionPackages(from: string, to: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const [key, pkg] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || pkg.dev) continue;
    const rel = key.slice('node_modules/'.length);
    if (rel.includes('/node_modules/')) continue; // nested: copied with the package that holds it
    if (existsSync(join(from, rel))) cpSync(join(from, rel), join(to, rel), { recursive: true });
  }
}
