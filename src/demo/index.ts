// The quick start (SPEC G1): the sandbox and Exsync in one process, on a SQLite file of their
// own, with demo users, a mail service, mailboxes already connected to the sandbox and a few CRM
// records, so that a new user signs in, presses "Sync now" and watches contacts arrive.
// Everything lives under the data folder (./data/demo*), so deleting those files resets it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { type Config, loadConfig } from '../config.ts';
import { createCrm } from '../crm/index.ts';
import { migrateToLatest, openStore } from '../db/database.ts';
import { type RunningServer, startServer } from '../http/server.ts';
import { buildWebUi, webBuildReason } from '../http/web-build.ts';
import { createLogger, type Logger } from '../log.ts';
import { createMailboxSync } from '../mailbox-sync/index.ts';
import { createMailboxDomain } from '../mailboxes/index.ts';
import { secretBoxFromConfig } from '../secrets/index.ts';
import { DEMO_MAILBOX_PASSWORD, DEMO_PEOPLE, DEMO_SIGN_IN_PASSWORD } from './content.ts';
import { type ProvisionResult, provisionDemo } from './provision.ts';

export * from './content.ts';
export type { ProvisionResult } from './provision.ts';

export const DEMO_PORT = 8080;
export const DEMO_SANDBOX_PORT = 7400;
/**
 * The demo's sandbox runs in Exsync's own process, so it takes requests of at most 512 KB (413
 * beyond): parsing megabytes of XML there would hold up Exsync as well. Exsync's own requests
 * (100 contacts per CreateItem) stay far below it.
 */
export const DEMO_SANDBOX_MAX_REQUEST_BYTES = 512 * 1024;

export interface DemoOptions {
  /** Folder of the demo's files (default ./data). */
  dataDir?: string;
  /** Exsync's port (default 8080; 0 picks a free one). */
  port?: number;
  /** The sandbox's port, HTTP and HTTPS (default 7400; 0 picks a free one). */
  sandboxPort?: number;
  /** Default sqlite:<dataDir>/demo.db; tests pass a PostgreSQL URL to run the demo there. */
  databaseUrl?: string;
  /** Build web/dist when missing or stale (default true). */
  buildWebUi?: boolean;
  /** Serve the web UI from this folder instead of web/dist (the browser tests build their own). */
  webRoot?: string;
  /** Where EXSYNC_HOST, EXSYNC_PUBLIC_URL, EXSYNC_LOG_LEVEL and EXSYNC_BODY_LIMIT come from. */
  env?: NodeJS.ProcessEnv;
  /** The server's log level (default EXSYNC_LOG_LEVEL, else warn so that the banner stays readable). */
  logLevel?: Config['logLevel'];
  logger?: Logger;
  /** Progress lines. */
  say?: (line: string) => void;
}

export interface DemoFiles {
  database: string;
  sandboxData: string;
  sandboxCa: string;
  secretKey: string;
}

export interface RunningDemo {
  /** Where to open Exsync. */
  url: string;
  config: Config;
  server: RunningServer;
  sandbox: RunningSandbox;
  provisioned: ProvisionResult;
  files: DemoFiles;
  /** Stops Exsync (waiting for runs in progress), then the sandbox (saving its data file). */
  close(): Promise<void>;
}

/** The settings of the demo's own environment: only these come from outside. */
const PASSED_THROUGH = ['EXSYNC_HOST', 'EXSYNC_PUBLIC_URL', 'EXSYNC_LOG_LEVEL', 'EXSYNC_BODY_LIMIT'];

function portInUse(error: unknown, port: number, flag: string): Error | undefined {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'EADDRINUSE') return undefined;
  return new Error(
    `Port ${port} is already in use (is the demo or "exsync serve" / "exsync sandbox" already running?). Stop that, or start the demo with ${flag} <another port>.`,
  );
}

/** `path` as the user would type it from `cwd`: ./data/demo.db rather than an absolute path. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : `./${rel}`;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const say = options.say ?? (() => {});
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const files: DemoFiles = {
    database: join(dataDir, 'demo.db'),
    sandboxData: join(dataDir, 'demo-sandbox.json'),
    sandboxCa: join(dataDir, 'demo-sandbox.json.ca.pem'),
    secretKey: join(dataDir, 'demo-secret.key'),
  };

  const passed = Object.fromEntries(PASSED_THROUGH.map((name) => [name, env[name]]));
  const loaded = loadConfig(passed, {
    port: options.port ?? DEMO_PORT,
    databaseUrl: options.databaseUrl ?? `sqlite:${files.database}`,
  });
  const config: Config = {
    ...loaded,
    logLevel: options.logLevel ?? (env.EXSYNC_LOG_LEVEL ? loaded.logLevel : 'warn'),
    // The demo keeps its own key beside its own database, whatever the environment says.
    secretKey: undefined,
    secretKeyFile: files.secretKey,
    // Only the sandbox's mail service may reach private addresses, not every service.
    allowPrivateAddresses: false,
  };

  if (options.buildWebUi ?? true) {
    const reason = webBuildReason();
    if (reason) {
      say(`Building the web UI (${reason}) …`);
      await buildWebUi(say);
    } else say('Web UI: up to date (web/dist).');
  }

  const sandboxPort = options.sandboxPort ?? DEMO_SANDBOX_PORT;
  say(`Starting the sandbox (Exchange emulator) on port ${sandboxPort} …`);
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox({
      port: sandboxPort,
      host: '127.0.0.1',
      seed: 'demo',
      dataFile: files.sandboxData,
      maxRequestBytes: DEMO_SANDBOX_MAX_REQUEST_BYTES,
    });
  } catch (error) {
    throw portInUse(error, sandboxPort, '--sandbox-port') ?? error;
  }

  try {
    writeFileSync(files.sandboxCa, sandbox.caPem);
    say(
      `Setting up the demo in ${config.databaseUrl.startsWith('sqlite:') ? displayPath(files.database) : 'the database'} …`,
    );
    const provisioned = await provision(config, sandbox, say);
    for (const warning of provisioned.warnings) say(`warning: ${warning}`);
    if (!provisioned.firstStart)
      say('The demo was set up before; nothing was duplicated and your changes are kept.');

    say(`Starting Exsync on port ${config.port} …`);
    let server: RunningServer;
    try {
      server = await startServer(config, {
        logger: options.logger ?? createLogger({ level: config.logLevel }),
        webRoot: options.webRoot,
      });
    } catch (error) {
      throw portInUse(error, config.port, '--port') ?? error;
    }
    let closing: Promise<void> | undefined;
    return {
      url: config.port === 0 ? server.url : config.publicUrl,
      config,
      server,
      sandbox,
      provisioned,
      files,
      close: () => {
        closing ??= (async () => {
          try {
            await server.close();
          } finally {
            await sandbox.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await sandbox.close().catch(() => {});
    throw error;
  }
}

async function provision(
  config: Config,
  sandbox: RunningSandbox,
  say: (line: string) => void,
): Promise<ProvisionResult> {
  const store = openStore(config.databaseUrl);
  try {
    await migrateToLatest(store);
    const crm = createCrm(store);
    const domain = createMailboxDomain({
      store,
      secrets: secretBoxFromConfig(config, (file) =>
        say(`  created the key that encrypts mailbox passwords at rest: ${displayPath(file)}`),
      ),
      publicUrl: config.publicUrl,
      allowPrivateAddresses: config.allowPrivateAddresses,
    });
    const sync = createMailboxSync({ crm, domain });
    return await provisionDemo({ crm, domain, sync, sandbox, say: (line) => say(`  ${line}`) });
  } finally {
    await store.close();
  }
}

/** What the demo prints once it runs: where to go, how to sign in, what is beside it. */
export function describeDemo(demo: RunningDemo, cwd = process.cwd()): string[] {
  const shown = (path: string) => displayPath(path, cwd);
  const { sandbox, provisioned } = demo;
  const width = Math.max(0, ...provisioned.users.map(({ user }) => user.email.length));
  const signIns = provisioned.users.map(
    ({ person, user }) =>
      `${user.email.padEnd(width)} / ${DEMO_SIGN_IN_PASSWORD}   (${person.role === 'administrators' ? 'administrator' : 'sales user'})`,
  );
  const mailboxes = provisioned.mailboxes.map((m) => `${m.address} (${m.ownerEmail}, ${m.status})`);
  const tenant = sandbox.demo?.tenantId;
  const lines = [
    '',
    `Exsync demo is running: open ${demo.url}`,
    '',
    ...(signIns.length > 0
      ? [`  Sign in:    ${signIns[0]}`, ...signIns.slice(1).map((s) => `              ${s}`)]
      : ['  Sign in:    the demo users were changed or removed; sign in as one you set up.']),
  ];
  if (demo.server.firstAdministrator?.generatedPassword) {
    const admin = demo.server.firstAdministrator;
    lines.push(`              ${admin.email} / ${admin.generatedPassword}   (administrator created now)`);
  }
  lines.push(
    `  Mailboxes:  ${mailboxes.join(', ') || 'none connected'}`,
    `  Try it:     open Mailboxes, pick ${DEMO_PEOPLE[0].mailbox}, press "Sync now" and watch its contacts,`,
    `              meetings and tasks arrive under Contacts and Activities; the Dashboard shows the runs.`,
    `  API:        ${demo.url}/api/docs`,
    '',
    'Sandbox (Exchange emulator) beside it:',
    `  EWS:        ${sandbox.httpsUrl}/EWS/Exchange.asmx`,
    `  Graph:      ${sandbox.httpsUrl}/v1.0`,
    ...(tenant ? [`  Identity:   ${sandbox.httpsUrl}/${tenant}/v2.0/.well-known/openid-configuration`] : []),
    `  Admin API:  ${sandbox.url}/sandbox/api   (Authorization: Bearer ${sandbox.adminKey})`,
    `  CA:         ${shown(demo.files.sandboxCa)}`,
    `  Mailboxes:  ${sandbox.demo?.users.map((u) => u.address).join(', ') ?? '—'}, password ${DEMO_MAILBOX_PASSWORD}`,
    '',
    `Data: ${[
      demo.server.store.engine === 'sqlite' ? shown(demo.files.database) : demo.server.store.location,
      shown(demo.files.sandboxData),
      shown(demo.files.secretKey),
    ].join(', ')}`,
    `      (kept between starts; stop the demo and delete ${shown(join(demo.files.database, '..'))}/demo* to start afresh)`,
    'Press Ctrl+C to stop.',
  );
  return lines;
}
