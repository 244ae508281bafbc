import { existsSync } from 'node:fs';
import { loadConfig, ConfigError } from '../../runtime/config/load';
import { Daemon } from '../../runtime/daemon';
import { ControlServer } from '../../control/server';
import type { Logger } from '../../core/log';

/** `vigil run`: starts the daemon and stops it cleanly on SIGINT/SIGTERM. Resolves to the exit code. */
export async function runCommand(configPath: string | undefined, log: Logger): Promise<number> {
  // like filebeat.yml, a vigil.yaml in the working folder is used without --config
  if (!configPath && existsSync('vigil.yaml')) configPath = 'vigil.yaml';
  let cfg;
  try {
    cfg = loadConfig(configPath, { cwd: process.cwd() });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  log.level = cfg.logging.level;
  let daemon: Daemon;
  let control: ControlServer;
  try {
    daemon = new Daemon(cfg, { log });
    control = new ControlServer({
      listen: cfg.control.listen, tokenFile: cfg.control.token_file, tls: cfg.control.tls,
      allowInsecure: cfg.control.allow_insecure, allowedHosts: cfg.control.allowed_hosts, target: daemon, log,
    });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'vigil could not start');
    return 1;
  }
  // the signals are ours from here, also while starting: a stop asked for then waits for the start to finish
  let daemonBegan = false;
  const started = (async () => {
    await control.start();
    daemonBegan = true;
    await daemon.start();
  })();
  return new Promise<number>((resolve) => {
    let signals = 0;
    let failed = false;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        log.warn({ signal: sig }, 'second signal: exiting now; unacknowledged events will be read again at the next start');
        process.exit(130);
      }
      log.info({ signal: sig }, 'stopping');
      const hard = setTimeout(() => {
        log.error('could not stop within 10 s; exiting; unacknowledged events will be read again at the next start');
        process.exit(1);
      }, 10_000);
      hard.unref();
      started.then(() => Promise.all([daemon.stop(8000), control.stop()])).then(() => resolve(0), (err) => {
        if (failed) return; // reported below
        log.error({ err: (err as Error).message }, 'error while stopping');
        resolve(1);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    started.catch(async (err) => {
      failed = true;
      log.fatal({ err: (err as Error).message }, 'vigil could not start');
      await Promise.allSettled([daemonBegan ? daemon.stop(1000) : Promise.resolve(), control.stop()]);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(1);
    });
  });
}
