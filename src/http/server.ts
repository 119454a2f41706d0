// The HTTP server: REST API, its OpenAPI document and docs page, and the operations endpoints.
// buildServer wires everything for a given store and CRM (tests drive it with app.inject);
// startServer is what `exsync serve` runs: open, migrate, bootstrap, listen, shut down cleanly.
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { type Crm, createCrm } from '../crm/index.ts';
import { migrateToLatest, openStore, type Store } from '../db/database.ts';
import { createLogger, type Logger } from '../log.ts';
import { createMailboxSync, createSyncAccess, type MailboxSync } from '../mailbox-sync/index.ts';
import { createMailboxDomain, type MailboxDomain } from '../mailboxes/index.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { secretBoxFromConfig } from '../secrets/index.ts';
import { ApiTokenStore } from './auth/api-tokens.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { SessionStore } from './auth/sessions.ts';
import { crmBackend } from './crm-backend.ts';
import { renderDocsPage } from './docs-page.ts';
import { frameworkErrorHandler, installErrorHandlers } from './errors.ts';
import { ensureFirstAdministrator, type FirstAdministrator } from './first-admin.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { type Operation, registerOperations } from './operation.ts';
import { authRoutes } from './routes/auth.ts';
import { changeRoutes } from './routes/changes.ts';
import { csvRoutes, registerCsvBodyParser } from './routes/csv.ts';
import { mailServiceRoutes } from './routes/mail-services.ts';
import { mailboxRoutes } from './routes/mailboxes.ts';
import { registerOAuthCallback } from './routes/oauth-callback.ts';
import { operationsRoutes } from './routes/operations.ts';
import { recordRoutes } from './routes/records.ts';
import { shareRoutes } from './routes/shares.ts';
import { syncRoutes } from './routes/sync.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { HSTS, htmlSecurityHeaders, pageContentSecurityPolicy } from './security-headers.ts';
import { VERSION } from './version.ts';
import { registerWebApp } from './web-app.ts';

export interface ServerDeps {
  store: Store;
  crm: Crm;
  config: Config;
  logger: Logger;
  metrics?: Metrics;
  loginLimiter?: LoginLimiter;
  /** Mail services and mailboxes; built from the configuration when absent. */
  mailboxes?: MailboxDomain;
  /** Mailbox sync (job runner, automatic sync); built over `mailboxes` when absent, started here, stopped on close. */
  sync?: (mailboxes: MailboxDomain) => MailboxSync;
  /** Folder of the built web UI; web/dist of this checkout when absent. */
  webRoot?: string;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { store, config } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const backend = crmBackend(deps.crm);
  const sessions = new SessionStore(store);
  const tokens = new ApiTokenStore(store);
  const loginLimiter = deps.loginLimiter ?? new LoginLimiter();
  let shuttingDown = false;

  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    // Ids in our URLs are short; anything longer is a mistake or an attack.
    routerOptions: { maxParamLength: 200 },
    // Behind a reverse proxy the client address comes from X-Forwarded-For; the login rate
    // limit keys on it. Only loopback proxies are trusted so that clients cannot forge it.
    trustProxy: 'loopback',
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler(config.bodyLimit),
  });
  app.addHook('onClose', async () => {
    shuttingDown = true;
  });
  await app.register(cookie);
  if (config.publicUrl.startsWith('https://')) {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('strict-transport-security', HSTS);
    });
  }
  installErrorHandlers(app, config.bodyLimit, await registerWebApp(app, deps.webRoot));

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const authenticate = createAuthenticator({ sessions, tokens, principalFor: backend.principalFor });
  const secureCookies = config.publicUrl.startsWith('https://');
  const mailboxes =
    deps.mailboxes ??
    createMailboxDomain({
      store,
      secrets: secretBoxFromConfig(config, (file) =>
        deps.logger.warn({ file }, 'created a new secret key for mailbox credentials; back this file up'),
      ),
      publicUrl: config.publicUrl,
      allowPrivateAddresses: config.allowPrivateAddresses,
      log: deps.logger,
    });
  const sync = deps.sync
    ? deps.sync(mailboxes)
    : createMailboxSync({ crm: deps.crm, domain: mailboxes, log: deps.logger });
  await sync.start();
  // Before the server waits for requests in flight: a "sync now, wait" request must not keep it
  // open for as long as its run lasts. Runs are given a grace period, then aborted, and all end
  // before the database closes.
  app.addHook('preClose', async () => {
    await sync.stop();
  });
  const operations: Operation[] = [
    ...operationsRoutes({ store, metrics, isShuttingDown: () => shuttingDown }),
    ...authRoutes({ backend, sessions, loginLimiter, secureCookies }),
    ...tokenRoutes(tokens),
    ...userRoutes(backend, loginLimiter),
    ...csvRoutes(deps.crm),
    ...recordRoutes(backend.recordTypes),
    ...shareRoutes(backend),
    ...changeRoutes(backend),
    ...mailServiceRoutes(mailboxes),
    ...mailboxRoutes(mailboxes),
    ...syncRoutes(createSyncAccess(deps.crm, mailboxes, sync)),
  ];
  registerCsvBodyParser(app);
  registerOperations(app, operations, authenticate);
  registerOAuthCallback(app, mailboxes, authenticate);

  const document = buildOpenApiDocument(operations, { version: VERSION, serverUrl: config.publicUrl });
  const documentJson = JSON.stringify(document);
  const docsPage = renderDocsPage(document);
  app.get('/api/openapi.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(documentJson),
  );
  const docsPolicy = pageContentSecurityPolicy(docsPage);
  app.get('/api/docs', async (_request, reply) =>
    htmlSecurityHeaders(reply, docsPolicy).type('text/html; charset=utf-8').send(docsPage),
  );
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  /** Set when this start created the first administrator. */
  firstAdministrator: FirstAdministrator | null;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests do not). */
  handleSignals?: boolean;
  /** Folder of the built web UI; web/dist of this checkout when absent. */
  webRoot?: string;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const store = openStore(config.databaseUrl);
  let app: FastifyInstance | undefined;
  try {
    const migrated = await migrateToLatest(store);
    for (const result of migrated.results ?? [])
      logger.info({ migration: result.migrationName }, 'migration applied');
    const crm = createCrm(store);
    const firstAdministrator = await ensureFirstAdministrator(crm, config);
    app = await buildServer({ store, crm, config, logger, webRoot: options.webRoot });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, publicUrl: config.publicUrl, database: store.location }, 'Exsync is listening');

    let closing: Promise<void> | undefined;
    const running: RunningServer = {
      app,
      url,
      store,
      firstAdministrator,
      close: () => {
        closing ??= (async () => {
          logger.info('shutting down: finishing requests in flight');
          await app!.close();
          await store.close();
          logger.info('shut down');
        })();
        return closing;
      },
    };
    if (options.handleSignals) {
      const onSignal = (signal: NodeJS.Signals) => {
        logger.info({ signal }, 'signal received');
        running.close().then(
          () => {
            process.exitCode = 0;
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exitCode = 1;
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    }
    return running;
  } catch (error) {
    await app?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
