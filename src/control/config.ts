/**
 * The control API's options (vigil.yaml `control:`): the resolved shape with its defaults, its
 * JSON Schema, and its validation (a non-loopback address needs tls or allow_insecure).
 */
import * as path from 'node:path';
import { asObj, asStrings, nonEmptyStr, resolvePath, strList, type ConfigContext } from '../core/config-kit';
import { isLoopbackHost } from './loopback-host';

export interface ControlConfig {
  listen: string;             // host:port, default 127.0.0.1:9680
  token_file: string;         // default <state_dir>/control.token
  tls?: { cert: string; key: string };
  /** listening on a non-loopback address without TLS is refused unless this is true */
  allow_insecure?: boolean;
  /** Host header names accepted besides loopback names, IP addresses and this machine's name (DNS rebinding) */
  allowed_hosts?: string[];
}

export const DEFAULT_CONTROL_LISTEN = '127.0.0.1:9680';

export const controlSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: nonEmptyStr,
    token_file: nonEmptyStr,
    allow_insecure: { type: 'boolean', description: 'accept a non-loopback listen address without tls (the token travels in clear text)' },
    allowed_hosts: { ...strList, description: 'Host header names accepted besides loopback names, IP addresses and the machine name' },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      properties: { cert: nonEmptyStr, key: nonEmptyStr },
    },
  },
} as const;

/** The defaults: loopback port 9680, the token in `<state_dir>/control.token`. */
export function defaultControl(stateDir: string): ControlConfig {
  return { listen: DEFAULT_CONTROL_LISTEN, token_file: path.join(stateDir, 'control.token') };
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
