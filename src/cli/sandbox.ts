// `exsync sandbox …` hands over to the Exchange emulator's own command line. The emulator is a
// package of its own that an installation may leave out, so it is imported only here, and only
// after checking that it is there (run.ts imports this file only for this command).
import type { Output } from './output.ts';
import { requireSandbox } from './sandbox-package.ts';

export async function sandboxCommand(args: string[], _output: Output): Promise<number> {
  requireSandbox('sandbox');
  const { runSandboxCommand } = await import('@exsync/sandbox/cli');
  await runSandboxCommand(args);
  return 0;
}
