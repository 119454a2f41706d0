// Dispatches `exsync <command>`. Each command module is imported only when used, so that
// `exsync help` starts instantly and one command's dependencies never break another.
import { ConfigError } from '../config.ts';
import { consoleOutput, type Output, UsageError } from './output.ts';
import { SandboxNotInstalledError } from './sandbox-package.ts';
import { type CommandHelp, commandHelp, EXIT_USAGE, findCommand, overview } from './usage.ts';

type Runner = (args: string[], output: Output) => Promise<number>;

const RUNNERS: Record<string, () => Promise<Runner>> = {
  serve: async () => (await import('./serve.ts')).serveCommand,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  user: async () => (await import('./user.ts')).userCommand,
  contacts: async () => (await import('./contacts.ts')).contactsCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  sync: async () => (await import('./sync.ts')).syncCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
  sandbox: async () => (await import('./sandbox.ts')).sandboxCommand,
};

/** `--help` or `-h` among a command's arguments (before a `--` that ends the options). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export async function runCli(argv: string[], output: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    output.out(overview());
    return EXIT_USAGE;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && !topic) {
      output.err(`There is no command "${rest[0]}". The commands are:`);
      output.err('');
      output.err(overview());
      return EXIT_USAGE;
    }
    output.out(topic ? commandHelp(topic) : overview());
    return 0;
  }
  const command = findCommand(name);
  const load = RUNNERS[name];
  if (!command || !load) {
    output.err(`There is no command "${name}". Run "exsync help" for the list of commands.`);
    return EXIT_USAGE;
  }
  // The sandbox has a command line of its own, with its own --help.
  if (name !== 'sandbox' && asksForHelp(rest)) {
    output.out(commandHelp(command));
    return 0;
  }
  try {
    return await (await load())(rest, output);
  } catch (error) {
    const problem = usageProblem(error);
    if (problem !== undefined) {
      output.err(`exsync ${name}: ${problem}`);
      output.err(`Run "exsync ${name} --help" to see how it is used.`);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError || error instanceof SandboxNotInstalledError) {
      output.err(error.message);
      return 1;
    }
    throw error;
  }
}

/** What was wrong with the command line, in plain words; undefined for any other error. */
function usageProblem(error: unknown): string | undefined {
  if (error instanceof UsageError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return undefined;
  // node:util parseArgs messages suggest shell quoting that reads as noise; name the option instead.
  const message = (error as Error).message;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `it has no option ${option ?? message}.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option
        ? `the option ${option} needs a value (or takes none).`
        : 'an option was given a wrong value.';
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `it takes no argument like "${/'([^']*)'/.exec(message)?.[1] ?? message}".`;
    default:
      return message;
  }
}

export type { CommandHelp };
