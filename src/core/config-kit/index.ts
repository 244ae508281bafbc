/**
 * The config toolkit (src/core: imports nothing of Vigil's outside src/core): YAML with positions,
 * `${ENV}` expansion, schema problems as `file:line:col: message`, value readers, secrets, paths
 * and URL helpers. Shared by the vigil.yaml loader, the components' config files and rules.yaml.
 */
export * from './problems';
export * from './yaml-source';
export * from './env-substitution';
export * from './secrets';
export * from './schema-problems';
export * from './schema-fragments';
export * from './value-readers';
export * from './paths';
export * from './http-url';
export * from './url-userinfo';
