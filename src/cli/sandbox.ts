// `exsync sandbox …` hands over to the Exchange emulator's own command line (run.ts imports
// this file only for that command, so other commands do not load the emulator).
import { runSandboxCommand } from '@exsync/sandbox/cli';
import type { Output } from './output.ts';

export async function sandboxCommand(args: string[], _output: Output): Promise<number> {
  await runSandboxCommand(args);
  return 0;
}
