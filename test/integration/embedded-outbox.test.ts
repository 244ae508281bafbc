import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor } from '../helpers/wait';

const REPO = join(__dirname, '..', '..', '..');

/** Whether the embedded default's control port is free (another daemon on this machine may hold it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('the embedded default (what npm start does): alerts as files in ./data/outbox', function () {
  this.timeout(60_000);

  it('the repo\'s sample log and rules.yaml give an .eml for ops-email, and its entry in sent/; no alert for a "(missing)" group', async function () {
    if (!(await portFree(9680))) this.skip();
    const tmp = tempDir('embedded');
    mkdirSync(join(tmp.path, 'logs'));
    copyFileSync(join(REPO, 'logs', 'sample-app.ndjson'), join(tmp.path, 'logs', 'sample-app.ndjson'));
    copyFileSync(join(REPO, 'rules.yaml'), join(tmp.path, 'rules.yaml'));
    const outbox = join(tmp.path, 'data', 'outbox');
    const emls = () => { try { return readdirSync(outbox).filter((f) => f.endsWith('.eml')); } catch { return []; } };
    const child: ChildProcess = spawn(process.execPath, cliArgs('run'), { cwd: tmp.path, stdio: ['ignore', 'ignore', 'ignore'] });
    try {
      const subjects = async () => Promise.all(emls().map(async (f) => ({ name: f, subject: (await simpleParser(readFileSync(join(outbox, f)))).subject ?? '' })));
      await waitFor(async () => (await subjects()).length >= 2, 30_000, 'two .eml files in data/outbox');
      // the sample log's out-of-memory line and its burst of card declines (the cut-off line makes no alert)
      const all = await subjects();
      expect(all.map((m) => m.subject)).to.include.members(['[critical] out-of-memory-or-panic on search', '[medium] checkout-declines on checkout']);
      expect(all.map((m) => m.subject).join('\n')).not.to.contain('(missing)');
      const name = all.find((m) => m.subject.startsWith('[critical] out-of-memory-or-panic'))!.name;
      const key = name.replace(/\.eml$/, '');
      const mail = await simpleParser(readFileSync(join(outbox, name)));
      expect(mail.messageId).to.equal(`<${key}@vigil>`);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').to.equal('ops@example.com');
      expect(key).to.match(/-firing-ops-email$/);
      await waitFor(() => readdirSync(join(outbox, 'sent')).includes(`${key}.json`), 5000, 'the entry in sent/');
      // /health lists the notifier, healthy once it has delivered
      let h: { components: Array<{ name: string; ok: boolean; detail?: string }> } = { components: [] };
      await waitFor(async () => {
        h = await (await fetch('http://127.0.0.1:9680/health')).json() as typeof h;
        return h.components.some((c) => c.name === 'notifier:ops-email');
      }, 5000, 'notifier:ops-email in /health');
      // names and states only (it needs no token); the detail is in /status
      expect(h.components.find((c) => c.name === 'notifier:ops-email')).to.deep.equal({ name: 'notifier:ops-email', ok: true });
      const token = readFileSync(join(tmp.path, 'data', 'state', 'control.token'), 'utf8').trim();
      const st = await (await fetch('http://127.0.0.1:9680/status', { headers: { authorization: `Bearer ${token}` } })).json() as typeof h;
      expect(st.components.find((c) => c.name === 'notifier:ops-email')).to.deep.include({ ok: true });
      expect(st.components.find((c) => c.name === 'notifier:ops-email')?.detail).to.match(/^\d+ sent, 0 waiting$/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.on('exit', r)));
      tmp.cleanup();
    }
  });
});
