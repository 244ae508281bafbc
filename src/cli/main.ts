#!/usr/bin/env -S node --max-old-space-size=160 --max-semi-space-size=8
import { Command } from 'commander';
import { createLogger } from '../core/log';
import { VIGIL_VERSION } from '../core/version';
import type { BacktestOptions } from './commands/backtest';

const program = new Command();
program
  .name('vigil')
  .description('Log monitoring and alerting: NDJSON files and Windows Event Log → rules → Elasticsearch, email, webhooks')
  .version(VIGIL_VERSION);

program
  .command('run')
  .description('run the daemon (collectors → rules → sinks) until SIGINT/SIGTERM')
  .option('-c, --config <file>', 'vigil.yaml (default: the embedded default, see the README)')
  .action(async (opts: { config?: string }) => {
    const { runCommand } = await import('./commands/run');
    process.exitCode = await runCommand(opts.config, createLogger());
  });

program
  .command('check')
  .description('validate rules.yaml and vigil.yaml; prints file:line:col: message for each problem')
  .argument('[rules]', 'rules file (default: ./rules.yaml, or the one vigil.yaml names)')
  .option('-c, --config <file>', 'vigil.yaml to validate too')
  .option('--state', "also validate the state folder's files (registry.json, silences.json, the control token); prints file: message")
  .action(async (rules: string | undefined, opts: { config?: string; state?: boolean }) => {
    const { runCheck } = await import('../runtime/check');
    const res = runCheck({ rules, config: opts.config, state: opts.state, cwd: process.cwd() });
    process.stdout.write(res.output.endsWith('\n') ? res.output : `${res.output}\n`);
    process.exitCode = res.problems.length + res.stateProblems.length > 0 ? 1 : 0;
  });

program
  .command('backtest')
  .description('replay NDJSON log files and .evtx files, or events from Elasticsearch (--es), through the rules in event time; sends nothing; prints every alert that would have fired')
  .argument('[files...]', 'files or globs (NDJSON, plain or .gz, and .evtx); none with --es')
  .option('-r, --rules <file>', 'rules file', 'rules.yaml')
  .option('-f, --format <format>', 'ndjson, table or html', 'table')
  .option('-o, --out <file>', 'write the report to a file instead of stdout')
  .option('--until <time>', "stop event time here (ISO 8601): later events are left out; default the last event's time")
  .option('--es <url>', 'read the events from Elasticsearch at this URL (user:password@ in it authenticate)')
  .option('--index <pattern>', 'with --es: the index, data stream, alias or pattern to read (e.g. "logs-*")')
  .option('--from <time>', 'with --es: start of the events read, a duration back from now (7d, 12h) or an ISO 8601 time')
  .option('--to <time>', 'with --es: end of the events read, as --from (default now)')
  .option('--api-key-file <file>', 'with --es: a file holding an API key (encoded form) to authenticate with')
  .option('--page-size <n>', `with --es: documents per search page (default 5000)`)
  .action(async (files: string[], opts: BacktestOptions) => {
    const { runBacktest } = await import('./commands/backtest');
    process.exitCode = await runBacktest(files, opts);
  });

program
  .command('evtx')
  .description('decode exported Windows event logs (.evtx) on any OS: one normalised event per record (ndjson) or the Event XML')
  .argument('<files...>', '.evtx files')
  .option('-f, --format <format>', 'ndjson or xml', 'ndjson')
  .option('-w, --workers <n>', 'decode workers: a number (0: decode in the reading thread) or auto (one per core but one, at most 4)', 'auto')
  .action(async (files: string[], opts: { format: string; workers: string }) => {
    const { runEvtx } = await import('./commands/evtx');
    process.exitCode = await runEvtx(files, opts.format, opts.workers);
  });

const rulesCommand = program
  .command('rules')
  .description('work with rule files: import-elastic');

rulesCommand
  .command('import-elastic')
  .description("convert Elastic's prebuilt detection rules (TOML, type query or threshold, language kuery) into Vigil rules (YAML); reports on stderr the ones it cannot convert and why")
  .argument('<files...>', 'rule files (.toml) or folders of them')
  .option('-o, --out <file>', 'write the rules to a file instead of stdout')
  .action(async (files: string[], opts: { out?: string }) => {
    const { runImportElastic } = await import('./commands/import-elastic');
    process.exitCode = runImportElastic(files, opts);
  });

program
  .command('test-rules')
  .description("run the examples of every rule on a simulated clock; prints a pass/fail table; exit 0 only if all pass")
  .argument('[rules]', 'rules file', 'rules.yaml')
  .action(async (rules: string) => {
    const { runTestRules } = await import('./commands/test-rules');
    const res = runTestRules(rules);
    process.stdout.write(`${res.output}\n`);
    process.exitCode = res.code;
  });

program
  .command('ctl')
  .description("talk to a running daemon's control API: status | health | alerts | reload | silence RULE --for 2h | unsilence RULE | silences | pause | resume")
  .argument('<action>', 'status, health, alerts, reload, silence, unsilence, silences, pause or resume')
  .argument('[rule]', 'the rule id (silence, unsilence)')
  .option('--for <duration>', 'how long to silence (silence), e.g. 30m, 2h, 1d')
  .option('--group <k=v,...>', 'silence only this alert group (silence), e.g. user.name=bob,host.name=web1')
  .option('--id <id>', 'remove this one silence (unsilence)')
  .option('-c, --config <file>', "the daemon's vigil.yaml: its control section gives the URL, token file and certificate (default: ./vigil.yaml when there is one, after $VIGIL_CTL_URL / $VIGIL_CTL_TOKEN_FILE)")
  .option('--url <url>', 'control API URL (wins over --config; default: $VIGIL_CTL_URL or http://127.0.0.1:9680)')
  .option('--token-file <file>', 'bearer token file (wins over --config; default: $VIGIL_CTL_TOKEN_FILE or ./data/state/control.token)')
  .action(async (action: string, rule: string | undefined, opts: { for?: string; group?: string; id?: string; url?: string; tokenFile?: string; config?: string }) => {
    const actions = ['status', 'health', 'alerts', 'reload', 'silence', 'unsilence', 'silences', 'pause', 'resume'] as const;
    if (!(actions as readonly string[]).includes(action)) {
      process.stderr.write(`vigil ctl: unknown action ${JSON.stringify(action)} (use ${actions.join(', ')})\n`);
      process.exitCode = 1;
      return;
    }
    const { runCtl } = await import('./commands/ctl');
    const res = await runCtl({ action: action as (typeof actions)[number], rule, ...opts, cwd: process.cwd() });
    (res.code === 0 ? process.stdout : process.stderr).write(res.output.endsWith('\n') ? res.output : `${res.output}\n`);
    process.exitCode = res.code;
  });

program
  .command('service')
  .description('register the daemon as a systemd unit (Linux) or a Windows service: install | uninstall | start | stop | status')
  .argument('<action>', 'install, uninstall, start, stop or status')
  .option('-c, --config <file>', 'vigil.yaml the service runs with (install)', 'vigil.yaml')
  .option('--name <name>', 'service name', 'vigil')
  .option('--user <user>', 'account the service runs as (install; default root on Linux, the virtual account NT SERVICE\\<name>.exe on Windows; never takes a password)')
  .option('--dry-run', 'print what would be written and run; change nothing')
  .action(async (action: string, opts: { config: string; name: string; user?: string; dryRun?: boolean }) => {
    const { runService } = await import('./service/command');
    process.exitCode = await runService(action, opts);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`vigil: ${err.message}\n`);
  process.exitCode = 2;
});
