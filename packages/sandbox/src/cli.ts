// `exsync sandbox`: runs the Exchange emulator in the foreground.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SandboxAdminClient } from './admin/client.ts';
import { startSandbox } from './server.ts';

const USAGE = `Usage: exsync sandbox [--port 7400] [--host 127.0.0.1] [--seed demo|none] [--data <file>]
                      [--generate contacts=N,events=N,tasks=N,messages=N,mailboxes=M,seed=S]
                      [--admin-key <key>] [--log] [--fault '<rule as JSON>' …]

  --fault  adds a fault rule at start, as POST /sandbox/api/faults would (repeatable), e.g.
           --fault '{"protocol":"graph","mailbox":"ada@example.test","fault":{"kind":"throttle","retryAfterMs":2000},"rate":0.1}'`;

/** A --fault flag's rule; the admin API validates it (and names what is wrong) when it is added. */
export function parseFaultFlag(text: string): Parameters<SandboxAdminClient['addFault']>[0] {
  let rule: unknown;
  try {
    rule = JSON.parse(text);
  } catch {
    throw new Error(
      `--fault must be a JSON fault rule, e.g. '{"protocol":"ews","fault":{"kind":"serverError","status":503},"rate":0.05}'; got: ${text}`,
    );
  }
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    throw new Error(`--fault must be a JSON object with at least "fault"; got: ${text}`);
  }
  return rule as Parameters<SandboxAdminClient['addFault']>[0];
}

export async function runSandboxCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '7400' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      data: { type: 'string' },
      generate: { type: 'string' },
      'admin-key': { type: 'string' },
      log: { type: 'boolean', default: false },
      fault: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number (0-65535).\n${USAGE}`);
  if (values.seed !== 'demo' && values.seed !== 'none')
    throw new Error(`--seed must be demo or none.\n${USAGE}`);

  const faults = values.fault.map(parseFaultFlag);
  const sandbox = await startSandbox({
    port,
    host: values.host,
    seed: values.seed,
    dataFile: values.data,
    generate: values.generate,
    adminKey: values['admin-key'],
    logger: values.log,
  });
  try {
    for (const rule of faults) await sandbox.admin.addFault(rule);
  } catch (error) {
    await sandbox.close();
    throw new Error(`A --fault rule was refused: ${(error as Error).message}`);
  }
  const caFile = values.data
    ? `${values.data}.ca.pem`
    : join(tmpdir(), `exsync-sandbox-${sandbox.port}-ca.pem`);
  await writeFile(caFile, sandbox.caPem);

  const lines = [
    'Exsync sandbox (Exchange emulator) is running.',
    `  HTTP:   ${sandbox.url}`,
    `  HTTPS:  ${sandbox.httpsUrl}   (same port; trust the CA in ${caFile}, also at ${sandbox.url}/sandbox/api/ca.pem)`,
    `  EWS:    ${sandbox.url}/EWS/Exchange.asmx`,
    `  Graph:  ${sandbox.url}/v1.0`,
    `  Admin:  ${sandbox.url}/sandbox/api   (Authorization: Bearer ${sandbox.adminKey})`,
  ];
  if (sandbox.demo) {
    const d = sandbox.demo;
    lines.push(
      `  Tenant: ${d.domain} (${d.tenantId}); authority ${sandbox.httpsUrl}/${d.tenantId}`,
      `  Users:  ${d.users.map((u) => u.address).join(', ')}; service account ${d.serviceAccount.address}; password ${d.password}`,
      `  App:    client id ${d.app.clientId}, client secret ${d.app.clientSecret}`,
    );
  }
  if (faults.length > 0)
    lines.push(`  Faults: ${faults.length} rule(s) active; list them at ${sandbox.url}/sandbox/api/faults`);
  if (values.data) lines.push(`  Data:   ${values.data} (saved every 30 s and on exit)`);
  lines.push('Press Ctrl+C to stop.');
  console.log(lines.join('\n'));

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      sandbox
        .close()
        // A CA file of its own in the temporary folder goes with the sandbox; one beside --data stays with the data.
        .then(() => (values.data ? undefined : rm(caFile, { force: true })))
        .then(() => console.log('Sandbox stopped.'))
        .catch((error: unknown) => console.error('Stopping the sandbox failed:', error))
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
