/** The schema of silences.json (./silences.ts): the list of silences set through the control API. */

const ISO_TIME = '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?(Z|[+-]\\d\\d:\\d\\d)$';

export const silencesSchema = {
  type: 'array',
  description: 'a JSON list of silences',
  items: {
    type: 'object',
    description: 'an object with id, rule, until and created',
    required: ['id', 'rule', 'until', 'created'],
    properties: {
      id: { type: 'string', minLength: 1, description: 'a non-empty string' },
      rule: { type: 'string', minLength: 1, description: 'a rule id' },
      group: {
        type: 'object',
        description: 'an object of field values',
        additionalProperties: { type: 'string', description: 'a string' },
      },
      until: { type: 'string', pattern: ISO_TIME, description: 'an ISO 8601 time such as 2026-12-02T10:00:00.000Z' },
      created: { type: 'string', pattern: ISO_TIME, description: 'an ISO 8601 time such as 2026-12-02T10:00:00.000Z' },
      comment: { type: 'string', description: 'a string' },
    },
  },
} as const;
