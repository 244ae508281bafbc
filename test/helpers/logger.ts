import { createLogger, silentLogger, type Logger } from '../../src/log';

/** Silent unless VIGIL_TEST_LOG_LEVEL is set (for example `debug`, to follow a failing run on stderr). */
export function testLogger(): Logger {
  const level = process.env.VIGIL_TEST_LOG_LEVEL;
  return level ? createLogger(level) : silentLogger();
}
