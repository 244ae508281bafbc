import { expect } from 'chai';
import type { BacktestReport } from '../../rules/backtest/report-data';
import { alertRecord, formatNdjson } from '../../rules/backtest/format-ndjson';
import { elide, formatTable } from '../../rules/backtest/format-table';
import { formatHtml } from '../../rules/backtest/format-html';
import { renderBacktestReport } from '../../rules/backtest/render-report';
import { HOSTILE, MIN, T0, alert, countMatches, iso, twoRuleReport } from '../helpers/backtest-sample-report';

const emptyReport = (): BacktestReport => ({ generatedAt: iso(T0), input: [], events: 0, rules: [], alerts: [], problems: [] });

describe('backtest report: ndjson', function () {
  it('prints one JSON line per alert, sorted by first event, keys in a stable order', function () {
    const out = formatNdjson(twoRuleReport());
    const lines = out.split('\n');
    expect(lines.pop()).to.equal('');
    expect(lines).to.have.length(5);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.id)).to.deep.equal(['a1', 'a1r', 's1', 'a2', 'a3']);
    for (const p of parsed) {
      const keys = Object.keys(p);
      expect(keys.slice(0, 9)).to.deep.equal(['rule', 'severity', 'state', 'group', 'count', 'first_event', 'last_event', 'id', 'at']);
    }
    expect(Object.keys(parsed[1])).to.deep.equal(['rule', 'severity', 'state', 'group', 'count', 'first_event', 'last_event', 'id', 'at', 'resolved_at']);
    expect(parsed[1]).to.include({ state: 'resolved', resolved_at: iso(T0 + 35 * MIN) });
    expect(Object.keys(parsed[2]).pop()).to.equal('reference');
    expect(parsed[3].group).to.deep.equal({ 'winlog.event_data.TargetUserName': HOSTILE });
    // same input, same bytes, whatever the input order
    const shuffled = twoRuleReport();
    shuffled.alerts.reverse();
    expect(formatNdjson(shuffled)).to.equal(out);
  });

  it('gives null first/last event when the engine gave none, and nothing for an empty report', function () {
    expect(alertRecord(alert({ id: 'x', rule: 'r', at: iso(T0) }))).to.include({ first_event: null, last_event: null });
    expect(formatNdjson(emptyReport())).to.equal('');
  });
});

describe('backtest report: table', function () {
  it('has one aligned row per alert and a per-rule summary', function () {
    const out = formatTable(twoRuleReport());
    const lines = out.split('\n');
    expect(lines[0]).to.match(/^FIRED\/RESOLVED AT +RULE +SEVERITY +STATE +GROUP +COUNT$/);
    const rows = lines.slice(2, 7);
    expect(rows[0]).to.match(/^2026-01-01 10:21:00Z +failed-logon-burst +high +firing +winlog\.event_data\.TargetUserName=bob +25$/);
    const col = lines[0].indexOf('SEVERITY');
    for (const r of rows) expect(r.slice(col, col + 4)).to.match(/^(high|crit)$/);
    const countEnd = lines[0].length;
    for (const r of rows) expect(r.length).to.equal(countEnd); // right-aligned counts end under COUNT
    expect(out).to.match(/^RULE +EVENTS MATCHED +ALERTS FIRED +RESOLVED$/m);
    expect(out).to.match(/^failed-logon-burst +155 +3 +1$/m);
    expect(out).to.match(/^payments-error-spike +\d+ +1 +0$/m);
    expect(out).to.contain('5 alerts (4 firing, 1 resolved) over 12345 events');
  });

  it('sorts the rows by the time it shows (when each alert fired or resolved), and says which time that is', function () {
    const rows = formatTable(twoRuleReport()).split('\n').slice(2, 7);
    // by first event the order is a1, a1r (both 10:20), s1 (10:21), a2 (10:55), a3 (11:35);
    // the table shows a1 fired 10:21, s1 fired 10:21:30, a1r resolved 10:35, a2 fired 10:56, a3 fired 11:35:40
    expect(rows.map((r) => r.slice(0, 20).trim() + ' ' + r.split(/ {2,}/)[3])).to.deep.equal([
      '2026-01-01 10:21:00Z firing', '2026-01-01 10:21:30Z firing', '2026-01-01 10:35:00Z resolved',
      '2026-01-01 10:56:00Z firing', '2026-01-01 11:35:40Z firing',
    ]);
    const html = formatHtml(twoRuleReport());
    expect(html).to.contain('<th>fired/resolved at</th>');
    const logonRows = [...html.matchAll(/<tr class="alert (firing|resolved)"><td class="mono time">([^<]*)<\/td>/g)].map((m) => `${m[2]} ${m[1]}`);
    expect(logonRows).to.deep.equal([
      '2026-01-01 10:21:00Z firing', '2026-01-01 10:35:00Z resolved', '2026-01-01 10:56:00Z firing', '2026-01-01 11:35:40Z firing',
      '2026-01-01 10:21:30Z firing',
    ]);
  });

  it('marks alerts still firing where event time stopped, and notes the events left out', function () {
    const report = twoRuleReport();
    report.alerts.find((a) => a.id === 'a3')!.openAtEnd = true;
    report.untimed = 2;
    report.end = iso(T0 + 120 * MIN);
    const out = formatTable(report);
    expect(out).to.match(/^2026-01-01 11:35:40Z +failed-logon-burst +high +firing, open at end +/m);
    expect(out).to.contain('2 events without a time of their own and no event before them in their file: left out of the windows');
    expect(out).to.contain('event time stopped at 2026-01-01 12:00:00Z');
    const html = formatHtml(report);
    expect(html).to.contain('>firing, open at end</td>');
    expect(html).to.contain('2 events without a time of their own');
    expect(alertRecord(report.alerts.find((a) => a.id === 'a3')!)).to.include({ state: 'firing', open_at_end: true });
    expect(alertRecord(report.alerts.find((a) => a.id === 'a2')!)).not.to.have.property('open_at_end');
  });

  it('elides long values with "…" and keeps control characters on one line', function () {
    const report = emptyReport();
    report.alerts = [alert({ id: 'x', rule: `very-long-rule-${'x'.repeat(80)}`, at: iso(T0), groupValues: { msg: `line1\nline2\u001b[31m${'y'.repeat(100)}` } })];
    const out = formatTable(report, { maxWidths: { group: 30 } });
    const row = out.split('\n')[2];
    const cells = row.split(/ {2,}/);
    expect(cells[1]).to.have.length(40).and.match(/…$/);
    expect([...cells[4]]).to.have.length(30);
    expect(cells[4]).to.equal('msg=line1\\nline2\\u001b[31myyy…');
    expect(out).not.to.contain('\u001b');
    expect(elide('abcdef', 4)).to.equal('abc…');
    expect(elide('abc', 4)).to.equal('abc');
  });

  it('prints only a "no alerts" line when nothing fired', function () {
    const report = twoRuleReport();
    report.alerts = [];
    expect(formatTable(report)).to.equal('no alerts (12345 events, 2 rules)\n');
    expect(formatTable(emptyReport())).to.equal('no alerts (0 events, 0 rules)\n');
  });
});

describe('backtest report: html', function () {
  const html = formatHtml(twoRuleReport());

  it('escapes every user-provided value and stays self-contained', function () {
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/<(img|link|iframe|object|embed)\b/i);
    expect(html).to.contain('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
    expect(html).to.contain('Many failed logons &lt;script&gt;');
    expect(html).to.contain('message: &quot;&lt;b&gt;bold&lt;/b&gt;&quot;');
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.to.match(/https?:|url\(|@import|\bsrc=["']/i);
    const evil = emptyReport();
    evil.rules = [{ rule: 'x"><script>alert(1)</script>', type: 'pattern', where: '*', windowMs: MIN, buckets: [{ start: iso(T0), count: 1 }] }];
    const out = formatHtml(evil);
    expect(out).not.to.match(/<script/i);
    expect(out).to.contain('data-rule="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('draws a timeline per rule with bars, the firing line and alert markers', function () {
    expect(countMatches(html, /<svg class="timeline" data-rule="failed-logon-burst"/)).to.equal(1);
    expect(countMatches(html, /<svg class="timeline" data-rule="payments-error-spike"/)).to.equal(1);
    expect(countMatches(html, /<rect class="bar[ "]/)).to.equal(24 + 30);
    expect(countMatches(html, /<rect class="bar hot"/)).to.equal(4 + 2);
    expect(countMatches(html, /class="threshold-line"/)).to.equal(1);
    expect(countMatches(html, /class="baseline-line"/)).to.equal(1);
    expect(html).to.contain('firing line = baseline × 3');
    expect(countMatches(html, /class="alert-marker firing"/)).to.equal(4);
    expect(countMatches(html, /class="alert-marker resolved"/)).to.equal(1);
    expect(html).to.match(/<title>FIRING \(high\) at 2026-01-01 10:21:00Z\ngroup: winlog\.event_data\.TargetUserName=bob\ncount: 25/);
    expect(html).to.contain('>10:00</text>');
    expect(html).to.contain('events per 5m');
  });

  it('renders an empty report and rules without buckets', function () {
    const empty = formatHtml(emptyReport());
    expect(empty).to.contain('no alerts would have fired');
    expect(empty).to.match(/^<!DOCTYPE html>/);
    const quiet = emptyReport();
    quiet.rules = [{ rule: 'quiet', type: 'threshold', threshold: 5, where: 'a: b', windowMs: MIN, buckets: [] }];
    expect(formatHtml(quiet)).to.contain('no matching events in the input');
  });

  it('dispatches by format name', function () {
    const r = twoRuleReport();
    expect(renderBacktestReport(r, 'ndjson')).to.equal(formatNdjson(r));
    expect(renderBacktestReport(r, 'table')).to.equal(formatTable(r));
    expect(renderBacktestReport(r, 'html')).to.equal(formatHtml(r));
    expect(() => renderBacktestReport(r, 'xml' as never)).to.throw(/unknown backtest format "xml"/);
  });
});
