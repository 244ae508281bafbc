/** Problems found in a config or rules file, with their positions (`file:line:col: message`). */

/** A problem found in a config or rules file, with its position (1-based). */
export interface FileProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Thrown by the loaders; `problems` are the individual findings, `message` all of them formatted. */
export class ConfigError extends Error {
  readonly problems: FileProblem[];
  constructor(problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
