// The text of `exsync help` and of every `exsync <command> --help`, one entry per command, so
// that the overview and each command's own help can never disagree.

export interface CommandHelp {
  /** The command word, as typed after `exsync`. */
  name: string;
  /** One line per form of the command, e.g. `contacts export [--out FILE]`. */
  synopsis: string[];
  /** One sentence for the overview. */
  summary: string;
  /** What the command does and what each option means, for `exsync <command> --help`. */
  details: string;
}

const ENVIRONMENT = `Environment:
  EXSYNC_DATABASE_URL   sqlite:./data/exsync.db (default) or postgres://user:pass@host/db
  PORT, EXSYNC_HOST, EXSYNC_PUBLIC_URL, EXSYNC_LOG_LEVEL, EXSYNC_BODY_LIMIT,
  EXSYNC_SECRET_KEY, EXSYNC_SECRET_KEY_FILE, EXSYNC_ALLOW_PRIVATE_ADDRESSES,
  EXSYNC_ADMIN_EMAIL, EXSYNC_ADMIN_PASSWORD   (README.md, "Configuration", says what each does)`;

export const COMMANDS: CommandHelp[] = [
  {
    name: 'serve',
    synopsis: ['serve [--port N] [--host H] [--no-build]'],
    summary: 'Start the server with the web UI, the REST API and automatic sync.',
    details: `Options:
  -p, --port N   the port to listen on (also PORT; default 8080)
  --host H       the address to listen on (also EXSYNC_HOST; default localhost: every address
                 the name resolves to, 127.0.0.1 and ::1 on most machines; 0.0.0.0 or :: for
                 every interface)
  --no-build     do not build the web UI first, even if web/dist is missing or stale

On the first start with an empty database it creates an administrator and prints the address
and a one-time password. It builds the web UI first if web/dist is missing or older than its
sources. Stop it with Ctrl+C or SIGTERM.`,
  },
  {
    name: 'migrate',
    synopsis: ['migrate'],
    summary: 'Bring the database schema up to date and list what ran.',
    details: `Takes no options. "exsync serve" migrates on start too; run this before starting several
servers against one PostgreSQL database.`,
  },
  {
    name: 'user',
    synopsis: ['user create [--admin] <email> [--name NAME] [--password PASSWORD]'],
    summary: 'Create a user from the command line.',
    details: `Options of "user create":
  --admin              make the user an administrator (default: sales user)
  --name NAME          the display name (default: the part of the address before @)
  --password PASSWORD  the password; without it a random one is generated and printed once`,
  },
  {
    name: 'contacts',
    synopsis: [
      'contacts export [--out FILE] [--user EMAIL] [--delimiter ;] [--bom]',
      'contacts import FILE [--user EMAIL] [--dry-run] [--delimiter ;]',
    ],
    summary: 'Export or import contacts as CSV (the columns Outlook uses).',
    details: `Options of "contacts export":
  --out FILE       write to FILE instead of standard output
  --user EMAIL     only the contacts EMAIL may see (default: all contacts)
  --delimiter D    , ; or tab (default ,)
  --bom            start the file with a byte order mark, for Excel

Options of "contacts import":
  FILE             the CSV file to read
  --user EMAIL     import as EMAIL, who owns the new contacts (default: the first administrator)
  --dry-run        check every row and print what would happen; write nothing
  --delimiter D    , ; or tab (default: detected from the first line)

Import prints the created, updated and failed rows and exits 1 when a row failed.`,
  },
  {
    name: 'status',
    synopsis: ['status'],
    summary: 'Show the database, its migrations, record counts and the change journal.',
    details: 'Takes no options. It reads the database and never creates or changes one.',
  },
  {
    name: 'sync',
    synopsis: ['sync <mailbox address or id> [--entity contacts|meetings|tasks]'],
    summary: 'Run one sync of a mailbox now and print its counts.',
    details: `Options:
  --entity NAME   what to sync: contacts, meetings or tasks (default contacts)

Exits 1 with the reason when the run fails or is refused (for example because the mailbox is
already being synced).`,
  },
  {
    name: 'demo',
    synopsis: ['demo [--port 8080] [--sandbox-port 7400] [--data ./data] [--no-build]'],
    summary: 'The quick start: Exsync and the Exchange sandbox, with demo users and data.',
    details: `Options:
  -p, --port N         Exsync's port (default 8080)
  --sandbox-port N     the sandbox's port (default 7400)
  --data DIR           where the demo keeps its database and the sandbox's data (default ./data)
  --no-build           do not build the web UI first, even if it is stale

Prints the address and the demo sign-ins. A second start keeps everything; delete
DIR/demo* to start afresh. Ctrl+C stops both.`,
  },
  {
    name: 'sandbox',
    synopsis: ['sandbox [options]'],
    summary: 'Run the Exchange emulator (EWS, Microsoft Graph, identity platform).',
    details: 'Its options are listed by "exsync sandbox --help".',
  },
  {
    name: 'help',
    synopsis: ['help [command]'],
    summary: 'Show this text, or one command’s help.',
    details: 'Same as "exsync <command> --help".',
  },
];

export function findCommand(name: string): CommandHelp | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `exsync help`: every command's forms and summary. */
export function overview(): string {
  const lines = ['Usage: exsync <command> [options]', '', 'Commands:'];
  for (const command of COMMANDS) {
    lines.push(`  ${command.synopsis[0]}`);
    for (const more of command.synopsis.slice(1)) lines.push(`  ${more}`);
    lines.push(`      ${command.summary}`);
  }
  lines.push('', 'Run "exsync <command> --help" for a command’s options.', '', ENVIRONMENT);
  return lines.join('\n');
}

/** `exsync <command> --help`. */
export function commandHelp(command: CommandHelp): string {
  const [first, ...more] = command.synopsis;
  return [
    `Usage: exsync ${first}`,
    ...more.map((form) => `       exsync ${form}`),
    '',
    command.summary,
    '',
    command.details,
  ].join('\n');
}

/** Exit codes: 0 done, 1 failed, 2 the command line was wrong. */
export const EXIT_USAGE = 2;
