// The one place where the HTTP layer meets the CRM core's services: everything the routes call
// goes through here, so a change in the core's surface is absorbed in one file.
import { type Crm, isCrmError, recordTypes } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import type { RoutedRecordService, RoutedRecordType } from './routes/records.ts';

export interface CrmBackend {
  crm: Crm;
  recordTypes: RoutedRecordType[];
  /** The principal of an active user; null when the user is gone or deactivated. */
  principalFor(userId: string): Promise<Principal | null>;
}

export function crmBackend(crm: Crm): CrmBackend {
  return {
    crm,
    recordTypes: recordTypes.map((entry) => ({
      name: entry.name,
      recordType: entry.recordType,
      schemas: entry.schemas,
      sorts: entry.sorts,
      service: entry.service(crm) as unknown as RoutedRecordService,
    })),
    async principalFor(userId) {
      try {
        return await crm.users.principalFor(userId);
      } catch (error) {
        if (isCrmError(error, 'not_found') || isCrmError(error, 'forbidden')) return null;
        throw error;
      }
    },
  };
}
