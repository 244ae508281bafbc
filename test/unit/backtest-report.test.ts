import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BacktestAlert, BacktestReport, RuleSeries } from '../../rules/backtest/report-data';
import { alertRecord, formatNdjson } from '../../rules/backtest/format-ndjson';
import { elide, formatTable } from '../../rules/backtest/format-table';
import { formatHtml } from '../../rules/backtest/format-html';
import { renderBacktestReport } from '../../rules/backtest/render-report';
import { tempDir } from '../helpers/temp-dir';

const HOSTILE = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`;
const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;

function alert(over: Partial<BacktestAlert> & Pick<BacktestAlert, 'id' | 'rule' | 'at'>): BacktestAlert {
  return { group: '', groupValues: {}, severity: 'high', state: 'firing', count: 1, ...over };
}

/** A threshold rule (24 buckets of 5m, 3 firing + 1 resolved) and a spike rule (30 buckets of 1m with a baseline). */
function twoRuleReport(): BacktestReport {
  const thresholdCounts = [2, 3, 1, 4, 25, 31, 8, 2, 0, 1, 3, 22, 5, 2, 1, 0, 4, 6, 2, 27, 3, 1, 2, 0];
  const threshold: RuleSeries = {
    rule: 'failed-logon-burst',
    description: `Many failed logons ${HOSTILE} & "quotes"`,
    type: 'threshold',
    where: 'event.code: 4625 and winlog.channel: Security and message: "<b>bold</b>"',
    windowMs: 5 * MIN,
    threshold: 20,
    buckets: thresholdCounts.map((count, i) => ({ start: iso(T0 + i * 5 * MIN), count })),
  };
  const spikeCounts = Array.from({ length: 30 }, (_, i) => (i === 21 ? 40 : i === 22 ? 18 : 3 + (i % 4)));
  const spike: RuleSeries = {
    rule: 'payments-error-spike',
    type: 'spike',
    where: 'log.level: error and service.name: "payments"',
    windowMs: MIN,
    ratio: 3,
    buckets: spikeCounts.map((count, i) => ({ start: iso(T0 + i * MIN), count, baseline: i < 5 ? undefined : 4.5 })),
  };
  const alerts: BacktestAlert[] = [
    alert({ id: 'a3', rule: 'failed-logon-burst', at: iso(T0 + 95 * MIN + 40_000), count: 27, group: 'alice', groupValues: { 'winlog.event_data.TargetUserName': 'alice' },
      firstEvent: iso(T0 + 95 * MIN), lastEvent: iso(T0 + 99 * MIN) }),
    alert({ id: 'a1', rule: 'failed-logon-burst', at: iso(T0 + 21 * MIN), count: 25, group: 'bob', groupValues: { 'winlog.event_data.TargetUserName': 'bob' },
      firstEvent: iso(T0 + 20 * MIN), lastEvent: iso(T0 + 24 * MIN) }),
    alert({ id: 'a2', rule: 'failed-logon-burst', at: iso(T0 + 56 * MIN), count: 22, group: 'evil', groupValues: { 'winlog.event_data.TargetUserName': HOSTILE },
      firstEvent: iso(T0 + 55 * MIN), lastEvent: iso(T0 + 59 * MIN) }),
    alert({ id: 'a1r', rule: 'failed-logon-burst', at: iso(T0 + 35 * MIN), state: 'resolved', count: 8, group: 'bob', groupValues: { 'winlog.event_data.TargetUserName': 'bob' },
      firstEvent: iso(T0 + 20 * MIN), lastEvent: iso(T0 + 29 * MIN) }),
    alert({ id: 's1', rule: 'payments-error-spike', at: iso(T0 + 21 * MIN + 30_000), count: 40, severity: 'critical', reference: 4.5,
      firstEvent: iso(T0 + 21 * MIN), lastEvent: iso(T0 + 21 * MIN + 59_000) }),
  ];
  return {
    generatedAt: '2026-01-02T08:00:00.000Z',
    input: ['logs/security.ndjson', `logs/${HOSTILE}.ndjson`],
    events: 12345,
    from: iso(T0),
    to: iso(T0 + 120 * MIN),
    rules: [threshold, spike],
    alerts,
    problems: [`logs/bad.ndjson:3: not JSON ${HOSTILE}`],
  };
}

const emptyReport = (): BacktestReport => ({ generatedAt: iso(T0), input: [], events: 0, rules: [], alerts: [], problems: [] });

const count = (html: string, re: RegExp): number => (html.match(new RegExp(re.source, 'g')) ?? []).length;

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
    expect(lines[0]).to.match(/^TIME +RULE +SEVERITY +STATE +GROUP +COUNT$/);
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
    expect(count(html, /<svg class="timeline" data-rule="failed-logon-burst"/)).to.equal(1);
    expect(count(html, /<svg class="timeline" data-rule="payments-error-spike"/)).to.equal(1);
    expect(count(html, /<rect class="bar[ "]/)).to.equal(24 + 30);
    expect(count(html, /<rect class="bar hot"/)).to.equal(4 + 2);
    expect(count(html, /class="threshold-line"/)).to.equal(1);
    expect(count(html, /class="baseline-line"/)).to.equal(1);
    expect(html).to.contain('firing line = baseline × 3');
    expect(count(html, /class="alert-marker firing"/)).to.equal(4);
    expect(count(html, /class="alert-marker resolved"/)).to.equal(1);
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

/** The headless Chromium binary on PATH (Debian package `chromium`), or a clear failure. */
function findChromium(): string {
  const names = ['chromium', 'chromium-browser'];
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin', '/snap/bin'])) {
    for (const name of names) {
      const p = join(dir, name);
      if (dir && existsSync(p)) return p;
    }
  }
  throw new Error('headless Chromium not found (looked for `chromium` and `chromium-browser` on PATH): install the Debian package with `apt-get install -y chromium`');
}

describe('backtest report: html in real headless Chromium', function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  before(function () { dir = tempDir('backtest-html'); });
  after(function () { dir?.cleanup(); });

  const run = (chromium: string, profile: string, args: string[]): string => execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars',
    `--user-data-dir=${join(dir.path, profile)}`, ...args,
  ], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });

  it('renders both charts, their bars, lines and markers, and runs no injected script', function () {
    const chromium = findChromium();
    const html = formatHtml(twoRuleReport());
    const file = join(dir.path, 'report.html');
    writeFileSync(file, html);

    // 1. The DOM as Chromium parsed it.
    const dom = run(chromium, 'p1', ['--dump-dom', pathToFileURL(file).href]);
    expect(dom).to.match(/<svg class="timeline" data-rule="failed-logon-burst"/);
    expect(dom).to.match(/<svg class="timeline" data-rule="payments-error-spike"/);
    expect(count(dom, /<rect class="bar[ "]/)).to.equal(54);
    expect(count(dom, /class="threshold-line"/)).to.equal(1);
    expect(count(dom, /class="alert-marker firing"/)).to.equal(4);
    expect(dom).not.to.match(/<script/i);
    expect(dom).to.contain('<title>Vigil backtest report</title>');

    // 2. A copy with a probe script that queries the rendered DOM and layout.
    const probe = `<script>(function () {
      var out = { title: document.title, scripts: document.scripts.length, imgs: document.images.length, charts: {} };
      document.querySelectorAll('svg.timeline').forEach(function (svg) {
        var box = svg.getBoundingClientRect();
        var bars = svg.querySelectorAll('.bar');
        var tall = 0; bars.forEach(function (b) { if (b.getBBox().height > 0) tall++; });
        out.charts[svg.getAttribute('data-rule')] = {
          width: Math.round(box.width), height: Math.round(box.height), bars: bars.length, tallBars: tall,
          threshold: svg.querySelectorAll('.threshold-line').length, baseline: svg.querySelectorAll('.baseline-line').length,
          firing: svg.querySelectorAll('.alert-marker.firing').length, resolved: svg.querySelectorAll('.alert-marker.resolved').length,
          markerTitles: Array.prototype.map.call(svg.querySelectorAll('.alert-marker > title'), function (t) { return t.textContent; })
        };
      });
      var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
      document.body.appendChild(pre);
    })();</script>`;
    const probed = join(dir.path, 'probed.html');
    writeFileSync(probed, html.replace('</body>', `${probe}</body>`));
    const dom2 = run(chromium, 'p2', ['--dump-dom', '--virtual-time-budget=5000', pathToFileURL(probed).href]);
    const m = /<pre id="probe">([A-Za-z0-9+/=]+)<\/pre>/.exec(dom2);
    expect(m, 'probe output in the dumped DOM').to.not.equal(null);
    const result = JSON.parse(Buffer.from(m![1], 'base64').toString('utf8'));
    expect(result.title).to.equal('Vigil backtest report'); // the hostile values did not run
    expect(result.scripts).to.equal(1); // only the probe
    expect(result.imgs).to.equal(0);
    const t = result.charts['failed-logon-burst'];
    const s = result.charts['payments-error-spike'];
    expect(Object.keys(result.charts)).to.have.length(2);
    expect(t).to.include({ bars: 24, tallBars: 21, threshold: 1, baseline: 0, firing: 3, resolved: 1 });
    expect(s).to.include({ bars: 30, tallBars: 30, threshold: 0, baseline: 1, firing: 1, resolved: 0 });
    expect(t.width).to.be.greaterThan(500);
    expect(t.height).to.be.greaterThan(150);
    expect(t.markerTitles.join('\n')).to.contain(`TargetUserName=${HOSTILE}`); // shown as text, not markup

    // 3. A screenshot: a real PNG of some size.
    const png = join(dir.path, 'report.png');
    run(chromium, 'p3', [`--screenshot=${png}`, '--window-size=1100,1500', pathToFileURL(file).href]);
    expect(existsSync(png), 'screenshot written').to.equal(true);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').to.equal(true);
    expect(statSync(png).size).to.be.greaterThan(5 * 1024);
    if (process.env.VIGIL_KEEP_TEST_DIRS) console.log(`      report: ${file}\n      screenshot: ${png}`);
  });
});
