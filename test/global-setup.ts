// Runs once per test run. Database isolation lives in test/db.ts (one schema per test file on
// PostgreSQL, one file per test file on SQLite), so nothing global is needed yet beyond a
// clear message when the PostgreSQL run cannot reach its server.
export default async function setup(): Promise<void> {
  if (process.env.EXSYNC_TEST_DB !== 'postgres') return;
  const { default: pg } = await import('pg');
  const url = process.env.EXSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `The PostgreSQL test run needs a server at ${url} (set EXSYNC_TEST_POSTGRES_URL to change it): ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
