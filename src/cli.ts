#!/usr/bin/env node
import { Command } from 'commander';
import { createLogger } from './log';

const program = new Command();
program
  .name('vigil')
  .description('Log monitoring and alerting: NDJSON files and Windows Event Log → rules → Elasticsearch, email, webhooks')
  .version(require('../../package.json').version as string);

program
  .command('run')
  .description('run the daemon (collectors → rules → sinks) until SIGINT/SIGTERM')
  .option('-c, --config <file>', 'vigil.yaml (default: the embedded default, see the README)')
  .action(async (opts: { config?: string }) => {
    const { runCommand } = await import('./run-command');
    process.exitCode = await runCommand(opts.config, createLogger());
  });

program
  .command('check')
  .description('validate rules.yaml and vigil.yaml; prints file:line:col: message for each problem')
  .argument('[rules]', 'rules file (default: ./rules.yaml, or the one vigil.yaml names)')
  .option('-c, --config <file>', 'vigil.yaml to validate too')
  .action(async (rules: string | undefined, opts: { config?: string }) => {
    const { runCheck } = await import('./check');
    const res = runCheck({ rules, config: opts.config, cwd: process.cwd() });
    process.stdout.write(res.output.endsWith('\n') ? res.output : `${res.output}\n`);
    process.exitCode = res.problems.length > 0 ? 1 : 0;
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`vigil: ${err.message}\n`);
  process.exitCode = 2;
});
