// The organisation's sync policy (SPEC E5): limits an administrator sets for every mailbox. Users
// may make their own mailbox stricter, never looser: a mailbox's mass-delete share above the
// organisation's is refused when saved, and the engine uses the lower of the two whatever is
// stored (a limit lowered later applies at once to mailboxes saved before).
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { countryCodeSchema } from './settings.ts';

export const syncPolicySchema = z
  .strictObject({
    massDeleteShare: z.number().min(0).max(1).meta({
      description:
        'The highest mass-delete share any mailbox may use (0–1): a run deleting more than this share of its linked items waits for an administrator. Mailboxes may set a lower share, never a higher one.',
    }),
    phoneCountry: countryCodeSchema.nullable().meta({
      description:
        'The organisation’s country (ISO 3166 alpha-2) for phone numbers written without a country code, when the contact’s address names no country and the mailbox sets none. Null: such numbers go to Exchange as entered and are listed on the contact.',
    }),
  })
  .meta({ id: 'SyncPolicy' });

export type SyncPolicy = z.output<typeof syncPolicySchema>;

export const syncPolicyUpdateSchema = syncPolicySchema.partial().meta({ id: 'SyncPolicyUpdate' });

/** 20 %: the share a new mailbox starts with, so nobody is looser than the default out of the box. */
export const DEFAULT_SYNC_POLICY: SyncPolicy = { massDeleteShare: 0.2, phoneCountry: null };

const ROW_ID = 'organisation';

export class SyncPolicyStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async read(): Promise<SyncPolicy> {
    const row = await this.db
      .selectFrom('sync_policy')
      .select('settings')
      .where('id', '=', ROW_ID)
      .executeTakeFirst();
    if (!row) return { ...DEFAULT_SYNC_POLICY };
    const parsed = syncPolicySchema.safeParse({
      ...DEFAULT_SYNC_POLICY,
      ...(JSON.parse(row.settings) as object),
    });
    return parsed.success ? parsed.data : { ...DEFAULT_SYNC_POLICY };
  }

  async write(policy: SyncPolicy, by: string | null): Promise<void> {
    const now = new Date().toISOString();
    const json = JSON.stringify(policy);
    await this.db
      .insertInto('sync_policy')
      .values({ id: ROW_ID, settings: json, updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('id').doUpdateSet({ settings: json, updated_at: now, updated_by: by }))
      .execute();
  }
}

/** "20 %", "12.5 %": shares as users enter them. */
export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
