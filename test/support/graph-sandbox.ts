// A running sandbox plus what Graph tests need: tokens for the demo users and app, and a small
// fetch wrapper that returns status, headers and parsed JSON.
import { type RunningSandbox, type SandboxOptions, startSandbox } from '@exsync/sandbox';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URIS, DEMO_TENANT_ID } from '@exsync/sandbox/seed';

export const FULL_SCOPES = [
  'User.Read',
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'Mail.ReadWrite',
  'Mail.Send',
];

export interface GraphReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Graph JSON
  json: any;
  text: string;
}

export interface GraphSandbox {
  sandbox: RunningSandbox;
  /** A delegated Graph token for a mailbox of the demo tenant. */
  userToken(address: string, scopes?: string[]): string;
  /** An app-only Graph token from the token endpoint (client credentials). */
  appToken(): Promise<string>;
  graph(
    method: string,
    path: string,
    options?: { token?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string },
  ): Promise<GraphReply>;
  close(): Promise<void>;
}

export async function startGraphSandbox(options: SandboxOptions = {}): Promise<GraphSandbox> {
  const sandbox = await startSandbox({ seed: 'demo', ...options });
  const app = sandbox.store.app(DEMO_CLIENT_ID)!;
  const issuer = `${sandbox.url}/${DEMO_TENANT_ID}/v2.0`;
  const userToken = (address: string, scopes = FULL_SCOPES): string => {
    const mailbox = sandbox.store.mailbox(address);
    if (!mailbox) throw new Error(`no mailbox ${address}`);
    const code = sandbox.identity.createAuthorizationCode({
      app,
      mailbox,
      redirectUri: DEMO_REDIRECT_URIS[0],
      scopes: scopes.map((s) => `https://graph.microsoft.com/${s}`),
    });
    return sandbox.identity.redeemAuthorizationCode({
      app,
      code,
      redirectUri: DEMO_REDIRECT_URIS[0],
      codeVerifier: undefined,
      clientInfo: false,
      issuer,
    }).access_token;
  };
  const appToken = async (): Promise<string> => {
    const response = await fetch(`${sandbox.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    const json = (await response.json()) as { access_token?: string };
    if (!json.access_token) throw new Error(`no app token: ${JSON.stringify(json)}`);
    return json.access_token;
  };
  const graph: GraphSandbox['graph'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const url = path.startsWith('http') ? path : `${sandbox.url}/v1.0${path}`;
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };
  return { sandbox, userToken, appToken, graph, close: () => sandbox.close() };
}
