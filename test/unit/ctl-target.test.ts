import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCtlTarget } from '../../src/cli/commands/ctl-target';
import { tempDir } from '../helpers/temp-dir';

describe('vigil ctl: which daemon it talks to (resolveCtlTarget)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir('ctl-target'); });
  afterEach(() => tmp.cleanup());

  it('without anything: the embedded default (127.0.0.1:9680, ./data/state/control.token)', () => {
    expect(resolveCtlTarget({ cwd: tmp.path, env: {} })).to.deep.equal({
      url: 'http://127.0.0.1:9680', tokenFile: join(tmp.path, 'data', 'state', 'control.token'), from: 'the embedded default',
    });
  });

  it('--config: its control.listen and token file (state_dir relative to the file); --url and --token-file win; it wins over the environment', () => {
    mkdirSync(join(tmp.path, 'etc'));
    writeFileSync(join(tmp.path, 'etc', 'vigil.yaml'), 'state_dir: ../var/state\ncontrol: { listen: ":9711" }\nelasticsearch: { url: "https://es:9200", api_key: "${ES_KEY_NOT_SET}" }\n');
    const env = { VIGIL_CTL_URL: 'http://127.0.0.1:1', VIGIL_CTL_TOKEN_FILE: 'env.token' };
    expect(resolveCtlTarget({ cwd: tmp.path, config: 'etc/vigil.yaml', env })).to.deep.equal({
      url: 'http://127.0.0.1:9711', tokenFile: join(tmp.path, 'var', 'state', 'control.token'), from: 'etc/vigil.yaml (control.listen)',
    });
    expect(resolveCtlTarget({ cwd: tmp.path, config: 'etc/vigil.yaml', url: 'http://127.0.0.1:2', env })).to.deep.include({
      url: 'http://127.0.0.1:2', tokenFile: join(tmp.path, 'var', 'state', 'control.token'), from: '--url',
    });
    expect(resolveCtlTarget({ cwd: tmp.path, config: 'etc/vigil.yaml', tokenFile: 't.token', env }).tokenFile).to.equal(join(tmp.path, 't.token'));
  });

  it('./vigil.yaml (what `vigil run` uses without --config) comes after the environment', () => {
    writeFileSync(join(tmp.path, 'vigil.yaml'), 'control: { listen: "127.0.0.1:9722", token_file: ./secret/ctl.token }\n');
    expect(resolveCtlTarget({ cwd: tmp.path, env: {} })).to.deep.equal({
      url: 'http://127.0.0.1:9722', tokenFile: join(tmp.path, 'secret', 'ctl.token'), from: 'vigil.yaml (control.listen)',
    });
    expect(resolveCtlTarget({ cwd: tmp.path, env: { VIGIL_CTL_URL: 'http://127.0.0.1:1' } })).to.deep.include({ url: 'http://127.0.0.1:1', from: '$VIGIL_CTL_URL', tokenFile: join(tmp.path, 'secret', 'ctl.token') });
  });

  it('a control API with tls: https, and its own certificate trusted; 0.0.0.0 is reached on 127.0.0.1', () => {
    writeFileSync(join(tmp.path, 'vigil.yaml'), 'control: { listen: "0.0.0.0:9733", tls: { cert: ./c.pem, key: ./k.pem } }\n');
    expect(resolveCtlTarget({ cwd: tmp.path, config: 'vigil.yaml', env: {} })).to.deep.include({ url: 'https://127.0.0.1:9733', ca: join(tmp.path, 'c.pem') });
  });
});
