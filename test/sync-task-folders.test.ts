// Which task folders a mailbox's tasks sync reads (C2), and what looking at them costs, end to end
// against the sandbox on both protocols (and on the database EXSYNC_TEST_DB names). The tasks
// entity keeps its folder listing with the sync state for an hour
// (TASK_FOLDER_LISTING_MAX_AGE_MS): an unchanged task folder costs its one read, a new task list
// is read by the first run after the hour (at once on "Sync now"), a chosen list the kept
// listing does not know is looked up at once, and a list deleted meanwhile does not break the
// run: its tasks are gone from the CRM, the other lists go on syncing.
import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../src/connectors/errors.ts';
import { parseEwsError } from '../src/connectors/ews/errors.ts';
import type { ExchangeConnector, Protocol } from '../src/connectors/types.ts';
import type { Principal } from '../src/crm/principal.ts';
import {
  DEFAULT_MEETING_SYNC,
  DEFAULT_SETTINGS,
  DEFAULT_TASK_SYNC,
  engineSettings,
} from '../src/mailbox-sync/settings.ts';
import { TASK_FOLDER_LISTING_MAX_AGE_MS, tasksEntity } from '../src/sync/activities/tasks-entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm((sandbox) => {
  // A zero latency rule per protocol counts the operations the sandbox serves.
  for (const protocol of ['ews', 'graph'] as const)
    sandbox.faults.add({ id: `count-${protocol}`, protocol, fault: { kind: 'latency', ms: 0 } });
});

const MINUTE = 60_000;

const task = (subject: string) => ({
  subject,
  status: 'notStarted' as const,
  importance: 'normal' as const,
  percentComplete: 0,
  isReminderOn: false,
  categories: [],
});

for (const protocol of ['ews', 'graph'] as Protocol[]) {
  describe(`task folders over ${protocol}`, () => {
    /**
     * The sandbox answers a read of a deleted folder ErrorFolderNotFound; Exchange may answer
     * ErrorSyncFolderNotFound, which Exsync otherwise takes for a lost sync state. While `on`,
     * a read's `not_found` becomes that answer.
     */
    const syncFolderNotFound = { on: false };
    const exchange = useProtocolSource(
      world,
      protocol,
      (connector) =>
        new Proxy(connector, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver);
            if (prop !== 'readChanges') return value;
            return async function* (...args: Parameters<ExchangeConnector['readChanges']>) {
              try {
                yield* target.readChanges(...args);
              } catch (error) {
                if (!syncFolderNotFound.on || !isConnectorError(error, 'not_found')) throw error;
                throw parseEwsError(
                  { responseCode: 'ErrorSyncFolderNotFound', message: 'The sync folder was not found.' },
                  'SyncFolderItems',
                );
              }
            };
          },
        }),
    );
    /** The engine's clock: moved forward by the tests to pass the listing's hour. */
    let clock = Date.now();
    const engine = () =>
      new SyncEngine({
        crm: world.fx.crm,
        source: exchange.source,
        entities: [tasksEntity],
        now: () => new Date(clock),
      });

    /** Exchange operations the sandbox served while `work` ran. */
    async function counted<T>(work: () => Promise<T>): Promise<{ result: T; requests: number }> {
      const applied = () => world.sandbox.faults.list().find((r) => r.id === `count-${protocol}`)!.applied;
      const before = applied();
      const result = await work();
      return { result, requests: applied() - before };
    }

    /**
     * A fresh mailbox syncing tasks both ways from all its lists, or from those `choose` names
     * (the default list by its well-known name, as the server stores it).
     */
    async function mailbox() {
      const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {}, 'tasks');
      const { store } = world.sandbox;
      const sandboxId = store.mailbox(m.address)!.id;
      const own = store.distinguishedFolder(sandboxId, 'tasks')!;
      const connector = exchange.connectors.connect(m.address);
      const choose = (importFolders: 'all' | string[]) => {
        exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
          {
            ...DEFAULT_SETTINGS,
            meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
            tasks: { ...DEFAULT_TASK_SYNC, direction: 'two_way', importFolders },
          },
          { massDeleteShare: 1, phoneCountry: null },
          { names: [m.address] },
        );
      };
      choose('all');
      return {
        ...m,
        choose,
        /**
         * A new task list beside the default one, holding `subjects`; its id as the protocol names
         * it. `grace`: a list Grace Hopper shares with the user, her tasks naming her their owner.
         */
        async addList(name: string, subjects: string[], grace?: 'shared by grace') {
          const folder = store.createFolder(
            sandboxId,
            {
              parentId: own.parentId!,
              displayName: name,
              folderClass: 'IPF.Task',
              ...(grace ? { sharedBy: 'grace@example.test' } : {}),
            },
            'user',
          );
          for (const s of subjects)
            store.createItem(
              sandboxId,
              folder.id,
              'task',
              { ...task(s), ...(grace ? { owner: 'Grace Hopper' } : {}) },
              'user',
            );
          const listed = (await connector.listFolders('tasks')).find((f) => f.name === name)!;
          return { sandboxId: folder.id, id: listed.id };
        },
        addTask: (subject: string) => store.createItem(sandboxId, own.id, 'task', task(subject), 'user'),
        deleteList: (folderId: string) => store.deleteFolder(sandboxId, folderId, 'user'),
        async sync(trigger = 'schedule') {
          const run = await engine().syncMailbox(m.mailboxId, 'tasks', trigger);
          expect(run.status, JSON.stringify(run.error ?? run.tally?.errors)).toBe('succeeded');
          return run;
        },
      };
    }

    const subjects = async (principal: Principal) =>
      (await world.fx.crm.activities.list(principal, { cursor: null, limit: 100 })).items
        .map((a) => a.subject)
        .sort();

    it('syncs an unchanged task folder in one request, whether all folders or a chosen one are read', async () => {
      const m = await mailbox();
      m.addTask('Call Ada');
      await m.sync('manual');
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada']);
      // Scheduled runs within the hour: the folders are not listed again (nor, with no task
      // naming an owner, the owner's name looked up on EWS).
      clock += 10 * MINUTE;
      expect((await counted(() => m.sync())).requests).toBe(1);
      clock += 10 * MINUTE;
      expect((await counted(() => m.sync())).requests).toBe(1);

      m.choose(['tasks']);
      clock += 10 * MINUTE;
      const chosen = await counted(() => m.sync());
      expect(chosen.result.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
      expect(chosen.requests).toBe(1);
    });

    it('imports a chosen list in its read alone: on EWS without listing the folders, on Graph with one listing', async () => {
      const m = await mailbox();
      m.choose(['tasks']);
      m.addTask('Call Ada');
      // EWS: SyncFolderItems and GetItem. Graph: the To Do lists (is the list the user's own?),
      // then the delta, which holds the tasks.
      const first = await counted(() => m.sync('manual'));
      expect(first.result.tally?.counts.import.created).toBe(1);
      expect(first.requests).toBe(2);
    });

    it('imports 300 tasks in pages of 500 ids on EWS (1,000 tasks on Graph)', async () => {
      const m = await mailbox();
      m.choose(['tasks']);
      for (let i = 0; i < 300; i++) m.addTask(`Task ${i}`);
      // EWS: one SyncFolderItems and three full GetItems (pages of 256 took two and 100 + 100 +
      // 56 + 44). Graph: the To Do lists, then one delta page of up to 1,000 tasks (pages of 256
      // took two).
      const first = await counted(() => m.sync('manual'));
      expect(first.result.tally?.counts.import.created).toBe(300);
      expect(first.requests).toBe(protocol === 'ews' ? 4 : 2);
    });

    it('reads a new task list by the first run after the hour, and at once on "Sync now"', async () => {
      const m = await mailbox();
      m.addTask('Call Ada');
      await m.sync('manual');
      const listedAt = clock;

      await m.addList('Projects', ['Draft the offer']);
      clock = listedAt + 30 * MINUTE;
      await m.sync();
      clock = listedAt + TASK_FOLDER_LISTING_MAX_AGE_MS + MINUTE;
      const after = await m.sync();
      expect(after.tally?.counts.import.created).toBe(1);
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada', 'Draft the offer']);

      // "Sync now" looks at the folders whatever the listing's age.
      await m.addList('Travel', ['Book the train']);
      clock += MINUTE;
      const now = await m.sync('manual');
      expect(now.tally?.counts.import.created).toBe(1);
      expect(await subjects(m.userPrincipal)).toEqual(['Book the train', 'Call Ada', 'Draft the offer']);
    });

    it('reads a chosen list the kept listing does not know yet', async () => {
      const m = await mailbox();
      m.addTask('Call Ada');
      m.choose(['tasks']);
      await m.sync('manual');
      clock += MINUTE;
      await m.sync();
      const list = await m.addList('Projects', ['Draft the offer']);
      // A list grace shares with the user now: on Graph it says isOwner false, on EWS its task
      // names grace as the owner. Chosen or not, it is not the user's.
      const shared = await m.addList('Team list', ["Grace's task"], 'shared by grace');
      m.choose(['tasks', list.id, shared.id]);
      clock += MINUTE;
      const run = await m.sync();
      expect(run.tally?.counts.import.created).toBe(1);
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada', 'Draft the offer']);
    });

    it('never unlinks the tasks of a list the kept listing predates', async () => {
      // EWS reads chosen folders without listing them, so the listing kept from the first run
      // (all lists) does not know the list chosen afterwards.
      const m = await mailbox();
      m.addTask('Call Ada');
      await m.sync('manual');
      const list = await m.addList('Projects', ['Draft the offer']);
      m.choose(['tasks', list.id]);
      clock += MINUTE;
      expect((await m.sync()).tally?.counts.import.created).toBe(1);
      m.choose('all');
      clock += MINUTE;
      const run = await m.sync();
      expect(run.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
      expect(run.tally?.counts.export.created).toBe(0);
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada', 'Draft the offer']);
    });

    it('goes on when a list the kept listing names was deleted: its tasks are gone, the rest syncs', async () => {
      const m = await mailbox();
      m.addTask('Call Ada');
      const list = await m.addList('Projects', ['Draft the offer', 'Send the offer']);
      await m.sync('manual');
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada', 'Draft the offer', 'Send the offer']);

      m.deleteList(list.sandboxId);
      m.addTask('Call Grace');
      clock += 5 * MINUTE;
      const run = await m.sync();
      expect(run.tally?.counts.import).toEqual({ created: 1, updated: 0, deleted: 2, unlinked: 0 });
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada', 'Call Grace']);
      // The listing taken on finding the list gone serves the next runs: one request again.
      clock += 5 * MINUTE;
      expect((await counted(() => m.sync())).requests).toBe(1);
    });

    it.runIf(protocol === 'ews')(
      'goes on when Exchange answers ErrorSyncFolderNotFound for a deleted folder, read from a position or from scratch',
      async () => {
        const m = await mailbox();
        m.addTask('Call Ada');
        const list = await m.addList('Projects', ['Draft the offer']);
        await m.sync('manual');
        m.deleteList(list.sandboxId);
        clock += 5 * MINUTE;
        syncFolderNotFound.on = true;
        try {
          const run = await m.sync();
          expect(run.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 1, unlinked: 0 });
        } finally {
          syncFolderNotFound.on = false;
        }
        expect(await subjects(m.userPrincipal)).toEqual(['Call Ada']);
      },
    );

    it('goes on when a chosen list was deleted', async () => {
      const m = await mailbox();
      m.addTask('Call Ada');
      const list = await m.addList('Projects', ['Draft the offer']);
      m.choose(['tasks', list.id]);
      await m.sync('manual');
      m.deleteList(list.sandboxId);
      clock += 5 * MINUTE;
      const run = await m.sync();
      expect(run.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 1, unlinked: 0 });
      expect(await subjects(m.userPrincipal)).toEqual(['Call Ada']);
    });
  });
}
