// The CSV endpoints through the HTTP server: rights, streaming export, import answers and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_IMPORT_LIMIT } from '../src/http/routes/csv.ts';
import { createHarness, errorOf, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  const admin = await h.crm.users.principalFor(h.admin.user.id);
  const role = await h.crm.roles.create(admin, { name: 'Importers', operations: ['CanImportExport'] });
  await h.crm.users.update(admin, h.alice.user.id, { roles: ['Sales', role.id] });
});
afterAll(async () => {
  await h?.close();
});

const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

describe('contacts CSV over HTTP', () => {
  it('needs CanImportExport', async () => {
    const exported = await h.as(h.bob, { method: 'GET', url: '/api/v1/contacts/export.csv' });
    expect(exported.statusCode).toBe(403);
    expect(errorOf(exported).message).toMatch(/CanImportExport/);
    const imported = await h.as(h.bob, {
      method: 'POST',
      url: '/api/v1/contacts/import',
      headers: csvHeaders,
      payload: 'First Name\r\nX\r\n',
    });
    expect(imported.statusCode).toBe(403);
  });

  it('imports, reports failures by line, and exports what the user sees', async () => {
    const file =
      'Vorname;First Name;Email 1 Address;Notes\r\nx;Anna;anna@example.test;"=1+1"\r\ny;Bert;nope;\r\n';
    const dry = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts/import?dryRun=true',
      headers: csvHeaders,
      payload: file,
    });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, created: 1, updated: 0 });

    const response = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts/import',
      headers: csvHeaders,
      payload: file,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      dryRun: false,
      created: 1,
      updated: 0,
      failed: [{ line: 3, errors: [{ field: 'Email 1 Address', message: expect.any(String) }] }],
      warnings: [{ column: 'Vorname', message: 'column "Vorname" is not known and was ignored' }],
    });
    await h.crm.contacts.create(await h.crm.users.principalFor(h.bob.user.id), { givenName: 'BobsOwn' });

    const exported = await h.as(h.alice, {
      method: 'GET',
      url: '/api/v1/contacts/export.csv?delimiter=;&bom=true',
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(exported.headers['content-disposition']).toMatch(/attachment/);
    expect(exported.body.startsWith('\uFEFFId;Type;Display Name;')).toBe(true);
    expect(exported.body).toContain(";'=1+1\r\n");
    expect(exported.body).toContain('anna@example.test');
    expect(exported.body).not.toContain('BobsOwn');

    const filtered = await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts/export.csv?q=nobody' });
    expect(filtered.body.split('\r\n').filter(Boolean)).toHaveLength(1);
    const badFilter = await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts/export.csv?colour=red' });
    expect(badFilter.statusCode).toBe(422);
  });

  it('answers 422 for malformed CSV, 415 for other bodies, 413 beyond the limit', async () => {
    const malformed = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts/import',
      headers: csvHeaders,
      payload: 'First Name,Notes\r\nAnna,"open\r\n',
    });
    expect(malformed.statusCode).toBe(422);
    expect(errorOf(malformed).details).toEqual([
      { path: 'line 2', message: expect.stringMatching(/never closed/) },
    ]);

    const json = await h.as(h.alice, { method: 'POST', url: '/api/v1/contacts/import', payload: { a: 1 } });
    expect(json.statusCode).toBe(415);

    const huge = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts/import',
      headers: csvHeaders,
      payload: Buffer.alloc(CSV_IMPORT_LIMIT + 1, 'a'),
    });
    expect(huge.statusCode).toBe(413);
    expect(errorOf(huge).message).toMatch(/20 MB/);
  });

  it('documents both operations in OpenAPI', async () => {
    const document = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.paths['/api/v1/contacts/export.csv'].get.responses['200'].content).toHaveProperty(
      'text/csv; charset=utf-8',
    );
    expect(document.paths['/api/v1/contacts/import'].post.operationId).toBe('importContactsCsv');
  });
});
