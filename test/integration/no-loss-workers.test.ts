/**
 * The no-loss tests of the file input (rotation in logrotate's modes and by hand, SIGKILL while files grow
 * and rotate, a full disk, a restart far behind) once more with the file input's workers on (`workers: 1`
 * in their configs: test/helpers/config.ts reads VIGIL_TEST_FILE_WORKERS). `auto` runs none on two cores,
 * so without this the suite would try them in the reading thread only.
 */
const FILES = ['./file-rotation.test', './crash-restart.test', './disk-full.test', './restart-bounded.test'];

describe('no-loss tests with the file input\'s workers on (workers: 1)', () => {
  const was = process.env.VIGIL_TEST_FILE_WORKERS;
  before(() => { process.env.VIGIL_TEST_FILE_WORKERS = '1'; });
  after(() => {
    if (was === undefined) delete process.env.VIGIL_TEST_FILE_WORKERS;
    else process.env.VIGIL_TEST_FILE_WORKERS = was;
  });
  // loaded again inside this block, their suites run a second time under it
  for (const f of FILES) {
    const path = require.resolve(f);
    delete require.cache[path];
    require(path);
  }
});
