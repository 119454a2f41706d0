// The sandbox server: one Fastify app carrying EWS, Graph, the identity platform and the admin
// API over one store, answering HTTP and HTTPS on the same port.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAdminFrontEnd, SandboxAdminClient } from './admin/index.ts';
import type { FrontEnd, SandboxContext } from './context.ts';
import { createEwsFrontEnd, ewsFrontEnd } from './ews/index.ts';
import { canonicalEwsUrl } from './ews/paths.ts';
import { createFaultInjector, type RuleBasedFaults } from './faults/index.ts';
import { graphFrontEnd } from './graph/index.ts';
import {
  createIdentityFrontEnd,
  generateLoopbackCertificate,
  IdentityService,
  type IdentityState,
  listenHttpAndHttps,
  type TlsMaterial,
} from './identity/index.ts';
import {
  type DemoInfo,
  demoInfo,
  type GenerateSpec,
  generate,
  mondayOf,
  parseGenerateSpec,
  seedDemo,
} from './seed/index.ts';
import { createStore, loadStore, type MemoryStore, readDataFile, writeDataFile } from './state/index.ts';
import type { SyncStateRule } from './store-api.ts';

export interface SandboxOptions {
  /** 0 picks a free port (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** `demo` (default) adds the example.test tenant and its data to a new store. */
  seed?: 'demo' | 'none';
  /** Bulk data for benchmarks, added after the seed (a spec or its CLI string). */
  generate?: GenerateSpec | string;
  /** Load state from this file at start (when it exists) and save it there periodically and on close. */
  dataFile?: string;
  /** Bearer key for /sandbox/api; a random one when omitted. */
  adminKey?: string;
  logger?: boolean;
  syncStateRule?: Partial<SyncStateRule>;
  /** Access token lifetime in seconds (default 3600). */
  accessTokenLifetimeSec?: number;
  /** How often the data file is saved when something changed (default 30 s). */
  saveIntervalMs?: number;
  /** Milliseconds since the epoch; tests may replace it. */
  now?: () => number;
  /**
   * Largest request body, EWS and Graph alike (default 50 MB, EWS 35 MB as Exchange). The demo runs
   * the sandbox in Exsync's own process and sets it low: parsing a request of megabytes would hold
   * up Exsync too.
   */
  maxRequestBytes?: number;
}

export interface RunningSandbox {
  /** HTTP origin, e.g. `http://127.0.0.1:7400`. */
  url: string;
  /** HTTPS origin on the same port, e.g. `https://127.0.0.1:7400`. */
  httpsUrl: string;
  port: number;
  /** The self-signed certificate to trust as a CA for `httpsUrl`. */
  caPem: string;
  adminKey: string;
  store: MemoryStore;
  faults: RuleBasedFaults;
  identity: IdentityService;
  admin: SandboxAdminClient;
  /** Present when the demo seed is in the store. */
  demo?: DemoInfo;
  app: FastifyInstance;
  /** Saves the data file now (no-op without one). */
  save(): Promise<void>;
  close(): Promise<void>;
}

const BODY_LIMIT = 50 * 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const saved = options.dataFile ? await readDataFile(options.dataFile) : undefined;

  const store = saved
    ? loadStore(saved.store, { now, syncStateRule: options.syncStateRule })
    : createStore({ now, syncStateRule: options.syncStateRule });
  if (!saved && (options.seed ?? 'demo') === 'demo') seedDemo(store, { baseDate: mondayOf(now()) });
  if (!saved && options.generate) {
    generate(
      store,
      typeof options.generate === 'string' ? parseGenerateSpec(options.generate) : options.generate,
    );
  }
  const demo = store.tenantByIdOrDomain(demoInfo().tenantId) ? demoInfo() : undefined;

  const tls: TlsMaterial = saved?.tls ?? (await generateLoopbackCertificate());
  const identity = new IdentityService({
    store,
    now,
    accessTokenLifetimeSec: options.accessTokenLifetimeSec,
    state: saved?.identity as IdentityState | undefined,
  });
  const faults = createFaultInjector();
  const adminKey = options.adminKey ?? randomBytes(18).toString('base64url');

  let httpServer: http.Server | undefined;
  let httpsServer: https.Server | undefined;
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: options.maxRequestBytes ?? BODY_LIMIT,
    // IIS paths are case-insensitive; EWS clients spell /EWS/Exchange.asmx their own way.
    rewriteUrl: (request) => canonicalEwsUrl(request.url ?? '/'),
    serverFactory: (handler) => {
      httpServer = http.createServer(handler);
      httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, handler);
      return httpServer;
    },
  });

  let origin = '';
  const ctx: SandboxContext = { store, faults, tokens: identity, baseUrl: () => origin, now };
  const mount = (frontEnd: FrontEnd) => app.register(async (scope) => frontEnd(scope, ctx));
  mount(createIdentityFrontEnd(identity));
  mount(createAdminFrontEnd({ adminKey, faults, identity, caPem: tls.cert }));
  mount(
    options.maxRequestBytes === undefined
      ? ewsFrontEnd
      : createEwsFrontEnd({ maxBodyBytes: options.maxRequestBytes }),
  );
  mount(graphFrontEnd);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'NotFound',
        message: `Nothing at ${request.method} ${request.url.split('?')[0]} in the Exsync sandbox.`,
      },
    }),
  );
  await app.ready();

  const listener = await listenHttpAndHttps(httpServer!, httpsServer!, host, options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${listener.port}`;
  const httpsUrl = `https://${urlHost}:${listener.port}`;

  // Persistence: save when something changed, every saveIntervalMs, and on close.
  let dirty = false;
  const markDirty = () => {
    dirty = true;
  };
  const unsubscribeStore = store.onChange(markDirty);
  const unsubscribeIdentity = identity.onGrantsChanged(markDirty);
  let saving: Promise<void> = Promise.resolve();
  const save = async () => {
    if (!options.dataFile) return;
    const file = options.dataFile;
    dirty = false;
    saving = saving.then(() =>
      writeDataFile(file, { store: store.snapshot(), identity: identity.state(), tls }),
    );
    await saving;
  };
  if (options.dataFile && !saved) await save();
  const timer = options.dataFile
    ? setInterval(() => {
        if (dirty)
          save().catch((error) => app.log.error({ err: error }, 'saving the sandbox data file failed'));
      }, options.saveIntervalMs ?? 30_000)
    : undefined;
  timer?.unref();

  let closed: Promise<void> | undefined;
  return {
    url: origin,
    httpsUrl,
    port: listener.port,
    caPem: tls.cert,
    adminKey,
    store,
    faults,
    identity,
    admin: new SandboxAdminClient(origin, adminKey),
    demo,
    app,
    save,
    close: () => {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        unsubscribeStore();
        unsubscribeIdentity();
        await listener.close();
        await app.close();
        await save();
      })();
      return closed;
    },
  };
}
