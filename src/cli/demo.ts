// `exsync demo [--port 8080] [--sandbox-port 7400] [--data ./data] [--no-build]`: the quick
// start. Runs in the foreground until Ctrl+C (SIGINT) or SIGTERM, then stops Exsync and the
// sandbox and saves the sandbox's data file. The demo runs the Exchange emulator, a package an
// installation may leave out: it is imported only after checking that the emulator is there.
import { parseArgs } from 'node:util';
import { type Output, UsageError } from './output.ts';
import { requireSandbox } from './sandbox-package.ts';

function portOf(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new UsageError(`${flag} must be a port number (0-65535), not "${value}".`);
  return port;
}

export async function demoCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p' },
      'sandbox-port': { type: 'string' },
      data: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  requireSandbox('demo');
  const { DEMO_PORT, DEMO_SANDBOX_PORT, describeDemo, startDemo } = await import('../demo/index.ts');
  const demo = await startDemo({
    port: portOf(values.port, '--port', DEMO_PORT),
    sandboxPort: portOf(values['sandbox-port'], '--sandbox-port', DEMO_SANDBOX_PORT),
    dataDir: values.data,
    buildWebUi: !values['no-build'],
    say: (line) => output.out(line),
  });
  for (const line of describeDemo(demo)) output.out(line);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      output.out(`${signal === 'SIGINT' ? '\n' : ''}Stopping the demo …`);
      demo
        .close()
        .then(() => output.out('Demo stopped; its data is kept for the next start.'))
        .catch((error: unknown) => {
          output.err(`Stopping the demo failed: ${(error as Error).message}`);
          process.exitCode = 1;
        })
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
