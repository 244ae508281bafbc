/** Vigil's version, from package.json. */
export const VIGIL_VERSION: string = (require('../../../package.json') as { version: string }).version;
