/**
 * The SMTP options of the email notifier (vigil.yaml `smtp:`): the resolved shape with its
 * defaults, its JSON Schema, and its validation. Without `smtp`, emails are written to the outbox.
 */
import { nonEmptyStr, resolvePath, str, type ConfigContext, type Obj } from '../../../src/core/config-kit';

export interface SmtpConfig {
  host: string;
  port: number;               // default 465 with secure, else 587
  secure: boolean;            // implicit TLS (default: port 465)
  starttls: boolean;          // require STARTTLS (default false)
  username?: string;
  password?: string;
  from: string;
  ca?: string;
}

export const smtpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'from'],
  properties: {
    host: nonEmptyStr,
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean' },
    starttls: { type: 'boolean' },
    username: nonEmptyStr,
    password: str,
    from: nonEmptyStr,
    ca: nonEmptyStr,
  },
} as const;

/** Validates the `smtp` section (already checked against the schema) and fills in the defaults. */
export function buildSmtp(ctx: ConfigContext, o: Obj): SmtpConfig {
  const { src, baseDir } = ctx;
  const secureGiven = typeof o.secure === 'boolean';
  const port = typeof o.port === 'number' ? o.port : o.secure === true ? 465 : 587;
  const secure = secureGiven ? (o.secure as boolean) : port === 465;
  const starttls = typeof o.starttls === 'boolean' ? o.starttls : false;
  if (secure && starttls) {
    src.problemAtPath(['smtp', 'starttls'], 'smtp: secure (implicit TLS) and starttls cannot both be true', { key: true });
  }
  if (o.username !== undefined && o.password === undefined) {
    src.problemAtPath(['smtp', 'username'], 'smtp.username is set but smtp.password is not', { key: true });
  }
  if (typeof o.from === 'string' && o.from && !/@/.test(o.from)) {
    src.problemAtPath(['smtp', 'from'], `smtp.from ${JSON.stringify(o.from)} is not an email address`, { value: true });
  }
  const smtp: SmtpConfig = {
    host: typeof o.host === 'string' ? o.host : '',
    port,
    secure,
    starttls,
    from: typeof o.from === 'string' ? o.from : '',
  };
  if (typeof o.username === 'string') smtp.username = o.username;
  if (typeof o.password === 'string') smtp.password = o.password;
  if (typeof o.ca === 'string' && o.ca) smtp.ca = resolvePath(baseDir, o.ca);
  return smtp;
}
