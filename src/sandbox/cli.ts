// `exsync sandbox`: runs the Exchange emulator in the foreground.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from './server.ts';

const USAGE = `Usage: exsync sandbox [--port 7400] [--host 127.0.0.1] [--seed demo|none] [--data <file>]
                      [--generate contacts=N,events=N,tasks=N,messages=N,mailboxes=M,seed=S]
                      [--admin-key <key>] [--log]`;

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

  const sandbox = await startSandbox({
    port,
    host: values.host,
    seed: values.seed,
    dataFile: values.data,
    generate: values.generate,
    adminKey: values['admin-key'],
    logger: values.log,
  });
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
  if (values.data) lines.push(`  Data:   ${values.data} (saved every 30 s and on exit)`);
  lines.push('Press Ctrl+C to stop.');
  console.log(lines.join('\n'));

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      sandbox
        .close()
        .then(() => console.log('Sandbox stopped.'))
        .catch((error: unknown) => console.error('Stopping the sandbox failed:', error))
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
