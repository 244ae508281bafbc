/**
 * A V8 flag the daemon sets at run time, unless the user gave node a setting of that flag (argv or
 * NODE_OPTIONS): theirs wins. `env` stands in for the process (tests).
 */
import { setFlagsFromString } from 'node:v8';

export interface V8FlagEnv {
  execArgv?: string[];
  nodeOptions?: string;
  set?: (flags: string) => void;
}

/** Sets `setting` (`--name=value`, `--no-name`) unless node was given a flag whose text holds `name`; returns whether it set it. */
export function setV8FlagUnlessGiven(name: string, setting: string, env: V8FlagEnv = {}): boolean {
  const given = [...(env.execArgv ?? process.execArgv), env.nodeOptions ?? process.env.NODE_OPTIONS ?? ''];
  if (given.some((a) => a.includes(name))) return false;
  (env.set ?? setFlagsFromString)(setting);
  return true;
}
