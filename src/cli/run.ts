// Dispatches `exsync <command>`. Each command module is imported only when used, so that
// `exsync help` starts instantly and one command's dependencies never break another.
import { ConfigError } from '../config.ts';
import { consoleOutput, type Output, UsageError } from './output.ts';
import { EXIT_USAGE, USAGE } from './usage.ts';

export async function runCli(argv: string[], output: Output = consoleOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        output.out(USAGE);
        return command === undefined ? EXIT_USAGE : 0;
      case 'serve': {
        const { serveCommand } = await import('./serve.ts');
        return await serveCommand(rest, output);
      }
      case 'migrate': {
        const { migrateCommand } = await import('./migrate.ts');
        return await migrateCommand(output);
      }
      case 'user': {
        const { userCommand } = await import('./user.ts');
        return await userCommand(rest, output);
      }
      case 'contacts': {
        const { contactsCommand } = await import('./contacts.ts');
        return await contactsCommand(rest, output);
      }
      case 'status': {
        const { statusCommand } = await import('./status.ts');
        return await statusCommand(output);
      }
      case 'sync': {
        const { syncCommand } = await import('./sync.ts');
        return await syncCommand(rest, output);
      }
      case 'demo': {
        const { demoCommand } = await import('./demo.ts');
        return await demoCommand(rest, output);
      }
      case 'sandbox': {
        const { sandboxCommand } = await import('./sandbox.ts');
        return await sandboxCommand(rest, output);
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message);
      output.err('');
      output.err(USAGE);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      output.err(error.message);
      return 1;
    }
    if (isParseArgsError(error)) {
      output.err((error as Error).message);
      output.err('');
      output.err(USAGE);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** node:util parseArgs errors carry ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
