import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatHtml } from '../../rules/backtest/format-html';
import { tempDir } from '../helpers/temp-dir';
import { HOSTILE, countMatches, twoRuleReport } from '../helpers/backtest-sample-report';

// The HTML report as a real browser renders it (the formats themselves are tested in test/unit/backtest-report.test.ts).

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
    expect(countMatches(dom, /<rect class="bar[ "]/)).to.equal(54);
    expect(countMatches(dom, /class="threshold-line"/)).to.equal(1);
    expect(countMatches(dom, /class="alert-marker firing"/)).to.equal(4);
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
