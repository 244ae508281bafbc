/**
 * `kibana_url` (a vigil.yaml root key): where alert messages link to Discover. Its piece of the
 * JSON Schema; the loader checks that it is an http(s) URL without user-info.
 */
import { nonEmptyStr } from '../../../src/core/config-kit';

export const kibanaUrlSchema = {
  ...nonEmptyStr,
  description: 'Kibana\'s http(s) URL, without `user:password@`: alert messages link to Discover (default: no link)',
} as const;
