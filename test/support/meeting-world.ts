// Set-up shared by the meeting tests: the meetings entity's sync settings, and a CRM with its
// REST API, the sandbox and its mail services, whose mailboxes the engine's meetings entity
// syncs over EWS.
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_MEETING_OPTIONS, meetingsEntity } from '../../src/sync/activities/entity.ts';
import type { ActivitySyncOptions } from '../../src/sync/activities/scope.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { EntitySyncSettings } from '../../src/sync/types.ts';
import { createMailboxWorld, type MailboxWorld } from '../mailboxes-support.ts';
import { MemoryMailboxSource, sandboxConnectors } from './sandbox-source.ts';
import { addMailServices } from './sync-api.ts';

/**
 * Meeting sync settings: by default imported, Exchange wins, edits to different fields merged,
 * with the default meeting options; `changes` and `options` replace what they name.
 */
export function meetingSettings(
  changes: Partial<Omit<EntitySyncSettings, 'options'>> = {},
  options: Partial<ActivitySyncOptions> = {},
): EntitySyncSettings {
  return {
    direction: 'import',
    conflictPolicy: 'exchange_wins',
    fieldMerge: true,
    importFolders: 'all',
    massDelete: { share: 0.2, minimum: 5 },
    autoSync: false,
    intervalMinutes: 15,
    ...changes,
    options: { ...DEFAULT_MEETING_OPTIONS, ...options },
  };
}

/** Two-way meeting settings where the CRM wins, exporting to the calendar, with no mass-delete stop. */
export const crmWinsMeetingSettings = (options: Partial<ActivitySyncOptions> = {}): EntitySyncSettings =>
  meetingSettings(
    {
      direction: 'two_way',
      conflictPolicy: 'crm_wins',
      exportFolder: 'calendar',
      massDelete: { share: 1, minimum: 100 },
    },
    options,
  );

export interface MeetingWorld {
  /** The CRM, its REST API and the sandbox, with the sandbox's mail services added. */
  w: MailboxWorld;
  /** The mailboxes the engine syncs, connected to the sandbox over EWS. */
  source: MemoryMailboxSource;
  /** An engine given the meetings entity only. */
  engine: SyncEngine;
}

/**
 * Starts a meeting world before the file's tests and closes it after them. Its fields are set
 * once the tests run.
 */
export function useMeetingWorld(): MeetingWorld {
  const world = {} as MeetingWorld;
  let connectors: ReturnType<typeof sandboxConnectors> | undefined;
  beforeAll(async () => {
    world.w = await createMailboxWorld();
    await addMailServices(world.w, world.w.exchangeService());
    connectors = sandboxConnectors(world.w.sandbox, 'ews');
    world.source = new MemoryMailboxSource(connectors.connect);
    world.engine = new SyncEngine({ crm: world.w.h.crm, source: world.source, entities: [meetingsEntity] });
  });
  afterAll(async () => {
    connectors?.close();
    await world.w?.close();
  });
  return world;
}
