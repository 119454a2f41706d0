// Microsoft's own client library signs in against the sandbox over HTTPS, trusting the
// sandbox's certificate as a custom CA (verification stays on).
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  DEMO_REDIRECT_URIS,
  DEMO_TENANT_ID,
} from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, sandboxNetworkClient } from '../support/msal-network.ts';

describe('identity platform with @azure/msal-node', () => {
  let sandbox: RunningSandbox;
  let cca: ConfidentialClientApplication;
  const redirectUri = DEMO_REDIRECT_URIS[0];

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo' });
    cca = new ConfidentialClientApplication({
      auth: {
        clientId: DEMO_CLIENT_ID,
        clientSecret: DEMO_CLIENT_SECRET,
        authority: `${sandbox.httpsUrl}/${DEMO_TENANT_ID}`,
        knownAuthorities: [new URL(sandbox.httpsUrl).host],
      },
      system: { networkClient: sandboxNetworkClient(sandbox.caPem) },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('acquires an app-only token by client credentials', async () => {
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    const claims = sandbox.identity.verify(result!.accessToken);
    expect(claims).toMatchObject({
      tenantId: DEMO_TENANT_ID,
      appId: DEMO_CLIENT_ID,
      audience: 'https://graph.microsoft.com',
    });
    expect(claims!.roles).toContain('Contacts.ReadWrite');
    expect(claims!.mailboxId).toBeUndefined();
  });

  it('signs a user in by authorization code with PKCE, refreshes, and fails once the grant is revoked', async () => {
    const scopes = ['User.Read', 'Contacts.ReadWrite', 'Calendars.ReadWrite'];
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const authUrl = await cca.getAuthCodeUrl({
      scopes,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state: 'st-42',
    });
    expect(authUrl.startsWith(`${sandbox.httpsUrl}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize?`)).toBe(true);

    const page = await request(sandbox.caPem, 'GET', authUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="password"');

    const form = new URLSearchParams(Object.fromEntries(new URL(authUrl).searchParams));
    form.set('login', 'grace@example.test');
    form.set('password', 'wrong');
    form.set('consent', 'accept');
    const refused = await request(
      sandbox.caPem,
      'POST',
      authUrl.split('?')[0],
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
    );
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('AADSTS50126');

    form.set('password', DEMO_PASSWORD);
    const signedIn = await request(
      sandbox.caPem,
      'POST',
      authUrl.split('?')[0],
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
    );
    expect(signedIn.status).toBe(302);
    const back = new URL(signedIn.headers.location);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st-42');
    const code = back.searchParams.get('code')!;

    const byCode = await cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier });
    expect(byCode.account?.username).toBe('grace@example.test');
    const claims = sandbox.identity.verify(byCode.accessToken)!;
    expect(claims.mailboxId).toBe(sandbox.store.mailbox('grace@example.test')!.id);
    expect(claims.scopes).toEqual(expect.arrayContaining(['Contacts.ReadWrite', 'Calendars.ReadWrite']));
    await expect(
      cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
    });

    const refreshed = await cca.acquireTokenSilent({ account: byCode.account!, scopes, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(byCode.accessToken);
    expect(sandbox.identity.verify(refreshed.accessToken)?.mailboxId).toBe(claims.mailboxId);

    const cache = JSON.parse(cca.getTokenCache().serialize()) as {
      RefreshToken: Record<string, { secret: string }>;
    };
    const refreshToken = Object.values(cache.RefreshToken)[0].secret;
    const byRefresh = await cca.acquireTokenByRefreshToken({ refreshToken, scopes });
    expect(byRefresh?.accessToken).toBeTruthy();

    await sandbox.admin.revokeGrants('grace@example.test');
    expect(sandbox.identity.verify(byRefresh!.accessToken)).toBeUndefined();
    const latest = Object.values(
      (JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> })
        .RefreshToken,
    )[0].secret;
    const failure = await cca
      .acquireTokenByRefreshToken({ refreshToken: latest, scopes })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ errorCode: 'invalid_grant' });
    expect(String((failure as Error).message)).toContain('AADSTS50173');
  });

  it('refuses a wrong PKCE verifier and a wrong client secret with AADSTS codes', async () => {
    const { challenge } = await new CryptoProvider().generatePkceCodes();
    const authorize = new URL(`${sandbox.url}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`);
    const form = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid offline_access Contacts.ReadWrite',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      response_mode: 'form_post',
      state: 's',
      login: 'EXAMPLE\\linus',
      password: DEMO_PASSWORD,
      consent: 'accept',
    });
    const posted = await fetch(authorize, { method: 'POST', body: form });
    const html = await posted.text();
    expect(html).toContain(`action="${redirectUri}"`);
    const code = /name="code" value="([^"]+)"/.exec(html)![1];
    const token = await fetch(`${sandbox.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        code,
        redirect_uri: redirectUri,
        code_verifier: 'not-the-verifier-at-all-not-the-verifier-at-all',
      }),
    });
    expect(token.status).toBe(400);
    const error = await token.json();
    expect(error).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    expect(error).toHaveProperty('trace_id');
    expect(error).toHaveProperty('correlation_id');
    expect(error).toHaveProperty('timestamp');

    const badSecret = await fetch(`${sandbox.url}/example.test/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT_ID,
        client_secret: 'nope',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });
});
