// The Exchange emulator is the workspace package @exsync/sandbox (packages/sandbox), which a
// deployment may leave out (README, "Installing without the sandbox"). Only `exsync sandbox` and
// `exsync demo` need it; they ask here first and then import it, so that its absence is said in
// plain words instead of as a module that cannot be found somewhere inside the demo.
import { resolve } from 'node:path';

const SANDBOX_PACKAGE = '@exsync/sandbox';

/** The command needs the sandbox package and this installation does not have it. */
export class SandboxNotInstalledError extends Error {
  constructor(command: string) {
    const root = resolve(import.meta.dirname, '..', '..');
    super(
      `"exsync ${command}" needs the Exchange emulator, the package ${SANDBOX_PACKAGE} (packages/sandbox in ` +
        `Exsync's source), and this installation was made without it. To get it, run "npm install" in ` +
        `${root} (with no --workspace option), then run "exsync ${command}" again.`,
    );
    this.name = 'SandboxNotInstalledError';
  }
}

/** Whether @exsync/sandbox can be imported from here. */
export function sandboxInstalled(): boolean {
  try {
    import.meta.resolve(SANDBOX_PACKAGE);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
}

/** Throws SandboxNotInstalledError for `exsync <command>` when the sandbox package is missing. */
export function requireSandbox(command: string): void {
  if (!sandboxInstalled()) throw new SandboxNotInstalledError(command);
}
