import type { WhereValidator } from '../types';
import { KqlSyntaxError, parseKql } from './parse';

/** The rules loader's check of a `where:` string: null when it is valid KQL, else where and why it is not. */
export const validateWhere: WhereValidator = (where) => {
  try {
    parseKql(where);
    return null;
  } catch (err) {
    if (err instanceof KqlSyntaxError) return { offset: err.offset, message: err.message };
    throw err;
  }
};
