export const USAGE = `Usage: exsync <command> [options]

Commands:
  serve [--port N] [--host H]      Start the server (port also from PORT, default 8080;
                                   host from EXSYNC_HOST, default 127.0.0.1).
                                   On first start with an empty database it creates an
                                   administrator and prints how to sign in.
  migrate                          Bring the database schema up to date and list what ran.
  user create [--admin] <email> [--name NAME] [--password PASSWORD]
                                   Create a user; without --password a random one is
                                   generated and printed once.
  contacts export [--out FILE] [--user EMAIL] [--delimiter ;] [--bom]
                                   Write the contacts (those EMAIL may see; all without
                                   --user) as CSV to FILE or standard output.
  contacts import FILE [--user EMAIL] [--dry-run] [--delimiter ;]
                                   Import contacts from CSV as EMAIL (default: the first
                                   administrator); prints created, updated and failed rows.
  status                           Database location, migrations, record counts and the
                                   change journal's head.
  sync <mailbox address or id> [--entity contacts]
                                   Run one sync of the mailbox now and print its counts.
  demo [--port 8080] [--sandbox-port 7400] [--data ./data] [--no-build]
                                   The quick start: Exsync on ./data/demo.db with the
                                   sandbox beside it, demo users, mailboxes and records;
                                   prints the address and sign-in. Ctrl+C stops both.
  sandbox ...                      Run the Exchange emulator (see "exsync sandbox --help").
  help                             Show this text.

Environment:
  EXSYNC_DATABASE_URL   sqlite:./data/exsync.db (default) or postgres://user:pass@host/db
  PORT, EXSYNC_HOST, EXSYNC_PUBLIC_URL, EXSYNC_LOG_LEVEL, EXSYNC_BODY_LIMIT,
  EXSYNC_SECRET_KEY, EXSYNC_SECRET_KEY_FILE, EXSYNC_ALLOW_PRIVATE_ADDRESSES,
  EXSYNC_ADMIN_EMAIL, EXSYNC_ADMIN_PASSWORD
`;

/** Exit codes: 0 done, 1 failed, 2 the command line was wrong. */
export const EXIT_USAGE = 2;
