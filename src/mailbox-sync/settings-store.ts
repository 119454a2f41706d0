// Where mailbox sync settings live: one JSON row per mailbox and entity. A mailbox nobody
// configured reads as the defaults; a stored block is completed with defaults for fields added
// after it was saved.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  contactSyncSettingsSchema,
  DEFAULT_SETTINGS,
  meetingSyncSettingsSchema,
  SYNC_ENTITIES,
  type SyncSettingsView,
  taskSyncSettingsSchema,
} from './settings.ts';

const schemas = {
  contacts: contactSyncSettingsSchema,
  meetings: meetingSyncSettingsSchema,
  tasks: taskSyncSettingsSchema,
} as const;

export class SyncSettingsStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async read(mailboxId: string): Promise<SyncSettingsView> {
    const rows = await this.db
      .selectFrom('mailbox_sync_settings')
      .select(['entity', 'settings'])
      .where('mailbox_id', '=', mailboxId)
      .execute();
    const out: SyncSettingsView = structuredClone(DEFAULT_SETTINGS);
    for (const row of rows) {
      if (!(SYNC_ENTITIES as readonly string[]).includes(row.entity)) continue;
      const entity = row.entity as keyof SyncSettingsView;
      const parsed = schemas[entity].safeParse({
        ...DEFAULT_SETTINGS[entity],
        ...(JSON.parse(row.settings) as object),
      });
      // biome-ignore lint/suspicious/noExplicitAny: each entity's block parsed by its own schema
      if (parsed.success) (out as Record<string, any>)[entity] = parsed.data;
    }
    return out;
  }

  /** Mailboxes with automatic sync switched on for some entity. */
  async withAutoSync(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('mailbox_sync_settings')
      .select(['mailbox_id', 'settings'])
      .execute();
    return [
      ...new Set(
        rows
          .filter((r) => (JSON.parse(r.settings) as { autoSync?: boolean }).autoSync === true)
          .map((r) => r.mailbox_id),
      ),
    ];
  }

  async write(mailboxId: string, settings: Partial<SyncSettingsView>, by: string | null): Promise<void> {
    const now = new Date().toISOString();
    for (const [entity, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      const json = JSON.stringify(value);
      await this.db
        .insertInto('mailbox_sync_settings')
        .values({ mailbox_id: mailboxId, entity, settings: json, updated_at: now, updated_by: by })
        .onConflict((oc) =>
          oc
            .columns(['mailbox_id', 'entity'])
            .doUpdateSet({ settings: json, updated_at: now, updated_by: by }),
        )
        .execute();
    }
  }
}
