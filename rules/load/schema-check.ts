/** rules.yaml against rules/rules.schema.json: problems at the offending nodes, with messages for its patterns. */
import type { ValidateFunction } from 'ajv';
import { durationSizeMessages, getAjv, schemaProblems, type YamlSource } from '../../src/core/config-kit';
import rulesSchema from '../rules.schema.json';

const ID_PATTERN = (rulesSchema.definitions.rule.properties.id as { pattern: string }).pattern;
const NOTIFIER_NAME_PATTERN = rulesSchema.properties.notifiers.propertyNames.pattern;

let rulesValidator: ValidateFunction | undefined;
function getRulesValidator(): ValidateFunction {
  if (!rulesValidator) rulesValidator = getAjv().compile(rulesSchema);
  return rulesValidator;
}

/** Validates the data of a rules file; every schema problem is added to `src`. */
export function checkRulesSchema(src: YamlSource, data: unknown): void {
  const validate = getRulesValidator();
  if (validate(data)) return;
  schemaProblems(src, validate, data, {
    rootSchema: rulesSchema,
    patternMessages: {
      ...durationSizeMessages(rulesSchema.definitions.duration.pattern, '^$'),
      [ID_PATTERN]: (v, where) => `${where}: rule id ${JSON.stringify(v)} may contain only lower-case letters, digits and "-"`,
      [NOTIFIER_NAME_PATTERN]: (v) => `notifier name ${JSON.stringify(v)} may contain only letters, digits, "_", "." and "-"`,
      '^[imsu]*$': (v, where) => `${where}: regex flags ${JSON.stringify(v)} may only use i, m, s and u`,
    },
  });
}
