import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { fitMarkdown, markdownLinkTarget, robotText } from '../../sinks/notify/robots/robot-markdown';
import { dingtalkMessage } from '../../sinks/notify/robots/dingtalk-message';
import { wecomMessage } from '../../sinks/notify/robots/wecom-message';
import { feishuCard, FEISHU_MAX_CARD_BYTES } from '../../sinks/notify/robots/feishu-card';
import { dingtalkSignedUrl } from '../../sinks/notify/robots/dingtalk-sign';
import { feishuSignature } from '../../sinks/notify/robots/feishu-sign';
import { slackAnswer } from '../../sinks/notify/webhook/slack-answer';
import { alertDiscoverLink } from '../../sinks/notify/view/kibana-link';
import { testAlert } from '../helpers/alert';

const noLink = () => undefined;

describe('chat robot messages (DingTalk, WeCom markdown; Feishu cards)', () => {
  it('event text cannot mark up DingTalk / WeCom markdown: no link, mention, font, emphasis, code or heading', () => {
    const hostile = '<@all> <font color="red">x</font> [click](http://evil.example) *bold* _it_ ~s~ `code`\n# heading';
    expect(robotText(hostile)).to.equal('＜@all＞ ＜font color="red"＞x＜/font＞ ［click］(http://evil.example) ∗bold∗ ˍitˍ ∼s∼ ˋcodeˋ # heading');
    expect(robotText('# top')).to.equal('＃ top');
    const a = testAlert({ group: { 'user.name': '[x](http://evil) <@all>' }, samples: [{ '@timestamp': '2026-01-01T10:00:00.000Z', message: '**pwned**\n> quote' }] });
    const n = { key: 'k1', notifier: 'ding', alerts: [a] };
    const text = (dingtalkMessage(n, noLink).markdown as { text: string }).text;
    expect(text).not.to.match(/\[x\]|<@all>|\*\*pwned/);
    expect(text).to.contain('> 2026-01-01T10:00:00.000Z  ∗∗pwned∗∗ ＞ quote');
    expect((wecomMessage(n, noLink).markdown as { content: string }).content).to.contain('**Group:** user.name=［x］(http://evil) ＜@all＞');
  });

  it('the Discover link survives markdown: rison parentheses are percent-encoded, the link still decodes', () => {
    const link = alertDiscoverLink('http://kibana.local:5601', testAlert());
    expect(markdownLinkTarget(link.url!)).not.to.match(/[() ]/);
    expect(decodeURIComponent(markdownLinkTarget(link.url!))).to.equal(decodeURIComponent(link.url!));
  });

  it('fitMarkdown keeps whole paragraphs within the byte limit (UTF-8), says so, and always ends with the last line', () => {
    const paragraphs = ['标题一二三', 'ab'.repeat(10), '中'.repeat(10)];
    expect(fitMarkdown(paragraphs, 'KEY', '\n', 1000)).to.equal(`${paragraphs.join('\n')}\nKEY`);
    // a reserve of 48 bytes (2 separators, the 43-byte note, KEY): 15 + 1 + 20 bytes fit in 100 with it, 30 more of 中 do not
    const cut = fitMarkdown(paragraphs, 'KEY', '\n', 100);
    expect(cut).to.equal(`标题一二三\n${'ab'.repeat(10)}\n… (cut: the rest would be over 100 bytes)\nKEY`);
    expect(Buffer.byteLength(cut, 'utf8')).to.be.at.most(100);
    // a first paragraph too long on its own is cut at a character boundary
    const first = fitMarkdown(['中'.repeat(100)], 'KEY', '\n', 100);
    expect(Buffer.byteLength(first, 'utf8')).to.be.at.most(100);
    expect(first.startsWith('中'.repeat(15))).to.equal(true);
  });

  it('a Feishu card of 60 alerts with long values shrinks under Feishu\'s 20 KB, and says how many it leaves off', () => {
    const alerts = Array.from({ length: 60 }, (_, i) => testAlert({ id: `a${i}`, group: { 'user.name': `u${i}-${'y'.repeat(280)}` } }));
    const card = feishuCard({ key: 'bundle-key', notifier: 'lark', alerts }, noLink);
    const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
    expect(bytes).to.be.at.most(FEISHU_MAX_CARD_BYTES);
    const elements = card.elements as Array<{ tag: string; text?: { content: string }; elements?: Array<{ content: string }> }>;
    // with 5 samples each the ten alerts shown are too big; with 2 they fit
    const samples = elements.filter((e) => e.text?.content.startsWith('Samples (newest last)\n'));
    expect(samples.map((e) => e.text!.content.split('\n').length)).to.deep.equal(Array(10).fill(3));
    expect(elements.some((e) => e.tag === 'div' && e.text?.content.startsWith('and 50 more: FIRING: failed-logon-burst (high) on u10-'))).to.equal(true);
    expect(elements[elements.length - 1]).to.deep.equal({ tag: 'note', elements: [{ tag: 'plain_text', content: 'Vigil delivery bundle-key' }] });
  });

  it('signatures as DingTalk and Feishu document them (HMAC-SHA256, base64; DingTalk\'s URL-encoded)', () => {
    const url = dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'SECx', 1_700_000_000_000);
    const sign = createHmac('sha256', 'SECx').update('1700000000000\nSECx').digest('base64');
    expect(url).to.equal(`https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=${encodeURIComponent(sign)}`);
    expect(feishuSignature('s3', 1_700_000_000_999)).to.deep.equal({
      timestamp: '1700000000',
      sign: createHmac('sha256', '1700000000\ns3').update('').digest('base64'),
    });
  });
});

describe('Slack\'s answers inside an HTTP 200', () => {
  const scrub = (s: string) => s;
  it('"ok", JSON ok:true, empty, HTML and prose are accepted; an error code or ok:false is refused; ratelimited is retried', () => {
    for (const t of ['ok', '', '{"ok":true}', '{"success":true}', '<html>ok</html>', 'Message posted.', '{"ok":true,"message":{"text":"' + 'x'.repeat(500) + '"}}']) {
      expect(slackAnswer(t, scrub), t).to.equal(null);
    }
    expect(slackAnswer('no_text', scrub)).to.include({ permanent: true, message: 'Slack refused the message: HTTP 200 "no_text"' });
    expect(slackAnswer('{"ok":false,"error":"invalid_auth"}', scrub)).to.include({ permanent: true });
    expect(slackAnswer('{"success":false}', scrub)).to.include({ permanent: true, message: 'Slack refused the message: HTTP 200 "refused"' });
    expect(slackAnswer('{"ok":false,"error":"ratelimited"}', scrub)).to.include({ permanent: false });
  });
});
