// What every part of the mail-service domain shares: the store, the key, the connector factory.
import type { Kysely } from 'kysely';
import type { Database, Flag, MailboxesTable, MailServicesTable } from '../db/schema.ts';
import type { SecretBox } from '../secrets/index.ts';
import type { ConnectorFactory } from './connector-factory.ts';
import { MailboxError } from './errors.ts';

export interface LogSink {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface MailboxContext {
  db: Kysely<Database>;
  secrets: SecretBox;
  factory: ConnectorFactory;
  log?: LogSink;
  now(): Date;
}

export const flag = (value: Flag): boolean => value === true || value === 1;

export const nowIso = (ctx: MailboxContext) => ctx.now().toISOString();

export async function loadService(ctx: MailboxContext, id: string): Promise<MailServicesTable> {
  const row = await ctx.db.selectFrom('mail_services').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new MailboxError('not_found', `No mail service with id "${id}" exists.`);
  return row;
}

export async function loadMailboxRow(ctx: MailboxContext, id: string): Promise<MailboxesTable> {
  const row = await ctx.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row)
    throw new MailboxError('not_found', `No mailbox with id "${id}" exists or you have no access to it.`);
  return row;
}

export function parseDomains(json: string): string[] {
  const value = JSON.parse(json) as unknown;
  return Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string') : [];
}
