// Where commands write; tests pass their own to read what a command printed.
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A wrong command line: the message is printed with the usage, and the exit code is 2. */
export class UsageError extends Error {
  readonly code = 'usage';
}
