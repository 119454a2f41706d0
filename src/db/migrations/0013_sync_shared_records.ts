// One CRM record per shared key, claimed in the database. Two mailboxes' first imports of one
// meeting may run at once (two workers, or two runs of one worker): each would find no link for
// the meeting's key and create an activity of its own. A row here is the claim: the import that
// inserts it creates the record, any other links its copy to that record. While the record is
// being made, `link_id` names the import intent (a sync_links row) holding the claim and
// `record_id` is null; a claim whose intent is gone (its run was killed) may be taken over.
// A claim outlives its record: a key whose record was deleted is a tombstone, so that a copy
// left in another calendar (an attendee's, after the organizer cancelled the meeting) is never
// imported again, however often its mailbox is read from scratch.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sync_shared_records')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('shared_key', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('link_id', 'text')
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_shared_records_pk', ['entity', 'shared_key'])
    .execute();
  // The keys already linked keep the record their oldest link has.
  await sql`
    insert into sync_shared_records (entity, shared_key, record_id, link_id, claimed_at)
    select l.entity, l.shared_key, min(l.record_id), null, min(l.created_at)
    from sync_links l
    where l.shared_key is not null and l.record_id is not null and l.state = 'linked'
      and l.created_at = (
        select min(o.created_at) from sync_links o
        where o.entity = l.entity and o.shared_key = l.shared_key
          and o.record_id is not null and o.state = 'linked'
      )
    group by l.entity, l.shared_key
  `.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('sync_shared_records').ifExists().execute();
}
