// Who is acting. Every read and write of the CRM core takes a Principal, and the access rules
// (src/crm/access.ts) decide from it what is visible and editable.

/** System operations a role can grant. */
export const SYSTEM_OPERATIONS = [
  /** Manage mail services, users, roles and organisation-wide settings (SPEC A2). */
  'CanManageAdministration',
  /** Manage users and their roles without other administration rights. */
  'CanManageUsers',
  /** Import and export CSV (B6). */
  'CanImportExport',
] as const;
export type SystemOperation = (typeof SYSTEM_OPERATIONS)[number];

export interface Principal {
  userId: string;
  roleIds: string[];
  operations: ReadonlySet<SystemOperation>;
  /** Administrators (holders of CanManageAdministration) see and edit every record. */
  isAdmin: boolean;
  /** Set when the write comes from the sync of this mailbox; the journal records it. */
  mailboxId?: string;
}
