import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { normaliseAccountName } from './accounts.ts';

describe('accounts', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('normalises company names for matching', () => {
    expect(normaliseAccountName('  ACME   GmbH ')).toBe('acme gmbh');
    expect(normaliseAccountName('ＡＣＭＥ\tGmbH')).toBe('acme gmbh');
    expect(normaliseAccountName('ACME')).not.toBe(normaliseAccountName('ACME GmbH'));
  });

  it('finds accounts by company name: all of them, and the ones the user may see (B2)', async () => {
    const { crm, alice, bob } = f;
    const mine = await crm.accounts.create(alice, { name: 'Northwind Traders' });
    const theirs = await crm.accounts.create(bob, { name: 'northwind  traders' });
    await crm.accounts.create(bob, { name: 'Northwind' });
    const match = await crm.accounts.findByName(alice, ' NORTHWIND TRADERS');
    expect(match.all.map((a) => a.id).sort()).toEqual([mine.id, theirs.id].sort());
    expect(match.visible.map((a) => a.id)).toEqual([mine.id]);
    expect(
      (await crm.accounts.list(bob, { filter: { name: 'Northwind Traders' } })).items.map((a) => a.id),
    ).toEqual([theirs.id]);
    expect((await crm.accounts.list(bob, { filter: { q: 'wind' } })).items).toHaveLength(2);
    const renamed = await crm.accounts.update(bob, theirs.id, { name: 'Southwind' });
    expect(renamed.name).toBe('Southwind');
    expect((await crm.accounts.findByName(alice, 'Northwind Traders')).all.map((a) => a.id)).toEqual([
      mine.id,
    ]);
  });

  it('round-trips the address and clears fields with null', async () => {
    const { crm, alice } = f;
    const account = await crm.accounts.create(alice, {
      name: 'Addressed',
      website: 'https://addressed.test',
      phone: '+1 555 0100',
      industry: 'Retail',
      address: { street: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
      notes: 'n',
    });
    expect(await crm.accounts.get(alice, account.id)).toEqual(account);
    const cleared = await crm.accounts.update(alice, account.id, { address: null, website: null });
    expect(cleared).toMatchObject({ address: null, website: null, phone: '+1 555 0100' });
  });
});

describe('leads and deals', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('round-trip and filter', async () => {
    const { crm, alice } = f;
    const lead = await crm.leads.create(alice, {
      givenName: 'Lena',
      familyName: 'Lead',
      companyName: 'Prospect AG',
      emails: [{ type: 'work', address: 'lena@prospect.test' }],
      phones: [{ type: 'work', number: '1' }],
      source: 'Fair',
    });
    expect(lead).toMatchObject({ displayName: 'Lena Lead', status: 'new' });
    expect(await crm.leads.get(alice, lead.id)).toEqual(lead);
    expect((await crm.leads.update(alice, lead.id, { status: 'qualified' })).status).toBe('qualified');
    expect((await crm.leads.list(alice, { filter: { status: 'qualified' } })).items.map((l) => l.id)).toEqual(
      [lead.id],
    );
    expect((await crm.leads.list(alice, { filter: { email: 'LENA@prospect.test' } })).items).toHaveLength(1);
    expect((await crm.findByEmail(alice, 'lena@prospect.test')).leads.map((l) => l.id)).toEqual([lead.id]);
    await crm.leads.update(alice, lead.id, { emails: [] });
    expect((await crm.findByEmail(alice, 'lena@prospect.test')).leads).toEqual([]);

    const account = await crm.accounts.create(alice, { name: 'Deal Co' });
    const contact = await crm.contacts.create(alice, { displayName: 'Deal Contact' });
    const deal = await crm.deals.create(alice, {
      name: 'Renewal',
      accountId: account.id,
      contactId: contact.id,
      amount: 12500,
      currency: 'EUR',
      stage: 'proposal',
      closeDate: '2025-06-30',
    });
    expect(await crm.deals.get(alice, deal.id)).toEqual(deal);
    expect(
      (await crm.deals.list(alice, { filter: { stage: 'proposal', accountId: account.id } })).items,
    ).toHaveLength(1);
    await crm.contacts.delete(alice, contact.id);
    expect((await crm.deals.get(alice, deal.id)).contactId).toBeNull();
  });
});
