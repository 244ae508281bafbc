import { expect } from 'chai';
import { join } from 'node:path';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AlertRouter } from '../../src/runtime/alert-router';
import { SilenceStore } from '../../rules/silences';
import { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import { Metrics } from '../../src/core/metrics';
import { silentLogger } from '../../src/core/log';
import { testAlert } from '../helpers/alert';
import type { Alert } from '../../rules/alerts/alert';

describe('alert router on a fleet runner', () => {
  it('writes an owned rule\'s change to the alert history with the rule\'s fencing token, never to the local outbox; a rule not owned (any more) is dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-router-'));
    const owned = new Map<string, number>([['mine', 7]]);
    const recorded: Array<{ rule: string; fence?: number; silenced?: boolean; notify?: boolean }> = [];
    const metrics = new Metrics();
    const router = new AlertRouter({
      silences: new SilenceStore(join(dir, 'silences.json')),
      outbox: new AlertOutbox(join(dir, 'outbox')),
      groupWindowMs: () => undefined,
      log: silentLogger(),
      metrics,
      fleet: { fence: (rule) => owned.get(rule), history: { record: (a: Alert, o?: { silenced?: boolean; fence?: number; notify?: boolean }) => { recorded.push({ rule: a.rule, fence: o?.fence, silenced: o?.silenced, ...(o?.notify !== undefined ? { notify: o.notify } : {}) }); } } },
    });
    router.route([{ alert: testAlert({ rule: 'mine' }), send: true }, { alert: testAlert({ rule: 'theirs' }), send: true }]);
    // held back by realert: kept in the history (a takeover reads the open alerts), without delivery records
    router.route([{ alert: testAlert({ rule: 'mine', id: 'again' }), send: false }]);
    owned.delete('mine'); // lost
    router.route([{ alert: testAlert({ rule: 'mine', state: 'resolved' }), send: true }]);
    expect(recorded).to.deep.equal([{ rule: 'mine', fence: 7, silenced: false }, { rule: 'mine', fence: 7, silenced: false, notify: false }]);
    expect(readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.json'))).to.deep.equal([]);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/vigil_alerts_total\{rule="theirs",state="firing",outcome="not-owned"\} 1/);
    expect(text).to.match(/vigil_alerts_total\{rule="mine",state="resolved",outcome="not-owned"\} 1/);
    expect(text).to.match(/vigil_alerts_total\{rule="mine",state="firing",outcome="queued"\} 1/);
  });
});
