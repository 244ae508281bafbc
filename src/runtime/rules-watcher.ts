/**
 * rules.yaml, watched while the daemon runs: a valid edit swaps in, an invalid one is reported and
 * the running rules stay (the engine's load decides). Editors save in bursts and by rename, so a
 * change is loaded 200 ms after the last event, and only when the file is there.
 */
import { watch, existsSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';
import type { RulesEngine } from '../../rules';

/** Quiet time after the last change of the file before it is loaded. */
const SETTLE_MS = 200;

export class RulesWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly file: string, private readonly rules: RulesEngine, private readonly log: Logger, private readonly metrics: Metrics) {}

  /** Starts watching; where the OS cannot watch, says so (`vigil ctl reload` still works). */
  start(): void {
    const file = this.file;
    try {
      this.watcher = watch(dirname(file), (_event, name) => {
        if (name && name !== basename(file)) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          if (!existsSync(file)) return; // an editor's save-by-rename: the new file comes next
          this.reloadChanged();
        }, SETTLE_MS);
      });
      this.watcher.on('error', (err) => this.log.warn({ file, err: err.message }, 'watching the rules file failed; use `vigil ctl reload`'));
    } catch (err) {
      this.log.warn({ file, err: (err as Error).message }, 'cannot watch the rules file; use `vigil ctl reload` after an edit');
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
  }

  /** Loads the edited file; a reload is counted when the rules changed, a failed one always. */
  private reloadChanged(): void {
    const fingerprints = () => this.rules.rules?.rules.map((r) => r.fingerprint).join() ?? '';
    const before = fingerprints();
    if (this.rules.load(this.file)) {
      if (fingerprints() !== before) this.metrics.rulesReloads.inc({ outcome: 'ok' });
    } else {
      this.metrics.rulesReloads.inc({ outcome: 'error' });
    }
  }
}
