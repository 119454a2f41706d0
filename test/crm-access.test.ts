// The access matrix (SPEC F2): for every record type, every way a user can relate to a record
// and every operation, the rule holds; denied operations change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError, type Principal, type RecordService, recordTypes } from '../src/crm/index.ts';
import { type CrmFixture, setupCrm } from './support/crm-fixture.ts';

type Operation = 'get' | 'list' | 'update' | 'delete' | 'share';
type Outcome = 'allow' | 'not_found' | 'forbidden';
type Relation = 'owner' | 'shared-read' | 'shared-edit' | 'role-read' | 'role-edit' | 'unrelated' | 'admin';

const EXPECTED: Record<Relation, Record<Operation, Outcome>> = {
  owner: { get: 'allow', list: 'allow', update: 'allow', delete: 'allow', share: 'allow' },
  'shared-read': {
    get: 'allow',
    list: 'allow',
    update: 'forbidden',
    delete: 'forbidden',
    share: 'forbidden',
  },
  'shared-edit': { get: 'allow', list: 'allow', update: 'allow', delete: 'forbidden', share: 'forbidden' },
  'role-read': { get: 'allow', list: 'allow', update: 'forbidden', delete: 'forbidden', share: 'forbidden' },
  'role-edit': { get: 'allow', list: 'allow', update: 'allow', delete: 'forbidden', share: 'forbidden' },
  unrelated: {
    get: 'not_found',
    list: 'not_found',
    update: 'not_found',
    delete: 'not_found',
    share: 'not_found',
  },
  admin: { get: 'allow', list: 'allow', update: 'allow', delete: 'allow', share: 'allow' },
};

let counter = 0;
const SAMPLES: Record<string, { create: () => Record<string, unknown>; patch: Record<string, unknown> }> = {
  contacts: { create: () => ({ displayName: 'Matrix contact' }), patch: { jobTitle: 'changed' } },
  accounts: { create: () => ({ name: 'Matrix account' }), patch: { industry: 'changed' } },
  leads: { create: () => ({ displayName: 'Matrix lead' }), patch: { source: 'changed' } },
  deals: { create: () => ({ name: 'Matrix deal' }), patch: { notes: 'changed' } },
  activities: { create: () => ({ kind: 'task', subject: 'Matrix task' }), patch: { location: 'changed' } },
  emails: { create: () => ({ messageId: `<matrix-${++counter}@x.test>` }), patch: { subject: 'changed' } },
  contactGroups: { create: () => ({ name: 'Matrix group' }), patch: { name: 'changed' } },
  activityGroups: { create: () => ({ name: 'Matrix group' }), patch: { name: 'changed' } },
};

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return 'allow';
  } catch (error) {
    if (error instanceof CrmError && (error.code === 'not_found' || error.code === 'forbidden'))
      return error.code;
    throw error;
  }
}

describe('access matrix', () => {
  let f: CrmFixture;
  let carol: Principal;
  beforeAll(async () => {
    f = await setupCrm();
    const user = await f.crm.users.createUser({ email: 'carol@example.test', displayName: 'Carol' });
    carol = await f.crm.users.principalFor(user.id);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('covers every record type in the registry', () => {
    expect(recordTypes.map((t) => t.name).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const type of recordTypes) {
    for (const relation of Object.keys(EXPECTED) as Relation[]) {
      it(`${type.name}: ${relation}`, async () => {
        const { crm, alice, bob, admin, salesRoleId } = f;
        const service = type.service(crm) as RecordService;
        const sample = SAMPLES[type.name];
        // alice (role Sales) acts; records belong to bob unless alice owns them.
        const actor = relation === 'admin' ? admin : alice;
        const owner = relation === 'owner' ? alice : bob;
        const prepare = async () => {
          const record = await service.create(owner, sample.create());
          const share = (principalType: 'user' | 'role', principalId: string, level: 'read' | 'edit') =>
            crm.shares.share(owner, {
              recordType: type.recordType,
              recordId: record.id,
              principalType,
              principalId,
              level,
            });
          if (relation === 'shared-read') await share('user', alice.userId, 'read');
          if (relation === 'shared-edit') await share('user', alice.userId, 'edit');
          if (relation === 'role-read') await share('role', salesRoleId, 'read');
          if (relation === 'role-edit') await share('role', salesRoleId, 'edit');
          // A share with someone else gives alice nothing.
          if (relation === 'unrelated') await share('user', carol.userId, 'edit');
          return record;
        };
        const listed = async (id: string) => {
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<RecordService['list']>> = await service.list(actor, {
              cursor,
              limit: 500,
            });
            if (page.items.some((item) => item.id === id)) return true;
            cursor = page.nextCursor;
          } while (cursor);
          return false;
        };

        const record = await prepare();
        const prepared = await service.get(owner, record.id);
        const results: Record<Operation, Outcome> = {
          get: await outcome(service.get(actor, record.id)),
          list: (await listed(record.id)) ? 'allow' : 'not_found',
          update: await outcome(service.update(actor, record.id, sample.patch)),
          share: await outcome(
            crm.shares.share(actor, {
              recordType: type.recordType,
              recordId: record.id,
              principalType: 'user',
              principalId: carol.userId,
              level: 'read',
            }),
          ),
          delete: await outcome(service.delete(actor, record.id)),
        };
        expect(results).toEqual(EXPECTED[relation]);

        // What was denied left the record as it was.
        if (results.delete === 'allow') {
          expect(await outcome(service.get(owner, record.id))).toBe('not_found');
        } else {
          const after = await service.get(owner, record.id);
          if (results.update !== 'allow') {
            expect(after.version).toBe(prepared.version);
            for (const [field, value] of Object.entries(sample.patch)) expect(after[field]).not.toBe(value);
          }
          const shares = await crm.shares.list(owner, type.recordType, record.id);
          expect(shares.some((s) => s.principalId === carol.userId && s.level === 'read')).toBe(
            results.share === 'allow',
          );
        }
      });
    }
  }

  it('bob and carol never see alice’s records through lists, filters or look-ups', async () => {
    const { crm, alice, bob } = f;
    const contact = await crm.contacts.create(alice, {
      displayName: 'Private Person',
      emails: [{ type: 'work', address: 'private@alice.test' }],
    });
    for (const principal of [bob, carol]) {
      expect((await crm.contacts.list(principal, { filter: { q: 'Private Person' } })).items).toEqual([]);
      expect(
        (await crm.contacts.list(principal, { filter: { ownerId: alice.userId }, limit: 500 })).items,
      ).toEqual([]);
      expect((await crm.findByEmail(principal, 'private@alice.test')).contacts).toEqual([]);
      expect(await crm.contacts.getMany(principal, [contact.id])).toEqual([]);
    }
    expect((await crm.findByEmail(alice, 'PRIVATE@alice.test')).contacts.map((c) => c.id)).toEqual([
      contact.id,
    ]);
  });

  it('keeps group memberships the writer cannot see', async () => {
    const { crm, alice, bob } = f;
    const contact = await crm.contacts.create(alice, { displayName: 'Shared Sam' });
    await crm.shares.share(alice, {
      recordType: 'contact',
      recordId: contact.id,
      principalType: 'user',
      principalId: bob.userId,
      level: 'edit',
    });
    const bobsGroup = await crm.contactGroups.create(bob, { name: 'Bob private' });
    const alicesGroup = await crm.contactGroups.create(alice, { name: 'Alice private' });
    await crm.contacts.update(bob, contact.id, { groupIds: [bobsGroup.id] });
    expect((await crm.contacts.get(alice, contact.id)).groupIds).toEqual([]);
    await crm.contacts.update(alice, contact.id, { groupIds: [alicesGroup.id] });
    expect((await crm.contacts.get(bob, contact.id)).groupIds).toEqual([bobsGroup.id]);
    expect((await crm.contacts.get(alice, contact.id)).groupIds).toEqual([alicesGroup.id]);
    expect(
      (await crm.contacts.list(bob, { filter: { groupId: bobsGroup.id } })).items.map((c) => c.id),
    ).toEqual([contact.id]);
  });

  it('lets only the owner or an administrator give a record away, and sync acts with the user’s rights', async () => {
    const { crm, alice, bob, admin, aliceSync } = f;
    const contact = await crm.contacts.create(bob, { displayName: 'Given' });
    await crm.shares.share(bob, {
      recordType: 'contact',
      recordId: contact.id,
      principalType: 'user',
      principalId: alice.userId,
      level: 'edit',
    });
    expect(await outcome(crm.contacts.update(alice, contact.id, { ownerId: alice.userId }))).toBe(
      'forbidden',
    );
    const given = await crm.contacts.update(admin, contact.id, { ownerId: alice.userId });
    expect(given.ownerId).toBe(alice.userId);
    const hidden = await crm.contacts.create(bob, { displayName: 'Hidden from sync' });
    expect(await outcome(crm.contacts.get(aliceSync, hidden.id))).toBe('not_found');
    expect(await outcome(crm.contacts.update(aliceSync, hidden.id, { jobTitle: 'x' }))).toBe('not_found');
    expect(await outcome(crm.contacts.get(bob, contact.id))).toBe('not_found');
  });
});
