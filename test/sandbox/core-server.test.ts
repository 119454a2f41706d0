// The sandbox server: HTTP and HTTPS on one port, a JSON 404, and persistence to a data file.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '@exsync/sandbox';
import { afterAll, describe, expect, it } from 'vitest';

function httpsGet(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, ca ? { ca } : {}, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('sandbox server', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('answers HTTP and HTTPS on the same port, trusting only its CA', async () => {
    const sandbox = await startSandbox({ seed: 'none' });
    try {
      expect(new URL(sandbox.url).port).toBe(new URL(sandbox.httpsUrl).port);
      const plain = await fetch(`${sandbox.url}/common/discovery/v2.0/keys`);
      expect(plain.status).toBe(200);
      const secure = await httpsGet(`${sandbox.httpsUrl}/common/discovery/v2.0/keys`, sandbox.caPem);
      expect(secure.status).toBe(200);
      expect(JSON.parse(secure.body).keys[0].kty).toBe('RSA');
      await expect(httpsGet(`${sandbox.httpsUrl}/common/discovery/v2.0/keys`)).rejects.toThrow(
        /self.signed|certificate/i,
      );
      const missing = await fetch(`${sandbox.url}/no/such/path`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'NotFound' } });
      const discovery = await httpsGet(
        `${sandbox.httpsUrl}/common/v2.0/.well-known/openid-configuration`,
        sandbox.caPem,
      );
      expect(JSON.parse(discovery.body).token_endpoint).toBe(`${sandbox.httpsUrl}/common/oauth2/v2.0/token`);
    } finally {
      await sandbox.close();
    }
  });

  it('keeps its state, sync positions and certificate across a restart with a data file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exsync-sandbox-'));
    dirs.push(dir);
    const dataFile = join(dir, 'sandbox.json');
    const first = await startSandbox({ seed: 'demo', dataFile });
    const ada = first.store.mailbox('ada@example.test')!;
    const contacts = first.store.distinguishedFolder(ada.id, 'contacts')!;
    const token = first.store.encodePosition(first.store.headPosition(ada.id, contacts.id));
    const added = await first.admin.createItem(ada.address, 'contacts', 'contact', {
      givenName: 'Persisted',
    });
    const caPem = first.caPem;
    await first.close();
    expect(JSON.parse(await readFile(dataFile, 'utf8')).format).toBe('exsync-sandbox-data');

    const second = await startSandbox({ seed: 'demo', dataFile });
    try {
      expect(second.caPem).toBe(caPem);
      expect(second.store.item(ada.id, added.id)?.data).toMatchObject({ givenName: 'Persisted' });
      const page = second.store.itemChangesSince(second.store.decodePosition(token), 10);
      expect(page.changes).toEqual([{ type: 'create', item: expect.objectContaining({ id: added.id }) }]);
      expect(second.store.mailboxes().filter((m) => m.address === 'ada@example.test')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
