// The username/password grant (ROPC) and the device code flow, as @azure/msal-node's public
// client uses them, with the identity platform's refusals: accounts that must use MFA, apps
// without "Allow public client flows", wrong passwords, and a device code that is pending,
// declined, unknown, redeemed twice or expired.
import { PublicClientApplication } from '@azure/msal-node';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, sandboxNetworkClient } from '../support/msal-network.ts';

const SCOPES = ['User.Read', 'Contacts.ReadWrite'];

describe('identity platform: username/password and device code grants', () => {
  let sandbox: RunningSandbox;
  let pca: PublicClientApplication;
  let clock = Date.now();

  const token = (form: Record<string, string>) =>
    request(
      sandbox.caPem,
      'POST',
      `${sandbox.httpsUrl}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(form).toString(),
    ).then((r) => ({ status: r.status, json: JSON.parse(r.text) }));

  const deviceLogin = (form: Record<string, string>) =>
    request(
      sandbox.caPem,
      'POST',
      `${sandbox.httpsUrl}/devicelogin`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(form).toString(),
    );

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo', now: () => clock });
    sandbox.store.addMailbox({
      tenantId: DEMO_TENANT_ID,
      address: 'mfa@example.test',
      displayName: 'Needs MFA',
      password: DEMO_PASSWORD,
      requiresMfa: true,
    });
    pca = new PublicClientApplication({
      auth: {
        clientId: DEMO_CLIENT_ID,
        authority: `${sandbox.httpsUrl}/${DEMO_TENANT_ID}`,
        knownAuthorities: [new URL(sandbox.httpsUrl).host],
      },
      system: { networkClient: sandboxNetworkClient(sandbox.caPem) },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('advertises both grants and the device code endpoint in discovery', async () => {
    const config = await request(
      sandbox.caPem,
      'GET',
      `${sandbox.httpsUrl}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const json = JSON.parse(config.text);
    expect(json.grant_types_supported).toEqual(
      expect.arrayContaining(['password', 'urn:ietf:params:oauth:grant-type:device_code']),
    );
    const started = await request(
      sandbox.caPem,
      'POST',
      json.device_authorization_endpoint,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ client_id: DEMO_CLIENT_ID, scope: 'User.Read' }).toString(),
    );
    expect(started.status, started.text).toBe(200);
    expect(JSON.parse(started.text)).toMatchObject({
      user_code: expect.stringMatching(/^[A-Z0-9]{9}$/),
      verification_uri: `${sandbox.httpsUrl}/devicelogin`,
      expires_in: 900,
      interval: 5,
    });
  });

  it('signs in by username and password through MSAL, and refuses a wrong password with AADSTS50126', async () => {
    const result = await pca.acquireTokenByUsernamePassword({
      scopes: SCOPES,
      username: 'grace@example.test',
      password: DEMO_PASSWORD,
    });
    expect(result?.account?.username).toBe('grace@example.test');
    const claims = sandbox.identity.verify(result!.accessToken);
    expect(claims).toMatchObject({ mailboxId: sandbox.store.mailbox('grace@example.test')!.id });
    expect(claims!.scopes).toEqual(SCOPES);
    await expect(
      pca.acquireTokenByUsernamePassword({
        scopes: SCOPES,
        username: 'grace@example.test',
        password: 'nope',
      }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS50126'),
    });
  });

  it('refuses the password grant for an account that must use MFA (AADSTS50076, basic_action)', async () => {
    const refused = await token({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      username: 'mfa@example.test',
      password: DEMO_PASSWORD,
      scope: 'User.Read',
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: 'invalid_grant',
      error_codes: [50076],
      suberror: 'basic_action',
    });
    await expect(
      pca.acquireTokenByUsernamePassword({
        scopes: SCOPES,
        username: 'mfa@example.test',
        password: DEMO_PASSWORD,
      }),
    ).rejects.toMatchObject({ errorMessage: expect.stringContaining('AADSTS50076') });
  });

  it('refuses the password grant at the common and consumers authorities (AADSTS9001023), takes it at organizations', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      username: 'ada@example.test',
      password: DEMO_PASSWORD,
      scope: 'User.Read',
    }).toString();
    const at = (tenant: string) =>
      request(
        sandbox.caPem,
        'POST',
        `${sandbox.httpsUrl}/${tenant}/oauth2/v2.0/token`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        form,
      ).then((r) => ({ status: r.status, json: JSON.parse(r.text) }));
    for (const tenant of ['common', 'consumers']) {
      const refused = await at(tenant);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ error: 'invalid_request', error_codes: [9001023] });
    }
    expect((await at('organizations')).status).toBe(200);
  });

  it('refuses both grants without a secret for an app that does not allow public client flows', async () => {
    const app = sandbox.store.addApp({
      tenantId: DEMO_TENANT_ID,
      displayName: 'Confidential only',
      redirectUris: [],
      applicationPermissions: [],
    });
    const ropc = await token({
      grant_type: 'password',
      client_id: app.clientId,
      username: 'ada@example.test',
      password: DEMO_PASSWORD,
      scope: 'User.Read',
    });
    expect(ropc.status).toBe(401);
    expect(ropc.json).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    const withSecret = await token({
      grant_type: 'password',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      username: 'ada@example.test',
      password: DEMO_PASSWORD,
      scope: 'User.Read',
    });
    expect(withSecret.status).toBe(200);
    const device = await token({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: app.clientId,
      device_code: 'anything',
    });
    expect(device.json).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
  });

  it('runs MSAL’s device code flow: pending while polled, tokens once the user enters the code', async () => {
    let userCode = '';
    let shown: () => void = () => {};
    const codeShown = new Promise<void>((resolve) => {
      shown = resolve;
    });
    // MSAL polls until the user has signed in on the page below.
    const signedIn = pca.acquireTokenByDeviceCode({
      scopes: SCOPES,
      deviceCodeCallback: (response) => {
        userCode = response.userCode;
        expect(response.message).toContain(userCode);
        shown();
      },
    });
    await Promise.race([codeShown, signedIn]);
    // The code entry page, then the sign-in page for the app the code belongs to.
    const entry = await request(sandbox.caPem, 'GET', `${sandbox.httpsUrl}/devicelogin`);
    expect(entry.text).toContain('name="otc"');
    const wrongCode = await deviceLogin({ otc: 'NOTACODE1' });
    expect(wrongCode.text).toContain('AADSTS70018');
    const signIn = await deviceLogin({ otc: userCode });
    expect(signIn.text).toContain('name="password"');
    const wrongPassword = await deviceLogin({
      otc: userCode,
      login: 'ada@example.test',
      password: 'x',
      consent: 'accept',
    });
    expect(wrongPassword.text).toContain('AADSTS50126');
    const done = await deviceLogin({
      otc: userCode,
      login: 'ada@example.test',
      password: DEMO_PASSWORD,
      consent: 'accept',
    });
    expect(done.text).toContain('You have signed in');
    const result = await signedIn;
    expect(result?.account?.username).toBe('ada@example.test');
    expect(sandbox.identity.verify(result!.accessToken)?.scopes).toEqual(SCOPES);
  }, 20_000);

  it('answers polls with authorization_pending, authorization_declined, bad_verification_code and expired_token', async () => {
    const start = async () => {
      const r = await request(
        sandbox.caPem,
        'POST',
        `${sandbox.httpsUrl}/${DEMO_TENANT_ID}/oauth2/v2.0/devicecode`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams({ client_id: DEMO_CLIENT_ID, scope: 'User.Read offline_access' }).toString(),
      );
      return JSON.parse(r.text) as { device_code: string; user_code: string };
    };
    const poll = (deviceCode: string) =>
      token({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: DEMO_CLIENT_ID,
        device_code: deviceCode,
      });

    const pending = await start();
    expect((await poll(pending.device_code)).json).toMatchObject({
      error: 'authorization_pending',
      error_codes: [70016],
    });
    await deviceLogin({
      otc: pending.user_code.toLowerCase(),
      login: 'linus@example.test',
      password: DEMO_PASSWORD,
      consent: 'accept',
    });
    const granted = await poll(pending.device_code);
    expect(granted.status).toBe(200);
    expect(granted.json.refresh_token).toBeTruthy();
    expect((await poll(pending.device_code)).json).toMatchObject({
      error: 'invalid_grant',
      error_codes: [54005],
    });

    const declined = await start();
    await deviceLogin({ otc: declined.user_code, consent: 'decline' });
    expect((await poll(declined.device_code)).json).toMatchObject({ error: 'authorization_declined' });

    expect((await poll('made-up')).json).toMatchObject({
      error: 'bad_verification_code',
      error_codes: [70018],
    });

    const late = await start();
    clock += 16 * 60_000;
    expect((await poll(late.device_code)).json).toMatchObject({
      error: 'expired_token',
      error_codes: [70019],
    });
    const tooLate = await deviceLogin({
      otc: late.user_code,
      login: 'linus@example.test',
      password: DEMO_PASSWORD,
      consent: 'accept',
    });
    expect(tooLate.text).toContain('AADSTS70018');
  });
});
