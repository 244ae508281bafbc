import { expect } from 'chai';
import { parseRulesText, redactRules } from '../../rules/load/rules-file';
import type { LoadedRules, RulesLoadOptions } from '../../rules/types';

/** rules.yaml's pagerduty, opsgenie, dingtalk, wecom and feishu notifiers: resolved, checked, positioned. */
const lines = (...l: string[]): string => `${l.join('\n')}\nrules: []\n`;

function ok(text: string, opts: RulesLoadOptions = {}): LoadedRules {
  const r = parseRulesText(text, 'rules.yaml', { env: {}, ...opts });
  if (!r.rules) throw new Error(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  return r.rules;
}

function problems(text: string, opts: RulesLoadOptions = {}): string[] {
  return parseRulesText(text, 'rules.yaml', { env: {}, ...opts }).problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

describe('rules.yaml: the API notifiers (pagerduty, opsgenie, dingtalk, wecom, feishu)', () => {
  it('resolves each with its defaults: the region\'s URL, a 10 s timeout, no retry limit', () => {
    const r = ok(lines(
      'notifiers:',
      '  pd: { type: pagerduty, routing_key: "${PD_KEY}" }',
      '  pd-eu: { type: pagerduty, routing_key: abcdefabcdefabcdefabcdefabcdef12, region: eu, timeout: 3s, retries: 4 }',
      '  genie: { type: opsgenie, api_key: "${GENIE_KEY}", region: eu, responders: [{ type: team, name: ops }, { type: user, username: ann@example.com }], tags: [prod] }',
      '  genie-jsm: { type: opsgenie, api_key: k1234567, url: "https://api.atlassian.com/jsm/ops/integration/" }',
      '  ding: { type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok123456789", secret: SECabc123 }',
      '  wecom: { type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-123456789" }',
      '  lark: { type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/h-123456789" }',
    ), { env: { PD_KEY: 'pd-routing-key-1', GENIE_KEY: 'genie-key-1' } });
    expect(r.notifiers.pd).to.deep.equal({ name: 'pd', type: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', routing_key: 'pd-routing-key-1', timeout_ms: 10_000, line: 2, col: 3 });
    expect(r.notifiers['pd-eu']).to.deep.include({ url: 'https://events.eu.pagerduty.com/v2/enqueue', timeout_ms: 3000, retries: 4 });
    expect(r.notifiers.genie).to.deep.include({
      url: 'https://api.eu.opsgenie.com',
      api_key: 'genie-key-1',
      responders: [{ type: 'team', name: 'ops' }, { type: 'user', username: 'ann@example.com' }],
      tags: ['prod'],
    });
    // the base without its trailing slash: paths are appended to it
    expect(r.notifiers['genie-jsm']).to.deep.include({ url: 'https://api.atlassian.com/jsm/ops/integration', responders: [], tags: [] });
    expect(r.notifiers.ding).to.deep.include({ type: 'dingtalk', secret: 'SECabc123', timeout_ms: 10_000 });
    expect(r.notifiers.wecom).to.deep.include({ type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-123456789' });
    expect(r.notifiers.lark).to.deep.include({ type: 'feishu' });
    expect(r.notifiers.lark).not.to.have.property('secret');
  });

  it('keys, secrets and robot URLs are redacted from what is shown', () => {
    const r = ok(lines(
      'notifiers:',
      '  pd: { type: pagerduty, routing_key: "${PD_KEY}" }',
      '  genie: { type: opsgenie, api_key: literal-genie-key }',
      '  ding: { type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok123456789", secret: SECabc123 }',
      '  lark: { type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/h-123456789", secret: "${LARK_SECRET}" }',
    ), { env: { PD_KEY: 'pd-routing-key-1', LARK_SECRET: 'lark-secret-1' } });
    const shown = JSON.stringify(redactRules(r));
    for (const s of ['pd-routing-key-1', 'literal-genie-key', 'tok123456789', 'SECabc123', 'h-123456789', 'lark-secret-1']) expect(shown).not.to.contain(s);
    expect(shown).to.contain('"type":"feishu"');
  });

  it('problems at their positions, naming the notifier, never its URL or key', () => {
    expect(problems(lines('notifiers:', '  pd: { type: pagerduty }'))).to.deep.equal(['2:7: missing required key "routing_key" in notifiers.pd']);
    expect(problems(lines('notifiers:', '  pd: { type: pagerduty, routing_key: k, region: mars }'))).to.deep.equal([
      '2:50: notifiers.pd.region must be one of: us, eu (got "mars")',
    ]);
    expect(problems(lines('notifiers:', '  pd: { type: pagerduty, routing_key: k, region: eu, url: "https://pd.example.com/v2/enqueue" }'))).to.deep.equal([
      '2:54: notifiers.pd: give region or url, not both',
    ]);
    expect(problems(lines('notifiers:', '  ding:', '    type: dingtalk', '    url: "oapi.dingtalk.com/robot/send?access_token=tok-secret-9"'))).to.deep.equal([
      '4:10: notifiers.ding.url is not an http(s) URL',
    ]);
    expect(problems(lines('notifiers:', '  w: { type: wecom, url: "https://u:p@qyapi.weixin.qq.com/x" }'))).to.deep.equal([
      '2:26: notifiers.w.url must not carry "user:password@"',
    ]);
    expect(problems(lines('notifiers:', '  lark: { type: feishu, url: "https://open.feishu.cn/x", sign: yes }'))).to.deep.equal([
      '2:58: unknown key "sign" in notifiers.lark (expected one of: type, url, secret, timeout, retries)',
    ]);
    expect(problems(lines('notifiers:', '  w: { type: wecom, url: "https://qyapi.weixin.qq.com/x", timeout: soon }'))).to.deep.equal([
      '2:68: notifiers.w.timeout: invalid duration "soon": expected a number followed by a unit, e.g. "30s", "5m", "2h", "1d", "1h30m"',
    ]);
  });

  it('opsgenie responders: a user by id or username, the others by id or name', () => {
    expect(problems(lines(
      'notifiers:',
      '  genie:',
      '    type: opsgenie',
      '    api_key: k',
      '    responders:',
      '      - { type: team, username: ops }',
      '      - { type: user, name: Ann }',
      '      - { type: schedule }',
      '      - { type: squad, name: x }',
    ))).to.deep.equal([
      '6:23: notifiers.genie.responders[0]: a team is named by id or name, not username',
      '7:23: notifiers.genie.responders[1]: a user is named by id or username, not name',
      '8:9: notifiers.genie.responders[2] needs an id or a name',
      '9:17: notifiers.genie.responders[3].type must be one of: team, user, escalation, schedule (got "squad")',
    ]);
  });
});
