// Pages 100,000 items of one folder through itemChangesSince, 512 at a time, and prints items/s.
// Run: node bench/sandbox-store.ts [items]
import { createStore } from '@exsync/sandbox/state';
import type { SyncPosition } from '@exsync/sandbox/store-api';

const count = Number(process.argv[2] ?? 100_000);
const store = createStore();
const tenant = store.addTenant({ domain: 'bench.test' });
const mailbox = store.addMailbox({
  tenantId: tenant.id,
  address: 'bench@bench.test',
  displayName: 'Bench',
  password: 'x',
});
const folder = store.distinguishedFolder(mailbox.id, 'contacts')!;

const ids: string[] = [];
let t = performance.now();
for (let i = 0; i < count; i++) {
  ids.push(
    store.createItem(
      mailbox.id,
      folder.id,
      'contact',
      { givenName: `G${i}`, surname: `S${i}`, emailAddresses: [], phones: {}, addresses: {}, categories: [] },
      'system',
    ).id,
  );
}
const createMs = performance.now() - t;
// Churn: update every tenth item so the log has superseded entries to skip.
for (let i = 0; i < count; i += 10) store.updateItem(mailbox.id, ids[i], { jobTitle: 'x' }, 'system');

t = performance.now();
let position: SyncPosition = store.startPosition(mailbox.id, folder.id);
let seen = 0;
let pages = 0;
for (;;) {
  const page = store.itemChangesSince(position, 512);
  seen += page.changes.length;
  pages++;
  position = store.decodePosition(store.encodePosition(page.next));
  if (page.done) break;
}
const pageMs = performance.now() - t;
console.log(
  `created ${count} items in ${createMs.toFixed(0)} ms (${Math.round((count / createMs) * 1000)} items/s)`,
);
console.log(
  `paged ${seen} items in ${pages} pages of 512 in ${pageMs.toFixed(0)} ms (${Math.round((seen / pageMs) * 1000)} items/s)`,
);
