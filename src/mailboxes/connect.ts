// Runs a connector against a mailbox's Exchange: builds it from the service and the decrypted
// secrets, runs the work, frees the connections, and reports the outcome to the mailbox's health.
import { type ConnectionTestResult, type ExchangeConnector, isConnectorError } from '../connectors/index.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { explainTest, type TestOutcome } from './connection-test.ts';
import { type MailboxCredentials, secretContext } from './connector-factory.ts';
import type { MailboxContext } from './context.ts';
import { isMailboxError, MailboxError } from './errors.ts';
import { recordConnectorOutcome } from './health.ts';
import { usesOAuth } from './rules.ts';
import { isSecretError } from './secret-errors.ts';
import { mailboxTokenCache } from './token-cache.ts';

export function credentialsOf(ctx: MailboxContext, row: MailboxesTable): MailboxCredentials {
  return {
    address: row.address,
    login: row.login,
    mode: row.access_mode,
    ...(row.secret_enc ? { password: ctx.secrets.open(row.secret_enc, secretContext.password(row.id)) } : {}),
    tokenCache: mailboxTokenCache(ctx, row.id),
  };
}

/** "Test connection" with the given credentials; never throws for connection problems. */
export async function testWith(
  ctx: MailboxContext,
  service: MailServicesTable,
  credentials: MailboxCredentials,
): Promise<TestOutcome> {
  const options = {
    oauth: usesOAuth(service.auth_method),
    organisation: credentials.mode === 'organisation',
  };
  let built: ReturnType<MailboxContext['factory']['build']> | undefined;
  try {
    built = ctx.factory.build(service, credentials);
    const result: ConnectionTestResult = await built.connector.testConnection();
    return explainTest(result, service, options);
  } catch (error) {
    if (isMailboxError(error)) return { ok: false, problem: 'other', message: error.message };
    if (isSecretError(error)) return { ok: false, problem: 'other', message: error.message };
    throw error;
  } finally {
    built?.close();
  }
}

/** Runs `work` with the mailbox's connector; connector failures become `exchange_error`. */
export async function withConnector<T>(
  ctx: MailboxContext,
  service: MailServicesTable,
  row: MailboxesTable,
  work: (connector: ExchangeConnector) => Promise<T>,
): Promise<T> {
  const built = ctx.factory.build(service, credentialsOf(ctx, row));
  try {
    const result = await work(built.connector);
    await recordConnectorOutcome(ctx, row.id, { ok: true });
    return result;
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    await recordConnectorOutcome(ctx, row.id, { ok: false, error });
    const advice =
      error.code === 'needs_sign_in'
        ? usesOAuth(service.auth_method)
          ? ' Sign in to Microsoft again (POST …/sign-in).'
          : ' Update the password.'
        : error.code === 'throttled'
          ? ' Exchange asks to slow down; try again later.'
          : '';
    throw new MailboxError('exchange_error', `Exchange answered with an error: ${error.message}${advice}`);
  } finally {
    built.close();
  }
}
