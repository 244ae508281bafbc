/**
 * The SMTP options of the email notifier (vigil.yaml `smtp:`): the resolved shape with its
 * defaults, its JSON Schema, and its validation. Without `smtp`, emails are written to the outbox.
 */
import { nonEmptyStr, resolvePath, str, type ConfigContext, type Obj } from '../../../src/core/config-kit';

/** The SMTP options as resolved: port and TLS decided, `ca` absolute (meanings: the schema). */
export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
  username?: string;
  password?: string;
  from: string;
  ca?: string;
}

/** The port with implicit TLS (`secure`), and the submission port used otherwise. */
export const SMTP_TLS_PORT = 465;
export const SMTP_SUBMISSION_PORT = 587;

export const smtpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'from'],
  description: 'send the email notifiers\' messages over SMTP (without it they are written to outbox_dir as .eml files)',
  properties: {
    host: { ...nonEmptyStr, description: 'the SMTP server' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: `its port (default ${SMTP_TLS_PORT} with \`secure: true\`, else ${SMTP_SUBMISSION_PORT})` },
    secure: { type: 'boolean', description: `implicit TLS from the first byte (default: true on port ${SMTP_TLS_PORT})` },
    starttls: { type: 'boolean', default: false, description: 'require STARTTLS (false: used when the server offers it); not with `secure`' },
    username: { ...nonEmptyStr, description: 'login user, with password' },
    password: { ...str, description: 'login password' },
    from: { ...nonEmptyStr, description: 'the sender: an email address, a name before it if wanted; a notifier\'s own `from` wins' },
    ca: { ...nonEmptyStr, description: 'CA certificate file (PEM) for a server with a private CA' },
  },
} as const;

/** Validates the `smtp` section (already checked against the schema) and fills in the defaults. */
export function buildSmtp(ctx: ConfigContext, o: Obj): SmtpConfig {
  const { src, baseDir } = ctx;
  const secureGiven = typeof o.secure === 'boolean';
  const port = typeof o.port === 'number' ? o.port : o.secure === true ? SMTP_TLS_PORT : SMTP_SUBMISSION_PORT;
  const secure = secureGiven ? (o.secure as boolean) : port === SMTP_TLS_PORT;
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
