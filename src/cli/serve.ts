// `exsync serve`: the server, plus (in embedded mode) what runs beside it in the same process.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import { type RunningServer, startServer } from '../http/server.ts';
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
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    allowPositionals: false,
  });
  const config = loadConfig(process.env, { port: values.port, host: values.host });
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
  if (server.firstAdministrator) {
    const admin = server.firstAdministrator;
    output.out('');
    output.out('The database was empty, so an administrator was created:');
    output.out(`  email:    ${admin.email}`);
    output.out(
      admin.generatedPassword
        ? `  password: ${admin.generatedPassword}   (shown only now; change it after signing in)`
        : '  password: the one in EXSYNC_ADMIN_PASSWORD',
    );
    output.out(
      `Sign in with POST ${config.publicUrl}/api/v1/auth/login, then create a personal API token with POST ${config.publicUrl}/api/v1/tokens (see ${config.publicUrl}/api/docs).`,
    );
  }

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
