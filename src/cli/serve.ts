// `exsync serve`: the server, plus (in embedded mode) what runs beside it in the same process.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import { type RunningServer, startServer } from '../http/server.ts';
import { buildWebUi, webBuildReason } from '../http/web-build.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Output } from './output.ts';

/**
 * Extension points of `serve`: work that starts with the server and stops before the database
 * closes. The sync job runner (G2, embedded mode) and the sandbox started beside the server
 * (G1 quick start) plug in here.
 */
export interface Companion {
  name: string;
  start(context: {
    config: Config;
    server: RunningServer;
    logger: Logger;
  }): Promise<{ stop(): Promise<void> }>;
}

/** Companions `serve` starts, in order. Empty until the job runner and sandbox are wired in. */
export const serveCompanions: Companion[] = [];

export async function serveCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const config = loadConfig(process.env, { port: values.port, host: values.host });
  await prepareWebUi(!values['no-build'], output);
  const logger = createLogger({ level: config.logLevel });
  const server = await startServer(config, { logger });

  const stops: Array<{ name: string; stop(): Promise<void> }> = [];
  for (const companion of serveCompanions) {
    const started = await companion.start({ config, server, logger });
    stops.push({ name: companion.name, stop: started.stop });
  }

  output.out(`Exsync is running at ${server.url} (public address ${config.publicUrl}).`);
  output.out(`Database: ${server.store.location}`);
  output.out(`API documentation: ${config.publicUrl}/api/docs`);
  // One write: the logger writes to the same stream, and a line of its own must not land inside.
  if (server.firstAdministrator) output.out(firstAdministratorBlock(server, config).join('\n'));

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received, shutting down');
    const stopAll = async () => {
      for (const companion of stops.reverse()) {
        await companion
          .stop()
          .catch((error: unknown) => logger.error({ err: error, companion: companion.name }, 'stop failed'));
      }
      await server.close();
    };
    stopAll().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return 0;
}

/**
 * Builds web/dist when it is missing or older than its sources, as the quick start does. Without
 * Vite (a production install without dev dependencies) or with --no-build it says what the
 * browser will see instead of failing: the REST API works without the UI.
 */
async function prepareWebUi(build: boolean, output: Output): Promise<void> {
  const reason = webBuildReason();
  if (!reason) return;
  if (!build) {
    output.err(`The web UI is not served as it is now (${reason}); run "npm run build" to build it.`);
    return;
  }
  output.out(`Building the web UI (${reason}) …`);
  try {
    await buildWebUi((line) => output.out(line));
  } catch (error) {
    output.err(`${(error as Error).message}`);
    output.err('Exsync starts without a current web UI; the REST API works.');
  }
}

/**
 * The first administrator's sign-in, framed and apart from the log lines, since the password is
 * shown only this once.
 */
export function firstAdministratorBlock(server: RunningServer, config: Config): string[] {
  const admin = server.firstAdministrator;
  if (!admin) return [];
  const rule = '='.repeat(72);
  return [
    '',
    rule,
    '  The database was empty, so Exsync created an administrator:',
    '',
    `    open:      ${config.publicUrl}`,
    `    email:     ${admin.email}`,
    admin.generatedPassword
      ? `    password:  ${admin.generatedPassword}`
      : '    password:  the one in EXSYNC_ADMIN_PASSWORD',
    '',
    admin.generatedPassword
      ? '  This password is shown only now: sign in and change it.'
      : '  Sign in and change it, then remove EXSYNC_ADMIN_PASSWORD from the environment.',
    `  API clients: see ${config.publicUrl}/api/docs and docs/api.md.`,
    rule,
    '',
  ];
}
