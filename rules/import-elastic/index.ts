/** Turning Elastic's prebuilt detection rules (TOML) into Vigil rules: read, convert, write as YAML. */
export { readElasticRule, ElasticRuleError, type ElasticRule } from './elastic-rule';
export { convertElasticRule, slugOf, type Conversion, type ImportedRule } from './convert';
export { renderRulesYaml, type RenderedRule } from './render-yaml';
export { importElasticRules, type ImportReport } from './import-rules';
