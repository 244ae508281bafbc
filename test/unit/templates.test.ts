import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRulesText } from '../../rules/load/rules-file';
import { runCheck } from '../../src/runtime/check';
import { renderSubject } from '../../sinks/notify/email/subject';
import { renderEmail } from '../../sinks/notify/email/render-email';
import { webhookBody } from '../../sinks/notify/webhook/payload';
import { alertView, renderTemplate } from '../../sinks/notify/view/template-view';
import { testAlert } from '../helpers/alert';
import { tempDir } from '../helpers/temp-dir';

function problemsOf(yaml: string): string[] {
  return parseRulesText(yaml, 'rules.yaml', { env: {} }).problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`);
}

const NASTY = '<script>alert("x")</script> & \'co\'';

const TOP = [
  { field: 'user.name', values: [{ value: 'bob', count: 20 }, { value: null, count: 1 }], others: 2 },
  { field: 'source.ip', values: [{ value: '10.0.0.7', count: 23 }], others: 0 },
];

describe('notifier templates (Mustache)', () => {
  describe('checked at load, faults at rules.yaml:LINE:COL', () => {
    it('an unclosed section in a subject, an unclosed tag in a block body, a stray close in a webhook body, a partial', () => {
      const yaml = [
        'notifiers:',
        '  a: { type: email, to: [ops@example.com], subject: "[{{severity}}] {{#samples}}{{rule}}" }',
        '  b:',
        '    type: email',
        '    to: [ops@example.com]',
        '    body: |',
        '      Rule {{rule}} fired',
        '      on {{host.name',
        '  c: { type: webhook, url: "https://hooks.example.com/x", body: { text: "{{rule}} {{/x}}" } }',
        '  d: { type: email, to: [ops@example.com], subject: "{{> header}}" }',
        '  e: { type: webhook, url: "https://hooks.example.com/y", format: slack, body: { text: "{{rule}}" } }',
        'rules: []',
        '',
      ].join('\n');
      expect(problemsOf(yaml)).to.deep.equal([
        'rules.yaml:2:69: notifiers.a.subject: template: section "samples" is opened ({{#samples}}) but not closed ({{/samples}})',
        'rules.yaml:8:10: notifiers.b.body: template: a tag opened with "{{" is not closed with "}}"',
        'rules.yaml:9:83: notifiers.c.body.text: template: {{/x}} closes a section that is not open',
        'rules.yaml:10:54: notifiers.d.subject: template: partials ({{> header}}) are not supported',
        'rules.yaml:11:80: notifiers.e.body replaces the json body; it cannot be used with format: slack',
      ]);
    });

    it('vigil check reports them the same way and exits with a problem', () => {
      const tmp = tempDir('tpl-check');
      try {
        writeFileSync(join(tmp.path, 'rules.yaml'), 'notifiers:\n  ops: { type: email, to: [ops@example.com], subject: "{{rule}} on {{group" }\nrules: []\n');
        const r = runCheck({ cwd: tmp.path, env: {} });
        expect(r.output).to.equal('rules.yaml:2:68: notifiers.ops.subject: template: a tag opened with "{{" is not closed with "}}"');
        expect(r.problems).to.have.length(1);
      } finally {
        tmp.cleanup();
      }
    });

    it('valid templates load: sections, inverted sections, comments, triple braces, other delimiters', () => {
      expect(problemsOf([
        'notifiers:',
        '  a: { type: email, to: [ops@example.com], subject: "{{! note}}{{rule}} {{#top_counts}}{{field}}{{/top_counts}}{{^samples}}none{{/samples}} {{{message}}}" }',
        '  b: { type: webhook, url: "https://hooks.example.com/x", body: { text: "{{=<% %>=}}<% rule %>", n: "{{count}}", list: ["{{id}}", 3, true] } }',
        'rules: []',
      ].join('\n'))).to.deep.equal([]);
    });
  });

  describe('rendering', () => {
    it('a subject takes the alert fields, the group values and the first sample fields by dotted name, as one clean line', () => {
      const alert = testAlert({
        group: { 'host.name': 'dc1' },
        samples: [{ '@timestamp': '2026-01-01T10:00:00.000Z', 'user.name': 'bob', message: 'line one\nline two \u202Egnp.exe =?utf-8?B?SGk=?=' }],
      });
      expect(renderSubject('[{{severity}}] {{rule}} on {{host.name}} ({{count}}): {{user.name}} {{message}}', alert))
        .to.equal('[high] failed-logon-burst on dc1 (23): bob line one line two gnp.exe = ?utf-8?B?SGk= ?=');
    });

    it('values are inserted as they are (no HTML escaping in text) and names reach only data, never prototypes', () => {
      const view = alertView(testAlert({ description: NASTY }));
      expect(renderTemplate('{{description}}|{{{description}}}', view)).to.equal(`${NASTY}|${NASTY}`);
      expect(renderTemplate('[{{constructor}}][{{__proto__}}][{{toString}}][{{#samples.map}}x{{/samples.map}}][{{samples.constructor}}][{{tags.push}}]', view)).to.equal('[][][][][][]');
      expect(renderTemplate('{{samples.length}} samples; {{sample.host.name}}; {{#samples}}{{message}};{{/samples}}', alertView(testAlert({ samples: [{ 'host.name': 'dc1', message: 'a' }, { message: 'b' }] }))))
        .to.equal('2 samples; dc1; a;b;');
    });

    it('an email body template replaces the standard text; the HTML part shows it escaped', () => {
      const alert = testAlert({ description: NASTY, top_counts: TOP });
      const body = renderEmail([alert], {
        body: 'Alert {{rule}} ({{severity}}): {{description}}\n{{#top_counts}}{{field}}: {{#values}}{{value}}={{count}} {{/values}}(+{{others}}) | {{text}}\n{{/top_counts}}First: {{sample.message}}\n',
      });
      expect(body.text).to.equal([
        `Alert failed-logon-burst (high): ${NASTY}`,
        'user.name: bob=20 (missing)=1 (+2) | bob (20), (missing) (1), 2 others',
        'source.ip: 10.0.0.7=23 (+0) | 10.0.0.7 (23)',
        'First: An account failed to log on (0)',
        '',
        '-- ',
        'Sent by Vigil',
        '',
      ].join('\n'));
      expect(body.html).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
      expect(body.html).not.to.contain('<script>');
    });

    it('the standard email lists the top values of the window, and a resolved one says they are those of the window that fired', () => {
      const firing = renderEmail([testAlert({ top_counts: TOP })], {});
      expect(firing.text).to.contain('Top values in the window:\n  user.name: bob (20), (missing) (1), 2 others\n  source.ip: 10.0.0.7 (23)\n');
      expect(firing.html).to.contain('<th align="left" style="padding:2px 8px;border:1px solid #ddd;vertical-align:top">user.name</th><td style="padding:2px 8px;border:1px solid #ddd;vertical-align:top">bob (20), (missing) (1), 2 others</td>');
      const resolved = renderEmail([testAlert({ state: 'resolved', resolved_at: '2026-01-01T10:10:00.000Z', top_counts: TOP })], {});
      expect(resolved.text).to.contain('Top values in the window that fired:\n');
    });

    it('a webhook body template: strings filled, a tag alone keeps its value (number, list), a bundle has alerts and alert_count', () => {
      const template = {
        text: '{{rule}} on {{group}}: {{count}} events',
        count: '{{count}}',
        users: '{{top_counts.0.values}}',
        first_ip: '{{#top_counts}}{{#values}}{{/values}}{{/top_counts}}{{source.ip}}',
        key: '{{key}}',
        nested: [{ sev: '{{severity}}' }, 7, false],
        none: '{{no.such.field}}',
      };
      const alert = testAlert({ top_counts: TOP, samples: [{ 'source.ip': '10.0.0.7' }] });
      const body = JSON.parse(webhookBody({ key: 'k1', notifier: 'hook', alerts: [alert] }, 'json', undefined, template).toString('utf8')) as Record<string, unknown>;
      expect(body).to.deep.equal({
        text: 'failed-logon-burst on bob: 23 events',
        count: 23,
        users: [{ value: 'bob', count: 20 }, { value: '(missing)', count: 1 }],
        first_ip: '10.0.0.7',
        key: 'k1',
        nested: [{ sev: 'high' }, 7, false],
      });
      const bundle = JSON.parse(webhookBody({ key: 'k2', notifier: 'hook', alerts: [alert, testAlert({ rule: 'other', count: 5 })] }, 'json', undefined,
        { text: '{{alert_count}} alerts: {{#alerts}}{{rule}}={{count}};{{/alerts}}' }).toString('utf8')) as Record<string, unknown>;
      expect(bundle).to.deep.equal({ text: '2 alerts: failed-logon-burst=23;other=5;' });
    });
  });
});
