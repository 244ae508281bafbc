/**
 * The control API's options (vigil.yaml `control:`): the resolved shape with its defaults, its
 * JSON Schema, and its validation (a non-loopback address needs tls or allow_insecure).
 */
import * as path from 'node:path';
import { asObj, asStrings, nonEmptyStr, resolvePath, strList, type ConfigContext } from '../core/config-kit';
import { isLoopbackHost } from './loopback-host';

/** The control API's options as resolved: paths absolute (meanings: the schema). */
export interface ControlConfig {
  listen: string;
  token_file: string;
  tls?: { cert: string; key: string };
  allow_insecure?: boolean;
  allowed_hosts?: string[];   // lower case
}

export const DEFAULT_CONTROL_LISTEN = '127.0.0.1:9680';

/** The token file's name in state_dir when vigil.yaml does not say. */
export const CONTROL_TOKEN_FILE = 'control.token';

export const controlSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'the HTTP control API that `vigil ctl` talks to',
  properties: {
    listen: { ...nonEmptyStr, default: DEFAULT_CONTROL_LISTEN, description: '`host:port` it listens on; `:port` is loopback' },
    token_file: { ...nonEmptyStr, description: `the bearer token's file, created with mode 0600 at first start (default: \`state_dir/${CONTROL_TOKEN_FILE}\`)` },
    allow_insecure: { type: 'boolean', default: false, description: 'accept a non-loopback listen address without tls (the token travels in clear text)' },
    allowed_hosts: { ...strList, description: 'Host header names accepted besides loopback names, IP addresses and the machine name' },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      description: 'serve https (needed for a non-loopback listen address)',
      properties: {
        cert: { ...nonEmptyStr, description: 'certificate file (PEM)' },
        key: { ...nonEmptyStr, description: 'private key file (PEM)' },
      },
    },
  },
} as const;

/** The defaults: loopback port 9680, the token in `<state_dir>/control.token`. */
export function defaultControl(stateDir: string): ControlConfig {
  return { listen: DEFAULT_CONTROL_LISTEN, token_file: path.join(stateDir, CONTROL_TOKEN_FILE) };
}

/** `host:port`, `[v6]:port` or `:port` → parts, or undefined when malformed. */
export function parseListen(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Validates the `control` section (already checked against the schema) and fills in the defaults. */
export function buildControl(ctx: ConfigContext, raw: unknown, stateDir: string): ControlConfig {
  const { src, baseDir, read } = ctx;
  const ctl = asObj(raw);
  const control: ControlConfig = {
    listen: DEFAULT_CONTROL_LISTEN,
    token_file: read.file(ctl.token_file, defaultControl(stateDir).token_file),
  };
  if (read.str(ctl.listen)) {
    const l = ctl.listen as string;
    if (!parseListen(l)) {
      src.problemAtPath(['control', 'listen'], `control.listen ${JSON.stringify(l)} must be host:port (e.g. 127.0.0.1:9680)`, { value: true });
    }
    control.listen = l;
  }
  const tls = asObj(ctl.tls);
  if (read.str(tls.cert) && read.str(tls.key)) control.tls = { cert: resolvePath(baseDir, tls.cert as string), key: resolvePath(baseDir, tls.key as string) };
  if (ctl.allow_insecure === true) control.allow_insecure = true;
  if (Array.isArray(ctl.allowed_hosts)) control.allowed_hosts = asStrings(ctl.allowed_hosts).map((h) => h.toLowerCase());
  const bind = parseListen(control.listen);
  // ":9680" (no host) binds 127.0.0.1 (src/control/server.ts)
  if (bind && !control.tls && !control.allow_insecure && !isLoopbackHost(control.listen.trim().startsWith(':') ? '' : bind.host)) {
    src.problemAtPath(['control', 'listen'], `control.listen ${JSON.stringify(control.listen)} is not a loopback address and control.tls is not set: the bearer token would travel in clear text (set control.tls, or control.allow_insecure: true to accept that)`, { value: true });
  }
  return control;
}
