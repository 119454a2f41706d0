// Contacts plugged into the generic engine: mapping (mapping.ts), the export filter (B3) and
// account linking on import (B2).
import { GRAPH_CONTACT_PHONES } from '../../connectors/graph/mapping/contact.ts';
import type { NeutralContact } from '../../connectors/types.ts';
import type { Contact } from '../../crm/contacts.ts';
import type { EntityDefinition } from '../types.ts';
import { accountLinker } from './accounts.ts';
import {
  type ContactSyncOptions,
  contactCreate,
  contactPatch,
  itemOfSnapshot,
  projectContact,
  snapshotOfItem,
} from './mapping.ts';

export const contactsEntity: EntityDefinition<Contact, NeutralContact, ContactSyncOptions> = {
  name: 'contacts',
  folderKind: 'contacts',
  recordType: 'contact',
  service: (crm) => crm.contacts,
  fromRecord: projectContact,
  fromItem: snapshotOfItem,
  toItem: itemOfSnapshot,
  needsCurrentItem: (options) => !options.syncNotes,
  toCreate: contactCreate,
  toPatch: contactPatch,
  forProtocol: (options, protocol) =>
    protocol === 'graph' ? { ...options, phoneSlots: GRAPH_CONTACT_PHONES } : options,
  inExportScope(record, options, tagged) {
    if (tagged || options.export.all) return true;
    if (options.export.types.includes(record.type)) return true;
    return record.groupIds.some((g) => (options.export as { groupIds: string[] }).groupIds.includes(g));
  },
  scopeKey: (options) =>
    JSON.stringify(
      options.export.all
        ? { all: true }
        : { types: [...options.export.types].sort(), groups: [...options.export.groupIds].sort() },
    ),
  async beforeImport(inputs, crm, principal) {
    const link = accountLinker(crm, principal);
    for (const input of inputs) {
      const choice = await link(input.companyName as string | undefined);
      if (choice.linked) input.accountId = choice.accountId;
    }
  },
  async beforeImportUpdate(patch, changed, crm, principal) {
    if (!('companyName' in changed)) return;
    const choice = await accountLinker(crm, principal)(changed.companyName as string | null);
    patch.accountId = choice.linked ? choice.accountId : null;
  },
};
