import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ControlServer } from '../../src/control/server';
import { runCtl } from '../../src/cli/commands/ctl';
import { tempDir } from '../helpers/temp-dir';
import { FakeTarget } from '../helpers/fake-control-target';
import { request } from '../helpers/http-request';
import { captureLogger } from '../helpers/logger';

// The control API over HTTPS: an integration test because openssl makes its certificate (the rest is test/unit/control-api.test.ts).

describe('control API over TLS', function () {
  let dir: ReturnType<typeof tempDir>;
  let server: ControlServer;
  let url: string;
  let cert: string;
  let tokenFile: string;
  const target = new FakeTarget();

  before(async function () {
    try { execFileSync('openssl', ['version'], { stdio: 'ignore' }); } catch { this.skip(); }
    dir = tempDir('control-tls');
    cert = path.join(dir.path, 'cert.pem');
    const key = path.join(dir.path, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    tokenFile = path.join(dir.path, 'control.token');
    server = new ControlServer({ listen: '127.0.0.1:0', tokenFile, tls: { cert, key }, target, log: captureLogger().log });
    url = (await server.start()).url;
  });

  after(async () => {
    await server?.stop();
    dir?.cleanup();
  });

  it('serves https and is trusted with the certificate as CA', async () => {
    expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await request(`${url}/health`, 'GET', { ca: fs.readFileSync(cert) });
    expect(r.status).to.equal(200);
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    const s = await request(`${url}/status`, 'GET', { ca: fs.readFileSync(cert), token });
    expect(s.status).to.equal(200);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    let err: NodeJS.ErrnoException | undefined;
    try { await request(`${url}/health`, 'GET'); } catch (e) { err = e as NodeJS.ErrnoException; }
    expect(err?.code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('vigil ctl works over https with NODE_EXTRA_CA_CERTS, and explains the failure without it', async () => {
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    try {
      delete process.env.NODE_EXTRA_CA_CERTS;
      const no = await runCtl({ action: 'status', url, tokenFile, cwd: dir.path });
      expect(no.code).to.equal(2);
      expect(no.output).to.include('NODE_EXTRA_CA_CERTS');
      process.env.NODE_EXTRA_CA_CERTS = cert;
      const yes = await runCtl({ action: 'status', url, tokenFile, cwd: dir.path });
      expect(yes.code, yes.output).to.equal(0);
      expect(JSON.parse(yes.output).sinks[0].queue).to.equal(3);
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS; else process.env.NODE_EXTRA_CA_CERTS = saved;
    }
  });
});
