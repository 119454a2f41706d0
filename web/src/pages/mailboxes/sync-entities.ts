// What "Sync now" syncs: every entity the mailbox has switched on in its sync settings
// (contacts, meetings, tasks), one after the other, each as its own run.
import { get } from '../../api.ts';
import { type MessageKey, t } from '../../i18n.ts';

export const SYNC_ENTITIES = ['contacts', 'meetings', 'tasks'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

const NAMES: Record<SyncEntity, MessageKey> = {
  contacts: 'dashboard.entity.contacts',
  meetings: 'dashboard.entity.meetings',
  tasks: 'dashboard.entity.tasks',
};

/** "Contacts", "Meetings", "Tasks" in the user's language (an entity it does not know as it is). */
export const entityName = (entity: string) => (entity in NAMES ? t(NAMES[entity as SyncEntity]) : entity);

/** The entities whose direction is not off in the mailbox's sync settings, in a fixed order. */
export async function switchedOnEntities(mailboxId: string): Promise<SyncEntity[]> {
  const settings = await get<Partial<Record<SyncEntity, { direction: string }>>>(
    `/api/v1/mailboxes/${encodeURIComponent(mailboxId)}/sync-settings`,
  );
  return SYNC_ENTITIES.filter((e) => settings[e] !== undefined && settings[e].direction !== 'off');
}
