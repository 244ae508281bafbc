import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';
import type { LoadedRules } from '../../../rules';
import { replayEs, type ReplayResult } from '../../../rules/offline';
import { describeError } from '../../../sinks/elasticsearch/health';
import { splitUserinfo, scrubUserinfo } from '../../core/config-kit/url-userinfo';
import { parseDuration } from '../../core/units';
import { parseTimeString } from '../../core/timestamp';
import { ProgressBar } from '../progress-bar';

/** The options of `vigil backtest --es` (the Elasticsearch source of a backtest). */
export interface BacktestEsOptions {
  es: string;
  index?: string;
  from?: string;
  to?: string;
  apiKeyFile?: string;
  pageSize?: string;
}

/**
 * A time of `--from`/`--to`: a duration back from `now` (`7d`, `12h`, `90m`) or an ISO 8601 time;
 * undefined when it is neither.
 */
export function parseBacktestTime(text: string, now: number): number | undefined {
  if (/^\s*\d/.test(text) && !/^\s*\d{4}-/.test(text)) {
    try { return now - parseDuration(text); } catch { return undefined; }
  }
  const iso = parseTimeString(text);
  return iso === undefined ? undefined : Date.parse(iso);
}

/** A failure with its message ready for stderr, and the exit code. */
class EsBacktestError extends Error { constructor(message: string, readonly code: number) { super(message); } }

/**
 * Reads the Elasticsearch source of a backtest and replays it: the URL's user-info or `--api-key-file`
 * authenticate; no message ever shows them (user-info is cut out of URLs, secrets out of texts).
 * Returns the replay, or the exit code after an error on stderr.
 */
export async function replayFromEs(rules: LoadedRules, opts: BacktestEsOptions, until: number | undefined): Promise<ReplayResult | number> {
  const secrets: string[] = [];
  const say = (text: string) => {
    let t = scrubUserinfo(text);
    for (const s of secrets) if (s !== '') t = t.split(s).join('***');
    process.stderr.write(`vigil backtest: ${t}\n`);
  };
  try {
    const o = settle(opts, secrets);
    const client = new Client({ node: o.url, auth: o.auth, maxRetries: 2, requestTimeout: 120_000, compression: false, name: 'vigil-backtest' });
    try {
      await mustMatchSomething(client, o.index, o.url);
      let bar: ProgressBar | undefined;
      const r = await replayEs(client, rules, {
        index: o.index, from: o.from, to: o.to, until, pageSize: o.pageSize,
        label: `elasticsearch ${o.url} ${o.index} ${new Date(o.from).toISOString()}..${new Date(o.to).toISOString()}`,
        onNote: say,
        onProgress: ({ events, total }) => {
          bar ??= new ProgressBar(process.stderr, total, { unit: 'events', totalIsCount: true });
          bar.update(events, events);
        },
      }).catch((err: unknown) => { throw new EsBacktestError(readFailure(err, o.url, o.index), 1); });
      bar?.finish(`${r.events.toLocaleString('en-US')} events replayed, ${r.alerts.length} alerts`);
      if (r.events === 0) say(`no event of ${o.index} between ${new Date(o.from).toISOString()} and ${new Date(o.to).toISOString()} matches a rule`);
      return r;
    } finally {
      await client.close();
    }
  } catch (err) {
    if (!(err instanceof EsBacktestError)) throw err;
    say(err.message);
    return err.code;
  }
}

interface Settled { url: string; auth?: { apiKey: string } | { username: string; password: string }; index: string; from: number; to: number; pageSize?: number }

function settle(opts: BacktestEsOptions, secrets: string[]): Settled {
  const { url, username, password } = splitUserinfo(opts.es);
  if (password) secrets.push(password, encodeURIComponent(password));
  if (!/^https?:\/\/[^/]/i.test(url)) throw new EsBacktestError(`--es ${JSON.stringify(url)} is not an http(s) URL`, 2);
  if (!opts.index) throw new EsBacktestError('--es needs --index (an index, data stream, alias or pattern, e.g. "logs-*")', 2);
  if (!opts.from) throw new EsBacktestError('--es needs --from (a duration back from now such as 7d, or an ISO 8601 time)', 2);
  const now = Date.now();
  const from = parseBacktestTime(opts.from, now);
  if (from === undefined) throw new EsBacktestError(`--from ${JSON.stringify(opts.from)} is neither a duration back from now (7d, 12h) nor an ISO 8601 time`, 2);
  const to = opts.to === undefined ? now : parseBacktestTime(opts.to, now);
  if (to === undefined) throw new EsBacktestError(`--to ${JSON.stringify(opts.to)} is neither a duration back from now (1h) nor an ISO 8601 time`, 2);
  if (to < from) throw new EsBacktestError(`--to (${new Date(to).toISOString()}) is before --from (${new Date(from).toISOString()})`, 2);
  let pageSize: number | undefined;
  if (opts.pageSize !== undefined) {
    pageSize = Number(opts.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new EsBacktestError(`--page-size ${JSON.stringify(opts.pageSize)} is not a whole number from 1 to 10000`, 2);
  }
  let auth: Settled['auth'];
  if (opts.apiKeyFile) {
    if (username) throw new EsBacktestError('--api-key-file and user-info in the --es URL: give one of them', 2);
    let key: string;
    try { key = readFileSync(opts.apiKeyFile, 'utf8').trim(); } catch (e) {
      throw new EsBacktestError(`--api-key-file ${opts.apiKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
    if (key === '') throw new EsBacktestError(`--api-key-file ${opts.apiKeyFile} is empty`, 2);
    secrets.push(key);
    auth = { apiKey: key };
  } else if (username) auth = { username, password: password ?? '' };
  return { url: url.replace(/\/+$/, ''), auth, index: opts.index, from, to, pageSize };
}

/** A pattern that names no index, alias or data stream is a mistake to say, not an empty report. */
async function mustMatchSomething(client: Client, index: string, url: string): Promise<void> {
  let found = 0;
  try {
    const r = await client.indices.resolveIndex({ name: index, expand_wildcards: 'open' });
    found = r.indices.length + r.aliases.length + r.data_streams.length;
  } catch (err) {
    if (!(err instanceof errors.ResponseError && err.statusCode === 404)) throw new EsBacktestError(readFailure(err, url, index), 1);
  }
  if (found === 0) throw new EsBacktestError(`no index, alias or data stream matches ${JSON.stringify(index)} at ${url}`, 2);
}

function readFailure(err: unknown, url: string, index: string): string {
  return `reading ${index}: ${describeError(err, url).detail}`;
}
